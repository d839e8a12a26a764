"""Relations with modality: table-driven snippets (FORMAT.md conventions) plus the seeds."""

from __future__ import annotations

import pytest

from tests.citation_helpers import relations_of
from tests.conftest import run_seed

DECISION_HEAD = "QUYẾT ĐỊNH\nVỀ VIỆC CẢI CÁCH HÀNH CHÍNH\n\n"

# (text, doc type, expected {(relation, modality, from, to)})
CASES = [
    (DECISION_HEAD + "Căn cứ Nghị quyết số 05-NQ/TU ngày 05/12/2016 của Tỉnh ủy về cải cách hành chính; Nghị quyết số "
     "34/2016/NQ-HĐND ngày 14/12/2016 của Hội đồng nhân dân tỉnh;\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Ban hành.",
     "Quyết định", {("based_on", "in_force", "self", "05-NQ/TU"), ("based_on", "in_force", "self", "34/2016/NQ-HĐND")}),
    (DECISION_HEAD + "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Ban hành.",
     "Quyết định", {("based_on", "in_force", "self", "Luật Tổ chức chính quyền địa phương")}),
    (DECISION_HEAD + "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ, được sửa đổi, bổ sung bởi Nghị định "
     "số 107/2021/NĐ-CP ngày 06/12/2021 của Chính phủ;\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Ban hành.",
     "Quyết định", {("based_on", "in_force", "self", "61/2018/NĐ-CP"), ("based_on", "in_force", "self", "107/2021/NĐ-CP"),
                    ("amends", "reported", "107/2021/NĐ-CP", "61/2018/NĐ-CP")}),
    (DECISION_HEAD + "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 2524/TTr-SNV ngày 12/11/2021.\n\nQUYẾT ĐỊNH:\n\nĐiều 1. X.",
     "Quyết định", {("proposed_by", "in_force", "self", "2524/TTr-SNV")}),
    (DECISION_HEAD + "Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 52/TTr-SNV ngày 04 tháng 02 năm 2012,\n\nQUYẾT ĐỊNH:\n\nĐiều 1. X.",
     "Quyết định", {("proposed_by", "in_force", "self", "52/TTr-SNV")}),
    # An HĐND resolution's `Xét` line: the Tờ trình (its citation starts inside the cue) proposes; the reports
    # and letters after a `;` do not.
    ("NGHỊ QUYẾT\nQUY ĐỊNH MỨC HỌC PHÍ\n\nXét Tờ trình số 403/TTr-UBND ngày 20 tháng 11 năm 2025 của Ủy ban nhân dân "
     "Thành phố về việc ban hành Nghị quyết; Báo cáo thẩm tra số 97/BC-BVHXH ngày 23 tháng 11 năm 2025 của Ban Văn hóa - "
     "Xã hội; Báo cáo số 491/BC-UBND ngày 25 tháng 11 năm 2025 của UBND Thành phố; ý kiến thảo luận của đại biểu.\n\n"
     "QUYẾT NGHỊ:\n\nĐiều 1. X.",
     "Nghị quyết", {("proposed_by", "in_force", "self", "403/TTr-UBND")}),
    (DECISION_HEAD + "Theo đề nghị của Giám đốc Sở Xây dựng tại Tờ trình số 4834/TTr-SXD ngày 19/9/2025; kết luận của UBND "
     "thành phố (Thông báo số 347/TB-VP ngày 10/10/2025 của Văn phòng).\n\nQUYẾT ĐỊNH:\n\nĐiều 1. X.",
     "Quyết định", {("proposed_by", "in_force", "self", "4834/TTr-SXD")}),
    (DECISION_HEAD + "Thực hiện Công văn số 207/BNV-CCHC ngày 11 tháng 01 năm 2012 của Bộ Nội vụ;\n\nQUYẾT ĐỊNH:\n\nĐiều 1. X.",
     "Quyết định", {("implements", "in_force", "self", "207/BNV-CCHC")}),
    ("QUYẾT ĐỊNH\n\nQUYẾT ĐỊNH:\n\nĐiều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký và bãi bỏ Quyết định số "
     "172/QĐ-UBND ngày 04/4/2016 của UBND tỉnh.",
     "Quyết định", {("repeals", "in_force", "self", "172/QĐ-UBND")}),
    ("KẾ HOẠCH\n\nI. NHIỆM VỤ\n\n- Sở Nội vụ xây dựng Quyết định ban hành Chỉ số cải cách hành chính (thay thế Quyết định số "
     "249/QĐ- UBND ngày 24/10/2013 của UBND tỉnh).",
     "Kế hoạch", {("replaces", "planned", "self", "249/QĐ-UBND")}),
    ("KẾ HOẠCH\nTRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT SỐ 05-NQ/TU NGÀY 05/12/2016 CỦA TỈNH ỦY\n\nI. MỤC TIÊU\n\n1. Mục tiêu chung.",
     "Kế hoạch", {("implements", "in_force", "self", "05-NQ/TU")}),
    ("KẾ HOẠCH\n\nI. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n- Hoàn thành mục tiêu theo Nghị quyết số 05-NQ/TU ngày 09/4/2021 của Ban "
     "Chấp hành Đảng bộ tỉnh về cải cách; Quyết định số 3322/QĐ-UBND ngày 01/10/2021 của UBND tỉnh về ban hành Chương trình.\n\n"
     "II. NHIỆM VỤ\n\n1. Triển khai thực hiện Luật Cán bộ công chức năm 2008.",
     "Kế hoạch", {("implements", "in_force", "self", "05-NQ/TU"), ("implements", "in_force", "self", "3322/QĐ-UBND")}),
    ("KẾ HOẠCH\n\nI. NHIỆM VỤ\n\n- Tổ chức tiếp nhận hồ sơ theo quy định tại Nghị định số 61/2018/NĐ-CP và Nghị định số\n"
     "107/2021/NĐ-CP ngày 06/12/2021 sửa đổi, bổ sung một số điều của Nghị định số\n61/2018/NĐ-CP.",
     "Kế hoạch", {("amends", "reported", "107/2021/NĐ-CP", "61/2018/NĐ-CP")}),
    ("KẾ HOẠCH\n\nI. NHIỆM VỤ\n\n- Thực hiện Văn bản số 1783/UBND-TH5 ngày 23/3/2022 về thực hiện Kết luận số 28-KL/TW ngày "
     "21/02/2022 của Bộ Chính trị và Công điện số 209/CĐ-TTg ngày 28/02/2022 của Thủ tướng Chính phủ.",
     "Kế hoạch", {("implements", "reported", "1783/UBND-TH5", "28-KL/TW"), ("implements", "reported", "1783/UBND-TH5", "209/CĐ-TTg")}),
    # Tasks that use a document are not document-level relations.
    ("KẾ HOẠCH\n\nI. NHIỆM VỤ\n\n- Triển khai thực hiện có hiệu quả Quyết định số 916/QĐ-UBND ngày 26/05/2016 của Chủ tịch UBND tỉnh.\n"
     "- Căn cứ các nội dung của Nghị quyết số 05-NQ/TU, các sở xây dựng kế hoạch.\n- công bố thay thế bộ TTHC.",
     "Kế hoạch", set()),
]


