"""Segmenter: heading markers, nesting, scopes, table rows, document splits, and the seeds' outlines."""

from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path

import pytest
from vnplan.metadata import _body_runs, _BodyCasing, _signer_any, _signer_re
from vnplan.models import Document, Section
from vnplan.segment import (
    _DEADLINE_CUE,
    _LINE_STARTS,
    MARKERS,
    _agency_any,
    _agency_prechecks,
    _collapsed_tail,
    _has_deadline_cue,
    _section,
    build_tree,
    format_outline,
    heading_scopes,
    match_marker,
    split_documents,
)
from vnplan.text.normalize import collapse

from tests.conftest import SEEDS, run_seed

OUTLINES = Path(__file__).resolve().parent / "data" / "outlines"

# (line, previous line, expected (kind, label) or None) — snippets from the seeds and gazette texts.
MARKER_CASES = [
    ("I- MỤC TIÊU, CHỈ TIÊU CHỦ YẾU, YÊU CẦU", "", ("roman", "I")),
    ("II. NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG", "", ("roman", "II")),
    ("IV. TỔ CHỨC THỰC HIỆN", "", ("roman", "IV")),
    ("1. Mục tiêu", "", ("arabic", "1")),
    ("1.1. Công tác chỉ đạo điều hành", "", ("arabic", "1.1")),
    ("1.3.2. Tiêu chí thành phần", "", ("arabic", "1.3.2")),
    ("7.6 Tổ chức thực hiện cơ chế một cửa", "", ("arabic", "7.6")),
    ("2) Sở Nội vụ", "", ("arabic", "2")),
    ("a) Nhiệm vụ và trách nhiệm của Sở Tư pháp:", "", ("letter", "a")),
    ("đ) Nhiệm vụ và trách nhiệm của UBND các huyện", "", ("letter", "đ")),
    ("- Đến năm 2020:", "", ("dash", "-")),
    ("+ 100% các thủ tục hành chính", "", ("plus", "+")),
    ("Điều 1. Ban hành kèm theo Quyết định này", "", ("article", "1")),
    ("Điều 12a. Sửa đổi", "", ("article", "12a")),
    ("Điều 1", "", ("article", "1")),
    ("Điều 1 của Luật này", "", None),
    ("Chương II", "", ("chapter", "II")),
    ("CHƯƠNG III. TỔ CHỨC THỰC HIỆN", "", ("chapter", "III")),
    ("Mục 1. QUY ĐỊNH CHUNG", "", ("item", "1")),
    ("Phần thứ nhất", "", ("part", "thứ nhất")),
    ("PHỤ LỤC I", "", ("annex", "PLI")),
    ("Phụ lục số 04", "", ("annex", "PL04")),
    ("**Điều 3.** Hiệu lực thi hành", "", ("article", "3")),
    # False headings: continuations, dates, numbers, rules, table cells.
    ("2020, các cơ quan hành chính", "", None),
    ("1.000 người được đào tạo", "", None),
    ("13/3/2017 của UBND tỉnh", "", None),
    ("06/5/2022 của Bộ trưởng Bộ Nội vụ", "", None),
    ("2/63 tỉnh, thành phố trong cả nước", "", None),
    ("3.3 1", "", None),
    ("8.5", "", None),
    ("1. các cơ quan", "", None),
    ("1. 100% đội ngũ cán bộ, công chức", "", ("arabic", "1")),
    ("2) 05 ngày làm việc", "", ("arabic", "2")),
    ("1.1 100", "", None),
    ("-------", "", None),
    ("Chương trình hành động của Ủy ban nhân dân tỉnh", "", None),
    ("Mục tiêu năm 2022", "", None),
    ("Phụ lục I ban hành kèm theo", "", None),
    ("- 2020, phấn đấu", "cải cách hành chính giai đoạn 2016", None),
    ("- 2020: 100%", "Đến năm 2020.", ("dash", "-")),
    ("I thought", "", None),
]


@pytest.mark.parametrize(("line", "prev", "expected"), MARKER_CASES)
def test_match_marker(line: str, prev: str, expected: tuple[str, str] | None) -> None:
    got = match_marker(line, prev)
    assert (got[:2] if got else None) == expected


