"""Command line for channel search (JSON on stdout, one-line errors on stderr).

::

    python -m core.channels import PATH [--name NAME] [--username USERNAME]
    python -m core.channels search "QUERY" [--channel NAME] [-k N] --json
    python -m core.channels search --queries FILE.jsonl [--channel NAME] --json
    python -m core.channels list

``search`` prints ``{"answer", "abstained", "results": [{"channel", "post_id", "date",
"url", "text", "score"}]}``; with ``--queries`` (lines ``{"id", "query"}``) one such
object per line, plus its ``"id"``. Exit status: 0 ok, 2 bad input, 3 storage/model error.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from ..cli import report_error
from ..embeddings import get_embedder
from ..errors import InputError, MargoError
from ..llm import llm_from_settings
from ..settings import get_settings
from ..workspace import local_workspace
from .answer import answer_question
from .search import ChannelLibrary


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m core.channels", description="Import and search Telegram channels.")
    sub = p.add_subparsers(dest="cmd", required=True)
    imp = sub.add_parser("import", help="import a Telegram export (result.json, messages.html, folder, JSON/CSV dump)")
    imp.add_argument("path")
    imp.add_argument("--name", help="channel name (default: the export's name)")
    imp.add_argument("--username", help="public username for post links, e.g. ai_newz")
    s = sub.add_parser("search", help="answer a question from the imported channels")
    s.add_argument("query", nargs="?", help="the question (or use --queries)")
    s.add_argument("--queries", help="JSONL file of {\"id\", \"query\"} lines")
    s.add_argument("--channel", action="append", help="channel name (repeat for several; default: all)")
    s.add_argument("-k", type=int, default=5, help="posts to return (default 5)")
    s.add_argument("--date-from", help="YYYY-MM-DD")
    s.add_argument("--date-to", help="YYYY-MM-DD")
    s.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    s.add_argument("--mode", choices=["hybrid", "rrf", "dense", "bm25"], default="hybrid")
    s.add_argument("--json", action="store_true", help="JSON output (the only format; accepted for clarity)")
    sub.add_parser("list", help="list imported channels")
    return p


def _read_queries(path: str) -> list[dict]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the queries file '{path}': {exc}.") from exc
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{Path(path).name} line {n} is not JSON.") from exc
        if not isinstance(obj, dict) or not str(obj.get("query", "")).strip() or "id" not in obj:
            raise InputError(f"{Path(path).name} line {n} needs \"id\" and a non-empty \"query\".")
        out.append(obj)
    if not out:
        raise InputError(f"{Path(path).name} holds no queries.")
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = get_settings()
        settings = local_workspace(settings).scoped(settings)  # #11: the local user's channels
        embedder = get_embedder(settings.embed_model, settings.threads, settings.allow_model_download)
        lib = ChannelLibrary(settings, embedder)
        if args.cmd == "import":
            report = lib.import_export(args.path, name=args.name, username=args.username)
            print(json.dumps(asdict(report), ensure_ascii=False))
            return 0
        if args.cmd == "list":
            print(json.dumps([asdict(c) for c in lib.channels()], ensure_ascii=False))
            return 0
        if bool(args.query) == bool(args.queries):
            raise InputError("Give either a QUERY or --queries FILE.jsonl.")
        if args.k < 1:
            raise InputError("-k must be at least 1.")
        llm = llm_from_settings(settings)
        batch = _read_queries(args.queries) if args.queries else [{"query": args.query}]
        for item in batch:
            ans, hits = answer_question(lib, str(item["query"]), channels=args.channel, k=args.k, llm=llm,
                                        date_from=args.date_from, date_to=args.date_to, sort=args.sort,
                                        mode=args.mode)
            obj = ans.as_json(hits)
            obj["notice"] = ans.notice or ""  # #11: non-empty whenever the LLM path failed
            if "id" in item:
                obj = {"id": item["id"], **obj}
            print(json.dumps(obj, ensure_ascii=False), flush=True)
        return 0
    except MargoError as exc:
        return report_error(exc)


if __name__ == "__main__":
    sys.exit(main())
