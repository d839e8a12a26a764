"""Small normalisers shared by stages: symbols, titles, matching keys."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from vnplan.gazetteer import load

_SPACE = re.compile(r"\s+")


@cache
def _code_casing() -> dict[str, str]:
    """Mixed-case codes as the gazetteer spells them (`TTG` -> `TTg`, `CTR` -> `CTr`)."""
    codes = [e.get("code") for e in load("doctypes.json")["entries"]]
    codes += [e.get("code") for e in load("issuers.json")["codes"]]
    return {c.upper(): c for c in codes if c and c != c.upper()}


_CODE_PART = re.compile(r"[A-Za-zĐđ]+")
_NUMBER_HEAD = re.compile(r"^(\d+)([A-Za-z]?)(.*)$")


def normalize_symbol(raw: str) -> str:
    """`205 /QĐ- UBND` -> `205/QĐ-UBND`; `30C/NQ-CP` -> `30c/NQ-CP`; `92/20 17/NĐ-CP` -> `92/2017/NĐ-CP`.

    Codes are upper case except the ones official symbols write in mixed case
    (`QĐ-TTg`, `TTr-SNV`, `CTr-UBND`), which keep the gazetteer's spelling.
    """
    s = unicodedata.normalize("NFC", raw)
    s = _SPACE.sub("", s).strip(".,;:")
    s = s.replace("–", "-").replace("Ð", "Đ")  # U+00D0 eth looks like Đ in scraped text
    m = _NUMBER_HEAD.match(s)
    if m:
        num, letter, rest = m.groups()
        s = num + letter.lower() + rest.upper()
    else:
        s = s.upper()
    casing = _code_casing()
    return _CODE_PART.sub(lambda w: casing.get(w.group(0), w.group(0)), s) if m else s


def collapse(text: str) -> str:
    """Collapse whitespace and line breaks to single spaces (FORMAT.md quotes)."""
    # Already collapsed (about half the calls): no whitespace but single inner spaces, no `**`. Every
    # whitespace character except the space is unprintable, so `isprintable` rules them out in one C scan.
    if "  " not in text and text.isprintable() and "**" not in text and text[:1] != " " and text[-1:] != " ":
        return text
    # `str.split()` splits on exactly the characters `\s` matches (str.isspace), several times faster.
    return " ".join(text.replace("**", "").split())


def fold(text: str) -> str:
    """A matching key: NFC, lower case, single spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).lower()).strip()


def strip_accents(text: str) -> str:
    """ASCII-ish key for fuzzy matching: no tone or vowel marks, đ -> d."""
    d = unicodedata.normalize("NFD", text)
    d = "".join(ch for ch in d if not unicodedata.combining(ch))
    return d.replace("đ", "d").replace("Đ", "D")
