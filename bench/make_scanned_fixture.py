"""Make the scanned fixture of the OCR tests from a real gazette PDF: its first page as published
(text layer), and the same page rasterised at 200 dpi into an image-only PDF, as
bench/bench_ocr.py makes its scans (`text_pdf`, `scan_pdf`); the publisher's `.meta.json` beside.

    .venv/bin/python bench/make_scanned_fixture.py [SOURCE_PDF]

Writes tests/data/pdf/scanned/<name>.pdf (the scan), <name>.text.pdf (the page) and
<name>.meta.json (copied). The tests take their expected symbol, type and year from the
`.meta.json` and the date and issuer from the text page, never from values typed by hand.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from bench_ocr import DEFAULT_PDFS, scan_pdf, text_pdf

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "pdf" / "scanned"
# Its head needs every kind of repair: `SỐ:` for `Số:`, `T1` for the type code `TT`, the ministry's
# name with its spaces lost.
SOURCE = DEFAULT_PDFS / "thong-tu-so-27-2026-tt-bkhcn-469693.pdf"

if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    OUT.mkdir(exist_ok=True)
    (OUT / src.name).write_bytes(scan_pdf(src, pages=(0,), dpi=200))
    (OUT / (src.stem + ".text.pdf")).write_bytes(text_pdf(src, pages=(0,)))
    shutil.copyfile(src.with_suffix(".meta.json"), OUT / (src.stem + ".meta.json"))
    for f in sorted(OUT.glob(src.stem + "*")):
        print(f, f.stat().st_size, "bytes")
