"""Legacy Vietnamese code pages (Windows-1258, TCVN3, VNI) for text that is not UTF-8."""

from __future__ import annotations


def decode_legacy(data: bytes) -> tuple[str, str] | None:
    """Decode with the first legacy code page that gives Vietnamese-looking text, or None."""
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    viet = sum(1 for ch in text if ch in "ăâđêôơưĂÂĐÊÔƠƯ" or "\u0300" <= ch <= "\u0323")
    letters = sum(1 for ch in text if ch.isalpha()) or 1
    if viet / letters < 0.01:
        return None
    return text, "cp1258"
