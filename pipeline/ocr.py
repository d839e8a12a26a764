"""OCR for PDF pages without a usable text layer: Tesseract with its Vietnamese data.

The engine is Debian's `tesseract-ocr` with `tesseract-ocr-vie`, run through pytesseract (one
`tesseract` process per page). vnplan installs and runs without them; a file with a page that
needs OCR is then rejected (E004) with the one apt command that installs them
(`vnplan.ocr_engine.unavailable`).

Which pages (`needs_ocr`): a page whose text layer has fewer than `MIN_TEXT_CHARS` usable
characters (pdfminer's `(cid:N)` placeholders for glyphs without Unicode do not count) and that
carries something to read: a picture over at least `MIN_IMAGE_SHARE` of the page, or such glyphs.
A blank page is not sent to OCR.

How (`read_pages`): each page is rendered with pypdfium2 (installed with pdfplumber) at the
resolution of its scan, one page at a time (PDFium is not thread-safe), and Tesseract reads the
pages in parallel threads, one process each. Tesseract's own OpenMP threads are limited to one: on
a busy machine they cost 3-4x the CPU for the same page. Each page gets the time left before the
file's deadline (`time_limit`), so a long scan is rejected (E010) within the per-file limit
instead of having its worker killed. Each page's text then goes through `repair_ocr_text`
(vnplan.text.ocr_repair), which mends what OCR breaks in the lines the metadata reader needs.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from .errors import E_PDF_NO_TEXT, E_TIMEOUT, Reject
from .ocr_engine import LANG, unavailable
from .text.ocr_repair import repair_ocr_text

# A page with fewer usable characters than this has no text layer worth reading (a page number,
# a stray mark); a real page of text has hundreds.
MIN_TEXT_CHARS = 20
# A picture this large is a page scan, not a logo or a stamp.
MIN_IMAGE_SHARE = 0.25
# Resolution a scan is rendered at: its own, within these bounds; DEFAULT_DPI when it cannot be told.
MIN_DPI, MAX_DPI, DEFAULT_DPI = 150, 400, 300
# Share of the per-file time limit OCR may use; the rest is for the pipeline after it.
TIME_SHARE = 0.9

_CID = re.compile(r"\(cid:\d+\)")
_deadline: ContextVar[float | None] = ContextVar("vnplan_ocr_deadline", default=None)
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class PageText:
    """What OCR read on one page."""

    index: int  # 0-based page index
    text: str
    confidence: float | None  # mean word confidence, 0-100; None when no word was read
    words: int
    seconds: float


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """OCR inside this block finishes within `TIME_SHARE` of `seconds` from now, or rejects its file
    (E010). The batch driver opens one around each file with the per-file limit."""
    token = _deadline.set(time.monotonic() + seconds * TIME_SHARE if seconds else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def needs_ocr(page: Any, text: str) -> int | None:
    """The resolution to render a pdfplumber `page` at for OCR, or None when its text layer (`text`,
    as read) is usable or it has nothing to read."""
    if len(_CID.sub("", text).replace(" ", "").replace("\n", "")) >= MIN_TEXT_CHARS:
        return None
    area = float(page.width * page.height) or 1.0
    scans = [im for im in page.images
             if (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) >= MIN_IMAGE_SHARE * area]
    if not scans:
        return DEFAULT_DPI if _CID.search(text) else None
    im = max(scans, key=lambda im: (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]))
    try:
        dpi = float(im["srcsize"][0]) / ((im["x1"] - im["x0"]) / 72.0)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return DEFAULT_DPI
    return int(round(min(MAX_DPI, max(MIN_DPI, dpi))))


def read_pages(data: bytes, pages: dict[int, int], threads: int | None = None) -> dict[int, PageText]:
    """OCR the given pages (0-based index -> resolution) of a PDF, in parallel; text repaired.

    Raises Reject E004 when OCR is not installed, E010 when the pages do not finish before the
    deadline of `time_limit`."""
    why = unavailable()
    if why is not None:
        raise Reject(E_PDF_NO_TEXT, f"{_count(pages)} without a text layer; {why}")
    import pypdfium2

    # pytesseract imports pandas when it is installed (0.5 s): load it only for a file that needs it.
    import pytesseract

    # OpenMP threads inside each tesseract process only contend with the other pages' processes.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    deadline = _deadline.get()
    threads = max(1, min(len(pages), threads or _cpus()))
    with _PDFIUM:
        doc = pypdfium2.PdfDocument(data)
    try:
        with ThreadPoolExecutor(threads, thread_name_prefix="vnplan-ocr") as pool:
            futures = {pool.submit(_read_page, pytesseract, doc, i, dpi, deadline): i
                       for i, dpi in sorted(pages.items())}
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f for f in done if f.exception() is not None), None)
            if failed is not None:
                for f in futures:
                    f.cancel()
                exc = failed.exception()
                if isinstance(exc, _Late):
                    n_done = sum(1 for f in futures if f.done() and not f.cancelled() and f.exception() is None)
                    raise Reject(E_TIMEOUT, f"OCR read {n_done} of {_count(pages)} in the time left") from None
                raise exc  # type: ignore[misc]
            return {futures[f]: f.result() for f in futures}
    finally:
        with _PDFIUM:
            doc.close()


class _Late(Exception):
    """A page that could not be read before the file's deadline."""


