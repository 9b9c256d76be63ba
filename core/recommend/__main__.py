"""Command line of the recommender.

::

    python -m core.recommend evaluate --interactions ratings.csv --items movies.csv [--k 10] --json
    python -m core.recommend recommend --interactions ratings.csv --items movies.csv --user 1 [--k 10] --json
    python -m core.recommend similar --interactions ratings.csv --items movies.csv --item 1 [--k 10] --json

``evaluate`` prints a JSON array with one object per model
``{"model", "split", "map@10", "ndcg@10", "recall@10", "coverage", "pop_bias", "users", "train_s", "params"}``;
``recommend`` prints ``{"user", "model", "items": [{"item_id", "title", "score", "reason"}]}``.
Bad input: exit code 2 and one ``error: ...`` line on stderr (see :mod:`core.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..cli import report_error
from ..errors import InputError, MargoError
from .data import Dataset, load_dataset, read_interactions, read_items
from .evaluation import SPLITS
from .service import MODEL_NAMES, Recommender, evaluate


def _load(args: argparse.Namespace) -> tuple[Dataset, object]:
    log = read_interactions(args.interactions)
    items = read_items(args.items) if args.items else None
    min_rating = None if args.min_rating < 0 else args.min_rating
    data = load_dataset(log, items, min_rating=min_rating)
    embeddings = None
    if items is not None and not args.no_text:
        from ..embeddings import get_embedder
        from ..settings import Settings

        cfg = Settings()
        embeddings = get_embedder(cfg.embed_model, cfg.threads, cfg.allow_model_download).embed(data.texts)
    return data, embeddings


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m core.recommend", description=__doc__.split("\n")[1])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("evaluate", "recommend", "similar"):
        p = sub.add_parser(name)
        p.add_argument("--interactions", required=True, help="CSV user_id,item_id,timestamp[,rating]")
        p.add_argument("--items", help="CSV item_id,title[,text]")
        p.add_argument("--k", type=int, default=10)
        p.add_argument("--min-rating", type=float, default=4.0,
                       help="ratings >= this are positives (default 4, the MovieLens convention; -1 keeps all)")
        p.add_argument("--no-text", action="store_true", help="skip item-text embeddings (no content models)")
        p.add_argument("--json", action="store_true", help="JSON on stdout")
        if name == "evaluate":
            p.add_argument("--split", choices=SPLITS, default="user_temporal")
            p.add_argument("--models", default=",".join(MODEL_NAMES), help="comma-separated model names")
            p.add_argument("--no-tune", action="store_true", help="skip the validation search")
        else:
            p.add_argument("--model", choices=MODEL_NAMES, default="ease")
            p.add_argument("--user" if name == "recommend" else "--item", required=True)
    args = parser.parse_args(argv)
    try:
        if args.k < 1:
            raise InputError("--k must be at least 1.")
        data, embeddings = _load(args)
        if args.command == "evaluate":
            models = [m.strip() for m in args.models.split(",") if m.strip()]
            rows = [r.row() for r in evaluate(data, args.split, models, embeddings, k=args.k,
                                              tune_params=not args.no_tune)]
            if args.json:
                print(json.dumps(rows, ensure_ascii=False))
            else:
                for r in rows:
                    print(f"{r['model']:12s} ndcg@{args.k}={r[f'ndcg@{args.k}']:.4f} map@{args.k}={r[f'map@{args.k}']:.4f} "
                          f"recall@{args.k}={r[f'recall@{args.k}']:.4f} coverage={r['coverage']:.3f} "
                          f"pop_bias={r['pop_bias']:.2f} train_s={r['train_s']:.2f} {r['params']}")
            return 0
        rec = Recommender(data, args.model, embeddings=embeddings)
        if args.command == "recommend":
            items = rec.recommend(args.user, args.k)
            out = {"user": args.user, "model": args.model, "items": [i.as_dict() for i in items]}
        else:
            items = rec.similar_items(args.item, args.k)
            out = {"item": args.item, "items": [i.as_dict() for i in items]}
        if args.json:
            print(json.dumps(out, ensure_ascii=False))
        else:
            for n, i in enumerate(items, 1):
                print(f"{n:2d}. {i.title}  ({i.reason()})")
        return 0
    except (MargoError, OSError) as exc:
        return report_error(exc)


if __name__ == "__main__":
    sys.exit(main())