@pytest.mark.parametrize(("text", "doc_type", "expected"), CASES)
def test_relation_cases(text, doc_type, expected):
    got = {(r.relation, r.modality, r.source, r.target) for r in relations_of(text, doc_type=doc_type)}
    assert got == expected


def test_amending_law_name_gives_reported_amends():
    text = (DECISION_HEAD + "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật sửa đổi, bổ sung một số điều của "
            "Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22/11/2019;\n\nQUYẾT ĐỊNH:\n\nĐiều 1. X.")
    rels = {(r.relation, r.modality, r.target) for r in relations_of(text, doc_type="Quyết định")}
    assert ("amends", "reported", "Luật Tổ chức Chính phủ") in rels
    assert ("amends", "reported", "Luật Tổ chức chính quyền địa phương") in rels
    assert ("based_on", "in_force", "Luật Tổ chức Chính phủ") not in rels


def test_relation_quotes_slice_back():
    text = CASES[2][0]
    for r in relations_of(text, doc_type="Quyết định"):
        assert text[r.start:r.end] == r.quote


def test_seed_promulgates_points_at_the_plan_title():
    from vnplan.models import Relation

    r = run_seed("000_086db076c625b478.txt")
    prom = [x for x in r.facts_of(Relation) if x.relation == "promulgates"]
    plan = r.documents[1]
    assert [(x.source, x.target, x.target_key) for x in prom] == [("self", plan.title, plan.key)]


def test_seed_repeal_target_key_is_the_repealed_documents_key():
    from vnplan.models import Relation

    r = run_seed("000_086db076c625b478.txt")
    rep = [x for x in r.facts_of(Relation) if x.relation in ("repeals", "replaces")]
    assert {(x.relation, x.modality, x.target_key) for x in rep} == {
        ("repeals", "in_force", "quang-ngai/2016/172/QĐ-UBND"), ("replaces", "planned", "quang-ngai/2013/249/QĐ-UBND")}


