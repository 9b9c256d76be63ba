"""Command line for the interview scorer (JSON on stdout, one object per line).

Usage::

    python -m core.interview score --question Q --reference R --answer A [--lang ru|en] --json
    python -m core.interview score --batch FILE.jsonl [--lang ru|en] --json

Batch input lines are ``{"id", "question", "reference", "answer"}`` (optional ``"lang"``
and ``"key_points"``); each output line is ``{"id", "score", "correctness",
"completeness", "structure", "off_topic", "covered", "missed", "feedback"}`` with scores
0-100 and ``off_topic`` a boolean. The embedder and the bank's embeddings load once.
Bad input prints one ``error: ...`` line on stderr and exits with status 2; any other
failure exits with status 3 (see :mod:`core.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..cli import report_error
from ..errors import InputError, MargoError

__all__ = ["main"]


def _parse_batch(path: Path, default_lang: str | None) -> list[dict[str, Any]]:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"batch file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read batch file {path}: {exc}") from exc
    items = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n}: not valid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise InputError(f"line {n}: expected a JSON object")
        for key in ("question", "reference", "answer"):
            if not isinstance(obj.get(key), str):
                raise InputError(f"line {n}: '{key}' is missing or not a string")
        if not obj["reference"].strip():
            raise InputError(f"line {n}: 'reference' is empty")
        lang = obj.get("lang", default_lang)
        if lang not in (None, "ru", "en"):
            raise InputError(f"line {n}: 'lang' must be 'ru' or 'en'")
        kps = obj.get("key_points")
        if kps is not None and not (isinstance(kps, list) and all(isinstance(k, str) for k in kps)):
            raise InputError(f"line {n}: 'key_points' must be a list of strings")
        items.append({"id": obj.get("id", n), "question": obj["question"], "reference": obj["reference"],
                      "answer": obj["answer"], "lang": lang, "key_points": kps})
    if not items:
        raise InputError(f"batch file {path} has no lines")
    return items


def _score_items(items: list[dict[str, Any]], use_bank: bool) -> list[dict[str, Any]]:
    from ..embeddings import get_embedder
    from ..settings import get_settings
    from ..text import detect_lang
    from .bank import load_bank
    from .feedback import build_feedback, feedback_text
    from .scoring import Scorer

    settings = get_settings()
    embedder = get_embedder(settings.embed_model, settings.threads, settings.allow_model_download)
    bank = load_bank() if use_bank else None
    scorer = Scorer(embedder, bank, settings.data_dir / "interview" / "cache")
    # The batch's own references are off-topic distractors for each other (embedded once).
    refs = list(dict.fromkeys(it["reference"] for it in items))
    ref_vecs = embedder.embed(refs) if len(refs) > 1 else None
    out = []
    for it in items:
        lang = it["lang"] or detect_lang(it["question"] + " " + it["reference"])
        if ref_vecs is not None:
            mask = [r != it["reference"] for r in refs]
            dist, dist_ids = ref_vecs[mask], [f"batch:{i}" for i, m in enumerate(mask) if m]
        else:
            dist, dist_ids = None, None
        result = scorer.score(it["question"], it["reference"], it["answer"], lang, it["key_points"],
                              distractors=dist, distractor_ids=dist_ids)
        fb = build_feedback(result, it["reference"], lang)
        out.append({
            "id": it["id"], "score": result.score, "correctness": result.correctness,
            "completeness": result.completeness, "structure": result.structure,
            "off_topic": bool(result.off_topic), "covered": result.covered, "missed": result.missed,
            "feedback": feedback_text(fb, lang),
        })
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m core.interview", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sc = sub.add_parser("score", help="score answers against reference answers")
    sc.add_argument("--question", help="the question")
    sc.add_argument("--reference", help="the reference answer")
    sc.add_argument("--answer", help="the candidate's answer")
    sc.add_argument("--batch", type=Path, help="JSONL file of {id, question, reference, answer}")
    sc.add_argument("--lang", choices=("ru", "en"), help="expected answer language (default: the question's)")
    sc.add_argument("--json", action="store_true", help="JSON output, one object per line (the default)")
    sc.add_argument("--no-bank", action="store_true", help="do not use the bundled bank as off-topic distractors")
    args = parser.parse_args(argv)
    try:
        if args.batch:
            if args.question or args.reference or args.answer:
                raise InputError("use either --batch or --question/--reference/--answer, not both")
            items = _parse_batch(args.batch, args.lang)
        else:
            missing = [n for n in ("question", "reference", "answer") if getattr(args, n) is None]
            if missing:
                raise InputError("missing " + ", ".join(f"--{m}" for m in missing) + " (or use --batch FILE.jsonl)")
            if not args.reference.strip():
                raise InputError("--reference is empty")
            items = [{"id": None, "question": args.question, "reference": args.reference, "answer": args.answer,
                      "lang": args.lang, "key_points": None}]
        results = _score_items(items, use_bank=not args.no_bank)
    except MargoError as exc:
        return report_error(exc)
    for r in results:
        sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
