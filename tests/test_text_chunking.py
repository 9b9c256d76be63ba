"""Language detection, sentence splitting, stemming, chunking and settings."""

from __future__ import annotations

from core.reader.chunking import chunk_document, is_prose
from core.reader.pdf import parse_pdf
from core.settings import Settings
from core.text import MixedStemmer, detect_lang, split_sentences, stem_tokens
from tests.pdfs import make_pdf


def test_detect_lang_with_mixed_terms():
    assert detect_lang("Что такое ReLU и зачем нужен BatchNorm?") == "ru"
    assert detect_lang("What is the role of dropout?") == "en"


def test_split_sentences_respects_abbreviations():
    assert split_sentences("See Fig. 1 for details. Vaswani et al. proposed it.", "en") == [
        "See Fig. 1 for details.", "Vaswani et al. proposed it."]
    assert len(split_sentences("Это первое предложение, т.е. начало. А это второе.", "ru")) == 2


def test_mixed_stemmer_per_token():
    stemmer = MixedStemmer()
    assert stemmer.stemWords(["нейронные", "networks"]) == ["нейрон", "network"]
    assert "сет" in stem_tokens("нейронные сети и the networks")
    assert "the" not in stem_tokens("the networks")


def test_is_prose_filters_formulas_and_fragments():
    assert is_prose("The Transformer uses multi-head attention in three different ways.")
    assert not is_prose("z = Wx + b,")
    assert not is_prose("2 Background")


def test_chunks_carry_page_and_section_and_never_cross_pages():
    data = make_pdf(
        # distinct sentences: a sentence the text layer repeats is kept once (de-duplication)
        ["Introduction. " + " ".join(f"Layer {i} replaces recurrence with attention." for i in range(30)),
         "Method. " + " ".join(f"We train model number {i} with Adam and warmup." for i in range(30))],
        toc=[[1, "Introduction", 1], [1, "Method", 2]],
    )
    pdf = parse_pdf(data)
    chunks, sentences = chunk_document(pdf, chunk_chars=300, overlap_sentences=1)
    assert {c.page for c in chunks} == {1, 2}
    assert all(len(c.text) <= 300 for c in chunks)
    assert {c.section for c in chunks if c.page == 1} == {"Introduction"}
    assert {c.section for c in chunks if c.page == 2} == {"Method"}
    assert [c.order for c in chunks] == list(range(len(chunks)))
    assert all(s.page in (1, 2) for s in sentences)
    # overlap: each chunk after the first on a page starts with the previous chunk's last sentence
    same_page = [(a, b) for a, b in zip(chunks, chunks[1:], strict=False) if a.page == b.page]
    assert same_page and all(b.text.startswith(a.text.split(". ")[-1].rstrip(".")[:20]) for a, b in same_page)


def test_settings_from_env_and_secrets(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('MARGO_LLM_BASE_URL = "http://127.0.0.1:9/v1"\n[margo]\nllm_model = "tiny"\ntop_k = 4\n')
    monkeypatch.setenv("MARGO_SECRETS_FILE", str(secrets))
    monkeypatch.setenv("MARGO_TOP_K", "9")
    monkeypatch.delenv("MARGO_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("MARGO_LLM_MODEL", raising=False)
    s = Settings()
    assert s.llm_base_url == "http://127.0.0.1:9/v1" and s.llm_model == "tiny"
    assert s.llm_enabled
    assert s.top_k == 9  # the environment wins over the secrets file
    monkeypatch.setenv("MARGO_SECRETS_FILE", str(tmp_path / "absent.toml"))
    assert not Settings().llm_enabled


def test_broken_secrets_file_does_not_stop_the_app(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("this is [not toml")
    monkeypatch.setenv("MARGO_SECRETS_FILE", str(secrets))
    assert Settings().top_k >= 1
