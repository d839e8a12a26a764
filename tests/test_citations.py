"""Citation extraction: every form of DOMAIN.md §2, table-driven from real snippets, plus the seeds."""

from __future__ import annotations

import pytest

from tests.citation_helpers import citations_of
from tests.conftest import run_seed

# (text, [(type, symbol, year, date)]) for the real citations (not self-references) in text order.
CASES = [
    ("Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ;",
     [("Nghị định", "61/2018/NĐ-CP", 2018, "2018-04-23")]),
    ("(Ban hành kèm theo Quyết định số 205 /QĐ-UBND ngày 13 /3/2017 của UBND tỉnh Quảng Ngãi)\nkiểm tra Chỉ thị số 02/CT- UBND ngày 24/02/2017",
     [("Chỉ thị", "02/CT-UBND", 2017, "2017-02-24")]),
    ("thực hiện Nghị định số 92/20 17/NĐ-CP của Chính phủ", [("Nghị định", "92/2017/NĐ-CP", 2017, None)]),
    ("Thực hiện Kế hoạch sổ 60/KH-UBND ngày 01/3/2022 của UBND tỉnh", [("Kế hoạch", "60/KH-UBND", 2022, "2022-03-01")]),
    ("Nghị quyết số 05-NQ/TU ngày 05/12/2016 của Tỉnh ủy", [("Nghị quyết", "05-NQ/TU", 2016, "2016-12-05")]),
    ("Kết luận số 28-KL/TW ngày 21/02/2022 của Bộ Chính trị", [("Kết luận", "28-KL/TW", 2022, "2022-02-21")]),
    ("theo chỉ đạo của Chính phủ tại Nghị quyết số 19-2016/NQ-CP ngày 28/4/2016", [("Nghị quyết", "19-2016/NQ-CP", 2016, "2016-04-28")]),
    ("Nghị quyết 30C/NQ-CP ngày 08/11/2011", [("Nghị quyết", "30c/NQ-CP", 2011, "2011-11-08")]),
    ("Nghị định số 34/NĐ-CP năm 2016 và Nghị định số 154/NĐ-CP năm 2020",
     [("Nghị định", "34/2016/NĐ-CP", 2016, None), ("Nghị định", "154/2020/NĐ-CP", 2020, None)]),
    ("Căn cứ các Nghị định của\nChính phủ số 63/2010/NĐ-CP ngày 08/6/2010 về kiểm soát thủ tục hành chính; số 48/2013/NĐ-CP\nngày 14/5/2013 và số 92/2017/NĐ-CP ngày 07/8/2017 sửa đổi",
     [("Nghị định", "63/2010/NĐ-CP", 2010, "2010-06-08"), ("Nghị định", "48/2013/NĐ-CP", 2013, "2013-05-14"),
      ("Nghị định", "92/2017/NĐ-CP", 2017, "2017-08-07")]),
    ("các Nghị định của Chính phủ số: 43/2014/NĐ-CP ngày 15/5/2014, 01/2017/NĐ-CP ngày 06/01/2017",
     [("Nghị định", "43/2014/NĐ-CP", 2014, "2014-05-15"), ("Nghị định", "01/2017/NĐ-CP", 2017, "2017-01-06")]),
    ("Theo đề nghị của Giám đốc Sở Nội vụ tại Công văn số 432/SNV ngày 06/3/2017,", [("Công văn", "432/SNV", 2017, "2017-03-06")]),
    ("Văn bản số 1783/UBND-TH5 ngày 23/3/2022 về thực hiện", [("Văn bản", "1783/UBND-TH5", 2022, "2022-03-23")]),
    ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;",
     [("Luật", None, 2015, "2015-06-19")]),
    ("Triển khai thực hiện Luật Cán bộ công chức năm 2008, Luật Viên chức năm 2010, xây dựng",
     [("Luật", None, 2008, None), ("Luật", None, 2010, None)]),
    ("*Căn cứ Luật Tổ chức chính\nquyền địa phương số 72/2025/QH15 ngày 16/6/2025;*", [("Luật", "72/2025/QH15", 2025, "2025-06-16")]),
    ("NGHỊ QUYẾT SỐ 05-NQ/TU NGÀY 05/12/2016 CỦA TỈNH ỦY", [("Nghị quyết", "05-NQ/TU", 2016, "2016-12-05")]),
    ("Quyết định số 306-QĐ/TU ngày 25/5/2016 của Ban Thường vụ Tỉnh ủy", [("Quyết định", "306-QĐ/TU", 2016, "2016-05-25")]),
    ("Thông tư số 02/2017/TT-VPCP ngày\n31/10/2017 của Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ", [("Thông tư", "02/2017/TT-VPCP", 2017, "2017-10-31")]),
    ("nghị quyết số 16-NQ/TU của Tỉnh ủy", [("Nghị quyết", "16-NQ/TU", None, None)]),
    # a space typed after the `&` of a code does not end the symbol (a code never ends with `&`)
    ("tại Công văn số 15972/SXD-QLN& TTBĐS ngày 14 tháng 11 năm 2025 về rà soát",
     [("Công văn", "15972/SXD-QLN&TTBĐS", 2025, "2025-11-14")]),
    # Not citations: generic phrases, numbers that are not symbols, lower-case `luật`.
    ("theo quy định của pháp luật và các văn bản hướng dẫn; xếp thứ 15/63 tỉnh; TCVN ISO 9001:2015", []),
    ("Luật này có hiệu lực; luật pháp; COVID-19", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_citation_forms(text, expected):
    got = [(c.type, c.symbol, c.year, c.date) for c in citations_of(text) if not c.self_ref]
    assert got == expected


@pytest.mark.parametrize(("text", "issuer", "resolved"), [
    ("Quyết định số 172/QĐ-UBND ngày 04/4/2016 của UBND tỉnh ban hành", "UBND tỉnh", "UBND tỉnh Quảng Ngãi"),
    ("Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư", "Chính phủ", "Chính phủ"),
    ("Quyết định số 362/QĐ-BNV ngày 06/5/2022 của Bộ Nội vụ", "Bộ Nội vụ", "Bộ Nội vụ"),
    ("Kế hoạch số 59/KH-UBND ngày 01/3/2022 của UBND tỉnh Quảng Ninh", "UBND tỉnh Quảng Ninh", "UBND tỉnh Quảng Ninh"),
    ("Nghị quyết số 34/2016/NQ-HĐND ngày 14/12/2016 của Hội ñồng nhân dân tỉnh về", "Hội đồng nhân dân tỉnh", "HĐND tỉnh Quảng Ngãi"),
    ("Quyết định số 205/QĐ-UBND ngày 13/3/2017", None, "UBND tỉnh Quảng Ngãi"),
])
def test_issuer_as_written_and_resolved(text, issuer, resolved):
    c = citations_of(text)[0]
    assert (c.issuer, c.issuer_resolved) == (issuer, resolved)


def test_title_is_the_subject_after_the_citation():
    c = citations_of("Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư; Nghị định")[0]
    assert c.title == "công tác văn thư"


def test_law_names_are_canonical():
    got = [c.title for c in citations_of(
        "Căn cứ Luật Tổ chức HĐND và UBND ngày 26 tháng 11 năm 2003; theo quy định của Luật ngân sách và các văn bản")]
    assert got == ["Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân", "Luật Ngân sách nhà nước"]


def test_amending_law_names_the_laws_it_amends_without_their_dates():
    cs = citations_of("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật sửa đổi, bổ sung một số điều "
                      "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22/11/2019;")
    got = {(c.title, c.year) for c in cs}
    assert ("Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương", 2019) in got
    assert ("Luật Tổ chức Chính phủ", None) in got
    assert ("Luật Tổ chức chính quyền địa phương", 2019) not in got


def test_short_forms_take_the_full_citation():
    cs = citations_of("Thực hiện Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Chính phủ. Tổ chức thực hiện Nghị quyết 30c "
                      "và Nghị quyết số 30c/NQ-CP của Chính phủ.")
    short = [c for c in cs if c.short_form]
    assert len(short) == 2
    assert all((c.symbol, c.year, c.date) == ("30c/NQ-CP", 2011, "2011-11-08") for c in short)


def test_self_references_are_marked_not_cited():
    cs = citations_of("Quyết định này có hiệu lực. Báo cáo kết quả thực hiện Kế hoạch này.", doc_type="Quyết định")
    assert [(c.type, c.self_ref) for c in cs] == [("Quyết định", True), ("Kế hoạch", True)]


def test_own_symbol_and_promulgating_header_are_self_references():
    cs = citations_of("KẾ HOẠCH\n(Ban hành kèm theo Quyết định số 210/QĐ-UBND ngày 09 tháng 02 năm 2012)\n", doc_type="Kế hoạch")
    assert [c.self_ref for c in cs] == [True]


def test_spans_slice_back_to_quotes():
    text = "Căn cứ Nghị quyết số 05-NQ/TU ngày\n05/12/2016 của Tỉnh ủy; Luật Viên chức năm 2010"
    for c in citations_of(text):
        assert text[c.start:c.end] == c.quote


@pytest.mark.parametrize("name", ["000_086db076c625b478.txt", "003_4fd5dceadbfd37ff.txt"])
def test_seed_citations_keep_provenance_and_province(name):
    r = run_seed(name)
    from vnplan.models import Citation

    cs = r.facts_of(Citation)
    assert len(cs) > 20
    for c in cs:
        assert r.cleaned.text[c.start:c.end] == c.quote
    local = [c for c in cs if c.symbol and c.symbol.endswith("-UBND") and not c.self_ref]
    assert local and all(c.issuer_resolved and "tỉnh Qu" in c.issuer_resolved for c in local)


@pytest.mark.parametrize(("text", "expected"), [
    ("- Kế hoạch đào tạo hàng năm trên cơ sở Kế hoạch đào tạo, bồi dưỡng của tỉnh giai đoạn 2016 - 2020.",
     [("Kế hoạch", "Kế hoạch đào tạo, bồi dưỡng của tỉnh giai đoạn 2016 - 2020", None)]),
    ("- Thực hiện, đảm bảo 100% nội dung nhiệm\nvụ Kế hoạch kiểm soát thủ tục hành chính (TTHC) tỉnh Quảng Ninh năm 2022 đã đề ra.",
     [("Kế hoạch", "Kế hoạch kiểm soát thủ tục hành chính (TTHC) tỉnh Quảng Ninh năm 2022", 2022)]),
    ("đẩy mạnh thể chế hóa nội dung Nghị quyết của Đại hội Đảng bộ tỉnh vào quá trình đổi mới",
     [("Nghị quyết", "Nghị quyết của Đại hội Đảng bộ tỉnh", None)]),
    # Not citations: deliverables at the head of a task, the subject of a cited decision, no period or issuer.
    ("- Kế hoạch rà soát tổng thể TTHC giai đoạn 2017 - 2020;", []),
    ("thực hiện Chương trình tổng thể CCHC nhà nước giai đoạn 2011-2020 theo Quyết định số 254/QĐ-UBND ngày 08/3/2012", [None]),
    ("theo Kế hoạch của đơn vị", []),
])
def test_unnumbered_specific_documents(text, expected):
    got = [(c.type, c.title, c.year) for c in citations_of(text) if c.rule == "citation.unnumbered"]
    assert got == [e for e in expected if e is not None]


def test_inner_law_of_an_amending_law_keeps_its_first_word():
    cs = citations_of("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Ban hành văn bản quy phạm\npháp luật ngày 18 tháng 6 năm 2020;")
    assert "Luật Ban hành văn bản quy phạm pháp luật" in [c.title for c in cs]


def test_issuer_names_with_va_are_whole():
    c = citations_of("Thông tư số 10/2021/TT-BLĐTBXH của Bộ trưởng Bộ Lao động - Thương binh và Xã hội sửa đổi")[0]
    assert c.issuer == "Bộ trưởng Bộ Lao động - Thương binh và Xã hội"


def test_law_short_name_in_an_older_subject_is_not_the_newer_law():
    cs = citations_of("Luật Đấu thầu số 22/2023/QH15; Nghị định số 63/2014/NĐ-CP ngày 26 tháng 6 năm 2014 của Chính phủ "
                      "quy định chi tiết thi hành một số điều của Luật Đấu thầu")
    assert [c.symbol for c in cs if c.title == "Luật Đấu thầu"] == ["22/2023/QH15", None]


def test_so_inside_a_law_name_is_not_a_number():
    cs = citations_of("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tần số vô tuyến điện số 09/2022/QH15;")
    assert "Luật Tần số vô tuyến điện" in [c.title for c in cs]
