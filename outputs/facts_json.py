"""The facts contract of `vnplan extract --json` (docs/FORMAT.md).

Each fact keeps the FORMAT.md fields and adds `doc_id`, `section`, `start`,
`end` and `rule`, so a consumer can find it in the cleaned text. Every kind's
lists come from its entry in the registry (`vnplan.kinds`).

A file with pages read by OCR also gets `ocr_pages` (page, span in the cleaned
text, confidence), and each document and fact whose span lies on such a page
gets `ocr: true` and `ocr_confidence`, the lowest confidence of those pages
(0-100). Files read from a text layer get neither, so their records are as before.
"""

from __future__ import annotations

from typing import Any

from vnplan.kinds import KINDS
from vnplan.models import Document, FileResult, OcrPage

FORMAT_VERSION = 1


def document_json(d: Document) -> dict[str, Any]:
    """One own document in FORMAT.md shape."""
    return {
        "type": d.type,
        "symbol": d.symbol,
        "date": d.date,
        "issuer": d.issuer,
        "province": d.province,
        "signer": d.signer,
        "signer_title": d.signer_title,
        "title": d.title,
        "doc_id": d.doc_id,
        "key": d.key,
        "place": d.place,
        "recipients": list(d.recipients),
        "promulgated_by": d.promulgated_by,
        "start": d.start,
        "end": d.end,
    }


def facts_json(result: FileResult) -> dict[str, Any]:
    """All facts of one file in the FORMAT.md shape, with provenance fields added."""
    out: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "source": result.source.path.rsplit("/", 1)[-1],
        "sha256": result.source.sha256,
        "documents": [document_json(d) for d in result.documents],
    }
    for kind in KINDS:
        out.update(kind.to_json(result, [f for f in result.facts if type(f) is kind.cls]))
    if result.ocr_pages:
        out["ocr_pages"] = [ocr_page_json(p) for p in result.ocr_pages]
        for items in out.values():
            if isinstance(items, list):
                mark_ocr(items, result.ocr_pages)
    return out


def ocr_page_json(p: OcrPage) -> dict[str, Any]:
    """One OCR'd page: its number, its span in the cleaned text, Tesseract's confidence and word count."""
    return {"page": p.page, "start": p.start, "end": p.end, "confidence": p.confidence, "words": p.words}


def mark_ocr(items: list[Any], pages: tuple[OcrPage, ...]) -> None:
    """Give each record whose span lies on an OCR'd page `ocr: true` and the lowest confidence of
    those pages, in place (records without a span, such as agency names, are left alone)."""
    for it in items:
        if not isinstance(it, dict) or "start" not in it or "page" in it:
            continue
        a, b = it["start"], max(it["end"], it["start"] + 1)
        on = [p.confidence for p in pages if p.start < b and a < p.end]
        if on:
            known = [c for c in on if c is not None]
            it["ocr"] = True
            it["ocr_confidence"] = min(known) if known else None
