"""Features of an (answer, reference, question) triple for the learned interview scorer.

Every feature is a number computed offline from the USE embeddings the scorer already
makes (answer, its units, reference, question, key points) plus stemmed tokens. Groups:

* similarity at several granularities: answer-reference and answer-question cosine,
  the answer's units aligned to the key points (max/mean) and each key point's best unit
  (mean/min), the cosine of the question-demoted texts;
* lexical overlap of Snowball stems (precision, recall, F1), also with the question's
  words removed ("question demoting", Mohler et al. 2011; Sultan, Salazar & Sumner 2016,
  "Fast and Easy Short Answer Grading with High Accuracy", NAACL), and the share of
  content found in neither the question nor the reference;
* negation and antonym cues in RU and EN (a negation present on one side of an aligned
  pair only; a general-language opposite, e.g. "series"/"parallel", "больше"/"меньше");
* length and structure; question-aware cues (a "why" question answered with a reason);
* (S1) dense interactions of the answer's and the reference's USE vectors ``u``, ``v``:
  ``|u - v|`` and ``u * v`` (512 + 512 numbers, :func:`dense_interactions`), the
  sentence-pair features of InferSent (Conneau et al. 2017) and of Tai, Socher & Manning (2015);
  the model weighs them in a separate, more strongly regularised block.

* (K) a *domain copy* (Daumé III 2007, "Frustratingly Easy Domain Adaptation", ACL): every named feature
  again, multiplied by :data:`DOMAIN_FLAG` (1 when the question has written key points, as every bank question
  does; 0 for a reference whose key points are derived from its sentences, as SemEval's and Mohler's), plus the
  flag itself (:func:`domain_features`). The shared weights are fitted on all rows, the copy's only on our bank
  rows, so the interview answers in one's own words (``data/interview_eval/ownwords_dev.jsonl``) can weigh the
  reference's words less without moving the SemEval-trained weights.

The feature set and its order are pinned by :data:`FEATURE_NAMES` (and :data:`DOMAIN_NAMES`); the model file
(``core/interview/scorer_model.json``) stores the names it was trained on.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from ..text import stem_tokens, tokenize

__all__ = ["ANTONYMS", "DENSE_DIM", "DENSE_KIND", "DOMAIN_FLAG", "DOMAIN_NAMES", "FEATURE_NAMES", "NEGATION",
           "antonym_conflicts", "compute_features", "demote", "dense_interactions", "domain_columns",
           "domain_features", "has_negation", "stem_set"]

NEGATION = re.compile(
    r"\b(?:not|no|never|cannot|can't|doesn't|don't|isn't|aren't|won't|wasn't|weren't|didn't|hasn't|haven't|"
    r"shouldn't|wouldn't|couldn't|without|neither|nor|none|nothing|nobody)\b|"
    r"(?<!\w)(?:не|нет|никогда|без|ни|нельзя|ничего|никак|никто)(?!\w)",
    re.I,
)
"""General negation words in English and Russian (closed-class words of both grammars)."""

# General-language opposites (stem prefixes), RU and EN. Closed lists written for this
# project from common antonym pairs of both languages plus the opposites the physics,
# electricity and data-structure questions of ASAG sets turn on (series/parallel,
# open/closed, attract/repel, push/pop). Each entry: (name, side A regex, side B regex).
_ANTONYMS_RAW: list[tuple[str, str, str]] = [
    ("increase/decrease", r"increas|rais|grow|rise|rising|gain|\bup\b|увелич|повыш|раст|рост|возраст",
     r"decreas|lower(?:s|ed|ing)?\b|reduc|shrink|drop|fall|falling|\bdown\b|уменьш|сниж|пада|пониж|убыв"),
    ("more/less", r"\bmore\b|\bgreater\b|\blarger\b|\bbigger\b|\bhigher\b|больше|выше|крупнее|более",
     r"\bless\b|\bfewer\b|\bsmaller\b|\blower\b|меньше|ниже|мельче|менее"),
    ("fast/slow", r"\bfast|quick|rapid|быстр|скор", r"\bslow|медлен"),
    ("hot/cold", r"\bhot|warm|heat(?!er)|горяч|тепл|нагре", r"\bcold|cool|freez|холод|охлаж|мороз"),
    ("true/false", r"\btrue\b|\bcorrect\b|\bright\b|истин|верн|правильн", r"\bfalse\b|\bincorrect\b|\bwrong\b|ложн|неверн|неправильн"),
    ("positive/negative", r"\bpositiv|положительн|плюс", r"\bnegativ|отрицательн|минус"),
    ("open/closed", r"\bopen|открыт|разомкн|разорв", r"\bclos(?:e|ed|ing)\b|закрыт|замкнут|замкн"),
    ("same/different", r"\bsame\b|\bidentical|\bequal\b|одинаков|тот же|та же|то же|те же|равн", r"\bdifferent|\bdiffer\b|\bunequal|различ|разн|отлича"),
    ("before/after", r"\bbefore\b|\bearlier\b|\bprior\b|прежде|раньше|перед", r"\bafter\b|\blater\b|после|позже"),
    ("first/last", r"\bfirst\b|\bbeginning\b|\bstart\b|\bhead\b|перв|начал", r"\blast\b|\bend\b|\btail\b|последн|конец|конц|хвост"),
    ("inside/outside", r"\binside\b|\binner\b|\binternal|внутр", r"\boutside\b|\bouter\b|\bexternal|снаруж|внешн"),
    ("add/remove", r"\badd|\binsert|\bpush|\benqueue|добав|встав|вставл", r"\bremov|\bdelet|\bpop|\bdequeue|удал|извлек|изъят"),
    ("attract/repel", r"attract|притяг", r"repel|отталк"),
    ("conductor/insulator", r"conductor|проводник", r"insulator|изолятор|диэлектрик"),
    ("series/parallel", r"\bseries\b|\bsequential|последовательн", r"\bparallel|параллельн"),
    ("connected/disconnected", r"(?<!dis)connect|(?<!не)соедин|(?<!от)подключ", r"disconnect|not connected|разъедин|отключ|не соедин|не подключ"),
    ("always/never", r"\balways\b|всегда", r"\bnever\b|никогда"),
    ("all/none", r"\ball\b|\bevery\b|\beach\b|\bвсе\b|\bвсех\b|кажд", r"\bnone\b|\bno one\b|\bnothing\b|ни один|никак|ничего"),
    ("many/few", r"\bmany\b|\bmuch\b|\blots?\b|много|множеств", r"\bfew\b|\blittle\b|мало|немного"),
    ("strong/weak", r"\bstrong|сильн|крепк", r"\bweak|слаб"),
    ("possible/impossible", r"(?<!im)possibl|(?<!не)возможн|можно", r"impossibl|невозможн|нельзя"),
    ("dependent/independent", r"(?<!in)dependen|(?<!не)завис", r"independen|независ"),
    ("linear/nonlinear", r"(?<!non)(?<!non-)linear|(?<!не)линейн", r"non-?linear|нелинейн"),
    ("static/dynamic", r"\bstatic|статич|статическ", r"\bdynamic|динамич|динамическ"),
    ("local/global", r"\blocal|локальн|местн", r"\bglobal|глобальн"),
    ("public/private", r"\bpublic\b|публичн|открыт\w* член", r"\bprivate\b|приватн|закрыт\w* член"),
    ("ascending/descending", r"ascend|возраста", r"descend|убыва"),
    ("min/max", r"\bmin(?:imum|imal|imize|imum)?\b|миним", r"\bmax(?:imum|imal|imize)?\b|максим"),
    ("input/output", r"\binput|вход|ввод", r"\boutput|выход|вывод"),
    ("top/bottom", r"\btop\b|\babove\b|\bupper\b|верх|сверху|над\b", r"\bbottom\b|\bbelow\b|\blower\b|\bunder\b|низ|снизу|под\b"),
    ("even/odd", r"\beven\b|(?<!не)четн", r"\bodd\b|нечетн|нечётн"),
    ("include/exclude", r"\binclud|\ballow|\baccept|включ|разреш|принима", r"\bexclud|\bprevent|\breject|\bblock|исключ|запрещ|отверг|блокир"),
    ("sorted/unsorted", r"(?<!un)sorted|(?<!не)отсортир|упорядоч", r"unsorted|неотсортир|неупорядоч"),
    ("overfit/underfit", r"overfit|переобуч", r"underfit|недообуч"),
    ("solid/liquid/gas", r"\bsolid|тверд|твёрд", r"\bliquid|\bgas(?:es)?\b|жидк|газ"),
    ("light/heavy", r"\blight(?:er|est)?\b|\blightweight|лёгк|легк", r"\bheav(?:y|ier|iest)|тяжел|тяжёл"),
    ("easy/hard", r"\beasy|\beasier|\bsimple|прост|легко", r"\bhard(?:er)?\b|\bdifficult|\bcomplex|сложн|трудн"),
    ("absorb/reflect", r"absorb|поглощ", r"reflect|отраж"),
]
ANTONYMS = [(name, re.compile(a, re.I), re.compile(b, re.I)) for name, a, b in _ANTONYMS_RAW]
"""Compiled (name, side A, side B) opposites."""

_QUESTION_WHY = re.compile(r"\bwhy\b|\bexplain\b|\breason|почему|зачем|объясн|по какой причине", re.I)
_QUESTION_HOW = re.compile(r"\bhow\b|\bdescribe\b|\bsteps?\b|как\b|каким образом|опишите", re.I)
_QUESTION_LIST = re.compile(r"\bname\b|\blist\b|\bwhat are\b|\bwhich\b|\bidentify\b|назовите|перечисл|какие", re.I)
_REASON = re.compile(r"\bbecause\b|\bsince\b|\bso\b|\btherefore\b|\bthus\b|\bdue to\b|\bas a result\b|\bcauses?\b|"
                     r"потому|поэтому|так как|поскольку|из-за|следовательно|значит|вызыва", re.I)

FEATURE_NAMES: tuple[str, ...] = (
    "sim_ref", "sim_q", "ref_q", "sim_demoted",
    "a2k_max", "a2k_mean", "k2a_mean", "k2a_min", "kp_match_mean",
    "lex_prec", "lex_rec", "lex_f1", "lex_rec_demoted", "lex_prec_demoted", "novel_share", "q_overlap",
    "neg_xor", "neg_aligned", "antonym_conflict", "antonym_agree", "contra_share",
    "log_words", "log_len_ratio", "n_sentences", "structure",
    "q_why", "q_why_x_reason", "q_list",
)
"""Names and order of the feature vector."""

DOMAIN_FLAG = "kp_given"
"""(K) 1.0 when the question's key points were written (the bank's, or a user's question with key points), 0.0
when they were derived from the reference's sentences (SemEval, Mohler, a user's question without them)."""
DOMAIN_NAMES: tuple[str, ...] = tuple(f"dom_{n}" for n in FEATURE_NAMES) + (DOMAIN_FLAG,)
"""(K) Names of :func:`domain_features`: ``dom_<name>`` for each of :data:`FEATURE_NAMES`, then the flag."""


def domain_columns(X: np.ndarray, flag: np.ndarray) -> np.ndarray:
    """(K) The domain copy of feature rows: ``[X · flag, flag]``.

    Daumé III (2007), "Frustratingly Easy Domain Adaptation" (ACL): each feature is kept once for every domain
    (the shared half, ``X`` itself) and once more for the target domain only; the learner then weighs a feature
    differently where the domains disagree. Chosen by ``scripts/interview_scorer_cv.py`` (variant
    ``k_ow4_bk_dom``, train rows only, 2026-12-02).

    Args:
        X: ``(n, 28)`` rows of :data:`FEATURE_NAMES` in that order (or ``(28,)`` for one row).
        flag: ``(n,)`` (or a scalar) 1.0 for a question with written key points, 0.0 otherwise.

    Returns:
        ``(n, 29)`` float64 (or ``(29,)``) in :data:`DOMAIN_NAMES` order.
    """
    X = np.asarray(X, dtype=np.float64)
    f = np.asarray(flag, dtype=np.float64)[..., None]
    return np.concatenate([X * f, f], axis=-1)


def domain_features(feats: dict[str, float], kp_given: bool) -> dict[str, float]:
    """(K) :func:`domain_columns` of one feature dict (keys :data:`FEATURE_NAMES`): ``{"dom_<name>": value · flag,
    ..., "kp_given": flag}`` with flag = ``float(kp_given)``; the shared half is ``feats`` itself."""
    row = domain_columns(np.array([feats[n] for n in FEATURE_NAMES]), float(bool(kp_given)))
    return dict(zip(DOMAIN_NAMES, map(float, row), strict=True))


DENSE_KIND = "absdiff_prod"
"""The dense block's name in the model file (``|u - v|`` then ``u * v``)."""
DENSE_DIM = 1024
"""Length of :func:`dense_interactions` for the 512-dimensional USE v3 vectors."""


