"""The Reader's command line: summarise a PDF or ask it questions.

The command line of the Reader (:class:`core.reader.Reader`)::

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
from pathlib import Path

from ..cli import report_error
from ..errors import InputError, MargoError
from ..settings import load_settings
from ..workspace import local_workspace
from . import Reader, answer_json
from .ocr import LOW_CONFIDENCE, load_ocr_report

__all__ = ["main"]


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


def _ocr_notice(data: bytes, reader: Reader) -> str:
    """A one-line note when the file was read through OCR ("" for a PDF with a text layer).

    Pages whose mean word confidence is below :data:`core.reader.ocr.LOW_CONFIDENCE`
    (handwriting, poor scans) are named, since answers from them are unreliable.
    """
    report = load_ocr_report(data, reader.settings.data_dir / "ocr")
    if not report:
        return ""
    note = f"Read through OCR ({len(report)} pages recognised)."
    low = [r.page for r in report if r.confidence < LOW_CONFIDENCE]
    if low:
        note += f" Low recognition confidence on pages {', '.join(map(str, low))}: text there may be wrong."
    return note


def _join(*notes: str) -> str:
    return " ".join(n for n in notes if n)


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
        settings = load_settings()  # #11: one-line error naming a bad setting
        reader = Reader.from_settings(local_workspace(settings).scoped(settings))  # #11: the local user's papers
        data = _read_pdf(args.pdf)
        doc = reader.open(data)
        ocr_note = _ocr_notice(data, reader)
        if args.command == "summarize":
            summary = reader.summarize(doc, args.sentences)
            _print({"summary": summary.text, "sentences": [{"text": x.text, "page": x.page} for x in summary.sentences],
                    "notice": _join(summary.notice or "", ocr_note)}, args.json)
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
                out = answer_json(reader.ask(doc, question))
                _print({"id": item.get("id"), **out, "notice": _join(out["notice"], ocr_note)}, args.json)
            return 0
        if not args.question or not args.question.strip():
            raise InputError("Give a question, or --questions FILE.jsonl.")
        out = answer_json(reader.ask(doc, args.question))
        _print({**out, "notice": _join(out["notice"], ocr_note)}, args.json)
        return 0
    except (MargoError, OSError) as exc:
        return report_error(exc)


if __name__ == "__main__":
    sys.exit(main())
