"""Ingestion that reads a paper as a reader does, on small PDFs built here with PyMuPDF:
running headers and page numbers, title/author block, two columns, a sentence cut at a
column break, a reference list without a heading, a table with its caption, a repeated
sentence."""

from __future__ import annotations

import pymupdf
import pytest

from core.reader.chunking import chunk_document
from core.reader.pdf import parse_pdf

W, H = 612, 792
LEFT = pymupdf.Rect(50, 80, 296, 720)
RIGHT = pymupdf.Rect(316, 80, 562, 720)

BODY = [
    "Neural readers answer questions about long documents with citations to pages.",
    "We study how retrieval of passages affects the answers that a reader gives.",
    "Our method combines dense vectors with lexical matching of stemmed words.",
    "The combination is measured on a public set of questions about real papers.",
]


def _page_with_header(doc: pymupdf.Document, number: int) -> pymupdf.Page:
    page = doc.new_page(width=W, height=H)
    page.insert_text((200, 40), "Proceedings of the Workshop on Reading Machines", fontsize=8)
    page.insert_text((300, 770), str(number), fontsize=9)
    return page


def _two_column_pdf() -> bytes:
    doc = pymupdf.open()
    # page 1: title, authors, abstract, then two columns; the last left-column sentence
    # continues at the top of the right column.
    page = _page_with_header(doc, 1)
    page.insert_text((150, 80), "Reading Papers Like a Reader", fontsize=18)
    page.insert_text((160, 110), "Ada Lovelace and Charles Babbage, Analytical Institute", fontsize=10)
    page.insert_text((280, 145), "Abstract", fontsize=11)
    left_text = " ".join(BODY) + " The reader keeps every sentence whole even when a column"
    right_text = ("ends in the middle of it, because the text continues in the next column. "
                  "The reader keeps every sentence whole even when a column "
                  "ends in the middle of it, because the text continues in the next column.")
    page.insert_textbox(pymupdf.Rect(50, 160, 296, 700), left_text, fontsize=10)
    page.insert_textbox(pymupdf.Rect(316, 160, 562, 700), right_text, fontsize=10)
    # page 2: more body, a repeated sentence, a table with its caption
    page = _page_with_header(doc, 2)
    repeated = "Dense retrieval finds paraphrases that share no words with the question."
    page.insert_textbox(pymupdf.Rect(50, 80, 562, 200),
                        f"{repeated} {repeated} Lexical matching finds rare names and numbers exactly.", fontsize=10)
    page.insert_textbox(pymupdf.Rect(50, 215, 562, 235), "Table 1: Page-hit of the three systems on the test split.",
                        fontsize=10)
    x = [100, 250, 400]
    y = [245, 265, 285, 305]
    for yy in y:
        page.draw_line((x[0], yy), (x[-1], yy))
    for xx in x:
        page.draw_line((xx, y[0]), (xx, y[-1]))
    cells = [["System", "Page-hit"], ["Margo", "0.84"], ["Starter", "0.74"]]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            page.insert_text((x[c] + 5, y[r] + 14), text, fontsize=10)
    page.insert_textbox(pymupdf.Rect(50, 330, 562, 420),
                        "Our reader was better than the starter pipeline on most questions of the set.", fontsize=10)
    # page 3: a reference list without any heading
    page = _page_with_header(doc, 3)
    page.insert_textbox(pymupdf.Rect(50, 80, 562, 140),
                        "We thank the reviewers for their comments on an earlier draft of this paper.", fontsize=10)
    refs = [
        "Cormack, G. V., Clarke, C. L. A., and Buettcher, S. 2009. Reciprocal rank fusion outperforms "
        "Condorcet. In Proceedings of SIGIR, pp. 758-759.",
        "Dasigi, P., Lo, K., Beltagy, I., Cohan, A., Smith, N. A., and Gardner, M. 2021. A dataset of "
        "information-seeking questions anchored in research papers. In Proceedings of NAACL.",
        "Robertson, S. and Zaragoza, H. 2009. The probabilistic relevance framework: BM25 and beyond. "
        "Foundations and Trends in Information Retrieval, 3(4), pp. 333-389.",
        "Fox, E. A. and Shaw, J. A. 1994. Combination of multiple searches. In Proceedings of TREC-2, pp. 243-252.",
        "Lewis, P., Perez, E., Piktus, A., et al. 2020. Retrieval-augmented generation for knowledge-intensive "
        "NLP tasks. In Advances in NeurIPS, vol. 33.",
    ]
    top = 160
    for ref in refs:
        page.insert_textbox(pymupdf.Rect(50, top, 562, top + 40), ref, fontsize=9)
        top += 50
    data = doc.tobytes()
    doc.close()
    return data


@pytest.fixture(scope="module")
def parsed():
    pdf = parse_pdf(_two_column_pdf())
    chunks, sentences = chunk_document(pdf, chunk_chars=400, overlap_sentences=0)
    return pdf, chunks, sentences


