"""Cheap pre-scans for expensive regexes: find where a pattern can start, try it only there.

A pattern whose every match opens with one of a few literal words needs `rx.match`
only at the places `str.find` reports for those words; `match_at` over those
places yields exactly what `rx.finditer` would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache


@lru_cache(maxsize=8)
def lowered(text: str) -> str:
    """`text.lower()`, computed once per text: every extractor of a file reads the same text
    lower-cased (a slice of it is `text[a:b].lower()` when the lengths agree and `Σ` is not in it,
    the one letter whose lower case depends on its neighbours)."""
    return text.lower()


def find_all(text: str, words: Iterable[str], lo: int = 0, hi: int | None = None) -> list[int]:
    """Every start (overlapping ones too) of any of `words` in `text[lo:hi]`, sorted."""
    hi = len(text) if hi is None else hi
    out: list[int] = []
    for w in words:
        i = text.find(w, lo, hi)
        while i >= 0:
            out.append(i)
            i = text.find(w, i + 1, hi)
    out.sort()
    return out


def match_at(rx: re.Pattern[str], text: str, starts: Sequence[int], hi: int | None = None) -> Iterator[re.Match[str]]:
    """`rx.finditer(text, ..., hi)` when every match of `rx` (never empty) starts at one of the sorted `starts`."""
    hi = len(text) if hi is None else hi
    pos = -1
    for p in starts:
        if p < pos:
            continue
        m = rx.match(text, p, hi)
        if m:
            yield m
            pos = m.end()


def trie_pattern(phrases: Iterable[str], space: str = r"\s+") -> str:
    """A regex matching exactly `phrases` (spaces as `space`), as a character trie: one
    alternative per first character, so `re` drops a position after a char or two instead
    of trying every phrase there. Use it where only *whether* some phrase matches counts:
    the longest-first order of a flat alternation is not kept."""
    trie: dict = {}
    for ph in phrases:
        node = trie
        for ch in " ".join(ph.split()):
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [(space if ch == " " else re.escape(ch)) + emit(node[ch]) for ch in sorted(node) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)
