"""Which visible strings of an AppTest page are not in the selected interface language.

Shared by tests/test_i18n.py and scripts/bench_ui.py. A string counts as Russian when, after
removing icons, links, code, numbers and the names that stay the same in both languages
(:data:`SAME_IN_BOTH`), it has no Latin word; as English when it has no Cyrillic letter.
"""

from __future__ import annotations

import re
import unicodedata

SAME_IN_BOTH = (
    # Product, format and vendor names, written the same in a Russian interface.
    "Telegram Desktop", "Telegram", "Margo", "Марго", "JSON", "HTML", "CSV", "PDF", "Markdown", "LLM", "MLOps",
    "ML", "NLP", "A/B", "Ollama", "LM Studio", "llama.cpp", "OpenAI", "OpenRouter", "Streamlit Cloud",
    "Streamlit", "Settings → Secrets", "Settings", "Secrets", "Google", "Piper", "Festival", "eSpeak", "arXiv",
    "YouTube", "Data scientist", "GitHub", "OIDC", "MovieLens", "ID", "URL", "CPU", "SQL", "DD.MM.YYYY",
    "YYYY/MM/DD", "ai_newz", "t.me", "Deep learning",
    # Method and metric names a Russian text on recommender systems writes as they are (E. Sokolov,
    # HSE lecture 19 "Рекомендательные системы", ../shared/data/papers: "ALS", "nDCG@k").
    "NDCG", "nDCG", "MAP", "ALS", "BPR", "EASE", "kNN",
    # The Reader's example arXiv query (arXiv is searched in English; the Russian placeholder says so).
    "speculative decoding",
    # Language names in the language switch: each in its own language.
    "Русский", "English",
)
_ICON = re.compile(r":material/[a-z_]+:|:[a-z]+\[|[\U0001F300-\U0001FAFF]")
_URL = re.compile(r"https?://\S+|\(?https?://[^)]*\)?|<[^>]+>|`[^`]*`|\{[^}]*\}")
_FORMAT_TOKENS = re.compile(r"\b\w*_\w*\b|\.?\b(?:mp3|m4a|wav|ogg|flac|mp4|webm|mkv|srt|vtt|pdf|json|csv|html)\b",
                            re.IGNORECASE)
"""Identifiers and file extensions (``item_id``, ``.srt``, ``mp4``): names, not words of a language."""
_ACRONYM = re.compile(r"\b[A-Z]{2,5}s?\b")
"""Acronyms (SGD, ROC, ALS): a Russian technical text writes them in Latin letters."""
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


_GLOSS = re.compile(r"(?<=[А-Яа-яЁё»])\s*\([^()А-Яа-яЁё]*\)")
"""An English term in brackets right after the Russian one, the usual way a Russian technical text
names it ("компромисс между смещением и разбросом (bias-variance trade-off)")."""


def _strip(text: str) -> str:
    text = _FORMAT_TOKENS.sub(" ", _URL.sub(" ", _ICON.sub(" ", _GLOSS.sub(" ", text))))
    for name in sorted(SAME_IN_BOTH, key=len, reverse=True):
        text = text.replace(name, " ")
    return _ACRONYM.sub(" ", text)  # after the names: "LM Studio" is a name, not "LM" and an English word


def is_foreign(text: str, lang: str) -> bool:
    """True when ``text`` (a visible UI string) is not in ``lang``."""
    rest = _strip(text)
    return bool(_LATIN_WORD.search(rest)) if lang == "ru" else bool(_CYRILLIC.search(rest))


def _proto_strings(proto) -> list[str]:
    out: list[str] = []
    for field in ("label", "placeholder", "help", "body", "options", "text", "caption"):
        try:
            value = getattr(proto, field)
        except AttributeError:
            continue
        if isinstance(value, str):
            out.append(value)
        elif hasattr(value, "__iter__"):
            out.extend(v for v in value if isinstance(v, str))
    return out


