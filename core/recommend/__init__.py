"""Recommendations: top-N from interaction logs, offline evaluation, and Margo's "what next".

Public API::

    from core.recommend import read_interactions, read_items, load_dataset, evaluate, Recommender

* :mod:`core.recommend.data`        the data model and CSV reading with clear errors.
* :mod:`core.recommend.models`      popularity, item-kNN, ALS, BPR, EASE, content, hybrid.
* :mod:`core.recommend.evaluation`  time-aware splits and MAP/NDCG/Recall@k, coverage, popularity bias.
* :mod:`core.recommend.service`     tuning on validation, evaluation tables, explained top-N lists.
* :mod:`core.recommend.next`        "what next" for the interview coach, the Reader and Channel search.

No module here imports streamlit.
"""

from .data import Dataset, load_dataset, read_interactions, read_items
from .evaluation import SPLITS, EvalResult, Split, make_split, ranking_metrics
from .service import MODEL_NAMES, Recommendation, Recommender, evaluate

__all__ = [
    "MODEL_NAMES",
    "SPLITS",
    "Dataset",
    "EvalResult",
    "Recommendation",
    "Recommender",
    "Split",
    "evaluate",
    "load_dataset",
    "make_split",
    "ranking_metrics",
    "read_interactions",
    "read_items",
]
