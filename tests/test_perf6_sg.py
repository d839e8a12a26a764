"""Session 6 speed shortcuts of segment and metadata give the answers of the plain code they replace."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.metadata import _OLD_TONE, _OLD_TONE_RE, _mixed_lines, _new_tone, _whole_word_starts
from vnplan.segment import _agency_any, _agency_prechecks, _mostly_upper, heading_scopes

# Letters that matter to the patterns: o/u/y/a/e with and without tones, word and non-word neighbours.
_ALPHABET = "oOuUqQaAeEyYàáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ ._-1×÷\u0300İ\u212aĐđ"


def _fold_plain(s: str) -> str:
    """`_fold_tone` with the pairs' own alternation (the pattern it replaced)."""
    return re.sub("(?:" + "|".join(_OLD_TONE) + ")(?![\\wÀ-ỹ])", _new_tone, s)


@given(st.text(alphabet=_ALPHABET, max_size=30))
@settings(max_examples=400, deadline=None)
def test_fold_tone_pattern(s: str) -> None:
    assert _OLD_TONE_RE.sub(_new_tone, s) == _fold_plain(s)


@pytest.mark.parametrize("s", ["Thanh Hoá", "THANH HOÁ", "hoà bình", "quý", "Uỷ ban", "thuỷ_", "hoàn", "khoẻ."])
def test_fold_tone_examples(s: str) -> None:
    assert _OLD_TONE_RE.sub(_new_tone, s) == _fold_plain(s)


def _starts_plain(key: str, s: str) -> list[int]:
    return [m.start() for m in re.finditer(r"(?<![\wÀ-ỹ])" + re.escape(key) + r"(?![\wÀ-ỹ])", s)]


@given(st.text(alphabet="ab _.à×1\u0300", min_size=1, max_size=3), st.text(alphabet="ab _.à×1\u0300", max_size=25))
@settings(max_examples=500, deadline=None)
def test_whole_word_starts(key: str, s: str) -> None:
    assert _whole_word_starts(key, s) == _starts_plain(key, s)


@pytest.mark.parametrize(("key", "s"), [
    ("hà nội", "thành phố hà nội, hà nội_ và hà nộii hà nội"), ("aa", "aaa aa"), ("bộ", "bộ,bộ bộ×bộ"),
])
def test_whole_word_examples(key: str, s: str) -> None:
    assert _whole_word_starts(key, s) == _starts_plain(key, s)


@pytest.mark.parametrize("head", [
    "Sở Nội vụ:", "Sở Tài chính", "Các sở, ban, ngành:", "UBND các huyện, thành phố", "Trách nhiệm của Sở Y tế",
    "Nhiệm vụ và trách nhiệm của các Sở:", "Công an tỉnh có trách nhiệm:", "Sở Nội vụ chủ trì, phối hợp", "Mục tiêu",
    "Tổ chức thực hiện", "BAN CHỈ ĐẠO:", "ủy ban nhân dân các xã:", "Bảo hiểm xã hội tỉnh", "",
])
def test_agency_union(head: str) -> None:
    """Where the union does not match, no agency pattern does."""
    union = _agency_any()
    assert union is not None
    if union.match(head) is None:
        assert not any(pat.match(head) for _, pat, _ in _agency_prechecks())
    text = "1. " + head
    assert heading_scopes(text, 3, len(text), ["para|Tổ chức thực hiện"]) is not None


def _mixed_plain(body: str) -> str:
    return "\n".join(ln for ln in body.split("\n") if len(ln) < 3 or not _mostly_upper(ln))


@given(st.text(alphabet="aAbBĐđỦủ \n1-.*Σσǅ\U0001d400", max_size=40))
@settings(max_examples=500, deadline=None)
def test_mixed_lines(body: str) -> None:
    assert _mixed_lines(body) == _mixed_plain(body)


@pytest.mark.parametrize("body", [
    "", "\n", "ỦY BAN NHÂN DÂN\nTỈNH X\n\nSố: 1/QĐ\nNội dung văn bản.\nKẾ HOẠCH", "abc\nDEF", "DEF\n", "DEF\nabc",
    "QUYẾT ĐỊNH " * 40 + "\n" + "tiếp theo là chữ thường " * 10, "A" * 200 + "a" * 10, "x\nAB\nyz",
])
def test_mixed_lines_examples(body: str) -> None:
    assert _mixed_lines(body) == _mixed_plain(body)
