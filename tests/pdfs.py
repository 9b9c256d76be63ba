"""Small PDFs made by the tests themselves (our own text), for bad-input and unit tests."""

from __future__ import annotations

import pymupdf


def make_pdf(pages: list[str], toc: list[list] | None = None) -> bytes:
    """A PDF with one text page per string (Cyrillic-capable font), optional outline."""
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 550, 800), text, fontsize=11, fontname="helv" if text.isascii() else "tiro",
                            fontfile=None)
    if toc:
        doc.set_toc(toc)
    data = doc.tobytes()
    doc.close()
    return data


def make_image_only_pdf() -> bytes:
    """A PDF whose single page is a picture, with no text layer."""
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 64, 64), False)
    pix.clear_with(200)
    page.insert_image(pymupdf.Rect(50, 50, 300, 300), pixmap=pix)
    data = doc.tobytes()
    doc.close()
    return data


def make_encrypted_pdf() -> bytes:
    """A password-protected PDF (AES-256, user password "secret")."""
    doc = pymupdf.open(stream=make_pdf(["Secret text about transformers and attention heads."]), filetype="pdf")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    doc.close()
    return data