def dense_interactions(answer_vec: np.ndarray, reference_vec: np.ndarray) -> np.ndarray:
    """``[|u - v|, u * v]`` of the answer's and the reference's embeddings.

    Args:
        answer_vec, reference_vec: unit-norm embeddings, shape ``(dim,)`` (512 for USE v3), or
            ``(n, dim)`` rows.

    Returns:
        float64 array of shape ``(2·dim,)`` (or ``(n, 2·dim)``): the element-wise absolute
        difference, then the element-wise product (their sum over the second half is the cosine).
    """
    u = np.asarray(answer_vec, dtype=np.float64)
    v = np.asarray(reference_vec, dtype=np.float64)
    return np.concatenate([np.abs(u - v), u * v], axis=-1)


def has_negation(text: str) -> bool:
    """True when ``text`` holds a RU or EN negation word (see :data:`NEGATION`)."""
    return NEGATION.search(text) is not None


@lru_cache(maxsize=8192)
def stem_set(text: str) -> frozenset[str]:
    """The set of Snowball stems of ``text`` (stop words dropped), memoised.

    References, questions and key points repeat on every answer to a question; caching
    their stems is one of the #9b latency fixes (the values are those of ``stem_tokens``).
    """
    return frozenset(stem_tokens(text))


@lru_cache(maxsize=2048)
def _sides(text: str) -> dict[int, set[str]]:
    """Which side(s) of each antonym pair ``text`` uses (memoised: callers must not mutate it)."""
    out: dict[int, set[str]] = {}
    for i, (_, ra, rb) in enumerate(ANTONYMS):
        if ra.search(text):
            out.setdefault(i, set()).add("A")
        if rb.search(text):
            out.setdefault(i, set()).add("B")
    return out


