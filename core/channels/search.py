"""Import channels and search their posts: the one facade pages and the CLI use.

Search over one, several or all channels:

1. the query is embedded once (USE, RU/EN/cross-lingual) and tokenized for BM25;
2. each channel's :class:`~core.channels.index.ChannelIndex` (a
   :class:`core.retrieval.RowCollection`, the one retrieval core's row-addressed store)
   returns its top dense and top BM25 chunks among rows allowed by the filters (live
   rows, date range);
3. the candidates of all channels are fused by :func:`core.retrieval.fuse`, the same
   function the Reader uses. "hybrid" is its "linear" method with weights (1, w):
   every candidate chunk scores ``cosine + w * BM25 / ceiling``, where the
   ceiling is the sum over query terms of the best single-term BM25 score in that
   channel, so a chunk matching every query term as well as any chunk does gets about
   ``w`` (0.2; 1.0 for a one-term query, a bare name); cosines are comparable across
   channels and the normalised BM25 roughly so.
   We first used reciprocal rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009,
   k = 60; kept as mode "rrf", ``fuse(method="rrf")``): it ranks a post found by only one retriever below posts
   found in the middle of both lists, which buried cross-lingual matches (BM25 cannot
   see them) under posts sharing one common word, worst when searching several
   channels; the measured comparison is in docs/BENCHMARKS.md ("channels");
4. chunks are folded into their posts (a post scores its best chunk), and the top
   ``k`` posts are returned, by relevance or newest first; each carries its typed
   :class:`core.retrieval.Hit` (fused, dense and BM25 scores and ranks, post id).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import numpy as np

from ..embeddings import Embedder
from ..errors import InputError
from ..limits import LRUCache
from ..retrieval import Hit, RowRef, fuse
from ..retrieval.fusion import RRF_K
from ..settings import Settings
from ..text import split_sentences, stem_tokens
from ..types import Post
from .index import ChannelIndex, drop_channel_index, index_stamp, open_channel_index, query_tokens
from .parsers import parse_export, post_url
from .store import ChannelInfo, ChannelStore, date_ts, post_hash

__all__ = ["HYBRID_BM25_WEIGHT", "ONE_TERM_BM25_WEIGHT", "ChannelLibrary", "ImportReport", "PostHit", "RRF_K", "chunk_post", "highlight"]

_COMPACT_DEAD_SHARE = 0.25
SortBy = Literal["relevance", "date"]
Mode = Literal["hybrid", "rrf", "dense", "bm25"]
HYBRID_BM25_WEIGHT = 0.2
"""Weight of the normalised BM25 score added to the cosine in "hybrid" mode; chosen on
data/channel_eval (scripts/bench_channels.py compares it with RRF, dense and BM25)."""
ONE_TERM_BM25_WEIGHT = 1.0
"""The weight when the query has a single BM25 term (a bare name: "Magecart", "GigaChat"):
the user wants the posts that mention it, and USE's cosine for one rare word is noise
(keyword queries, all channels: Recall@5 0.82 with 0.2, 1.00 with 1.0)."""


@dataclass
class PostHit:
    """One post found for a query.

    Attributes:
        channel: channel name.
        post_id: Telegram message id.
        date: ISO date of the post.
        url: ``https://t.me/<username>/<post_id>`` or None.
        text: the whole post.
        score: fused relevance (``cosine + w * BM25 / ceiling`` in "hybrid", the RRF score in
            "rrf", both by :func:`core.retrieval.fuse`; cosine or BM25 in single modes).
        cosine: cosine similarity of the query and the post's best chunk (-1..1), the
            evidence the abstention threshold looks at.
        chunk: the best-matching chunk of the post (== text for short posts).
        lexical: that chunk's BM25 score over the channel's ceiling for the query, times
            the share of query terms the channel knows (about 0..1; 0.0 outside "hybrid"
            mode or without a shared term). Abstention evidence besides ``cosine``.
        hit: the best chunk's typed :class:`core.retrieval.Hit` (``hit.node`` is a
            :class:`core.retrieval.RowRef` with ``channel``, ``row``, ``post_id``; ``hit.dense``
            and ``hit.bm25`` are the retrievers' scores, ranks 1-based over all searched channels).
    """

    channel: str
    post_id: int
    date: str
    url: str | None
    text: str
    score: float
    cosine: float
    chunk: str
    lexical: float = 0.0
    hit: Hit | None = None

    def as_json(self) -> dict:
        """The CLI's result object: channel, post_id, date, url, text, score."""
        return {"channel": self.channel, "post_id": self.post_id, "date": self.date, "url": self.url,
                "text": self.text, "score": round(float(self.score), 6)}


