"""Document headings: the type lines (`KẾ HOẠCH`, `QUYẾT ĐỊNH`) and how capitalised a line is.

The heading data is `gazetteer/doc_headings.json`; segment and metadata both read it here.
"""

from __future__ import annotations

import re
from functools import cache

from vnplan import gazetteer


@cache
def doc_headings() -> dict:
    """`gazetteer/doc_headings.json`: type headings, agency heads, signer titles, proper phrases, ..."""
    return gazetteer.load("doc_headings.json")


def type_headings() -> dict[str, str]:
    """Type heading lines as printed (`KẾ HOẠCH`) -> full type word (`Kế hoạch`)."""
    return {e["heading"]: e["type"] for e in doc_headings()["types"]}


def preamble_openers(*roles: str) -> tuple[str, ...]:
    """The words that open a preamble paragraph (`Căn cứ`, `Theo đề nghị`, ...; gazetteer/preamble.json),
    of the given roles (`basis`, `proposal`, `purpose`; all when none is given), longest first."""
    words = [e["phrase"] for e in gazetteer.load("preamble.json")["openers"] if not roles or e["role"] in roles]
    return tuple(sorted(words, key=len, reverse=True))


def opener_pattern(*roles: str) -> str:
    """`preamble_openers(*roles)` as one regex alternation (a space in a phrase matches any run of spaces)."""
    return "(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in preamble_openers(*roles)) + ")"


@cache
def structure_words() -> dict[str, tuple[str, str]]:
    """The word that opens each kind of structural heading (`article`: `Điều`, `annex`: `Phụ lục`;
    gazetteer/doc_headings.json `structure`), in its sentence-case and upper-case forms."""
    return {e["kind"]: (e["word"], e["word"].upper()) for e in doc_headings()["structure"]}


def structure_pattern(*kinds: str) -> str:
    """The structure words of `kinds` as one regex alternation: `(?:Điều|ĐIỀU)`, `(?:Phụ[ \t]+lục|PHỤ[ \t]+LỤC)`."""
    words = [w for k in kinds for w in structure_words()[k]]
    return "(?:" + "|".join(w.replace(" ", r"[ \t]+") for w in words) + ")"


_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))


def mostly_upper(s: str) -> bool:
    """Whether a line is set in capitals: at least 3 letters among its first 160 characters, 80% upper case."""
    t = s[:160]  # the first 160 characters decide; long lines are prose
    # Fast exit for prose: ASCII a-z are lower-case letters, and in UTF-8 their bytes stand only for themselves.
    # With more than a fifth of the characters such letters, fewer than 80% of the letters can be capitals.
    b = t.encode("utf-8", "surrogatepass")
    if 5 * (len(b) - len(b.translate(None, _ASCII_LOWER))) > len(t):
        return False
    letters = list(filter(str.isalpha, t))  # (filter and map over str methods run in C)
    return len(letters) >= 3 and sum(map(str.isupper, letters)) / len(letters) >= 0.8