def antonym_conflicts(answer: str, reference: str) -> tuple[int, int, list[str]]:
    """Opposites between ``answer`` and ``reference``.

    Returns:
        (conflicts, agreements, names): a conflict is a pair where the reference uses only
        one side and the answer only the other ("in parallel" for "in series"); an
        agreement is a pair where both use the same single side.
    """
    ra, rr = _sides(answer.lower()), _sides(reference.lower())
    conflicts, agree, names = 0, 0, []
    for i, sides in rr.items():
        if i in ra and len(sides) == 1 and len(ra[i]) == 1:
            if sides == ra[i]:
                agree += 1
            else:
                conflicts += 1
                names.append(ANTONYMS[i][0])
    return conflicts, agree, names


def demote(text: str, question: str) -> str:
    """``text`` without the words of ``question`` (compared by stem): question demoting."""
    return _demote(text, question)


@lru_cache(maxsize=1024)
def _demote(text: str, question: str) -> str:
    q = stem_set(question)
    kept = [w for w in tokenize(text) if not (stem_set(w) & q)]
    return " ".join(kept)


def _prf(a: set[str], r: set[str]) -> tuple[float, float, float]:
    if not a or not r:
        return 0.0, 0.0, 0.0
    inter = len(a & r)
    p, rc = inter / len(a), inter / len(r)
    return p, rc, (2 * p * rc / (p + rc) if p + rc else 0.0)