def test_running_header_and_page_numbers_are_dropped(parsed):
    pdf, _, sentences = parsed
    texts = [b.text for b in pdf.blocks]
    assert not any("Proceedings of the Workshop" in t for t in texts)
    assert not any(t.strip() in {"1", "2", "3"} for t in texts)
    assert all("Workshop" not in p for p in pdf.pages)


def test_title_and_authors_are_metadata_not_answers(parsed):
    pdf, _, sentences = parsed
    assert pdf.title == "Reading Papers Like a Reader"
    kinds = {b.text: b.kind for b in pdf.blocks}
    assert kinds["Ada Lovelace and Charles Babbage, Analytical Institute"] == "front"
    assert not any("Lovelace" in s.text for s in sentences)


def test_two_columns_read_in_order_and_sentence_rejoined_across_the_break(parsed):
    _, _, sentences = parsed
    texts = [s.text for s in sentences]
    # left column first
    assert texts.index(BODY[0]) < texts.index(BODY[3])
    joined = ("The reader keeps every sentence whole even when a column ends in the middle of it, "
              "because the text continues in the next column.")
    assert joined in texts
    assert not any(t.endswith("when a column") for t in texts)
    first = next(s for s in sentences if s.text == joined)
    assert first.page == 1 and first.bbox is not None and first.bbox[0] < 300  # starts in the left column


def test_repeated_sentence_is_kept_once(parsed):
    _, _, sentences = parsed
    repeated = "Dense retrieval finds paraphrases that share no words with the question."
    assert [s.text for s in sentences].count(repeated) == 1


def test_reference_list_without_heading_is_found_by_shape(parsed):
    pdf, chunks, sentences = parsed
    refs = [b for b in pdf.blocks if b.kind == "references"]
    assert len(refs) >= 4 and all(b.page == 3 for b in refs)
    assert not any("Buettcher" in s.text or "Zaragoza" in s.text for s in sentences)
    assert not any("Zaragoza" in c.text for c in chunks)
    # the acknowledgement before the list is still text
    assert any("We thank the reviewers" in s.text for s in sentences)


def test_table_is_a_node_with_its_page_and_caption(parsed):
    pdf, chunks, sentences = parsed
    tables = [c for c in chunks if c.kind == "table"]
    assert len(tables) == 1
    table = tables[0]
    assert table.page == 2
    assert table.text.startswith("Table 1: Page-hit of the three systems")
    assert "Margo | 0.84" in table.text and "Starter | 0.74" in table.text
    # the cells are not also scattered as loose text
    assert not any(s.text.strip() == "0.84" for s in sentences)
    assert any(c.kind == "caption" and c.page == 2 for c in chunks)


def test_every_chunk_and_sentence_keeps_a_one_based_page(parsed):
    pdf, chunks, sentences = parsed
    assert {c.page for c in chunks} <= {1, 2, 3}
    assert all(c.page == c.page_end for c in chunks)
    assert all(1 <= s.page <= pdf.n_pages for s in sentences)


def test_formula_only_line_is_marked_not_quoted():
    doc = pymupdf.open()
    page = doc.new_page(width=W, height=H)
    page.insert_textbox(pymupdf.Rect(50, 80, 562, 140), "The loss is the mean squared error of the model's predictions.",
                        fontsize=10)
    page.insert_text((200, 165), "L = sum_i (y_i - z_i)^2 / n", fontsize=10)
    page.insert_textbox(pymupdf.Rect(50, 180, 562, 240), "We minimise it with stochastic gradient descent.", fontsize=10)
    pdf = parse_pdf(doc.tobytes())
    assert any(b.kind == "formula" and "sum_i" in b.text for b in pdf.blocks)
    _, sentences = chunk_document(pdf)
    assert not any("sum_i" in s.text for s in sentences)
    assert any("stochastic gradient descent" in s.text for s in sentences)


def test_fast_character_list_for_find_tables_equals_pymupdfs():
    """#8 speed: the table finder's per-character list, built with plain arithmetic, is PyMuPDF's own."""
    from pymupdf import table as pm_table

    from core.reader import layout

    if layout._PYMUPDF_MAKE_CHARS is None:
        pytest.skip(f"PyMuPDF {pymupdf.VersionBind} keeps its own make_chars")
    assert pm_table.make_chars is layout._fast_make_chars
    with pymupdf.open(stream=_two_column_pdf(), filetype="pdf") as doc:
        page = doc[1]  # the page with the table
        lists = []
        for fn in (layout._PYMUPDF_MAKE_CHARS, layout._fast_make_chars):
            pm_table._CHARS_VAR.set([])
            fn(page)
            lists.append(list(pm_table._CHARS_VAR.get()))
    ours, theirs = lists[1], lists[0]
    assert len(ours) == len(theirs) > 50
    for a, b in zip(theirs, ours, strict=True):
        assert a.keys() == b.keys()
        for key, value in a.items():
            if key == "matrix":
                assert b[key] == pytest.approx(value, abs=1e-3)
            elif isinstance(value, float):
                assert b[key] == pytest.approx(value, abs=1e-3), key
            else:
                assert b[key] == value, key