def visible_strings(at, skip: tuple[str, ...] = ()) -> list[str]:
    """Every label, text, placeholder, help and option an AppTest run shows (deduplicated).

    Args:
        at: an AppTest after ``run()``.
        skip: substrings of content that is data, not interface (a paper's title, a question).
    """
    seen: list[str] = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        strings = _proto_strings(proto)
        if getattr(node, "type", "") == "expandable" or hasattr(proto, "expandable"):
            try:
                strings.append(proto.expandable.label)
            except AttributeError:
                pass
        if hasattr(proto, "tab_container"):
            pass
        if getattr(node, "type", "") == "tab":
            strings.append(getattr(node, "label", ""))
        for s in strings:
            s = s.strip()
            if s and s not in seen and not s.startswith("<style") and not any(k in s for k in skip):
                seen.append(s)
    return seen


def language_share(at, lang: str, skip: tuple[str, ...] = ()) -> tuple[float, list[str], int]:
    """``(share of visible strings in lang, the foreign ones, number of strings)``."""
    strings = [s for s in visible_strings(at, skip) if _strip(s).strip(" .,:;!?—–-·()[]*_#/|\n\t0123456789")]
    foreign = [s for s in strings if is_foreign(s, lang)]
    return (1 - len(foreign) / len(strings)) if strings else 1.0, foreign, len(strings)


# --- In a real browser (#10u): the text a user sees on a page with data ------------------------

BROWSER_TEXT_JS = r"""() => {
  const blocks = 'p,li,h1,h2,h3,h4,h5,h6,label,button,summary,th,td,a,[role=option],[role=tab],'
    + '[data-testid=stCaptionContainer],[data-testid=stMarkdownContainer],[data-testid=stFileChip],text';
  const shown = (el, pseudo) => {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) < 0.05) return false;
      if (e.getAttribute('aria-hidden') === 'true' && e.tagName !== 'svg') return false;
    }
    const s = getComputedStyle(el, pseudo);  // a text put in by CSS has its own font size
    const r = el.getBoundingClientRect();
    return parseFloat(s.fontSize) >= 2 && r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0
      && !(s.position === 'absolute' && s.clip && s.clip.startsWith('rect(0'));
  };
  const icon = (el) => !!el.closest('[role=img],[data-testid=stIconMaterial],[data-testid=stIconEmoji]')
    || /Material Symbols|Material Icons/.test(getComputedStyle(el).fontFamily);  // ligature icons
  const groups = new Map();
  const add = (key, text) => {  // spaces between inline elements belong to the text around them
    if (text.trim() || groups.has(key)) groups.set(key, (groups.get(key) || '') + text);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || ['STYLE', 'SCRIPT', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName) || icon(el)) continue;
    if (el.closest('[data-testid=stFileChipName]')) continue;  // the user's own file name, shortened
    const table = el.closest('[data-testid=stDataFrame] table');
    if (!table && !shown(el)) continue;  // a data frame's cells are drawn on a canvas; its table is for readers
    add(el.closest(blocks) || el, n.textContent);
  }
  const out = [...groups.values()];
  for (const el of document.body.querySelectorAll('*')) {  // texts put in by CSS (the uploader's)
    for (const pseudo of ['::before', '::after']) {
      const c = getComputedStyle(el, pseudo).content;
      if (c && c.startsWith('"') && c.length > 2 && shown(el, pseudo)) out.push(JSON.parse(c));
    }
  }
  for (const el of document.body.querySelectorAll('input[placeholder],textarea[placeholder]')) {
    const color = getComputedStyle(el, '::placeholder').color;  // transparent: replaced by the page's CSS
    if (!el.value && el.placeholder && shown(el) && !/rgba\(.*,\s*0\)|transparent/.test(color)) {
      out.push(el.placeholder);
    }
  }
  return out.map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => s);
}"""
"""JavaScript for ``page.evaluate``: every visible text block of the page (icons, hidden and
zero-size text left out), the texts CSS puts in (``content:``), empty inputs' placeholders and the
header and cells of data frames (drawn on a canvas, read from their accessibility table)."""


