"""Import uploaded export files one by one, with a result for each (nothing dropped silently)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import MargoError
from .search import ChannelLibrary, ImportReport

__all__ = ["UploadResult", "import_uploads", "upload_units"]


@dataclass
class UploadResult:
    """What happened to one uploaded export.

    Attributes:
        label: the file name, or "messages.html + messages2.html" for one multi-page HTML export.
        report: the import's report (None when it failed).
        error: the user-facing reason it failed ("" when it worked), in English.
        kind: the error's class name ("MalformedExportError", "TooLargeError", ...), so the
            interface can say it in the user's language.
        exc: the error itself (``exc.localized(lang)`` gives the reason in the user's language).
    """

    label: str
    report: ImportReport | None = None
    error: str = ""
    kind: str = ""
    exc: MargoError | None = None


def upload_units(names: Sequence[str]) -> list[list[int]]:
    """Group uploaded files into exports: all ``.html`` pages together (Telegram Desktop writes
    one channel as ``messages.html``, ``messages2.html``, …), every JSON or CSV file alone.

    Args:
        names: uploaded file names, in upload order.

    Returns:
        Lists of indexes into ``names``, one list per export, in upload order.
    """
    html = [i for i, n in enumerate(names) if n.lower().endswith((".html", ".htm"))]
    units: list[list[int]] = []
    for i in range(len(names)):
        if i in html:
            if i == html[0]:
                units.append(html)
        else:
            units.append([i])
    return units


def import_uploads(library: ChannelLibrary, files: Sequence[tuple[str, bytes]], name: str | None = None,
                   username: str | None = None,
                   progress: Callable[[str, int, int], None] | None = None) -> list[UploadResult]:
    """Import each uploaded export in turn; one failing file does not stop the others.

    Args:
        library: the user's channels.
        files: ``(file name, bytes)`` as uploaded.
        name: channel name for every export (None: each export's own name).
        username: public username for post links.
        progress: called with (label, chunks embedded, chunks to embed).

    Returns:
        One :class:`UploadResult` per export, in upload order.
    """
    results: list[UploadResult] = []
    names = [Path(n).name for n, _ in files]
    for unit in upload_units(names):
        label = " + ".join(names[i] for i in unit)
        with tempfile.TemporaryDirectory(prefix="margo-upload-") as tmp:
            for i in unit:
                (Path(tmp) / names[i]).write_bytes(files[i][1])
            target = Path(tmp) if len(unit) > 1 else Path(tmp) / names[unit[0]]
            try:
                report = library.import_export(
                    target, name=name or None, username=username or None,
                    progress=(lambda d, n, lab=label: progress(lab, d, n)) if progress else None)
                results.append(UploadResult(label, report=report))
            except MargoError as exc:
                results.append(UploadResult(label, error=str(exc), kind=type(exc).__name__, exc=exc))
    return results
