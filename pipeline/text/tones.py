"""The one tone-placement rule: on a syllable-final oa/oe/uy the tone sits on the first vowel.

Vietnamese text mixes two conventions, old (`hoà`, `Uỷ`, `hoá`) and modern (`hòa`, `Ủy`, `hóa`);
they spell the same syllable. vnplan writes the modern one everywhere: cleaning rewrites the
text with it (offset-tracked, `retone_pair`), and every matching key folds with it
(`modern_tone`). Only a final pair moves (`hoàn`, `toán` keep their tone, which both
conventions put there), and `qu`/`gi` are consonants (`quý`, `quỳ` are already right).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below
# The vowel pairs whose second vowel carries the old-style tone.
_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))
# A toned second vowel of such a pair, in either case.
TONED_SECONDS = "".join(sorted({unicodedata.normalize("NFC", v + t)
                                for _, b in _PAIRS for v in (b, b.upper()) for t in TONE_MARKS}))
_CONSONANT_U = ("q", "Q", "g", "G")  # `qu`, `gu`: the u is part of the consonant


def _old_to_new() -> dict[str, str]:
    """Every old-style pair (`oà`, `OÁ`, `uỷ`, ...) -> its modern spelling, each letter keeping its case."""
    out = {}
    for first, second in _PAIRS:
        for tone in TONE_MARKS:
            for a in (first, first.upper()):
                for b in (second, second.upper()):
                    out[a + unicodedata.normalize("NFC", b + tone)] = unicodedata.normalize("NFC", a + tone) + b
    return out


OLD_TO_NEW: dict[str, str] = _old_to_new()


def _alternatives() -> str:
    """The old pairs as one alternative per first letter (`o[àá...]|O[...]|u[...]|U[...]`): the same
    strings as their own alternation, about twice as fast to search."""
    seconds: dict[str, list[str]] = {}
    for pair in OLD_TO_NEW:
        seconds.setdefault(pair[0], []).append(pair[1])
    return "|".join(re.escape(a) + "[" + "".join(map(re.escape, sorted(set(b)))) + "]" for a, b in seconds.items())


# A final old-style pair (not followed by a letter or digit).
OLD_PAIR = re.compile("(?:" + _alternatives() + ")(?![\\wÀ-ỹ])")


def _new(m: re.Match[str]) -> str:
    # (`m.string[-1:0]` is "" at the start of the text.)
    return m.group(0) if m.string[m.start() - 1 : m.start()] in _CONSONANT_U else OLD_TO_NEW[m.group(0)]


def modern_tone(s: str) -> str:
    """`s` (NFC) with every final oa/oe/uy toned the modern way: `hoà` -> `hòa`, `Uỷ` -> `Ủy`.

    Keeps the length, so positions in `s` stay valid."""
    return OLD_PAIR.sub(_new, s) if s else s


def retone_pair(text: str, end: int) -> str:
    """The modern spelling of the letters `text[end-1:end+1]`, for a caller that found an old-style
    pair's toned vowel at `end` at the end of a syllable; those letters as they are when they are not
    such a pair (`quý`, `gìa`)."""
    pair = text[end - 1 : end + 1]
    if text[end - 2 : end - 1] in _CONSONANT_U:
        return pair
    return OLD_TO_NEW.get(pair, pair)


_DEBRIS = str.maketrans({"ñ": "đ", "Ñ": "Đ", "Ð": "Đ", "ð": "đ"})  # legacy-encoding debris (`Hội ñồng`)


@lru_cache(maxsize=1 << 15)
def spelling_key(text: str) -> str:
    """Old and new tone placement and legacy debris to one spelling, for matching only (same length)."""
    return modern_tone(text).translate(_DEBRIS)