SCOPE_CASES = [
    ("Giai đoạn 1 (2011 - 2015)", [], [("period", "2011-01-01/2015-12-31", "Giai đoạn 1 (2011 - 2015)")]),
    ("Giai đoạn 2016-2020:", [], [("period", "2016-01-01/2020-12-31", "Giai đoạn 2016-2020")]),
    ("Đến năm 2020:", [], [("deadline", "2020-12-31", "Đến năm 2020")]),
    ("Nhiệm vụ và trách nhiệm của Sở Tư pháp:", [], [("agency", "Sở Tư pháp", "Sở Tư pháp")]),
    ("Sở Nội vụ:", ["roman|III. TỔ CHỨC THỰC HIỆN"], [("agency", "Sở Nội vụ", "Sở Nội vụ")]),
    ("Sở Nội vụ:", ["roman|II. NHIỆM VỤ CỤ THỂ"], []),
    ("Sở Tài chính có trách nhiệm", ["roman|IV. TỔ CHỨC THỰC HIỆN"], [("agency", "Sở Tài chính", "Sở Tài chính")]),
    ("Sở Nội vụ chủ trì theo dõi, đôn đốc việc triển khai Chương trình.", ["roman|III. TỔ CHỨC THỰC HIỆN"], []),
    ("Cải cách thể chế", [], []),
    ("Bộ Nội vụ", ["roman|II. NHIỆM VỤ, GIẢI PHÁP"], [("agency", "Bộ Nội vụ", "Bộ Nội vụ")]),
    ("Bộ máy hành chính", [], []),
    ("Trách nhiệm của Sở Nội vụ - Cơ quan Thường trực cải cách hành chính của tỉnh", [],
     [("agency", "Sở Nội vụ", "Sở Nội vụ")]),
    ("Đài Phát thanh - Truyền hình Quảng Ngãi, Báo Quảng Ngãi:", ["roman|III- TỔ CHỨC THỰC HIỆN"],
     [("agency", "Đài Phát thanh - Truyền hình Quảng Ngãi, Báo Quảng Ngãi", "Đài Phát thanh - Truyền hình Quảng Ngãi, Báo Quảng Ngãi")]),
    ("Tiếp tục nâng cao chất lượng dự thảo, xây dựng trình Ủy ban nhân dân tỉnh ban hành đến năm 2015 các văn bản", [], []),
]


@pytest.mark.parametrize(("heading", "ancestors", "expected"), SCOPE_CASES)
def test_heading_scopes(heading: str, ancestors: list[str], expected: list[tuple[str, str, str]]) -> None:
    text = "x\n" + heading + "\n"
    got = heading_scopes(text, 2, 2 + len(heading), ancestors)
    assert [(s.kind, s.value, s.quote) for s in got] == expected
    for s in got:
        assert text[s.start:s.end] == s.quote


PLAN = """KẾ HOẠCH
Cải cách hành chính năm 2018
II. NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG TRÁCH NHIỆM THỰC HIỆN
1. Cải cách thể chế
a) Nhiệm vụ và trách nhiệm của Sở Tư pháp:
- Kịp thời thể chế hóa các quy định.
- Nâng cao chất lượng văn bản.
b) Nhiệm vụ và trách nhiệm của sở, ban, ngành và địa phương:
- Chủ động đề xuất.
2. Cải cách thủ tục hành chính
- Đến năm 2020:
+ 100% thủ tục hành chính được giải quyết đúng hạn.
+ 80% văn bản điện tử.
III- TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ:
- Theo dõi, đôn đốc.
STT | Tiêu chí | Điểm
1.1 | Thực hiện Kế hoạch | 1.5
Ghi chú cuối bảng.
"""


def _tree(text: str):
    return {s.path: s for s in build_tree(text, 0, len(text))}


