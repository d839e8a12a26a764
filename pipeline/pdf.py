"""PDFs with a text layer, read with pdfplumber.

Per page: running headers and footers (a first or last line that repeats on
most pages once digits are masked, e.g. `CÔNG BÁO/Số 231 + 232/Ngày 01-02-2025 7`)
and bare page numbers are dropped; ruled tables are taken out of the text flow
and written back in place as one `cell | cell | cell` line per row (and kept
as cells in `Source.tables`); a two-column letterhead is read column by column
so the issuer and the national motto do not interleave. Hard wraps are left to
the `rewrap` cleaning step. A page without a usable text layer (a scan) is read
by OCR (`vnplan.ocr`); where OCR is not installed its file is rejected (E004).
"""

from __future__ import annotations

import io
import re
from collections import Counter

from . import ocr
from .errors import E_PDF_BROKEN, E_PDF_NO_TEXT, Reject
from .models import OcrPage

Table = tuple[tuple[str, ...], ...]

_DIGITS = re.compile(r"\d+")
_PAGE_NO = re.compile(r"^\s*(?:-\s*)?(?:Trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*-)?\s*$")
_MOTTO_WORD = "CỘNG"
_NUMBER_LINE = re.compile(r"^Số\s*:")


def _mask(line: str) -> str:
    return _DIGITS.sub("#", line.strip())


def _cell(c: object) -> str:
    return re.sub(r"\s+", " ", str(c or "")).strip()


def _render(rows: Table) -> str:
    """Table rows as text lines the segmenter can see: `cell | cell | cell`.

    A layout table (letterhead, signature block: at most two filled cells a
    row) loses its empty cells; a data table keeps them so columns line up.
    """
    if all(sum(1 for c in r if c) <= 2 for r in rows):
        return "\n".join(" | ".join(c for c in r if c) for r in rows)
    return "\n".join(" | ".join(r) for r in rows)


def _letterhead_split(page) -> tuple[float, float, float] | None:
    """(x, top, bottom) of a two-column letterhead on a first page, or None."""
    words = page.extract_words(keep_blank_chars=False)
    for i, w in enumerate(words[:80]):
        if w["text"] == _MOTTO_WORD and i + 1 < len(words) and words[i + 1]["text"].startswith("H"):
            x = w["x0"] - 2
            if x < page.width * 0.3:
                return None  # the motto is not in a right-hand column
            # The two columns end with the line that holds `Số: ...` (and the date on the right).
            bottom = None
            for v in words[:120]:
                if v["text"].startswith("Số") and v["x0"] < x and v["top"] > w["top"]:
                    bottom = v["bottom"] + 2
                    break
            if bottom is None:
                return None
            return x, w["top"] - 1, bottom
    return None


def _page_text(page, top: float = 0) -> tuple[str, list[Table]]:
    """Text of a page below `top`, with ruled tables written as rows in place."""
    tables = []
    for t in page.find_tables():
        rows = tuple(tuple(_cell(c) for c in r) for r in t.extract())
        rows = tuple(r for r in rows if any(r))
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2 and t.bbox[1] >= top:
            tables.append((t.bbox, rows))
    tables.sort(key=lambda x: x[0][1])
    parts: list[str] = []
    y = top
    for (_x0, t0, _x1, b0), rows in tables:
        if t0 > y:
            parts.append(page.crop((0, y, page.width, t0)).extract_text() or "")
        parts.append(_render(rows))
        y = max(y, b0)
    if y < page.height:
        parts.append(page.crop((0, y, page.width, page.height)).extract_text() or "")
    return "\n".join(p for p in parts if p), [rows for _, rows in tables]


def _strip_furniture(pages: list[list[str]]) -> None:
    """Drop running headers/footers and page numbers from each page's first and last lines, in place."""
    edges: Counter[str] = Counter()
    for lines in pages:
        for ln in {*lines[:2], *lines[-2:]}:
            edges[_mask(ln)] += 1
    # A line that repeats at the top or bottom of most pages is page furniture.
    running = {k for k, n in edges.items() if len(pages) >= 3 and n >= max(2, len(pages) // 2) and k}
    for lines in pages:
        for idx in (0, 0, -1, -1):  # up to two lines at each edge
            if lines and (_mask(lines[idx]) in running or _PAGE_NO.match(lines[idx])):
                lines.pop(idx)


def _why(exc: BaseException) -> str:
    """A short reason from an exception and the ones it wraps (pdfplumber wraps pdfminer's)."""
    names = []
    cur: BaseException | None = exc
    while cur is not None and len(names) < 5:
        names.append(type(cur).__name__ + " " + " ".join(map(str, cur.args)))
        cur = cur.__cause__ or cur.__context__
    if re.search(r"Password|Encrypt", " ".join(names)):
        return "encrypted, needs a password"
    return type(exc).__name__


def pdf_to_text(data: bytes) -> tuple[str, tuple[Table, ...], tuple[OcrPage, ...]]:
    """Text of every page, pages separated by a form feed, plus the tables found and the pages OCR
    read (with their spans in the text)."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds on broken or encrypted input
        raise Reject(E_PDF_BROKEN, _why(exc)) from None
    pages: list[list[str]] = []
    tables: list[Table] = []
    scans: dict[int, int] = {}  # page index -> resolution to read it at
    with pdf:
        for i, page in enumerate(pdf.pages):
            head = ""
            top = 0.0
            if i == 0:
                split = _letterhead_split(page)
                if split is not None:
                    x, y, top = split
                    above = page.crop((0, 0, page.width, y)).extract_text() or ""
                    left = page.crop((0, y, x, top)).extract_text() or ""
                    right = page.crop((x, y, page.width, top)).extract_text() or ""
                    head = "\n".join(p for p in (above, left, "|", right, "|") if p) + "\n"
            text, found = _page_text(page, top)
            tables.extend(found)
            pages.append((head + text).split("\n"))
            dpi = ocr.needs_ocr(page, head + text)
            if dpi is not None:
                scans[i] = dpi
    read = ocr.read_pages(data, scans) if scans else {}
    for i, got in read.items():
        pages[i] = got.text.split("\n")
    if not any(ln.strip() for lines in pages for ln in lines):
        what = f"OCR found no text on {ocr.page_list(sorted(scans))}" if scans else "no text layer, no scan to OCR"
        raise Reject(E_PDF_NO_TEXT, f"{len(pages)} pages, {what}")
    _strip_furniture(pages)
    spans: list[OcrPage] = []
    at = 0
    for i, lines in enumerate(pages):
        n = sum(map(len, lines)) + len(lines) - 1 if lines else 0
        if i in read:
            spans.append(OcrPage(i + 1, at, at + n, read[i].confidence, read[i].words))
        at += n + 1  # the form feed
    return "\f".join("\n".join(lines) for lines in pages), tuple(tables), tuple(spans)
