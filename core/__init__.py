"""Margo's core: everything the pages do, without Streamlit.

Subpackages and modules:
    settings    one typed settings object (environment and ``.streamlit/secrets.toml``)
    errors      the exception tree; pages catch :class:`core.errors.MargoError`
    types       domain types: Chunk, Citation, Answer, Summary
    text        language detection, sentence splitting, stemming
    embeddings  the pluggable embedder (offline multilingual USE by default)
    retrieval   the one retrieval core: persisted LlamaIndex FAISS + BM25 hybrid index, fusion
    llm         OpenAI-compatible chat client with timeout and clean failure
    reader      the Reader package (pdf, chunking, documents, summarize, qa, glossary, notes)
                and its command line (``python -m core.reader``)
"""
