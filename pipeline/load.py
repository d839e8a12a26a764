"""Load stage: a file on disk becomes a `Source` (raw text plus metadata), or a `Reject`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .errors import (
    E_BINARY,
    E_EMPTY,
    E_ENCODING,
    E_PDF_BROKEN,
    E_PDF_NO_TEXT,
    E_TOO_LARGE,
    E_UNREADABLE,
    E_UNSUPPORTED,
    Reject,
)
from .models import Source

SUFFIXES = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


def kind_of(path: Path) -> str | None:
    """The input kind for a file name, or None when vnplan does not read it."""
    return SUFFIXES.get(path.suffix.lower())


def load(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read one file into a Source; raise Reject with a reason when it cannot be used."""
    path = Path(path)
    kind = kind_of(path)
    if kind is None:
        raise Reject(E_UNSUPPORTED, path.suffix or "no suffix")
    try:
        # Check the size before reading, so an oversized file costs no memory.
        size = path.stat().st_size
        if size > max_bytes:
            raise Reject(E_TOO_LARGE, f"{size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise Reject(E_UNREADABLE, exc.strerror or str(exc)) from None
    if len(data) > max_bytes:  # grew while we looked
        raise Reject(E_TOO_LARGE, f"{len(data) / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB")
    return load_bytes(data, kind, str(path))


def load_bytes(data: bytes, kind: str, path: str = "<bytes>") -> Source:
    """Turn the bytes of a file of a known kind into a Source."""
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise Reject(E_EMPTY)
    meta = _sidecar_meta(path)
    if kind == "pdf":
        text, tables, ocr_pages = _pdf_text(data)
        return Source(path, sha, len(data), kind, text, "pdf", meta, tables, ocr_pages)
    text, encoding = decode_text(data)
    if kind == "html":
        from .html import html_to_text

        text = html_to_text(text)
    return Source(path, sha, len(data), kind, text, encoding, meta)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 by BOM, else reject."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise Reject(E_ENCODING, "bad UTF-16") from None
    sample = data[:65536]
    # A stray NUL or two occurs in real extracted text; many mean binary (or BOM-less UTF-16).
    if sample.count(b"\x00") > max(2, len(sample) // 200) or _control_ratio(sample) > 0.05:
        raise Reject(E_BINARY, f"{_control_ratio(sample):.0%} control bytes in the first {len(sample)} bytes")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        # A file cut mid-character still has good text before the cut.
        if exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8-sig"), "utf-8"
        from .legacy import decode_legacy, guess_font_encoding

        decoded = decode_legacy(data)
        if decoded is None:
            font = guess_font_encoding(data)
            if font:
                raise Reject(E_ENCODING, f"looks like {font}, a legacy font encoding vnplan does not decode; "
                                         "convert it to Unicode first (e.g. with UniKey)") from None
            raise Reject(E_ENCODING, f"invalid UTF-8 at byte {exc.start}") from None
        return decoded


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    # translate() deletes in C; the length difference counts control bytes.
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


def _sidecar_meta(path: str) -> dict:
    """Publisher metadata in `<file>.meta.json` or `<stem>.meta.json`, when present."""
    p = Path(path)
    for cand in (p.with_suffix(".meta.json"), p.with_name(p.name + ".meta.json")):
        if cand.is_file():
            try:
                return json.loads(cand.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return {}
    return {}


def _pdf_text(data: bytes) -> tuple[str, tuple, tuple]:
    from .pdf import pdf_to_text

    try:
        text, tables, ocr_pages = pdf_to_text(data)
    except Reject:
        raise
    except Exception as exc:  # pdfminer raises many kinds on broken input
        raise Reject(E_PDF_BROKEN, type(exc).__name__) from None
    if len(text.strip()) < 20:
        raise Reject(E_PDF_NO_TEXT)
    return text, tables, ocr_pages