def test_build_tree_paths_and_nesting() -> None:
    t = _tree(PLAN)
    assert list(t)[:1] == [""]
    expected = ["II", "II.1", "II.1.a", "II.1.a.-1", "II.1.a.-2", "II.1.b", "II.1.b.-1", "II.2", "II.2.-1",
                "II.2.-1.+1", "II.2.-1.+2", "III", "III.1", "III.1.-1", "III.1.-1.T1", "III.1.-1.T1.r1",
                "III.1.-1.T1.r2"]
    assert [p for p in t if p] == expected
    assert t["II.1.a"].parent == "II.1" and t["II.1.a"].depth == 3
    assert t["II.2.-1.+2"].parent == "II.2.-1"
    assert t["II"].end == t["III"].start
    assert t["II.2.-1"].scopes[0].value == "2020-12-31"
    assert t["III.1"].scopes[0].kind == "agency" and t["III.1"].scopes[0].value == "Sở Nội vụ"
    assert t["III.1.-1.T1.r2"].cells == ("1.1", "Thực hiện Kế hoạch", "1.5")
    assert t["III.1.-1.T1.r2"].kind == "row"


def test_roman_inside_article_and_article_closes_it() -> None:
    text = ("Điều 1. Ban hành Chương trình hành động với các nội dung sau:\nI. MỤC ĐÍCH, YÊU CẦU\n1. Cụ thể hóa.\n"
            "II. NHIỆM VỤ\n1. Xây dựng.\nĐiều 2. Quyết định này có hiệu lực.\n")
    t = _tree(text)
    assert [p for p in t if p] == ["Điều 1", "Điều 1.I", "Điều 1.I.1", "Điều 1.II", "Điều 1.II.1", "Điều 2"]


def test_chapter_heading_takes_its_name_line() -> None:
    text = "Chương I\nNHỮNG QUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\n1. Nghị định này quy định.\nChương II\nTỔ CHỨC\nĐiều 2. Tổ chức\n"
    t = _tree(text)
    assert t["Chương I"].heading == "Chương I NHỮNG QUY ĐỊNH CHUNG"
    assert [p for p in t if p] == ["Chương I", "Chương I.Điều 1", "Chương I.Điều 1.1", "Chương II", "Chương II.Điều 2"]


def test_bare_heading_takes_its_name_across_a_blank_line() -> None:
    text = "Chương I\n\nCHẾ ĐỘ CHÍNH TRỊ\n\nĐiều 1\n\nNước Cộng hòa xã hội chủ nghĩa Việt Nam là một nước độc lập.\n"
    t = _tree(text)
    assert t["Chương I"].heading == "Chương I CHẾ ĐỘ CHÍNH TRỊ"
    assert [p for p in t if p] == ["Chương I", "Chương I.Điều 1"]


def test_wrapped_heading_joins_its_continuation() -> None:
    text = "II. NỘI DUNG VÀ\nTRÁCH NHIỆM THỰC HIỆN\n1. Chỉ số cải\ncách hành chính tỉnh năm 2022\n1.1. Công tác\nchỉ đạo điều hành\n"
    t = _tree(text)
    assert t["II"].heading == "II. NỘI DUNG VÀ TRÁCH NHIỆM THỰC HIỆN"
    assert t["II.1"].heading == "1. Chỉ số cải cách hành chính tỉnh năm 2022"
    assert t["II.1.1"].heading == "1.1. Công tác chỉ đạo điều hành"


def test_section_at_returns_the_deepest_section() -> None:
    secs = build_tree(PLAN, 0, len(PLAN))
    doc = Document("x:0", "x", 0, 0, len(PLAN), sections=secs)
    assert doc.section_at(PLAN.index("Nâng cao chất lượng")).path == "II.1.a.-2"
    assert doc.section_at(PLAN.index("Cải cách hành chính năm")).path == ""
    assert doc.section_at(PLAN.index("80% văn bản")).path == "II.2.-1.+2"
    assert [s.path for s in doc.ancestors("II.2.-1.+2")] == ["II.2.-1.+2", "II.2.-1", "II.2", "II", ""]


