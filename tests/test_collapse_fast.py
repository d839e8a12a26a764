"""The shortcuts behind `collapse` and the heading tails `build_tree` derives from it give the plain answers."""

from __future__ import annotations

import itertools
import sys

from vnplan.segment import _collapsed_tail
from vnplan.text.normalize import collapse

PIECES = ["", " ", "  ", "a", "Điều", "*", "**", "\n", "\t", "\u00a0", "\u2028", "\x1f", ":", "1."]


def _plain(text: str) -> str:
    return " ".join(text.replace("**", "").split())


def test_every_whitespace_but_space_is_unprintable() -> None:
    # The fast path of `collapse` relies on it.
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) != " "]
    assert spaces and not any(c.isprintable() for c in spaces)


def test_collapse_matches_split_join() -> None:
    for parts in itertools.product(PIECES, repeat=3):
        text = "".join(parts)
        assert collapse(text) == _plain(text), repr(text)


def test_collapsed_tail() -> None:
    for a_parts in itertools.product(PIECES, repeat=2):
        a = "".join(a_parts)
        if a.endswith("*"):
            continue  # not handled: a `**` could straddle the join
        for b_parts in itertools.product(PIECES, repeat=3):
            b = "".join(b_parts)
            assert _collapsed_tail(collapse(a + b), collapse(a)) == collapse(b), (a, b)
