"""Command line of paper search::

    python -m core.papers search "QUERY" [--max N] --json   # one {"id","title","authors","year","abstract","pdf_url"} per line
    python -m core.papers fetch ARXIV_ID --json             # {"id","path","pages"}

Exit status: 0 ok, 2 bad input, 3 network failure (one ``error: ...`` line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..cli import report_error
from ..errors import MargoError
from ..settings import Settings
from .arxiv import ArxivClient


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m core.papers", description="Find papers on arXiv and import them.")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("search", help="search arXiv by free text")
    s.add_argument("query")
    s.add_argument("--max", type=int, default=10, help="at most N results (default 10)")
    s.add_argument("--json", action="store_true", help="print JSON, one object per line")
    f = sub.add_parser("fetch", help="download a paper's PDF and index it for the Reader")
    f.add_argument("arxiv_id")
    f.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    settings = Settings()
    client = ArxivClient.from_settings(settings)
    try:
        if args.command == "search":
            for hit in client.search(args.query, args.max):
                if args.json:
                    print(json.dumps(hit.to_json(), ensure_ascii=False), flush=True)
                else:
                    print(f"{hit.id}  {hit.year}  {hit.title} — {', '.join(hit.authors[:3])}")
            return 0
        from ..reader import Reader
        from . import fetch_paper

        paper = fetch_paper(args.arxiv_id, Reader.from_settings(settings), client)
        out = {"id": paper.hit.id, "path": str(paper.path), "pages": paper.document.n_pages}
        print(json.dumps(out, ensure_ascii=False) if args.json else f"{out['id']}: {out['pages']} pages, {out['path']}")
        return 0
    except (MargoError, OSError) as exc:
        return report_error(exc)


if __name__ == "__main__":
    sys.exit(main())
