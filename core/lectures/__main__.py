"""Command line: chapters, summary and cited answers for a lecture file or YouTube link.

::

    python -m core.lectures summarize MEDIA_OR_SUBTITLES --json
    python -m core.lectures ask MEDIA_OR_SUBTITLES "QUESTION" --json

JSON on stdout (times in seconds). Bad input: exit 2 and one ``error: ...`` line on
stderr; other failures exit 3 (see :mod:`core.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..cli import report_error
from ..embeddings import get_embedder
from ..errors import MargoError
from ..llm import llm_from_settings
from ..settings import get_settings
from ..workspace import local_workspace
from .notes import notes_markdown
from .qa import LectureIndex, answer_question
from .service import lecture_from_path, summarize
from .types import format_time


def _progress(done: float, total: float, eta: float | None) -> None:
    left = f", about {eta:.0f} s left" if eta is not None else ""
    print(f"\rtranscribing {format_time(done)} / {format_time(total)}{left}", end="", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m core.lectures", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_sum = sub.add_parser("summarize", help="chapters and a summary with times")
    p_sum.add_argument("source", help="audio/video file, .srt/.vtt subtitles, or a YouTube link")
    p_sum.add_argument("--json", action="store_true", help="JSON output")
    p_sum.add_argument("--markdown", action="store_true", help="Markdown notes output")
    p_ask = sub.add_parser("ask", help="answer a question with [mm:ss] citations")
    p_ask.add_argument("source")
    p_ask.add_argument("question")
    p_ask.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        if args.command == "ask" and not args.question.strip():
            from ..errors import InputError

            raise InputError("The question is empty.")
        transcript = lecture_from_path(args.source, settings, local_workspace(settings),
                                       progress=_progress if sys.stderr.isatty() else None)
        embedder = get_embedder(settings.embed_model, settings.threads, settings.allow_model_download)
        lecture = LectureIndex.build(transcript, embedder)
        llm = llm_from_settings(settings)
        if args.command == "summarize":
            summary = summarize(lecture, settings, llm)
            if args.markdown:
                print(notes_markdown(transcript.name, summary, lang=summary.language))
            elif args.json:
                print(json.dumps(summary.to_json(), ensure_ascii=False, indent=1))
            else:
                for ch in summary.chapters:
                    print(f"[{format_time(ch.start_s)}] {ch.title}")
            return 0
        answer = answer_question(lecture, args.question, llm=llm)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
        else:
            print(answer.text)
        return 0
    except (MargoError, OSError) as exc:
        return report_error(exc)


if __name__ == "__main__":
    sys.exit(main())
