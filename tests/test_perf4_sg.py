"""The speed shortcuts of segment and metadata give the answers of the plain code they replace."""

from __future__ import annotations

import pytest
from vnplan.metadata import _body_runs, _BodyCasing, _signer_any, _signer_re
from vnplan.models import Section
from vnplan.segment import (
    _DEADLINE_CUE,
    _LINE_STARTS,
    MARKERS,
    _has_deadline_cue,
    _section,
    match_marker,
)


@pytest.mark.parametrize("head", [
    "", "Tổ chức thực hiện:", "Trong năm 2025:", "NGÀY 15 THÁNG 3", "Ngày hội", "hằng tháng", "HÀNG QUÝ",
    "Định kỳ 6 tháng", "ĐỊNH KỲ", "định  kỳ", "năm 1899", "năm 1999", "20x5", "2030", "Kế hoạch \u212aỳ",
    "\u0130ngày", "nga\u0300y", "số 192/QĐ",
])
def test_deadline_cue(head: str) -> None:
    assert _has_deadline_cue(head) == (_DEADLINE_CUE.search(head) is not None)


@pytest.mark.parametrize("line", [
    "CHỦ TỊCH", "KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH THƯỜNG TRỰC", "Q. GIÁM ĐỐC  ",
    "TUQ.BỘ TRƯỞNG", "CHỦ TỊCH UBND", "Chủ tịch", "", "THỨ TRƯỞNG\t", "KT.  TỔNG GIÁM ĐỐC", "GIÁM ĐỐC SỞ",
])
def test_signer_union(line: str) -> None:
    assert (_signer_any().match(line) is not None) == any(p.match(line) for p, _ in _signer_re())


def test_section_fast() -> None:
    values = ("I.1", "arabic", "1", "1. Mục tiêu", 10, 20, 30, 2, "I", (), ())
    fast, plain = _section(*values), Section(*values)
    assert fast == plain and vars(fast) == vars(plain) and hash(fast) == hash(plain)


@pytest.mark.parametrize("line", [
    "Chương II", "CHƯƠNG 3. QUY ĐỊNH", "Mục 1. Chung", "Điều 5. Hiệu lực", "ĐIỀU 2", "Phần thứ nhất", "PHẦN I",
    "PHỤ LỤC II", "Phụ lục 1", "Các sở, ngành", "Cơ quan", "Mỗi năm", "Đối với", "Điều chỉnh", "Phòng",
])
def test_line_starts(line: str) -> None:
    """A line the start table rules out is one no marker matches."""
    if not line.startswith(_LINE_STARTS.get(line[0], ())):
        assert match_marker(line) is None
        assert not any(p.match(line) for _, p in MARKERS)


@pytest.mark.parametrize("body", [
    "Phạm Minh Chính dự họp.\nÔng Phạm Minh Chính nói.",
    "Phạm Minh Chính dự họp.\n\nÔng Phạm Minh  Chính nói.",
    " Ông Phạm Minh Chính\nÔng **Phạm Minh** Chính nói\tthêm.",
    "Tỉnh Hoà Bình và Hòa Bình.\nVề Hoà Bình, tỉnh Hòa Bình.\u00a0Hòa Bình",
])
def test_runs_joined(body: str) -> None:
    casing = _BodyCasing(body)
    want = {k: v for k, v in _body_runs(body).items() if k in casing.folded}
    assert casing.runs(casing.folded) == want