SPLIT_CASES = [
    # decision + promulgated plan
    ("QUYẾT ĐỊNH\nBAN HÀNH KẾ HOẠCH\n" + "Căn cứ Luật.\n" * 20 + "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n"
     "CHỦ TỊCH\nNguyễn Văn A\nKẾ HOẠCH\nTRIỂN KHAI THỰC HIỆN\n(Ban hành kèm theo Quyết định số 205/QĐ-UBND ngày 13/3/2017 "
     "của UBND tỉnh Quảng Ngãi)\nI. MỤC TIÊU\n", [None, 0]),
    # a plan whose annex repeats the header: one document
    ("KẾ HOẠCH\nCẢI THIỆN CHỈ SỐ\n" + "I. MỤC ĐÍCH\n" * 20 + "PHỤ LỤC I\nMỤC TIÊU PHẤN ĐẤU\n(Kèm theo Kế hoạch số 205/KH-UBND "
     "ngày 24 tháng 8 năm 2022 của UBND tỉnh Quảng Ninh)\n", [None]),
    # a form in the annex of a circular: one document
    ("THÔNG TƯ\nQuy định\n" + "Điều 1. Phạm vi\n" * 20 + "Mẫu số 05: Ban hành kèm theo Thông tư số 15/2023/TT-BLĐTBXH\n"
     "ỦY BAN NHÂN DÂN TỈNH/THÀNH PHỐ... CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố:.............\nQUYẾT ĐỊNH\nVề việc\n", [None]),
    # two independent documents, each with its letterhead
    ("CHÍNH PHỦ\nSố: 1/NQ-CP\nNGHỊ QUYẾT\nVề việc A\n" + "Điều 1. Nội dung.\n" * 20 + "Nguyễn Văn A\n"
     "BỘ NỘI VỤ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 2/2024/TT-BNV\nTHÔNG TƯ\nVề việc B\n", [None, None]),
    # a type word finishing a wrapped numbered heading (`VII. CHẾ ĐỘ` / `BÁO CÁO`) is not a new document
    ("KẾ HOẠCH\nPHÁT TRIỂN KINH TẾ SỐ\n" + "I. MỤC TIÊU\n" * 20 + "VII. CHẾ ĐỘ\nBÁO CÁO\n\nCác cơ quan báo cáo hằng năm.\n"
     "PHỤ LỤC\nPHÂN CÔNG\n(Kèm theo Kế hoạch số 144/KH-UBND ngày 24/11/2025 của UBND tỉnh)\n", [None]),
]


@pytest.mark.parametrize(("text", "parents"), SPLIT_CASES)
def test_split_documents(text: str, parents: list[int | None]) -> None:
    spans = split_documents(text)
    assert [p for _, _, p in spans] == parents
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_promulgated_document_without_a_dated_header_takes_the_decisions_date() -> None:
    from vnplan.run import process_bytes

    text = ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\nSố: 212/2025/QĐ-UBND\nHải Phòng, ngày 18 tháng 11 năm 2025\n"
            "QUYẾT ĐỊNH\nBan hành Quy định về tiêu chí đánh giá cán bộ\n" + "Căn cứ Luật.\n" * 20
            + "Điều 1. Ban hành kèm theo Quyết định này Quy định.\nCHỦ TỊCH\nLê Văn A\n"
            "QUY ĐỊNH\nVề tiêu chí đánh giá cán bộ\n(Ban hành kèm theo Quyết định số 212/2025/QĐ-UBND của Ủy ban "
            "nhân dân thành phố)\nChương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\n")
    docs = process_bytes(text.encode(), "txt").documents
    assert [(d.type, d.date, d.promulgated_by) for d in docs] == [
        ("Quyết định", "2025-11-18", None), ("Quy định", "2025-11-18", 0)]


def test_split_keeps_the_letterhead_with_its_document() -> None:
    text = SPLIT_CASES[3][0]
    spans = split_documents(text)
    assert text[spans[1][0]:].startswith("BỘ NỘI VỤ\nCỘNG HÒA")


# ---------------------------------------------------------------- seeds


@pytest.mark.parametrize("seed", [p.name for p in SEEDS])
def test_seed_outline(seed: str) -> None:
    """Top-level headings, counts per kind, chosen paths, scopes and cells match the hand-checked outline."""
    exp = json.loads((OUTLINES / seed.replace(".txt", ".json")).read_text(encoding="utf-8"))
    result = run_seed(seed)
    assert len(result.documents) == len(exp["documents"])
    for doc, want in zip(result.documents, exp["documents"], strict=True):
        top = [s for s in doc.sections if s.depth == 1]
        assert [s.path for s in top] == [p for p, _ in want["top"]]
        for s, (_, head) in zip(top, want["top"], strict=True):
            assert s.heading.startswith(head), (s.path, s.heading)
        counts: dict[str, int] = {}
        for s in doc.sections:
            counts[s.kind] = counts.get(s.kind, 0) + 1
        for kind, n in want["counts"].items():
            assert counts.get(kind, 0) == n, kind
        by_path = {s.path: s for s in doc.sections}
        for path, head in want.get("paths", {}).items():
            assert by_path[path].heading.startswith(head), (path, by_path[path].heading)
        for path, scopes in want.get("scopes", {}).items():
            assert [[x.kind, x.value] for x in by_path[path].scopes] == scopes, path
        for path, cells in want.get("cells", {}).items():
            assert list(by_path[path].cells) == cells


