"""Margo's core: everything the pages do, without Streamlit.

Subpackages and modules:
    settings    one typed settings object (environment and ``.streamlit/secrets.toml``)
    errors      the exception tree; pages catch :class:`core.errors.MargoError`
    types       domain types: Chunk, Citation, Answer, Summary
    text        language detection, sentence splitting, stemming
    embeddings  the pluggable embedder (offline multilingual USE by default)
    pdf         PDF validation, page text, outline, highlighted page rendering
    chunking    pages into chunks that carry page and section
    index       per-document LlamaIndex FAISS + BM25 index, persisted by content hash
    summarize   extractive (LexRank) and LLM summaries with page references
    qa          extractive and LLM answers with page citations and abstention
    llm         OpenAI-compatible chat client with timeout and clean failure
    notes       Markdown export of summary and Q&A
    reader      the Reader service and its command line (``python -m core.reader``)
"""