@dataclass
class ImportReport:
    """What an import did.

    Attributes:
        channel: the channel's name.
        kind: export format.
        added / edited / unchanged: posts new, changed since the last import, or the same.
        skipped: messages without text (service, media only).
        total_posts: posts stored for the channel afterwards.
        username: public username used for links (None when unknown).
        seconds: wall time of parsing + indexing.
    """

    channel: str
    kind: str
    added: int
    edited: int
    unchanged: int
    skipped: int
    total_posts: int
    username: str | None
    seconds: float


def chunk_post(text: str, max_chars: int = 1000) -> list[str]:
    """Split a long post along sentence boundaries into chunks of at most ~``max_chars``.

    Short posts (the usual case) are one chunk. A sentence longer than ``max_chars`` is
    its own chunk. Returns at least one chunk.
    """
    if len(text) <= max_chars:
        return [text]
    chunks: list[str] = []
    cur = ""
    for para in re.split(r"\n\s*\n", text):
        for sent in split_sentences(para) or [para]:
            if cur and len(cur) + 1 + len(sent) > max_chars:
                chunks.append(cur)
                cur = sent
            else:
                cur = f"{cur} {sent}".strip()
    if cur:
        chunks.append(cur)
    return chunks or [text[:max_chars]]


def highlight(text: str, query: str, max_chars: int = 320) -> str:
    """A Markdown snippet of ``text`` around the query's words, matches in **bold**.

    Words match by stem (RU/EN Snowball), so "нейросети" highlights "нейросеть".
    """
    stems = set(stem_tokens(query))
    words = list(re.finditer(r"\w\w+", text))
    hits = [m for m in words if stem_tokens(m.group(0)) and stem_tokens(m.group(0))[0] in stems]
    start = max(0, hits[0].start() - max_chars // 3) if hits else 0
    end = min(len(text), start + max_chars)
    piece = text[start:end]
    out, last = [], 0
    for m in hits:
        if m.start() < start or m.end() > end:
            continue
        a, b = m.start() - start, m.end() - start
        out.append(_md_escape(piece[last:a]))
        out.append(f"**{_md_escape(piece[a:b])}**")
        last = b
    out.append(_md_escape(piece[last:]))
    snippet = "".join(out).replace("\n", " ")
    return ("…" if start else "") + snippet + ("…" if end < len(text) else "")


def _md_escape(s: str) -> str:
    return re.sub(r"([\\`*_\[\]#<>$~|])", r"\\\1", s)


def _to_ts(value: str | date | datetime | None, end_of_day: bool = False) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day, 23, 59, 59) if end_of_day else datetime(
            value.year, value.month, value.day)
    else:
        try:
            dt = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise InputError(f"'{value}' is not a date (use YYYY-MM-DD).", key="errors.channels.bad_date",
                             value=value) from exc
        if end_of_day and len(str(value)) <= 10:
            dt = dt.replace(hour=23, minute=59, second=59)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


class _Loaded:
    """A channel's index with its per-row arrays (post id, live flag, post time)."""

    def __init__(self, index: ChannelIndex, posts: list[int], active: list[int], ts: list[float | None]) -> None:
        self.index = index
        n = index.ntotal
        self.post_ids = np.full(n, -1, dtype=np.int64)
        self.active = np.zeros(n, dtype=bool)
        self.ts = np.full(n, np.nan)
        m = min(n, len(posts))
        self.post_ids[:m] = posts[:m]
        self.active[:m] = np.asarray(active[:m], dtype=bool)
        self.ts[:m] = [np.nan if t is None else t for t in ts[:m]]

    def mask(self, ts_from: float | None, ts_to: float | None) -> np.ndarray | None:
        m = self.active.copy()
        if ts_from is not None:
            m &= self.ts >= ts_from
        if ts_to is not None:
            m &= self.ts <= ts_to
        return None if m.all() else m


CHANNEL_CACHE_ENTRIES = 64
"""Loaded channel indexes kept per process (#11: per-user objects in an LRU). A 10k-post
channel's index is about 25 MB in memory (512 float32 per chunk), so 64 stay under ~2 GB
even for channels of that size; a user whose index was dropped reloads it from disk."""
_CACHE: LRUCache[str, tuple[tuple[int, float], _Loaded]] = LRUCache(CHANNEL_CACHE_ENTRIES)  # #11: bounded
_CACHE_LOCK = threading.Lock()


