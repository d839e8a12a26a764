"""Legacy Vietnamese code pages for text that is not UTF-8.

Windows-1258 is decoded: it writes tones as combining marks after the vowel,
which NFC composes. TCVN3 (ABC) and VNI are font encodings without a codec in
Python; they are recognised only to say so in the reject reason, because a
mapping table we cannot check against real files would corrupt text silently.
"""

from __future__ import annotations

import unicodedata

_VOWELS = frozenset("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VIET_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ")


def cp1258_score(text: str) -> float:
    """How Vietnamese a Windows-1258 decoding looks: tone marks after vowels per letter (0 when marks misplace)."""
    letters = marks = after_vowel = viet = 0
    prev = ""
    for ch in text[:200_000]:
        if ch in _TONE_MARKS:
            marks += 1
            if prev in _VOWELS:
                after_vowel += 1
        elif ch.isalpha():
            letters += 1
            if ch in _VIET_LETTERS:
                viet += 1
        prev = ch
    if not letters or (marks and after_vowel < 0.95 * marks):
        return 0.0
    return (marks + viet) / letters


def decode_legacy(data: bytes) -> tuple[str, str] | None:
    """Decode Windows-1258 when the result reads as Vietnamese, else None."""
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        return None
    # Real Vietnamese has a tone or a Vietnamese letter in most words; 5% of letters is a low bar.
    if cp1258_score(text) < 0.05:
        return None
    return unicodedata.normalize("NFC", text), "cp1258"


def guess_font_encoding(data: bytes) -> str | None:
    """`TCVN3` or `VNI` when the bytes look like one of those font encodings, else None."""
    high = sum(1 for b in data[:100_000] if b >= 0x80)
    if high < 20:
        return None
    sample = data[:100_000]
    # TCVN3 puts đ ă â ê ô ơ ư at 0xAE 0xA8 0xA9 0xAA 0xAB 0xAC 0xAD.
    tcvn = sum(sample.count(bytes([b])) for b in (0xAE, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD))
    # VNI writes đ as 0xF1 and tones as a byte after an ASCII vowel (`eá`, `oà`).
    vni = sample.count(b"\xf1") + sum(sample.count(bytes([v, t])) for v in b"aeouyAEOUY" for t in (0xE1, 0xE0, 0xF5, 0xE4, 0xEF, 0xF8))
    if max(tcvn, vni) < 0.1 * high:
        return None
    return "TCVN3" if tcvn >= vni else "VNI"