def test_seed_tree_invariants(seed_result) -> None:
    text = seed_result.cleaned.text
    for doc in seed_result.documents:
        secs = doc.sections
        assert secs[0].path == "" and secs[0].kind == "root"
        assert (secs[0].start, secs[0].end) == (doc.start, doc.end)
        by_path = {s.path: s for s in secs}
        assert len(by_path) == len(secs)  # paths are unique
        for s in secs[1:]:
            parent = by_path[s.parent]
            assert parent.start <= s.start < s.end <= parent.end, s.path
            assert s.start <= s.heading_end <= s.end
            assert s.depth == parent.depth + 1
            for sc in s.scopes:
                assert text[sc.start:sc.end] == sc.quote
                assert s.start <= sc.start <= sc.end <= s.heading_end
                if sc.kind == "deadline":
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", sc.value)
                if sc.kind == "period":
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}", sc.value)
        # section_at agrees with the spans
        for s in secs[1:]:
            if s.heading_end == s.start:
                continue  # a table opens with its first row
            assert doc.section_at(s.heading_end - 1).path in (s.path, *[c.path for c in secs if c.parent == s.path])


def test_format_outline_shows_paths_and_scopes() -> None:
    out = format_outline(run_seed(SEEDS[0].name).documents, width=60)
    assert "# [1] Kế hoạch (no number) 2017-03-13 (promulgated by document 0)" in out
    assert "    I.2.-4  (dash) - Đến năm 2020: [deadline: 2020-12-31]" in out
    assert "    II.1.a  (letter) a) Nhiệm vụ và trách nhiệm của Sở Tư pháp: [agency: Sở Tư pháp]" in out


