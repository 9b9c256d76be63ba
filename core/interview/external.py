"""Parsers for public interview banks in Markdown (used by the benchmark and tests).

Two layouts are read:

* alexeygrigorev/data-science-interviews ``theory.md``: a question is a bold line
  ``**What is regression? 👶**`` followed by its answer paragraphs up to the next bold
  question, ``<br/>`` or heading;
* Lisstrange/interviews: ``<details><summary>question</summary> answer </details>``
  blocks with HTML inside.

Questions whose answer is shorter than ``min_words`` (unanswered ones, image-only
answers, the "Вопрос?" template) are skipped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ExternalQA", "parse_bold_markdown", "parse_details_markdown", "parse_markdown_bank"]

_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u200d\ufe0f]")


@dataclass(frozen=True)
class ExternalQA:
    """A question with its reference answer from a public bank.

    Attributes:
        id: ``"<file stem>-<n>"``, n 1-based in file order.
        question: question text (emoji and markup removed).
        reference: answer text (markup removed, white space collapsed).
    """

    id: str
    question: str
    reference: str


def _clean(text: str) -> str:
    text = re.sub(r"<img[^>]*>", " ", text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    text = re.sub(r"[*_`#>|]+", " ", text)
    text = _EMOJI.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_bold_markdown(text: str, stem: str = "bank", min_words: int = 8) -> list[ExternalQA]:
    """Questions as ``**bold lines**`` with the answer below (alexeygrigorev ``theory.md``)."""
    out: list[ExternalQA] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^\*\*(.+?)\*\*\s*$", lines[i].strip())
        if not m:
            i += 1
            continue
        question = _clean(m.group(1))
        body: list[str] = []
        i += 1
        while i < len(lines):
            s = lines[i].strip()
            if re.match(r"^\*\*(.+?)\*\*\s*$", s) or s.startswith("#") or s.startswith("<br"):
                break
            body.append(lines[i])
            i += 1
        answer = _clean("\n".join(body))
        if question and len(answer.split()) >= min_words:
            out.append(ExternalQA(f"{stem}-{len(out) + 1}", question, answer))
    return out


def parse_details_markdown(text: str, stem: str = "bank", min_words: int = 8) -> list[ExternalQA]:
    """Questions as ``<details><summary>`` blocks (Lisstrange/interviews)."""
    out: list[ExternalQA] = []
    for block in re.findall(r"<details>(.*?)</details>", text, flags=re.S | re.I):
        m = re.search(r"<summary>(.*?)</summary>(.*)", block, flags=re.S | re.I)
        if not m:
            continue
        question, answer = _clean(m.group(1)), _clean(m.group(2))
        if question and question != "Вопрос?" and len(answer.split()) >= min_words:
            out.append(ExternalQA(f"{stem}-{len(out) + 1}", question, answer))
    return out


def parse_markdown_bank(path: Path, min_words: int = 8) -> list[ExternalQA]:
    """Parse ``path`` with whichever layout it uses (``<details>`` blocks or bold questions)."""
    text = Path(path).read_text(encoding="utf-8")
    if re.search(r"<details>", text, flags=re.I):
        return parse_details_markdown(text, Path(path).stem, min_words)
    return parse_bold_markdown(text, Path(path).stem, min_words)
