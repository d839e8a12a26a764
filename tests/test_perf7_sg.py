"""The seventh speed round's shortcuts in segment and metadata give the answers of the plain code they replace."""

from __future__ import annotations

from operator import methodcaller

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.metadata import (
    _body_runs,
    _BodyCasing,
    _line_title,
    _signature,
    _signer_name,
)


def _signature_plain(body: str) -> tuple[str | None, str | None]:
    """`_signature` as it was: every line split off, stripped and tried."""
    lines = list(map(str.strip, body.split("\n")))
    if "*" in body:
        lines = list(map(str.strip, map(methodcaller("strip", "*"), lines)))
    best: tuple[str | None, str | None] = (None, None)
    prev = ""
    for i, s in enumerate(lines):
        if not s or len(s) > 60:
            prev = s or prev
            continue
        title, unit = _line_title(s, prev)
        prev = s
        if title is None:
            continue
        name = _signer_name(lambda i=i: iter(lines[i + 1:]), unit)
        if unit and name is None:
            continue
        if name or best[0] is None:
            best = (name, title)
    return best


_PIECES = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "CHỦ TỊCH", "Nguyễn Văn An", "Hòa", "Lê Hải",
           "TL. BỘ TRƯỞNG", "CHÁNH VĂN PHÒNG", "Đại tá Trần Văn Bình", "(Đã ký)", "---", "TM. CHÍNH PHỦ THỦ TƯỚNG",
           "TRƯỞNG BAN BAN CHÍNH SÁCH,", "Q. GIÁM ĐỐC", "TUQ. CHỦ TỊCH", "KT.", "Trần", "x" * 61, "Nơi nhận:", ""]
_EDGES = ["", "", " ", "*", "** ", " * *", "\t", "\r", "\x85", "\u2028"]


@given(st.lists(st.tuples(st.sampled_from(_EDGES), st.sampled_from(_PIECES), st.sampled_from(_EDGES)), max_size=14))
@settings(max_examples=1500, deadline=None)
def test_signature_lines(lines: list[tuple[str, str, str]]) -> None:
    body = "\n".join(a + s + b for a, s, b in lines)
    assert _signature(body) == _signature_plain(body)


@pytest.mark.parametrize("body", [
    "", "\n", "KT. CHỦ TỊCH", "KT. CHỦ TỊCH\n", "TM. ỦY BAN NHÂN DÂN\n\n\nCHỦ TỊCH\n\nNguyễn Văn An\nHòa",
    "Điều 5.\n**KT. CHỦ TỊCH**\n**PHÓ CHỦ TỊCH**\n\n\n**Lê Hải**\n**Hòa**\n",
    "TM. CHÍNH PHỦ THỦ TƯỚNG\n(Đã ký)\nĐại tá Trần Văn Bình", " * * TM. ỦY BAN\nCHỦ TỊCH\nNguyễn Văn An",
])
def test_signature_examples(body: str) -> None:
    assert _signature(body) == _signature_plain(body)


def _runs_plain(body: str, title_folded: str) -> dict[str, str]:
    return {k: v for k, v in _body_runs(body).items() if k in title_folded}


@given(st.lists(st.sampled_from(["Ủy ban Nhân dân", "Bộ Nội vụ", "Nhân dân", "Phạm Minh Chính", "", " ", "**",
                                 "Chính phủ", "Chính Phủ", "và", "Sở Nội Vụ", "THANH HOÁ", "ủy ban nhân dân"]),
                max_size=12), st.sampled_from(["\n", " ", "  ", "\n\n", " \n"]))
@settings(max_examples=800, deadline=None)
def test_body_runs_joined(words: list[str], sep: str) -> None:
    body = sep.join(words)
    for title in ("ủy ban nhân dân bộ nội vụ", "phạm minh chính chính phủ sở nội vụ"):
        assert _BodyCasing(body).runs(title) == _runs_plain(body, title)


@pytest.mark.parametrize("body", ["Bộ Nội vụ và Bộ Nội vụ\n", "\nBộ Nội vụ, Bộ Nội vụ\n\n", "Bộ Nội vụ\nBộ Nội vụ \n"])
def test_body_runs_line_break_at_end(body: str) -> None:
    assert _BodyCasing(body).runs("bộ nội vụ") == _runs_plain(body, "bộ nội vụ")