def test_outline_cli() -> None:
    from click.testing import CliRunner
    from vnplan.cli import main

    res = CliRunner().invoke(main, ["outline", str(SEEDS[1]), "--depth", "1"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert "IV  (roman) IV. TỔ CHỨC THỰC HIỆN" in lines
    assert not any(line.startswith("  ") for line in lines)


def test_quoted_amendment_text_is_not_structure() -> None:
    text = ("Điều 1. Sửa đổi, bổ sung một số điều của Thông tư số 28/2015/TT-BLĐTBXH\n1. Sửa đổi khoản 2 Điều 5 như sau:\n"
            "“2. Hồ sơ đề nghị hưởng trợ cấp gồm:\na) Đơn đề nghị;\nb) Bản sao hợp đồng.”\n"
            "2. Bổ sung khoản 3 Điều 6 như sau:\n“3. Thời hạn giải quyết là 05 ngày.”\nĐiều 2. Hiệu lực thi hành\n")
    t = _tree(text)
    assert [p for p in t if p] == ["Điều 1", "Điều 1.1", "Điều 1.2", "Điều 2"]


def test_wrapped_article_reference_is_not_an_article() -> None:
    text = ("Điều 18. Hồ sơ\n1. Hồ sơ chuẩn bị nguồn lao động theo quy định tại khoản 5 Điều 18.\n"
            "2. Nội dung chi tiết hợp đồng cung ứng lao động theo quy định tại khoản 3\nĐiều 19.\n"
            "3. Tài liệu chứng minh.\n\nĐiều 19. Thời hạn\n1. Trong 05 ngày.\n")
    t = _tree(text)
    assert [p for p in t if p] == ["Điều 18", "Điều 18.1", "Điều 18.2", "Điều 18.3", "Điều 19", "Điều 19.1"]


def test_annex_template_is_not_a_promulgated_document() -> None:
    text = ("QUYẾT ĐỊNH\nBan hành Kế hoạch\n" + "Điều 1. Nội dung.\n" * 20 + "Mẫu số 01\nQUYẾT ĐỊNH\nBan hành Kế hoạch năm …\n"
            + "Điều …\n" * 5 + "KẾ HOẠCH\nChuyển đổi cơ cấu cây trồng năm …\n(Kèm theo Quyết định số… /QĐ-UBND ngày … tháng… năm … "
            "của Chủ tịch Ủy ban nhân dân tỉnh/thành phố…)\n")
    assert len(split_documents(text)) == 1


def test_promulgated_plan_takes_the_province_of_its_decision() -> None:
    from vnplan.clean import clean
    from vnplan.load import load_bytes
    from vnplan.segment import segment

    text = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 1627/QĐ-UBND\n"
            "Quảng Ngãi, ngày 21 tháng 11 năm 2025\n\nQUYẾT ĐỊNH\nBan hành Kế hoạch kiểm kê tài sản công\n\n"
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI\n\n" + "Căn cứ Luật.\n" * 10 + "Điều 1. Ban hành kèm theo Quyết định này "
            "Kế hoạch.\n\nKẾ HOẠCH\nKiểm kê tài sản công\n(Kèm theo Quyết định số 1627/QĐ-UBND ngày 21/11/2025 của Chủ tịch "
            "UBND tỉnh)\n\nI. MỤC ĐÍCH\n")
    src = load_bytes(text.encode("utf-8"), "txt")
    dec, plan = segment(src, clean(src))
    assert (dec.issuer, dec.province) == ("Chủ tịch UBND tỉnh Quảng Ngãi", "Quảng Ngãi")
    assert (plan.type, plan.symbol, plan.date, plan.promulgated_by) == ("Kế hoạch", None, "2025-11-21", 0)
    assert (plan.issuer, plan.province) == ("Chủ tịch UBND tỉnh Quảng Ngãi", "Quảng Ngãi")


def test_wrapped_period_joins_the_heading() -> None:
    text = "II. MỤC TIÊU CHỦ YẾU\n4. Trong giai đoạn 2026\n- 2030 phấn đấu có ít nhất 10% đội ngũ.\n5. 100% đội ngũ được tập huấn.\n"
    t = _tree(text)
    assert [p for p in t if p] == ["II", "II.4", "II.5"]
    assert t["II.4"].heading == "4. Trong giai đoạn 2026 - 2030 phấn đấu có ít nhất 10% đội ngũ."


def test_article_word_and_number_on_two_lines() -> None:
    text = "Chương I\nQUY ĐỊNH CHUNG\nĐiều\n1. Phạm vi điều chỉnh, đối tượng áp dụng\n1. Phạm vi điều chỉnh\na) Quy chế này.\nĐiều\n2. Giải thích từ ngữ\n"
    t = _tree(text)
    assert [p for p in t if p] == ["Chương I", "Chương I.Điều 1", "Chương I.Điều 1.1", "Chương I.Điều 1.1.a", "Chương I.Điều 2"]
    assert t["Chương I.Điều 1"].heading == "Điều 1. Phạm vi điều chỉnh, đối tượng áp dụng"


def test_numbered_heading_after_recipients_leaves_them() -> None:
    text = "Điều 3. Thi hành.\nNơi nhận:\n- Như Điều 3;\n- Lưu: VT.\nQUY CHẾ\n1. Kinh phí hoạt động\n- Ngân sách.\n"
    t = _tree(text)
    assert [p for p in t if p] == ["Điều 3", "Nơi nhận", "Nơi nhận.-1", "Nơi nhận.-2", "1", "1.-1"]


def test_numbered_item_closes_the_bullets_before_it() -> None:
    text = "- Công dân Việt Nam đủ 6 tuổi trở lên:\n+ Hình Quốc huy;\n+ Quốc tịch.\n1. Thẻ căn cước hình chữ nhật.\n2. Thẻ được sản xuất bằng nhựa.\n"
    t = _tree(text)
    assert [p for p in t if p] == ["-1", "-1.+1", "-1.+2", "1", "2"]


# ---------------------------------------------------------------- fast paths against the plain code they replace

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