def compute_features(*, answer: str, reference: str, question: str, sim_ref: float, sim_q: float, ref_q: float,
                     sim_demoted: float, unit_texts: list[str], unit_kinds: list[str], kp_texts: list[str],
                     kp_cos: np.ndarray, kp_overlap: np.ndarray, contra_share: float, structure: float,
                     n_words: int, n_sentences: int) -> dict[str, float]:
    """The feature dict (keys :data:`FEATURE_NAMES`) of one answer.

    Args:
        answer, reference, question: the texts (white space normalised).
        sim_ref, sim_q, ref_q: cosines answer-reference, answer-question, reference-question.
        sim_demoted: cosine of the question-demoted answer and reference (0 when either is empty).
        unit_texts, unit_kinds: the answer's units (``"sentence"``, ``"clause"``, ``"pair"``).
        kp_texts: key points, ``k`` of them.
        kp_cos: ``(k, u)`` cosine of key point i with unit j.
        kp_overlap: ``(k, u)`` share of key point i's stems found in unit j.
        contra_share: share of key points the glossary contrast checks found contradicted (0..1).
        structure: structure value 0..1.
        n_words, n_sentences: counts in the answer.

    Returns:
        {name: value}, all finite floats.
    """
    f: dict[str, float] = {"sim_ref": sim_ref, "sim_q": sim_q, "ref_q": ref_q, "sim_demoted": sim_demoted}
    single = [j for j, k in enumerate(unit_kinds) if k != "pair"] or list(range(len(unit_kinds)))
    if kp_cos.size and single:
        sub = kp_cos[:, single]
        f["a2k_max"] = float(sub.max())
        f["a2k_mean"] = float(sub.max(axis=0).mean())
        best = kp_cos.max(axis=1)
        f["k2a_mean"] = float(best.mean())
        f["k2a_min"] = float(best.min())
        f["kp_match_mean"] = float((0.5 * kp_cos + 0.5 * kp_overlap).max(axis=1).mean())
    else:
        f.update(a2k_max=sim_ref, a2k_mean=sim_ref, k2a_mean=sim_ref, k2a_min=sim_ref, kp_match_mean=sim_ref)
    a_st, r_st, q_st = set(stem_tokens(answer)), stem_set(reference), stem_set(question)
    f["lex_prec"], f["lex_rec"], f["lex_f1"] = _prf(a_st, r_st)
    p_d, r_d, _ = _prf(a_st - q_st, r_st - q_st)
    f["lex_rec_demoted"], f["lex_prec_demoted"] = r_d, p_d
    f["novel_share"] = len(a_st - r_st - q_st) / len(a_st) if a_st else 0.0
    f["q_overlap"] = len(a_st & q_st) / len(a_st) if a_st else 0.0
    f["neg_xor"] = float(has_negation(answer) != has_negation(reference))
    # Negation on one side of an aligned (key point, best unit) pair that shares words.
    neg_al = 0.0
    for k, kp in enumerate(kp_texts):
        if kp_cos.size and single:
            j = single[int(np.argmax(kp_cos[k, single]))]
            if kp_overlap[k, j] >= 0.3 and has_negation(kp) != has_negation(unit_texts[j]):
                neg_al = max(neg_al, float(kp_overlap[k, j]))
    f["neg_aligned"] = neg_al
    conflicts, agree, _ = antonym_conflicts(answer, reference)
    f["antonym_conflict"] = float(min(conflicts, 3))
    f["antonym_agree"] = float(min(agree, 3))
    f["contra_share"] = contra_share
    n_ref = max(len(tokenize(reference)), 1)
    f["log_words"] = math.log1p(n_words)
    f["log_len_ratio"] = math.log((n_words + 1) / (n_ref + 1))
    f["n_sentences"] = float(min(n_sentences, 10))
    f["structure"] = structure
    why = _QUESTION_WHY.search(question) is not None
    f["q_why"] = float(why)
    f["q_why_x_reason"] = float(why and _REASON.search(answer) is not None)
    f["q_list"] = float(_QUESTION_LIST.search(question) is not None)
    return {name: float(np.nan_to_num(f[name])) for name in FEATURE_NAMES}