@pytest.mark.parametrize(("text", "expected"), [
    # `quy định chi tiết thi hành Luật X` in a decree's subject: the decree guides the law; the law is no basis.
    (DECISION_HEAD + "Căn cứ Nghị định số 130/2018/NĐ-CP ngày 27/9/2018 của Chính phủ quy định chi tiết thi hành Luật Giao "
     "dịch điện tử về chữ ký số;\n\nQUYẾT ĐỊNH:\n\nĐiều 1. X.",
     {("based_on", "in_force", "self", "130/2018/NĐ-CP"), ("guides", "reported", "130/2018/NĐ-CP", "Luật Giao dịch điện tử")}),
    # A repealed clause amends the law; the earliest cue wins (`hướng dẫn thực hiện` is guides).
    ("QUYẾT ĐỊNH\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Bãi bỏ khoản 4 Điều 18 của Luật Bảo hiểm y tế số 25/2008/QH12.", {("amends", "in_force", "self", "25/2008/QH12")}),
    ("THÔNG TƯ\nHƯỚNG DẪN THỰC HIỆN QUYẾT ĐỊNH SỐ 170/2008/QĐ-TTG NGÀY 18 THÁNG 12 NĂM 2008\n\nĐiều 1. X.", {("guides", "in_force", "self", "170/2008/QĐ-TTg")}),
])
def test_relation_cue_choice(text, expected):
    assert {(r.relation, r.modality, r.source, r.target) for r in relations_of(text, doc_type="Quyết định")} == expected


def test_consolidated_text_does_not_repeal_what_it_quotes():
    text = "LUẬT\nBẢO HIỂM XÃ HỘI\n\nĐiều 1. Bãi bỏ khoản 2 Điều 17 của Luật Người cao tuổi số 39/2009/QH12."
    assert relations_of(text, doc_type="Văn bản hợp nhất") == []
    assert [r.relation for r in relations_of(text, doc_type="Luật")] == ["amends"]


def test_promulgation_header_only_on_its_own_line():
    """`(Ban hành kèm theo Quyết định số ...)` heading a plan names the decision that promulgates it; the
    same words inside a long title (a decision repealing that regulation) do not."""
    plan = ("KẾ HOẠCH\nTRIỂN KHAI CẢI CÁCH HÀNH CHÍNH\n(Ban hành kèm theo Quyết định số 210/QĐ-UBND ngày 09 tháng 02 "
            "năm 2012 của Chủ tịch UBND tỉnh)\n\nI. MỤC TIÊU\n\n1. Mục tiêu chung.")
    got = [(r.relation, r.source) for r in relations_of(plan, doc_type="Kế hoạch")]
    assert got == [("promulgates", "210/QĐ-UBND")]
    title = ("QUYẾT ĐỊNH\nBÃI BỎ QUYẾT ĐỊNH SỐ 24/2019/QĐ-UBND SỬA ĐỔI MỘT SỐ ĐIỀU CỦA QUY ĐỊNH VỀ QUẢN LÝ VỈA HÈ BAN HÀNH "
             "KÈM THEO QUYẾT ĐỊNH SỐ 55/2014/QĐ-UBND NGÀY 31/12/2014 CỦA UBND THÀNH PHỐ\n\nCăn cứ Luật Tổ chức chính "
             "quyền địa phương ngày 16 tháng 6 năm 2025;\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Bãi bỏ toàn bộ Quyết định số "
             "24/2019/QĐ-UBND ngày 02/5/2019.")
    assert "promulgates" not in {r.relation for r in relations_of(title, doc_type="Quyết định")}
    # A wrap that puts `BAN HÀNH KÈM THEO` at a line start inside the title (whole pipeline: the title is read).
    from vnplan.run import process_bytes

    wrapped = title.replace(" VỈA HÈ BAN HÀNH KÈM", " VỈA HÈ\nBAN HÀNH KÈM")
    result = process_bytes(("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG\nSố: 81/2025/QĐ-UBND\nĐà Nẵng, ngày 17 tháng 11 năm "
                            "2025\n" + wrapped).encode(), "txt")
    assert "55/2014/QĐ-UBND" in result.documents[0].title
    assert "promulgates" not in {getattr(f, "relation", None) for f in result.facts}
