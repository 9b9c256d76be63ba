"""The recommender's data model: users, items with text, interactions with time and an optional rating.

An interactions log is a CSV ``user_id,item_id,timestamp[,rating]`` (other column names are
mapped by :func:`guess_columns` or by the caller); an items catalogue is a CSV
``item_id,title[,text]``. Both are read with pandas into a :class:`Dataset`, whose users and
items are numbered from 0 in order of first appearance (``user_ids[u]`` is the external id of
user index ``u``). Bad files raise :class:`~core.errors.InputError` with a message that names
the problem (missing column, unreadable timestamps, too few interactions).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import InputError

__all__ = [
    "COLUMN_ALIASES",
    "MIN_INTERACTIONS",
    "MIN_USERS",
    "Dataset",
    "guess_columns",
    "load_dataset",
    "peek_columns",
    "read_interactions",
    "read_items",
]

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "user_id": ("user_id", "userid", "user", "uid", "customer_id", "visitor_id", "visitorid"),
    "item_id": ("item_id", "itemid", "item", "movieid", "movie_id", "product_id", "iid", "article_id"),
    "timestamp": ("timestamp", "ts", "time", "datetime", "date", "event_time", "created_at"),
    "rating": ("rating", "score", "stars", "value", "weight"),
    "title": ("title", "name", "item_name", "product_name"),
    "text": ("text", "description", "genres", "overview", "summary", "review", "tags"),
}
"""Lower-cased column names recognised for each role (MovieLens, RetailRocket, common exports)."""

MIN_INTERACTIONS = 20
"""Fewest positive interactions a log may have: below it a held-out 20% has fewer than four
items and every metric is noise (a design floor, not a measured value)."""

MIN_USERS = 2
"""Fewest users with at least two positives: collaborative filtering needs two histories."""

Source = str | Path | bytes | IO[bytes] | IO[str]


@dataclass
class Dataset:
    """Interactions and items, numbered from 0.

    Attributes:
        user_ids: external user ids (str), index = user index; shape ``(n_users,)``.
        item_ids: external item ids (str), index = item index; shape ``(n_items,)``. Items of the
            catalogue without interactions are included (cold items).
        users: user index of each interaction, int32 ``(n,)``.
        items: item index of each interaction, int32 ``(n,)``.
        ts: Unix time of each interaction in seconds, float64 ``(n,)``.
        rating: the rating of each interaction, float32 ``(n,)``, or None when the log has none.
        titles: title of each item (the id when the catalogue has none), length ``n_items``.
        texts: title plus text of each item, for the embedder, length ``n_items``.
    """

    user_ids: np.ndarray
    item_ids: np.ndarray
    users: np.ndarray
    items: np.ndarray
    ts: np.ndarray
    rating: np.ndarray | None
    titles: list[str]
    texts: list[str]
    _user_index: dict[str, int] = field(default_factory=dict, repr=False)
    _item_index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._user_index = {str(u): i for i, u in enumerate(self.user_ids)}
        self._item_index = {str(it): i for i, it in enumerate(self.item_ids)}

    @property
    def n_users(self) -> int:
        """Number of users."""
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        """Number of items (with or without interactions)."""
        return len(self.item_ids)

    def __len__(self) -> int:
        return len(self.users)

    def user_index(self, user_id: object) -> int:
        """The index of external ``user_id``.

        Raises:
            InputError: no such user in the log.
        """
        try:
            return self._user_index[str(user_id).strip()]
        except KeyError:
            raise InputError(f"User {user_id!r} is not in the interactions log.") from None

    def item_index(self, item_id: object) -> int:
        """The index of external ``item_id``.

        Raises:
            InputError: no such item in the log or catalogue.
        """
        try:
            return self._item_index[str(item_id).strip()]
        except KeyError:
            raise InputError(f"Item {item_id!r} is neither in the interactions log nor in the items file.") from None

    def positives(self, min_rating: float | None = None) -> np.ndarray:
        """Indices of the interactions that count as positive feedback.

        Args:
            min_rating: with a rating column, keep ratings ``>= min_rating`` (MovieLens papers
                and the RecBole/RecTools examples use 4 of 5); None keeps every interaction.

        Returns:
            int64 indices into the interaction arrays, shape ``(n_pos,)``.
        """
        if min_rating is None or self.rating is None:
            return np.arange(len(self.users))
        return np.flatnonzero(self.rating >= min_rating)

    def matrix(self, rows: np.ndarray | None = None) -> sp.csr_matrix:
        """Binary user-item matrix of the interactions ``rows`` (all when None).

        Returns:
            float32 CSR ``(n_users, n_items)`` with 1.0 where the user interacted (duplicates
            counted once).
        """
        rows = np.arange(len(self.users)) if rows is None else rows
        m = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (self.users[rows], self.items[rows])),
            shape=(self.n_users, self.n_items),
        )
        m.sum_duplicates()
        m.data[:] = 1.0
        return m


def guess_columns(columns: list[str], roles: tuple[str, ...]) -> dict[str, str | None]:
    """Map each role (``user_id``, ``item_id``, ...) to a column of ``columns`` by known aliases.

    Returns:
        ``{role: column name or None}``.
    """
    lowered = {c.strip().lower(): c for c in columns}
    out: dict[str, str | None] = {}
    for role in roles:
        out[role] = next((lowered[a] for a in COLUMN_ALIASES[role] if a in lowered), None)
    return out


def peek_columns(source: Source, what: str = "interactions") -> list[str]:
    """The column names of a CSV (read from its first rows), for mapping columns by hand.

    Raises:
        InputError: not a readable CSV.
    """
    if isinstance(source, bytes):
        source = source[:65536].rsplit(b"\n", 1)[0] if len(source) > 65536 else source
    return [str(c) for c in _read_csv(source, what, nrows=20).columns]


def _read_csv(source: Source, what: str, nrows: int | None = None) -> pd.DataFrame:
    try:
        if isinstance(source, bytes):
            source = io.BytesIO(source)
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, sep=None, engine="python", nrows=nrows)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        raise InputError(f"The {what} file is not a readable CSV ({type(exc).__name__}: {exc}).",
                         key="errors.recommend.not_csv", what=what) from exc
    except OSError as exc:
        raise InputError(f"Cannot open the {what} file: {exc.strerror or exc}.") from exc
    if frame.empty:
        raise InputError(f"The {what} file has no rows.", key="errors.recommend.no_rows", what=what)
    return frame


def _resolve(frame: pd.DataFrame, mapping: Mapping[str, str | None] | None, required: tuple[str, ...],
             optional: tuple[str, ...], what: str) -> dict[str, str | None]:
    cols = list(frame.columns)
    guessed = guess_columns(cols, required + optional)
    chosen = {**guessed, **{k: v for k, v in (mapping or {}).items() if v}}
    missing = [r for r in required if not chosen.get(r)]
    if missing:
        raise InputError(
            f"The {what} file has no {', '.join(missing)} column (columns found: {', '.join(map(str, cols))}). "
            "Name the columns or map them by hand.",
            key="errors.recommend.no_column", what=what, missing=", ".join(missing),
            found=", ".join(map(str, cols)),
        )
    for role, col in chosen.items():
        if col and col not in frame.columns:
            raise InputError(f"Column {col!r} (for {role}) is not in the {what} file.",
                             key="errors.recommend.missing_column", column=col, role=role, what=what)
    return chosen


def _timestamps(values: pd.Series) -> np.ndarray:
    """Unix seconds from numbers (seconds or milliseconds) or date strings; NaN where unreadable."""
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.notna().mean() > 0.99:
        secs = numeric.to_numpy(dtype=np.float64)
        if np.nanmedian(secs) > 1e11:  # milliseconds since the epoch (seconds would be after year 5000)
            secs = secs / 1000.0
        return secs
    parsed = pd.to_datetime(values, errors="coerce", utc=True, format="mixed")
    secs = (parsed - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds()
    return secs.to_numpy(dtype=np.float64)


def read_interactions(source: Source, mapping: Mapping[str, str | None] | None = None) -> pd.DataFrame:
    """Read and check an interactions CSV.

    Args:
        source: a path, bytes or a file object.
        mapping: ``{"user_id": col, "item_id": col, "timestamp": col, "rating": col}``; roles
            left out are guessed from :data:`COLUMN_ALIASES`.

    Returns:
        A frame with columns ``user_id, item_id`` (str), ``ts`` (float seconds) and ``rating``
        (float, NaN when the log has none), in file order.

    Raises:
        InputError: unreadable CSV, a missing column, no readable timestamps, non-numeric
            ratings, or fewer than :data:`MIN_INTERACTIONS` rows.
    """
    frame = _read_csv(source, "interactions")
    cols = _resolve(frame, mapping, ("user_id", "item_id", "timestamp"), ("rating",), "interactions")
    out = pd.DataFrame({
        "user_id": frame[cols["user_id"]].str.strip(),
        "item_id": frame[cols["item_id"]].str.strip(),
    })
    ts = _timestamps(frame[cols["timestamp"]])
    bad_ts = np.isnan(ts)
    if bad_ts.all():
        raise InputError(
            f"No readable timestamps in column {cols['timestamp']!r}: use Unix seconds or dates such as "
            "2024-05-01 12:00. A time is needed to hold out each user's latest interactions."
        )
    if bad_ts.mean() > 0.05:
        raise InputError(
            f"{int(bad_ts.sum())} of {len(ts)} timestamps in column {cols['timestamp']!r} cannot be read "
            f"(for example {frame[cols['timestamp']][bad_ts].iloc[0]!r})."
        )
    out["ts"] = ts
    if cols.get("rating"):
        rating = pd.to_numeric(frame[cols["rating"]], errors="coerce")
        if rating.isna().mean() > 0.05:
            raise InputError(f"Column {cols['rating']!r} should hold numeric ratings.")
        out["rating"] = rating.to_numpy(dtype=np.float64)
    else:
        out["rating"] = np.nan
    keep = ~bad_ts & (out["user_id"] != "") & (out["item_id"] != "")
    out = out[keep].reset_index(drop=True)
    if len(out) < MIN_INTERACTIONS:
        raise InputError(f"Only {len(out)} interactions: at least {MIN_INTERACTIONS} are needed to train and evaluate.")
    return out


def read_items(source: Source, mapping: Mapping[str, str | None] | None = None) -> pd.DataFrame:
    """Read an items CSV ``item_id,title[,text]``.

    Returns:
        A frame with str columns ``item_id, title, text`` (text "" when absent).

    Raises:
        InputError: unreadable CSV or no item id / title column.
    """
    frame = _read_csv(source, "items")
    cols = _resolve(frame, mapping, ("item_id", "title"), ("text",), "items")
    text = frame[cols["text"]].str.replace("|", ", ", regex=False) if cols.get("text") else ""
    out = pd.DataFrame({"item_id": frame[cols["item_id"]].str.strip(), "title": frame[cols["title"]].str.strip()})
    out["text"] = text
    return out.drop_duplicates("item_id").reset_index(drop=True)


def load_dataset(interactions: pd.DataFrame, items: pd.DataFrame | None = None,
                 min_rating: float | None = None) -> Dataset:
    """Build a :class:`Dataset` from frames made by :func:`read_interactions` / :func:`read_items`.

    Args:
        interactions: the log.
        items: the catalogue, or None (titles are then the item ids).
        min_rating: keep only interactions rated ``>= min_rating`` (ignored without ratings).
            Items rated below it still join the catalogue.

    Raises:
        InputError: fewer than :data:`MIN_INTERACTIONS` positive interactions or fewer than
            :data:`MIN_USERS` users with two or more of them.
    """
    log = interactions
    has_rating = bool(log["rating"].notna().any())
    if min_rating is not None and has_rating:
        log = log[log["rating"] >= min_rating]
    log = log.sort_values("ts", kind="stable").drop_duplicates(["user_id", "item_id"], keep="first")
    if len(log) < MIN_INTERACTIONS:
        raise InputError(
            f"Only {len(log)} positive interactions"
            + (f" with rating ≥ {min_rating:g}" if min_rating is not None and has_rating else "")
            + f": at least {MIN_INTERACTIONS} are needed."
        )
    per_user = log["user_id"].value_counts()
    if int((per_user >= 2).sum()) < MIN_USERS:
        raise InputError("Fewer than two users have two or more interactions: nothing to learn from or to hold out.")
    user_codes, user_ids = pd.factorize(log["user_id"])
    catalogue_ids = pd.Index(log["item_id"].unique())
    if items is not None:
        catalogue_ids = catalogue_ids.append(pd.Index(items["item_id"])).unique()
    item_codes = catalogue_ids.get_indexer(log["item_id"])
    titles = dict(zip(items["item_id"], items["title"], strict=False)) if items is not None else {}
    texts = dict(zip(items["item_id"], items["text"], strict=False)) if items is not None else {}
    title_list = [titles.get(i) or str(i) for i in catalogue_ids]
    text_list = [f"{title_list[n]}. {texts.get(i, '')}".strip(". ") for n, i in enumerate(catalogue_ids)]
    return Dataset(
        user_ids=np.asarray(user_ids, dtype=object),
        item_ids=np.asarray(catalogue_ids, dtype=object),
        users=user_codes.astype(np.int32),
        items=item_codes.astype(np.int32),
        ts=log["ts"].to_numpy(dtype=np.float64),
        rating=log["rating"].to_numpy(dtype=np.float32) if has_rating else None,
        titles=title_list,
        texts=text_list,
    )
