"""Command line for the interview scorer (JSON on stdout, one object per line).

Usage::

    python -m core.interview score --question Q --reference R --answer A [--lang ru|en] --json
    python -m core.interview score --batch FILE.jsonl [--lang ru|en] --json
    python -m core.interview run ANSWERS.jsonl [--lang ru|en]

Batch input lines are ``{"id", "question", "reference", "answer"}`` (optional ``"lang"``
and ``"key_points"``); each output line is ``{"id", "score", "correctness",
"completeness", "structure", "off_topic", "covered", "missed", "feedback"}`` with scores
0-100 and ``off_topic`` a boolean. The embedder and the bank's embeddings load once.

``run`` plays a whole interview headless through :class:`core.interview.session.InterviewSession`:
input lines are ``{"question_id", "answer"}`` (bank ids; consecutive lines with the same id
are revisions); each output line is a turn ``{"question_id", "revision", "score", ...,
"verdict", "feedback"}`` and the last line ``{"summary": {...}}``.
Bad input prints one ``error: ...`` line on stderr and exits with status 2; any other
failure exits with status 3 (see :mod:`core.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..cli import report_error
from ..errors import InputError, MargoError

__all__ = ["main"]


def _jsonl_lines(path: Path, what: str) -> Iterator[tuple[int, Any]]:
    """``(1-based line number, parsed JSON)`` for each non-blank line of a JSONL file.

    Raises:
        InputError: the file is missing or unreadable, or a line is not valid JSON.
    """
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"{what} not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what} {path}: {exc}") from exc
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n}: not valid JSON ({exc.msg})") from exc


def _parse_batch(path: Path, default_lang: str | None) -> list[dict[str, Any]]:
    items = []
    for n, obj in _jsonl_lines(path, "batch file"):
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


def _parse_run(path: Path) -> list[dict[str, Any]]:
    items = []
    for n, obj in _jsonl_lines(path, "answers file"):
        if not isinstance(obj, dict) or not isinstance(obj.get("question_id"), str) or not isinstance(obj.get("answer"), str):
            raise InputError(f"line {n}: expected {{\"question_id\": str, \"answer\": str}}")
        items.append(obj)
    if not items:
        raise InputError(f"answers file {path} has no lines")
    return items


def _run_session(items: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    from ..embeddings import get_embedder
    from ..settings import get_settings
    from .bank import load_bank
    from .feedback import feedback_text
    from .scoring import Scorer
    from .session import InterviewSession

    settings = get_settings()
    embedder = get_embedder(settings.embed_model, settings.threads, settings.allow_model_download)
    bank = load_bank()
    unknown = sorted({it["question_id"] for it in items if bank.get(it["question_id"]) is None})
    if unknown:
        raise InputError("unknown question_id: " + ", ".join(unknown[:5]))
    missing_lang = sorted({it["question_id"] for it in items if lang not in bank.get(it["question_id"]).langs})
    if missing_lang:
        raise InputError(f"question(s) not available in '{lang}': " + ", ".join(missing_lang[:5]))
    order = list(dict.fromkeys(it["question_id"] for it in items))
    scorer = Scorer(embedder, bank, settings.data_dir / "interview" / "cache")
    session = InterviewSession(scorer, None, lang=lang, n_questions=len(order), questions=order, seed=0)
    out = []
    session.start()
    for it in items:
        while session.current != it["question_id"]:
            if session.next_question() is None:  # pragma: no cover - order covers every id
                break
        turn = session.submit(it["answer"])
        r = turn.result
        out.append({"question_id": turn.question_id, "revision": turn.revision, "score": r.score,
                    "correctness": r.correctness, "completeness": r.completeness, "structure": r.structure,
                    "flag": r.flag, "covered": r.covered, "missed": r.missed, "verdict": turn.feedback.summary,
                    "feedback": feedback_text(turn.feedback, lang)})
    s = session.finish()
    out.append({"summary": {"mean_best": s.mean_best, "rows": s.rows, "strong_topics": s.strong_topics,
                            "weak_topics": s.weak_topics, "missed_points": s.missed_points}})
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
    rn = sub.add_parser("run", help="run a whole interview headless from a JSONL of answers")
    rn.add_argument("answers", type=Path, help='JSONL of {"question_id", "answer"}')
    rn.add_argument("--lang", choices=("ru", "en"), default="en", help="interview language (default en)")
    args = parser.parse_args(argv)
    if args.command == "run":
        try:
            results = _run_session(_parse_run(args.answers), args.lang)
        except MargoError as exc:
            return report_error(exc)
        for r in results:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        return 0
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
