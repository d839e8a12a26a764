"""The per-file pipeline as one pure function: file -> FileResult."""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path

from .clean import clean
from .errors import E_NO_CONTENT, Reject
from .extract import extract
from .load import DEFAULT_MAX_BYTES, load, load_bytes
from .models import Cleaned, FileResult, OcrPage, Source
from .resolve import resolve
from .segment import segment


def process_source(source: Source) -> FileResult:
    """Clean, segment, extract and resolve a loaded Source."""
    cleaned = clean(source)
    if len(cleaned.text.strip()) < 20:
        raise Reject(E_NO_CONTENT)
    documents = segment(source, cleaned)
    facts = extract(source, cleaned, documents)
    documents, facts = resolve(documents, facts)
    return FileResult(source, cleaned, documents, tuple(facts), ocr_spans(source, cleaned))


def ocr_spans(source: Source, cleaned: Cleaned) -> tuple[OcrPage, ...]:
    """The source's OCR'd pages with their spans mapped from the raw into the cleaned text."""
    offsets = cleaned.offsets
    return tuple(OcrPage(p.page, bisect_left(offsets, p.start, 0, len(offsets) - 1),
                         bisect_left(offsets, p.end, 0, len(offsets) - 1), p.confidence, p.words)
                 for p in source.ocr_pages)


def process_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> FileResult:
    """Run the whole per-file pipeline on one path; raises Reject for unusable input."""
    return process_source(load(path, max_bytes))


def process_bytes(data: bytes, kind: str, path: str = "<bytes>") -> FileResult:
    """Run the pipeline on in-memory bytes of a known kind (for fuzzing and tests)."""
    return process_source(load_bytes(data, kind, path))
