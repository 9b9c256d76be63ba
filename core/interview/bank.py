"""The interview question bank: loading, validation, user-added questions, cached embeddings.

A question has one ``id`` and its text in Russian and English (see
``data/questions/SCHEMA.md``). The bank shipped in ``data/questions/`` is validated
strictly (both languages, 3-7 key points per language); questions a user adds from a
CSV or JSON file are validated leniently (one language is enough, key points may be
missing and are then derived from the reference answer's sentences).

Embeddings of questions, reference answers and key points are computed once per bank
and embedder, cached in memory and as ``.npz`` files under
``<data_dir>/interview/cache/<hash>.npz`` so that scoring one answer only embeds the
answer itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..embeddings import Embedder
from ..errors import InputError
from ..settings import PROJECT_ROOT
from ..text import split_sentences
from ..types import Lang

__all__ = [
    "BANK_DIR",
    "LANGS",
    "LEVELS",
    "TOPICS",
    "TOPIC_TITLES",
    "Bank",
    "BankEmbeddings",
    "Question",
    "default_bank",
    "derive_key_points",
    "get_bank_embeddings",
    "load_bank",
    "load_user_questions",
    "validate_records",
]

BANK_DIR = PROJECT_ROOT / "data" / "questions"
"""Folder of the shipped bank: one ``<topic>.json`` file per topic."""

LANGS: tuple[Lang, ...] = ("ru", "en")
LEVELS: tuple[str, ...] = ("junior", "middle", "senior")
TOPICS: tuple[str, ...] = (
    "classic_ml",
    "metrics_validation",
    "deep_learning",
    "nlp",
    "computer_vision",
    "recsys",
    "stats_ab",
    "mlops",
    "system_design",
)
TOPIC_TITLES: dict[str, dict[str, str]] = {
    "classic_ml": {"en": "Classic ML", "ru": "Классическое ML"},
    "metrics_validation": {"en": "Metrics & validation", "ru": "Метрики и валидация"},
    "deep_learning": {"en": "Deep learning", "ru": "Глубокое обучение"},
    "nlp": {"en": "NLP", "ru": "NLP"},
    "computer_vision": {"en": "Computer vision", "ru": "Компьютерное зрение"},
    "recsys": {"en": "Recommender systems", "ru": "Рекомендательные системы"},
    "stats_ab": {"en": "Statistics & A/B testing", "ru": "Статистика и A/B-тесты"},
    "mlops": {"en": "MLOps", "ru": "MLOps"},
    "system_design": {"en": "ML system design", "ru": "Дизайн ML-систем"},
    "custom": {"en": "My questions", "ru": "Мои вопросы"},
}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_MAX_USER_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Question:
    """One interview question in one or two languages.

    Attributes:
        id: stable identifier shared by both languages (e.g. ``"cml-003"``).
        topic: one of :data:`TOPICS` (user questions may use ``"custom"`` or any topic).
        level: "junior", "middle" or "senior".
        question: ``{"ru": ..., "en": ...}``; a user question may have one language.
        reference: reference answer per language (2-5 sentences).
        key_points: short phrases per language that a complete answer mentions
            (3-7 in the shipped bank; derived from the reference when absent).
        source: "bank" for the shipped bank, "user" for user-added questions.
    """

    id: str
    topic: str
    level: str
    question: dict[str, str]
    reference: dict[str, str]
    key_points: dict[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = "bank"

    @property
    def langs(self) -> tuple[str, ...]:
        """Languages this question is available in (question and reference present)."""
        return tuple(lang for lang in LANGS if self.question.get(lang) and self.reference.get(lang))

    def text(self, lang: str) -> str:
        """The question in ``lang`` (falls back to the other language)."""
        return self.question.get(lang) or next(iter(self.question.values()))

    def ref(self, lang: str) -> str:
        """The reference answer in ``lang`` (falls back to the other language)."""
        return self.reference.get(lang) or next(iter(self.reference.values()))

    def kps(self, lang: str) -> tuple[str, ...]:
        """Key points in ``lang``; derived from the reference answer when none are given."""
        points = self.key_points.get(lang)
        if points:
            return tuple(points)
        return tuple(derive_key_points(self.ref(lang), lang))  # type: ignore[arg-type]


def derive_key_points(reference: str, lang: Lang | None = None, max_points: int = 5) -> list[str]:
    """Key points for a reference answer that has none: its sentences (at most ``max_points``).

    Long sentences are cut at ``;`` so that each point is one claim.
    """
    points: list[str] = []
    for sentence in split_sentences(reference, lang):
        for part in re.split(r";\s+", sentence):
            part = part.strip().rstrip(".")
            if len(part.split()) >= 3:
                points.append(part)
    return points[:max_points] or [reference.strip()]


@dataclass
class Bank:
    """A list of questions with lookups.

    Attributes:
        questions: all questions in file order.
    """

    questions: list[Question]

    def __post_init__(self) -> None:
        self.by_id: dict[str, Question] = {q.id: q for q in self.questions}

    def __len__(self) -> int:
        return len(self.questions)

    def get(self, qid: str) -> Question | None:
        """The question with id ``qid`` or None."""
        return self.by_id.get(qid)

    def merged(self, extra: list[Question]) -> Bank:
        """A new bank with ``extra`` questions added (an extra question replaces one with its id)."""
        ids = {q.id for q in extra}
        return Bank([q for q in self.questions if q.id not in ids] + list(extra))

    @property
    def digest(self) -> str:
        """SHA-256 (hex, 16 chars) of the bank's content; keys the embedding cache.

        Computed once per list of (frozen) question objects: hashing the whole bank took
        3 ms of every scored answer (#9b profile). A changed list recomputes it.
        """
        key = tuple(map(id, self.questions))
        cached = getattr(self, "_digest_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        h = hashlib.sha256()
        for q in self.questions:
            h.update(json.dumps([q.id, q.question, q.reference, {k: list(v) for k, v in q.key_points.items()}],
                                ensure_ascii=False, sort_keys=True).encode())
        value = h.hexdigest()[:16]
        self._digest_cache = (key, value)
        return value


def _as_text_map(value: Any, name: str, where: str) -> dict[str, str]:
    if isinstance(value, str):
        raise InputError(f"{where}: '{name}' must be an object {{\"ru\": ..., \"en\": ...}}, not a string.")
    if not isinstance(value, dict):
        raise InputError(f"{where}: '{name}' is missing or not an object with 'ru'/'en' keys.")
    out = {}
    for lang, text in value.items():
        if lang not in LANGS:
            raise InputError(f"{where}: '{name}' has unknown language '{lang}' (use 'ru' and 'en').")
        if text is None:
            continue
        if not isinstance(text, str):
            raise InputError(f"{where}: '{name}.{lang}' must be text.")
        if text.strip():
            out[lang] = text.strip()
    return out


def validate_records(records: list[dict[str, Any]], strict: bool = True, source: str = "bank") -> list[Question]:
    """Check raw question records and turn them into :class:`Question` objects.

    Args:
        records: dicts in the schema of ``data/questions/SCHEMA.md``.
        strict: the shipped bank's rules: both languages everywhere, 3-7 key points per
            language, a known topic. When False (user questions) one language is
            enough and key points are optional.
        source: stored in :attr:`Question.source`.

    Returns:
        The questions, in input order.

    Raises:
        InputError: naming the first bad record and field (missing field, unknown
            level, duplicate id or duplicate question text, too few key points...).
    """
    out: list[Question] = []
    seen_ids: set[str] = set()
    seen_text: dict[str, str] = {}
    for n, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            raise InputError(f"Question #{n}: expected an object, got {type(rec).__name__}.")
        qid = str(rec.get("id") or "").strip()
        where = f"Question #{n}" + (f" ('{qid}')" if qid else "")
        if not _ID.match(qid):
            raise InputError(f"{where}: 'id' is missing or has characters other than letters, digits, '-', '_' or '.'.")
        if qid in seen_ids:
            raise InputError(f"{where}: duplicate id '{qid}'.")
        seen_ids.add(qid)
        topic = str(rec.get("topic") or ("custom" if not strict else "")).strip()
        if strict and topic not in TOPICS:
            raise InputError(f"{where}: unknown topic '{topic}' (one of {', '.join(TOPICS)}).")
        if not topic:
            topic = "custom"
        level = str(rec.get("level") or ("middle" if not strict else "")).strip().lower()
        if level not in LEVELS:
            raise InputError(f"{where}: level must be junior, middle or senior (got '{level}').")
        question = _as_text_map(rec.get("question"), "question", where)
        reference = _as_text_map(rec.get("reference"), "reference", where)
        raw_kp = rec.get("key_points") or {}
        if not isinstance(raw_kp, dict):
            raise InputError(f"{where}: 'key_points' must be an object {{\"ru\": [...], \"en\": [...]}}.")
        key_points: dict[str, tuple[str, ...]] = {}
        for lang, points in raw_kp.items():
            if lang not in LANGS:
                raise InputError(f"{where}: 'key_points' has unknown language '{lang}'.")
            if isinstance(points, str):
                points = [p for p in re.split(r"[;|\n]", points)]
            if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
                raise InputError(f"{where}: 'key_points.{lang}' must be a list of short phrases.")
            clean = tuple(p.strip() for p in points if p.strip())
            if clean:
                key_points[lang] = clean
        langs = [lang for lang in LANGS if lang in question and lang in reference]
        if strict:
            for lang in LANGS:
                if lang not in question or lang not in reference:
                    raise InputError(f"{where}: question and reference answer are needed in both 'ru' and 'en' (missing '{lang}').")
                count = len(key_points.get(lang, ()))
                if not 3 <= count <= 7:
                    raise InputError(f"{where}: needs 3-7 key points in '{lang}' (has {count}).")
            if len(key_points["ru"]) != len(key_points["en"]):
                raise InputError(f"{where}: the 'ru' and 'en' key points must match one to one.")
        elif not langs:
            raise InputError(f"{where}: needs a question and a reference answer in at least one language ('ru' or 'en').")
        for lang, text in question.items():
            norm = re.sub(r"\W+", " ", text.lower()).strip()
            if norm in seen_text:
                raise InputError(f"{where}: the same question text as '{seen_text[norm]}' ({lang}).")
            seen_text[norm] = qid
        out.append(Question(qid, topic, level, question, reference, key_points, source))
    return out


def load_bank(path: Path = BANK_DIR) -> Bank:
    """Load and strictly validate every ``*.json`` file of the shipped bank in ``path``.

    Each file is ``{"topic": str, "questions": [record, ...]}`` (or a bare list).

    Raises:
        InputError: a file is not valid JSON or a record breaks the schema (the
            message names the file and the record).
    """
    records: list[dict[str, Any]] = []
    files = sorted(Path(path).glob("*.json"))
    if not files:
        raise InputError(f"No question files (*.json) found in {Path(path).name}/.")
    for f in files:
        try:
            doc = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"{f.name}: cannot read the question file ({exc}).") from exc
        items = doc.get("questions") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise InputError(f"{f.name}: expected a 'questions' list.")
        records.extend(items)
    try:
        return Bank(validate_records(records, strict=True))
    except InputError as exc:
        raise InputError(f"Question bank: {exc}") from exc


_CSV_COLUMNS = ("id", "topic", "level", "question_ru", "question_en", "reference_ru", "reference_en",
                "key_points_ru", "key_points_en")


def load_user_questions(data: bytes, filename: str) -> list[Question]:
    """Parse questions a user uploads, from JSON (the bank's schema) or CSV.

    CSV columns: ``id, topic, level, question_ru, question_en, reference_ru,
    reference_en, key_points_ru, key_points_en``; key points separated by ``;``. Only
    ``id`` and one language's question and reference are required.

    Args:
        data: the file's bytes (UTF-8, a BOM is allowed).
        filename: used to choose the parser (``.csv`` or ``.json``).

    Returns:
        Validated questions with ``source="user"``.

    Raises:
        InputError: empty, too large, not UTF-8, unparseable, or a record breaks the schema.
    """
    if not data or not data.strip():
        raise InputError("The question file is empty.", key="errors.bank.empty")
    if len(data) > _MAX_USER_BYTES:
        raise InputError("The question file is larger than 5 MB.", key="errors.bank.too_big")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("The question file is not UTF-8 text.", key="errors.bank.not_utf8") from exc
    name = filename.lower()
    if name.endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        missing = {"id"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"The CSV needs a header with the columns {', '.join(_CSV_COLUMNS)}.",
                             key="errors.bank.csv_header", columns=", ".join(_CSV_COLUMNS))
        records = []
        for row in reader:
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            records.append({
                "id": row.get("id"), "topic": row.get("topic") or "custom", "level": row.get("level") or "middle",
                "question": {"ru": row.get("question_ru", ""), "en": row.get("question_en", "")},
                "reference": {"ru": row.get("reference_ru", ""), "en": row.get("reference_en", "")},
                "key_points": {"ru": row.get("key_points_ru", ""), "en": row.get("key_points_en", "")},
            })
    elif name.endswith(".json"):
        try:
            doc = json.loads(text)
        except RecursionError as exc:  # #11: nesting deeper than Python's JSON decoder allows
            raise InputError("The JSON file is nested too deeply to be a question bank.",
                             key="errors.bank.too_deep") from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"The JSON file cannot be parsed: {exc.msg} at line {exc.lineno}.",
                             key="errors.bank.bad_json", error=exc.msg, line=exc.lineno) from exc
        records = doc.get("questions") if isinstance(doc, dict) else doc
        if not isinstance(records, list):
            raise InputError("The JSON file must be a list of questions or {\"questions\": [...]}.",
                             key="errors.bank.json_shape")
    else:
        raise InputError("Upload a .csv or .json file in the question-bank schema.", key="errors.bank.wrong_type")
    if not records:
        raise InputError("The question file has no questions.", key="errors.bank.no_questions")
    return validate_records(records, strict=False, source="user")


@dataclass
class BankEmbeddings:
    """Embeddings of a bank for one language; rows follow ``bank.questions`` order.

    Attributes:
        lang: "ru" or "en".
        ids: question ids, shape ``(n,)``.
        questions: float32 ``(n, dim)`` question embeddings, L2-normalised.
        references: float32 ``(n, dim)`` reference-answer embeddings.
        combined: float32 ``(n, dim)`` normalised mean of question and reference (the
            retrieval vector for selection).
        key_points: float32 ``(m, dim)`` embeddings of all key points.
        kp_offsets: int ``(n + 1,)``; key points of question i are rows
            ``kp_offsets[i]:kp_offsets[i + 1]`` of ``key_points``.
        vocab: stems of every bank text (both languages), for the gibberish check.
    """

    lang: str
    ids: list[str]
    questions: np.ndarray
    references: np.ndarray
    combined: np.ndarray
    key_points: np.ndarray
    kp_offsets: np.ndarray
    vocab: frozenset[str] = frozenset()

    def row(self, qid: str) -> int | None:
        """0-based row of question ``qid`` or None."""
        try:
            return self.ids.index(qid)
        except ValueError:
            return None

    def kp_vectors(self, row: int) -> np.ndarray:
        """Key-point embeddings ``(k, dim)`` of the question at 0-based ``row``."""
        return self.key_points[self.kp_offsets[row]: self.kp_offsets[row + 1]]


_MEM: dict[tuple[str, str, str], BankEmbeddings] = {}
_MEM_LOCK = threading.Lock()


def _bank_vocab(bank: Bank) -> frozenset[str]:
    from ..text import stem_tokens

    vocab: set[str] = set()
    for q in bank.questions:
        for part in (*q.question.values(), *q.reference.values(), *(p for v in q.key_points.values() for p in v)):
            vocab.update(stem_tokens(part))
    return frozenset(vocab)


def get_bank_embeddings(bank: Bank, embedder: Embedder, lang: str, cache_dir: Path | None = None) -> BankEmbeddings:
    """Embeddings of ``bank`` in ``lang``, from memory, the ``.npz`` cache, or computed.

    Args:
        bank: the questions (user questions included, if merged in).
        embedder: the app's embedder.
        lang: "ru" or "en"; a question missing that language uses its other one.
        cache_dir: folder for ``<digest>-<embedder>-<lang>.npz`` (usually
            ``<data_dir>/interview/cache``); None keeps the cache in memory only.

    A cache file that cannot be written is skipped silently: the cache only saves
    time, so a read-only disk still scores.
    """
    key = (bank.digest, embedder.name, lang)
    with _MEM_LOCK:
        if key in _MEM:
            return _MEM[key]
    safe_name = re.sub(r"[^A-Za-z0-9_.-]", "_", embedder.name)
    path = Path(cache_dir) / f"{bank.digest}-{safe_name}-{lang}.npz" if cache_dir else None
    loaded = None
    if path and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as z:
                loaded = {k: z[k] for k in z.files}
        except (OSError, ValueError):
            loaded = None
    if loaded is None or loaded["questions"].shape[0] != len(bank):
        kps = [q.kps(lang) for q in bank.questions]
        offsets = np.cumsum([0] + [len(k) for k in kps]).astype(np.int64)
        texts = [q.text(lang) for q in bank.questions] + [q.ref(lang) for q in bank.questions] + [p for k in kps for p in k]
        vecs = embedder.embed(texts)
        n = len(bank)
        loaded = {"questions": vecs[:n], "references": vecs[n: 2 * n], "key_points": vecs[2 * n:], "kp_offsets": offsets}
        if path:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
                with os.fdopen(fd, "wb") as fh:
                    np.savez(fh, **loaded)
                os.replace(tmp, path)
            except OSError:
                pass  # a cache that cannot be written only costs time
    combined = loaded["questions"] + loaded["references"]
    combined = combined / np.maximum(np.linalg.norm(combined, axis=1, keepdims=True), 1e-12)
    emb = BankEmbeddings(
        lang=lang, ids=[q.id for q in bank.questions],
        questions=loaded["questions"].astype(np.float32), references=loaded["references"].astype(np.float32),
        combined=combined.astype(np.float32), key_points=loaded["key_points"].astype(np.float32),
        kp_offsets=loaded["kp_offsets"].astype(np.int64), vocab=_bank_vocab(bank),
    )
    with _MEM_LOCK:
        _MEM[key] = emb
    return emb


@lru_cache(maxsize=1)
def default_bank() -> Bank:
    """The shipped bank, loaded and validated once per process (read-only; do not mutate)."""
    return load_bank(BANK_DIR)