def browser_strings(page) -> list[str]:
    """Visible strings of a Playwright ``page`` and of its same-origin frames (the avatar panel).

    Returns:
        The strings in page order, deduplicated.
    """
    seen: list[str] = []
    for frame in page.frames:
        try:
            strings = frame.evaluate(BROWSER_TEXT_JS)
        except Exception:  # a frame that went away or is cross-origin
            continue
        seen.extend(s for s in strings if s not in seen)
    return seen


_WORD = re.compile(r"\w+")


class DataText:
    """The user's own material on a page (a paper, posts, a CSV, a typed question): text from it is
    data, shown as it is, not interface.

    A word of a visible string counts as data when it sits in a pair of consecutive words that
    also stands in the material (a movie title and its year quoted in a Russian reason: "«Alien
    (1979)»"); a string of one word counts as data when the material has that word. The price: an
    interface phrase that the material happens to contain is excused too, so the measure is
    lenient on pages whose material is in the other language (an English paper in a Russian
    interface); the screenshots are looked at for those.

    Args:
        texts: the material, any number of strings.
    """

    def __init__(self, texts) -> None:
        self.grams: set[tuple[str, ...]] = set()
        for text in texts:
            text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", unicodedata.normalize("NFKC", text))  # hyphenation
            words = [w.lower() for w in _WORD.findall(text)]
            for n in (1, 2):
                self.grams.update(tuple(words[i:i + n]) for i in range(len(words) - n + 1))

    def interface_part(self, text: str) -> str:
        """``text`` without its words that come from the material ("" when all of it does)."""
        text = unicodedata.normalize("NFKC", text)
        spans = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
        words = [w for _, _, w in spans]
        if not words:
            return text
        if len(words) == 1 and tuple(words) in self.grams:
            return ""
        data = [False] * len(words)
        for i in range(len(words) - 1):
            if tuple(words[i:i + 2]) in self.grams:
                data[i] = data[i + 1] = True
        # a material word between two material words; names and numbers ("x_1", "2014": rewritten by the
        # layout or the page) and one-letter symbols are passed over when looking for the neighbours
        solid = [i for i, w in enumerate(words) if "_" not in w and not w.isdigit() and len(w) > 1]
        for k, i in enumerate(solid):
            if not data[i] and (words[i],) in self.grams and (k == 0 or data[solid[k - 1]]) and (
                    k + 1 == len(solid) or data[solid[k + 1]]):
                data[i] = True
        # a snippet cut inside a word ("…ревью" of "превью"): the cut word is the material's too
        vocab = None
        for i, after in ((0, text[:spans[0][0]].rstrip().endswith("...")),  # NFKC wrote "…" as "..."
                         (len(words) - 1, text[spans[-1][1]:].lstrip().startswith("..."))):
            if after and not data[i]:
                vocab = vocab or {g[0] for g in self.grams if len(g) == 1}
                data[i] = any((v.endswith(words[i]) if i == 0 else v.startswith(words[i])) for v in vocab)
        out, last = [], 0
        for (start, end, _), is_data in zip(spans, data, strict=True):
            if is_data:
                out.append(text[last:start])
                last = end
        out.append(text[last:])
        return " ".join(out)


def browser_share(strings: list[str], lang: str, data: DataText | None = None) -> tuple[float, list[str], int, int]:
    """Share of a browser page's visible strings in ``lang``.

    Args:
        strings: from :func:`browser_strings`.
        lang: ``"ru"`` or ``"en"``.
        data: the user's material on the page; the words taken from it do not count.

    Returns:
        ``(share in lang, the foreign strings, strings counted, strings that were data only)``.
    """
    counted, foreign, n_data = 0, [], 0
    for s in strings:
        rest = data.interface_part(s) if data is not None else s
        if not _strip(rest).strip(" .,:;!?—–-·()[]*_#/|«»“”\"'\n\t0123456789%×+=<>~…"):
            n_data += rest != s
            continue
        counted += 1
        if is_foreign(rest, lang):
            foreign.append(s)
    return (1 - len(foreign) / counted) if counted else 1.0, foreign, counted, n_data
