"""The Reader: open a paper, summarise it, answer questions with page citations.

:class:`Reader` ties settings, the embedder and the optional LLM together for the
page and the command line::

    python -m core.reader summarize PAPER.pdf [--sentences N] --json
    python -m core.reader ask PAPER.pdf "QUESTION" --json
    python -m core.reader ask PAPER.pdf --questions FILE.jsonl --json

Output is JSON on stdout (one object per line in batch mode); pages are 1-based.
Bad input exits with status 2 and one line ``error: ...`` on stderr (see :mod:`core.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from .cli import report_error
from .documents import ReaderDocument, open_document
from .embeddings import Embedder, get_embedder
from .errors import InputError, MargoError
from .llm import LLMClient, llm_from_settings
from .qa import answer_question
from .settings import Settings
from .summarize import summarize
from .types import Answer, Lang, Summary

__all__ = ["Reader", "answer_json", "main"]


@dataclass
class Reader:
    """The Reader service.

    Attributes:
        settings: app settings (limits, thresholds, data directory).
        embedder: the embedder (default: from settings).
        llm: optional LLM client (default: from settings; None = offline).
    """

    settings: Settings
    embedder: Embedder
    llm: LLMClient | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Reader:
        """Build a Reader with the configured embedder and LLM.

        Raises:
            ModelError: the configured embedding model cannot be loaded.
        """
        return cls(
            settings=settings,
            embedder=get_embedder(settings.embed_model, settings.threads, settings.allow_model_download),
            llm=llm_from_settings(settings),
        )

    def open(self, data: bytes) -> ReaderDocument:
        """Open a PDF from its bytes (reloads a saved index by content hash).

        Raises:
            InputError: not a usable PDF (not a PDF, corrupt, encrypted, empty,
                image-only, too large); nothing saved is touched.
        """
        cfg = self.settings
        return open_document(
            data,
            self.embedder,
            cfg.index_dir,
            chunk_chars=cfg.chunk_chars,
            overlap_sentences=cfg.chunk_overlap_sentences,
            max_bytes=cfg.max_upload_mb * 1024 * 1024,
            max_pages=cfg.max_pages,
        )

    def summarize(self, doc: ReaderDocument, n_sentences: int | None = None, lang: Lang | None = None) -> Summary:
        """Summarise ``doc`` (LLM when configured, else extractive)."""
        return summarize(doc, self.embedder, n_sentences or self.settings.summary_sentences, self.llm, lang)

    def ask(self, doc: ReaderDocument, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        """Answer ``question`` about ``doc`` with page citations, or abstain."""
        cfg = self.settings
        return answer_question(
            doc,
            question,
            self.embedder,
            threshold=(cfg.abstain_threshold, cfg.abstain_threshold_crosslingual),
            llm=self.llm,
            top_k=cfg.top_k,
            n_sentences=cfg.answer_sentences,
            history=history,
        )


def answer_json(answer: Answer) -> dict:
    """The command line's JSON shape of an answer."""
    return {
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [{"page": c.page, "quote": c.quote} for c in answer.citations],
        "lang": answer.lang,
    }


def _read_pdf(path: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"No such file: {path}")
    return p.read_bytes()


def _print(obj: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(obj, ensure_ascii=False), flush=True)
    else:
        print(obj.get("summary") or obj.get("answer"))
        for c in obj.get("citations", []) or obj.get("sentences", []):
            print(f"  p. {c['page']}: {c.get('quote') or c.get('text')}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (0 ok, 2 bad input)."""
    parser = argparse.ArgumentParser(prog="python -m core.reader", description="Summarise a PDF or ask it questions.")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("summarize", help="summarise a PDF")
    s.add_argument("pdf")
    s.add_argument("--sentences", type=int, default=None, help="length of the summary in sentences")
    s.add_argument("--json", action="store_true", help="print JSON")
    a = sub.add_parser("ask", help="ask a PDF a question")
    a.add_argument("pdf")
    a.add_argument("question", nargs="?", help="the question (or --questions FILE.jsonl)")
    a.add_argument("--questions", help='JSONL file of {"id": ..., "question": ...} lines')
    a.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        reader = Reader.from_settings(Settings())
        doc = reader.open(_read_pdf(args.pdf))
        if args.command == "summarize":
            summary = reader.summarize(doc, args.sentences)
            _print({"summary": summary.text, "sentences": [{"text": x.text, "page": x.page} for x in summary.sentences]},
                   args.json)
            return 0
        if args.questions:
            lines = Path(args.questions).read_text(encoding="utf-8").splitlines()
            for n, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    question = str(item["question"])
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(f"{args.questions}:{n}: expected a JSON object with a \"question\"") from exc
                _print({"id": item.get("id"), **answer_json(reader.ask(doc, question))}, args.json)
            return 0
        if not args.question or not args.question.strip():
            raise InputError("Give a question, or --questions FILE.jsonl.")
        _print(answer_json(reader.ask(doc, args.question)), args.json)
        return 0
    except (MargoError, OSError) as exc:
        return report_error(exc)


if __name__ == "__main__":
    sys.exit(main())