def _read_page(pytesseract: Any, doc: Any, index: int, dpi: int, deadline: float | None) -> PageText:
    t0 = time.monotonic()
    left = None if deadline is None else deadline - t0
    if left is not None and left <= 0:
        raise _Late()
    with _PDFIUM:
        page = doc[index]
        try:
            image = page.render(scale=dpi / 72.0, grayscale=True).to_pil()
        finally:
            page.close()
    try:
        data = pytesseract.image_to_data(image, lang=LANG, config=f"--dpi {dpi}",
                                         timeout=max(1, int(left)) if left is not None else 0,
                                         output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError as exc:
        raise Reject(E_PDF_NO_TEXT, f"Tesseract failed on page {index + 1}: {exc.message}") from None
    except RuntimeError as exc:  # pytesseract's own time limit: it has killed the process
        if "timeout" in str(exc).lower():
            raise _Late() from None
        raise Reject(E_PDF_NO_TEXT, f"OCR failed on page {index + 1}: {exc}") from None
    except OSError as exc:  # no room for the page image, or the engine vanished
        raise Reject(E_PDF_NO_TEXT, f"OCR failed on page {index + 1}: {type(exc).__name__} {exc}") from None
    text, confs = _lines(data)
    return PageText(index, repair_ocr_text(text), round(sum(confs) / len(confs), 1) if confs else None,
                    len(confs), time.monotonic() - t0)


def _lines(data: dict[str, list[Any]]) -> tuple[str, list[float]]:
    """Page text from Tesseract's word table, one line per line it found, and the word confidences."""
    lines: list[str] = []
    confs: list[float] = []
    key = None
    for block, par, line, word, conf in zip(data["block_num"], data["par_num"], data["line_num"],
                                            data["text"], data["conf"], strict=True):
        word = (word or "").strip()
        if not word:
            continue
        if (block, par, line) != key:
            lines.append(word)
            key = (block, par, line)
        else:
            lines[-1] += " " + word
        try:
            c = float(conf)
        except (TypeError, ValueError):
            continue
        if c >= 0:
            confs.append(c)
    return "\n".join(lines), confs


def _count(pages: Sequence[int] | dict[int, int]) -> str:
    n = len(pages)
    return f"{n} page{'s' if n != 1 else ''} ({page_list(sorted(pages))})"


def page_list(indexes: Sequence[int]) -> str:
    """0-based page indexes as the 1-based ranges a reader uses: `1-3, 7`."""
    out: list[str] = []
    for i in indexes:
        if out and out[-1].split("-")[-1] == str(i):
            out[-1] = out[-1].split("-")[0] + f"-{i + 1}"
        else:
            out.append(str(i + 1))
    return ", ".join(out)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