class ChannelLibrary:
    """All imported channels under ``<data_dir>/channels``.

    Args:
        settings: app settings (``data_dir``, ``chunk_chars``).
        embedder: the embedder (its name is stored with each index).

    Raises:
        StorageError: the database cannot be opened.
    """

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.root = Path(settings.data_dir) / "channels"
        self.store = ChannelStore(self.root / "channels.sqlite")

    # ----------------------------------------------------------------- channels
    def channels(self) -> list[ChannelInfo]:
        """Imported channels with post counts and date ranges."""
        return self.store.channels()

    def _folder(self, channel_id: int) -> Path:
        return self.root / "index" / str(channel_id)

    def _resolve(self, names: Sequence[str] | None) -> list[tuple[int, str, float]]:
        """``(id, name, updated_ts)`` of the named channels (all when ``names`` is empty)."""
        all_channels = self.store.channel_names()
        if not names:
            return all_channels
        out = []
        for name in names:
            match = [c for c in all_channels if c[1].casefold() == name.strip().casefold()]
            if not match:
                known = ", ".join(c[1] for c in all_channels) or "none yet"
                raise InputError(f"No channel called '{name}'. Imported channels: {known}.",
                                 key="errors.channels.unknown", name=name, known=known)
            out += [m for m in match if m not in out]
        return out

    def delete_channel(self, name: str) -> None:
        """Remove a channel, its posts and its index."""
        ((cid, _, _),) = self._resolve([name])
        self.store.delete_channel(cid)
        drop_channel_index(self._folder(cid), self.settings.vector_backend)  # #11p: FAISS folder or pgvector table

    # ------------------------------------------------------------------- import
    def import_export(self, path: str | Path, name: str | None = None, username: str | None = None,
                      progress: Callable[[int, int], None] | None = None) -> ImportReport:
        """Parse an export and add its new and edited posts to the channel.

        Args:
            path: file or HTML export folder (see :func:`core.channels.parsers.parse_export`).
            name: channel name (default: the export's name, else the file or folder name).
            username: public username for post links.
            progress: called with (chunks embedded, chunks to embed).

        Raises:
            MalformedExportError: the export cannot be parsed (nothing is changed).
            StorageError: the index or database cannot be written (the old state stays).
        """
        t0 = time.perf_counter()
        parsed = parse_export(path, name=name, username=username, max_depth=self.settings.max_json_depth,
                              max_post_chars=self.settings.max_post_chars)  # #11: bounded parsing
        channel = name or parsed.name or parsed.username or Path(path).stem
        if channel != parsed.posts[0].channel:
            parsed.posts = [Post(channel, p.post_id, p.date, p.text, p.url) for p in parsed.posts]
        source = f"{parsed.kind}: {', '.join(parsed.files)}"
        report = self.import_posts(parsed.posts, channel, parsed.username, source, progress=progress)
        report.kind = parsed.kind
        report.skipped = parsed.skipped
        report.seconds = time.perf_counter() - t0
        return report

    def import_posts(self, posts: Sequence[Post], channel: str, username: str | None = None,
                     source: str = "posts", progress: Callable[[int, int], None] | None = None) -> ImportReport:
        """Add posts to ``channel`` (created if new): only new or edited posts are embedded.

        New chunks are embedded first; then one SQLite transaction writes the rows and
        commits only after the new index folder has been swapped in, so on any error
        nothing visible changes.

        Raises:
            InputError: no posts.
            StorageError: the index or database cannot be written.
        """
        t0 = time.perf_counter()
        if not posts:
            raise InputError("There are no posts to import.", key="errors.channels.no_posts")
        by_id: dict[int, Post] = {}
        for p in posts:  # a post id repeated in one export: the last one wins
            by_id[p.post_id] = p
        # #11: one import per channel at a time (threads and processes); other channels go on.
        # SELECTs run outside any transaction (sqlite3 begins one at the first write), so
        # the slow embedding below holds no snapshot that a later write could find stale.
        with self.store.import_lock(channel), self.store.connect() as con:
            row = con.execute("SELECT id, username FROM channels WHERE name = ?", (channel,)).fetchone()
            username = username or (row[1] if row else None)
            old = dict(con.execute("SELECT post_id, hash FROM posts WHERE channel_id = ?", (row[0],))) if row else {}
            new, edited, same = [], [], 0
            for pid, p in by_id.items():
                h = post_hash(p)
                if pid not in old:
                    new.append((p, h))
                elif old[pid] != h:
                    edited.append((p, h))
                else:
                    same += 1
            changed = new + edited
            chunk_rows: list[tuple[int, int, str]] = []  # (post_id, chunk_no, text)
            for p, _ in changed:
                chunk_rows += [(p.post_id, i, c) for i, c in enumerate(chunk_post(p.text, self.settings.chunk_chars))]
            # embed before the first write: only SELECTs so far, so the database stays writable
            # (votes, other channels) during the slow part
            vectors = self._embed([c[2] for c in chunk_rows], progress)
            cid = self.store.upsert_channel(con, channel, username, source)
            backend = self.settings.vector_backend  # #11p: "faiss" (default) or "pgvector"
            if changed or index_stamp(self._folder(cid), backend) is None:
                index = open_channel_index(self._folder(cid), self.embedder.dim, self.embedder.name, backend)
                rows = index.add(vectors)
                if edited:
                    con.executemany("UPDATE chunks SET active = 0 WHERE channel_id = ? AND post_id = ?",
                                    [(cid, p.post_id) for p, _ in edited])
                con.executemany(
                    "INSERT OR REPLACE INTO posts(channel_id, post_id, date, ts, text, url, hash) VALUES (?,?,?,?,?,?,?)",
                    [(cid, p.post_id, p.date, date_ts(p.date), p.text, p.url or post_url(username, p.post_id), h)
                     for p, h in changed],
                )
                con.executemany(
                    "INSERT OR REPLACE INTO chunks(channel_id, pos, post_id, chunk_no, text, active) VALUES (?,?,?,?,?,1)",
                    [(cid, int(r), pid, no, text) for r, (pid, no, text) in zip(rows, chunk_rows, strict=True)],
                )
                # rows beyond what SQLite knows (a crash after a save) are dead: mask them
                n_active = con.execute("SELECT COUNT(*) FROM chunks WHERE channel_id = ? AND active = 1",
                                       (cid,)).fetchone()[0]
                compacted = bool(index.ntotal and 1 - n_active / index.ntotal > _COMPACT_DEAD_SHARE)
                if compacted:
                    self._compact(con, cid, index)
                if not old and not compacted:
                    # #11L: a first import's live chunks are exactly the rows just written (chunks
                    # only exist beside their posts), so BM25 is built from memory instead of
                    # reading every text back from SQLite (same rows, same order: index.add
                    # returns increasing positions)
                    live = [(int(r), text) for r, (_, _, text) in zip(rows, chunk_rows, strict=True)]
                else:
                    live = con.execute("SELECT pos, text FROM chunks WHERE channel_id = ? AND active = 1 "
                                       "ORDER BY pos", (cid,)).fetchall()
                index.rebuild_bm25([r[0] for r in live], [r[1] for r in live])
                index.save()
            if username:
                con.execute("UPDATE posts SET url = 'https://t.me/' || ? || '/' || post_id "
                            "WHERE channel_id = ? AND url IS NULL", (username, cid))
            total = con.execute("SELECT COUNT(*) FROM posts WHERE channel_id = ?", (cid,)).fetchone()[0]
        return ImportReport(channel=channel, kind="posts", added=len(new), edited=len(edited), unchanged=same,
                            skipped=0, total_posts=int(total), username=username,
                            seconds=time.perf_counter() - t0)

    def _embed(self, texts: list[str], progress: Callable[[int, int], None] | None, batch: int = 256) -> np.ndarray:
        """Embeddings ``(len(texts), dim)`` in batches, reporting ``progress(done, total)``."""
        out = [np.zeros((0, self.embedder.dim), dtype=np.float32)]
        for i in range(0, len(texts), batch):
            out.append(self.embedder.embed(texts[i : i + batch]))
            if progress:
                progress(min(i + batch, len(texts)), len(texts))
        return np.vstack(out)

    @staticmethod
    def _compact(con, cid: int, index: ChannelIndex) -> None:
        """Drop dead rows: FAISS keeps live rows in order, SQLite positions are renumbered."""
        live = [r[0] for r in con.execute(
            "SELECT pos FROM chunks WHERE channel_id = ? AND active = 1 ORDER BY pos", (cid,))]
        index.compact(np.asarray(live, dtype=np.int64))
        con.execute("DELETE FROM chunks WHERE channel_id = ? AND active = 0", (cid,))
        con.executemany("UPDATE chunks SET pos = ? WHERE channel_id = ? AND pos = ?",
                        [(-1 - new, cid, old) for new, old in enumerate(live)])
        con.execute("UPDATE chunks SET pos = -pos - 1 WHERE channel_id = ? AND pos < 0", (cid,))

    # ------------------------------------------------------------------- search
    def _loaded(self, channel_id: int, version: float | None = None) -> _Loaded | None:
        """The channel's index and row arrays, cached per process until the index folder
        or the channel's ``updated_ts`` (committed with the rows) changes."""
        folder = self._folder(channel_id)
        if version is None:
            version = next((v for cid, _, v in self.store.channel_names() if cid == channel_id), 0.0)
        saved = index_stamp(folder, self.settings.vector_backend)  # #11p: per backend
        if saved is None:
            return None
        stamp = (saved, version)
        key = f"{folder}|{self.embedder.name}|{self.settings.vector_backend}"
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
            if hit and hit[0] == stamp:
                return hit[1]
        index = open_channel_index(folder, self.embedder.dim, self.embedder.name, self.settings.vector_backend)
        pos, posts, active, ts = self.store.chunk_table(channel_id)
        arr_posts = [-1] * index.ntotal
        arr_active = [0] * index.ntotal
        arr_ts: list[float | None] = [None] * index.ntotal
        for p, pid, a, t in zip(pos, posts, active, ts, strict=True):
            if p < index.ntotal:
                arr_posts[p], arr_active[p], arr_ts[p] = pid, a, t
        loaded = _Loaded(index, arr_posts, arr_active, arr_ts)
        with _CACHE_LOCK:
            _CACHE.put(key, (stamp, loaded))
        return loaded

    def search(
        self,
        query: str,
        channels: Sequence[str] | None = None,
        k: int = 10,
        date_from: str | date | None = None,
        date_to: str | date | None = None,
        sort: SortBy = "relevance",
        mode: Mode = "hybrid",
        candidates: int | None = None,
        bm25_weight: float | None = None,
    ) -> list[PostHit]:
        """Find the posts that best answer ``query``.

        Args:
            query: question or keywords, Russian or English (cross-lingual works).
            channels: channel names to search (None or empty: all channels).
            k: posts to return.
            date_from / date_to: inclusive date range (``YYYY-MM-DD``, date or datetime).
            sort: "relevance" (best first) or "date" (the top ``k`` by relevance, newest first).
            mode: "hybrid" (cosine + ``bm25_weight`` x normalised BM25, see the module
                docstring), "rrf" (reciprocal rank fusion of the two lists), "dense" or "bm25".
            candidates: chunks each retriever takes per channel (default ``max(50, 5 k)``).
            bm25_weight: weight of the lexical score in "hybrid" (default
                :data:`HYBRID_BM25_WEIGHT`, or :data:`ONE_TERM_BM25_WEIGHT` for a one-term query).

        Returns:
            Up to ``k`` posts, each once.

        Raises:
            InputError: empty query, unknown channel, or a bad date.
        """
        query = (query or "").strip()
        if not query:
            raise InputError("Type a question or some keywords to search for.", key="errors.channels.empty_query")
        infos = self._resolve(channels)
        ts_from, ts_to = _to_ts(date_from), _to_ts(date_to, end_of_day=True)
        n_cand = candidates or max(50, 5 * k)
        q_vec = self.embedder.embed([query])[0] if mode != "bm25" else None
        q_tok = query_tokens(query) if mode != "dense" else []
        if bm25_weight is None:
            bm25_weight = ONE_TERM_BM25_WEIGHT if len(set(q_tok)) == 1 else HYBRID_BM25_WEIGHT
        dense: list[tuple[float, int, int]] = []  # (score, channel idx, row)
        sparse: list[tuple[float, int, int]] = []
        loaded: list[_Loaded | None] = [self._loaded(cid, version) for cid, _, version in infos]
        ceilings: dict[int, tuple[float, float]] = {}  # channel -> (BM25 ceiling, term coverage)
        for ci, ld in enumerate(loaded):
            if ld is None:
                continue
            mask = ld.mask(ts_from, ts_to)
            if mode == "hybrid" and q_tok:
                ceilings[ci] = ld.index.bm25_ceiling(q_tok)
            if q_vec is not None:
                h = ld.index.dense(q_vec, n_cand, mask)
                dense += [(float(s), ci, int(r)) for r, s in zip(h.rows, h.scores, strict=True)]
            if q_tok:
                h = ld.index.sparse(q_tok, n_cand, mask)
                sparse += [(float(s), ci, int(r)) for r, s in zip(h.rows, h.scores, strict=True)]
        dense.sort(key=lambda x: -x[0])
        sparse.sort(key=lambda x: -x[0])
        d_list = [((ci, row), s) for s, ci, row in dense]
        b_list = [((ci, row), s) for s, ci, row in sparse]
        lex: dict[tuple[int, int], float] = {}
        if mode == "rrf":
            order = fuse([d_list, b_list], method="rrf", k=RRF_K)
        elif mode == "hybrid":
            cosines = dict(d_list)
            for key, _ in b_list:  # lexical-only candidates get their exact cosine too
                if key not in cosines:
                    cosines[key] = float(np.dot(loaded[key[0]].index.vector(key[1]), q_vec))  # type: ignore[union-attr]
            lex = {key: s / ceilings[key[0]][0] for key, s in b_list if ceilings.get(key[0], (0, 0))[0]}
            order = fuse([list(cosines.items()), list(lex.items())], method="linear", weights=(1.0, bm25_weight))
            lex = {key: v * ceilings[key[0]][1] for key, v in lex.items()}  # evidence: x term coverage
        else:
            order = d_list if mode == "dense" else b_list
        fused = dict(order)
        d_info = {key: (s, r) for r, (key, s) in enumerate(d_list, start=1)}
        b_info = {key: (s, r) for r, (key, s) in enumerate(b_list, start=1)}
        # fold chunks into posts: a post scores its best chunk
        best: dict[tuple[int, int], tuple[float, int]] = {}
        for (ci, row), s in fused.items():
            pid = int(loaded[ci].post_ids[row])  # type: ignore[union-attr]
            if pid < 0:
                continue
            if (ci, pid) not in best or s > best[(ci, pid)][0]:
                best[(ci, pid)] = (s, row)
        top = sorted(best.items(), key=lambda kv: -kv[1][0])[:k]
        hits: list[PostHit] = []
        by_channel: dict[int, list[int]] = {}
        for (ci, pid), _ in top:
            by_channel.setdefault(ci, []).append(pid)
        texts, chunk_texts = self._fetch(infos, top)
        for (ci, pid), (s, row) in top:
            date_s, text, url = texts.get((ci, pid), ("", "", None))
            cos = -1.0
            if q_vec is not None:
                cos = float(np.dot(loaded[ci].index.vector(int(row)), q_vec))  # type: ignore[union-attr]
            d, b = d_info.get((ci, row)), b_info.get((ci, row))
            typed = Hit(node=RowRef(f"{ci}:{row}", {"channel": infos[ci][1], "row": int(row), "post_id": pid}),
                        score=float(s), dense=d[0] if d else None, bm25=b[0] if b else None,
                        dense_rank=d[1] if d else None, bm25_rank=b[1] if b else None)
            hits.append(PostHit(channel=infos[ci][1], post_id=pid, date=date_s, url=url, text=text, score=s,
                                cosine=cos, chunk=chunk_texts.get((ci, row), text), lexical=lex.get((ci, row), 0.0),
                                hit=typed))
        if sort == "date":
            hits.sort(key=lambda h: date_ts(h.date) or 0.0, reverse=True)
        return hits

    def _fetch(self, infos: list[tuple[int, str, float]], top) -> tuple[dict, dict]:
        """Post rows and best-chunk texts of the top hits, in one connection."""
        posts: dict[tuple[int, int], tuple[str, str, str | None]] = {}
        chunks: dict[tuple[int, int], str] = {}
        by_channel: dict[int, list[tuple[int, int]]] = {}
        for (ci, pid), (_, row) in top:
            by_channel.setdefault(ci, []).append((pid, row))
        with self.store.connect() as con:  # #11p: two queries per channel, not two per hit (a server round trip each)
            for ci, pairs in by_channel.items():
                cid = infos[ci][0]
                marks = ",".join("?" * len(pairs))
                for pid, d, text, url in con.execute(
                        f"SELECT post_id, date, text, url FROM posts WHERE channel_id = ? AND post_id IN ({marks})",
                        (cid, *[p for p, _ in pairs])):
                    posts[(ci, int(pid))] = (d, text, url)
                for pos, text in con.execute(f"SELECT pos, text FROM chunks WHERE channel_id = ? AND pos IN ({marks})",
                                             (cid, *[r for _, r in pairs])):
                    chunks[(ci, int(pos))] = text
        return posts, chunks
