"""Numeric targets: table-driven snippets (text and annex tables) and the seeds against their gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vnplan.kinds import match_target
from vnplan.models import Target
from vnplan.outputs.facts_json import facts_json
from vnplan.run import process_bytes, process_file
from vnplan.text.indicators import classify
from vnplan.text.numbers import parse_number, unit_of
from vnplan.text.tables import Cell, rows_from_cells

ROOT = Path(__file__).resolve().parent.parent
HEAD = "KẾ HOẠCH\nCải cách hành chính tỉnh Quảng Ngãi giai đoạn 2016 - 2020\n\nI. MỤC TIÊU\n"


def targets_of(body: str, head: str = HEAD) -> list[Target]:
    """The targets the pipeline finds in a small plan made of `head` + `body`."""
    res = process_bytes((head + body).encode("utf-8"), "txt", "snippet.txt")
    return [f for f in res.facts if isinstance(f, Target)]


def short(t: Target) -> tuple:
    """(value, unit, comparator, indicator, scope, deadline) of a target."""
    return (t.value, t.unit, t.comparator, t.indicator, t.scope, t.deadline)


CASES = [
    # percent, heading deadline, indicator by priority
    ("- Đến năm 2020:\n+ 50% thủ tục hành chính công được cung cấp trực tuyến mức độ 3.\n",
     [(50, "percent", "=", "online_services_level3", None, "2020-12-31")]),
    # three numbers, three scopes, leading zeros
    ("- Đến năm 2020:\n+ 40 dịch vụ hành chính công cấp tỉnh, 08 dịch vụ hành chính công cấp huyện và 05 dịch vụ "
     "hành chính công cấp xã được cung cấp trực tuyến mức độ 4.\n",
     [(40, "count", "=", "online_services_level4", "province", "2020-12-31"),
      (8, "count", "=", "online_services_level4", "district", "2020-12-31"),
      (5, "count", "=", "online_services_level4", "commune", "2020-12-31")]),
    # comparators trên / tối thiểu; the bare "80% huyện, thành phố;" borrows the next clause's indicator
    ("+ 80% huyện, thành phố; tối thiểu 40% xã, phường, thị trấn thực hiện mô hình \"Bộ phận một cửa hiện đại\".\n",
     [(80, "percent", "=", "one_stop_modern", "district", "2020-12-31"),
      (40, "percent", ">=", "one_stop_modern", "commune", "2020-12-31")]),
    ("+ mức độ hài lòng của tổ chức, công dân đạt trên 90%.\n",
     [(90, "percent", ">", "satisfaction", None, "2020-12-31")]),
    # rank: nhóm N is <= N, one target per index named together
    ("- Phấn đấu đến năm 2020, chỉ số cải cách hành chính (PAR INDEX), chỉ số hiệu quả quản trị và hành chính công "
     "(PAPI) nằm trong nhóm 20/63 tỉnh, thành phố.\n",
     [(20, "rank", "<=", "par_index", "province", "2020-12-31"),
      (20, "rank", "<=", "papi", "province", "2020-12-31")]),
    # days: "còn 02 ngày" is <= 2
    ("+ Rút ngắn thời gian cấp giấy chứng nhận đăng ký kinh doanh còn 02 ngày.\n",
     [(2, "days", "<=", "business_registration_time", None, "2020-12-31")]),
    # two numbers after their phrases, enterprise scope
    ("+ Khai thuế qua mạng 100%, nộp thuế điện tử 95% đối với các doanh nghiệp.\n",
     [(100, "percent", "=", "online_tax", "enterprise", "2020-12-31"),
      (95, "percent", "=", "online_tax", "enterprise", "2020-12-31")]),
    # own deadline beats the document's period; "tối thiếu" typo still >=
    ("- Phấn đấu đến cuối năm 2021, tinh giản tối thiếu 10% biên chế ở các cơ quan hành chính.\n",
     [(10, "percent", ">=", "staff_reduction", None, "2021-12-31")]),
    # levels 3 and 4 named together: one target per level
    ("- Cung cấp 100% các dịch vụ công trực tuyến mức độ 3, 4.\n",
     [(100, "percent", "=", "online_services_level3", None, "2020-12-31"),
      (100, "percent", "=", "online_services_level4", None, "2020-12-31")]),
    # the 2022 names of the levels
    ("- Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình đạt 80%.\n",
     [(80, "percent", "=", "online_services_full", None, "2020-12-31")]),
    # decimal comma, points, bare subject year
    ("- Chỉ số PAR Index năm 2022, phấn đấu đạt 93,157 điểm (tăng 2,017 điểm so với năm 2021).\n",
     [(93.157, "points", "=", "par_index", "province", "2022-12-31")]),
    # a bare year closing the number's phrase is its own deadline, ahead of a later "đến hết năm"
    ("+ Phấn đấu đạt 20% xã, phường “không ma túy” năm 2025, bảo đảm đến hết năm 2030 đạt 50% địa bàn cấp xã "
     "“không ma túy”.\n",
     [(20, "percent", "=", "other", "commune", "2025-12-31"), (50, "percent", "=", "other", "commune", "2030-12-31")]),
    # a dated phrase right after the number beats the period in a cited plan's title before it
    ("+ Triển khai Kế hoạch số 64/KH-UBND về xây dựng xã không ma túy giai đoạn 2025 - 2030, phấn đấu xây dựng 20% "
     "xã, phường “không ma túy” ngay trong năm 2025.\n",
     [(20, "percent", "=", "other", "commune", "2025-12-31")]),
    # "tới năm" dates a target like "đến năm"; ", đến năm 2030" opens the next clause
    ("+ Phấn đấu tới năm 2026 tỷ lệ bao phủ bảo hiểm y tế đạt trên 95,5% dân số, đến năm 2030 bao phủ toàn dân.\n",
     [(95.5, "percent", ">", "other", None, "2026-12-31")]),
    # an at-least number counts whatever noun follows it
    ("+ Có tối thiểu 05 kịch bản ứng dụng dữ liệu cấp tỉnh; ít nhất 20 tập dữ liệu mở.\n",
     [(5, "count", ">=", "other", "province", "2020-12-31"), (20, "count", ">=", "other", None, "2020-12-31")]),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_text_targets(body: str, expected: list[tuple]) -> None:
    got = [short(t) for t in targets_of(body)]
    assert got == [tuple(float(x) if isinstance(x, int) else x for x in e) for e in expected]


NOT_TARGETS = [
    # achieved results are baselines
    "Chỉ số PAR Index năm 2019 của tỉnh đạt 91,14 điểm, xếp thứ 2/63 tỉnh, thành phố; Chỉ số SIPAS đạt 94,07%.\n",
    # dates, document and section numbers, phone numbers
    "- Thực hiện Nghị quyết số 05-NQ/TU ngày 05/12/2016 và Quyết định số 205/QĐ-UBND; điện thoại 0255.3822.123.\n",
    "7.6 Tổ chức thực hiện cơ chế một cửa ở cả ba cấp tỉnh, huyện, xã.\n",
    # procedure rules, scoring schemes, company types, personnel rules, reporting rhythm
    "- Chậm nhất là trong thời hạn 05 ngày làm việc kể từ ngày ký, các đơn vị gửi báo cáo.\n",
    "- Đến 500.000 người được 10 điểm; cứ tăng thêm 100.000 người được thêm 2 điểm.\n",
    "- Chuyển đổi thành Công ty trách nhiệm hữu hạn do Nhà nước nắm giữ 100% vốn điều lệ.\n",
    "- Không bổ nhiệm cán bộ ở một vị trí kéo dài trên 8 năm.\n",
    "- Định kỳ hằng quý, 6 tháng, hằng năm báo cáo kết quả thực hiện.\n",
    # a figure quoted for a named unit
    "- Một số địa phương còn thấp như: Điện Biên (13%), Khánh Hòa (22,3%).\n",
]


@pytest.mark.parametrize("body", NOT_TARGETS)
def test_not_targets(body: str) -> None:
    assert [short(t) for t in targets_of(body)] == []


def test_rule_documents_have_no_targets() -> None:
    head = "QUY ĐỊNH\nVề tiêu chí đánh giá, xếp loại cán bộ\n\nĐiều 1.\n"
    assert targets_of("- Có ít nhất 70% cơ quan được đánh giá hoàn thành nhiệm vụ.\n", head) == []


def test_restatement_counted_once() -> None:
    body = ("- Đến năm 2020:\n+ phấn đấu rút ngắn thời gian giải quyết tối thiểu 30% so với quy định.\n"
            "II. NHIỆM VỤ\n- Rà soát, rút ngắn 30% thời gian giải quyết TTHC đã được đề ra tại Nghị quyết.\n")
    assert [t.value for t in targets_of(body)] == [30.0]


def test_provenance_spans() -> None:
    body = "- Đến năm 2020:\n+ 100% thủ tục hành chính được giải quyết đúng thời gian quy định.\n"
    res = process_bytes((HEAD + body).encode("utf-8"), "txt", "snippet.txt")
    ts = [f for f in res.facts if isinstance(f, Target)]
    assert ts and all(res.cleaned.text[t.start:t.end] == t.quote for t in ts)
    assert ts[0].deadline_source is not None and ts[0].deadline_source.startswith("heading:")
    assert ts[0].indicator_phrase == "đúng thời gian"


@pytest.mark.parametrize(("s", "value"), [("91,14", 91.14), ("8.5", 8.5), ("08", 8.0), (">94,50", 94.5),
                                          ("100%", 100.0), ("-", None)])
def test_parse_number(s: str, value: float | None) -> None:
    assert parse_number(s) == value


def test_parse_number_thousands_for_counts() -> None:
    assert parse_number("11.400", "count") == 11400.0


def _cells(*texts: str) -> list[Cell]:
    out, pos = [], 0
    for t in texts:
        out.append(Cell(t, pos, pos + len(t)))
        pos += len(t) + 3
    return out


def test_table_rows_from_flattened_cells() -> None:
    cells = _cells("STT", "Tiêu chí", "Điểm tối đa", "Điểm năm 2021", "Mục tiêu năm 2022", "Cơ quan chủ trì",
                   "1", "CÔNG TÁC CHỈ ĐẠO", "8.5", "8.5", "8,5 (Xếp thứ 1/63 tỉnh, thành phố)", "Sở Nội vụ",
                   "1.1", "Thực hiện Kế hoạch", "1.5", "1.5", "1.5", "Sở Nội vụ",
                   "1.2", "Kiểm tra", "2", "1", "2", "Sở Tư pháp")
    header, rows = rows_from_cells(cells)
    assert [h.text for h in header][0] == "STT" and len(header) == 6
    assert [r[0].text for r in rows] == ["1", "1.1", "1.2"]


def _table_doc(table: str) -> list[Target]:
    head = "KẾ HOẠCH\nNâng cao chỉ số cải cách hành chính năm 2022\n\nI. MỤC TIÊU\n- Triển khai kế hoạch.\n"
    return targets_of("PHỤ LỤC I\nMỤC TIÊU NÂNG CAO CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2022\n" + table, head)


def test_annex_table_lines() -> None:
    table = ("STT | Lĩnh vực/Tiêu chí | Điểm tối đa | Điểm năm 2021 | Mục tiêu năm 2022 | Cơ quan chủ trì\n"
             "1 | CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH | 8.5 | 8.5 (Xếp thứ 2/63 tỉnh) | 8,5 (Xếp thứ 1/63 tỉnh) | Sở Nội vụ\n"
             "1.3.2 | Xử lý các vấn đề phát hiện qua kiểm tra | 1 | 0,75 | 1 | Sở Tư pháp\n"
             "8.1 | Kết quả Chỉ số hài lòng (SIPAS) | 10 | 9.41 | 9.45 | Sở Nội vụ\n")
    got = [(t.value, t.unit, t.comparator, t.indicator, t.baseline, t.criterion, t.agency, t.deadline)
           for t in _table_doc(table)]
    assert got == [
        (8.5, "points", "=", "par_index", 8.5, "1", "Sở Nội vụ", "2022-12-31"),
        (1.0, "rank", "=", "par_index", 2.0, "1", "Sở Nội vụ", "2022-12-31"),
        (1.0, "points", "=", "par_index", 0.75, "1.3.2", "Sở Tư pháp", "2022-12-31"),
        (9.45, "points", "=", "sipas", 9.41, "8.1", "Sở Nội vụ", "2022-12-31"),
    ]


def test_annex_table_paragraph_cells_with_groups() -> None:
    cells = ["TT", "Tiêu chí", "Kết quả SIPAS năm 2021", "Mục tiêu SIPAS năm 2022", "Đơn vị chủ trì theo dõi",
             "CHỈ SỐ HÀI LÒNG CHUNG", "94.07", ">94,50",
             "I", "Tiếp cận dịch vụ", "94.64", ">95,00", "Sở Nội vụ",
             "1", "Trụ sở có biển hiệu rõ ràng", "94.9", "95.00",
             "2", "Trang thiết bị đầy đủ", "94.49", "95.00"]
    got = [(t.value, t.unit, t.comparator, t.indicator, t.baseline, t.criterion)
           for t in _table_doc("\n\n".join(cells) + "\n\n")]
    assert got == [
        (94.5, "percent", ">", "sipas", 94.07, None),
        (95.0, "percent", ">", "sipas", 94.64, "I"),
        (95.0, "percent", "=", "sipas", 94.9, "I.1"),
        (95.0, "percent", "=", "sipas", 94.49, "I.2"),
    ]


def test_classify_names_the_phrase() -> None:
    assert classify("40 dịch vụ công trực tuyến mức độ 4 cấp tỉnh") == ("online_services_level4",
                                                                      "dịch vụ công trực tuyến mức độ 4")
    assert classify("không có chỉ số nào") == ("other", None)


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "tests" / "gold").glob("*.json")))
def test_seed_targets_match_gold(name: str) -> None:
    gold = json.loads((ROOT / "tests" / "gold" / name).read_text(encoding="utf-8"))
    pred = facts_json(process_file(ROOT / "corpus" / gold["source"]))["targets"]
    used = [False] * len(pred)
    tp = right = 0
    for g in gold["targets"]:
        for i, p in enumerate(pred):
            if not used[i] and match_target(g, p):
                used[i] = True
                tp += 1
                right += g["indicator"] == p["indicator"]
                break
    n = len(gold["targets"])
    assert tp >= 0.9 * n and len(pred) - tp <= max(1, 0.1 * n)
    assert right >= 0.85 * tp


def test_agency_from_heading_on_seed() -> None:
    res = process_file(ROOT / "corpus" / "000_086db076c625b478.txt")
    cost = [t for t in res.facts if isinstance(t, Target) and t.indicator == "compliance_cost_reduction"]
    assert [(t.value, t.agency, t.deadline, t.deadline_source) for t in cost] == [
        (10.0, "Sở Tư pháp", "2020-12-31", "document")]


def test_two_level_header_table_is_skipped() -> None:
    cells = ["TT", "Chỉ tiêu sử dụng đất", "Hiện trạng năm 2020", "Quy hoạch đến năm 2030", "Diện tích (ha)",
             "Cơ cấu (%)", "Diện tích (ha)", "Cơ cấu (%)", "1", "Đất nông nghiệp", "10.816,92", "70,79",
             "9.052,70", "59,24", "2", "Đất phi nông nghiệp", "4.413,19", "28,88", "6.184,81", "40,47"]
    assert _table_doc("\n\n".join(cells) + "\n\n") == []


@pytest.mark.parametrize(("body", "phrase"), [
    ("- Tỷ lệ doanh nghiệp ứng dụng thương mại điện tử phấn đấu đạt trên 70%.\n",
     "Tỷ lệ doanh nghiệp ứng dụng thương mại điện tử"),
    ("(3) 100% các giao dịch trên nền tảng thương mại điện tử có hóa đơn điện tử.\n",
     "các giao dịch trên nền tảng thương mại điện tử"),
])
def test_measured_phrase_without_taxonomy_entry(body: str, phrase: str) -> None:
    got = targets_of(body)
    assert [(t.indicator, t.indicator_phrase) for t in got] == [("other", phrase)]


def test_baseline_from_reported_result() -> None:
    head = "KẾ HOẠCH\nNâng cao chỉ số cải cách hành chính năm 2022\n\nI. MỤC TIÊU\n"
    body = ("Căn cứ kết quả năm 2021, Chỉ số PAR Index năm 2021 của tỉnh đạt 91,14 điểm, xếp thứ 2/63 "
            "(tăng 0,1 điểm so với năm 2020).\n"
            "- Chỉ số PAR Index năm 2022, phấn đấu đạt 93,157 điểm (tăng 2,017 điểm so với năm 2021).\n")
    assert [(t.value, t.baseline) for t in targets_of(body, head)] == [(93.157, 91.14)]


def test_restated_other_target_counts_once() -> None:
    body = ("1. Mục tiêu cụ thể\nPhấn đấu đến năm 2030 có ít nhất 50% xã, phường trên toàn tỉnh không ma túy.\n"
            "II. NHIỆM VỤ\n1. Công an tỉnh\nHướng dẫn các địa phương đạt mục tiêu ít nhất 50% xã, phường "
            "không ma túy đến năm 2030.\n"
            "2. Sở Y tế\nBảo đảm ít nhất 50% cơ sở cai nghiện ma túy đủ điều kiện đến năm 2030.\n")
    got = [short(t) for t in targets_of(body)]
    assert got.count((50, "percent", ">=", "other", "commune", "2030-12-31")) == 1
    assert (50, "percent", ">=", "other", None, "2030-12-31") in got  # a different measure stays


def test_neighbouring_items_with_one_number_stay_separate() -> None:
    body = ("6. Chỉ tiêu\n6.1. Phấn đấu 100% cơ sở cai nghiện công lập đủ điều kiện xác định tình trạng nghiện.\n"
            "6.2. Phấn đấu 100% cơ sở cai nghiện công lập bảo đảm điều kiện theo quy định.\n")
    assert [t.value for t in targets_of(body)] == [100, 100]


def test_consolidated_rule_text_has_no_targets() -> None:
    head = ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nSố: 15/VBHN-BLĐTBXH\nHà Nội, ngày 10 tháng 5 năm 2024\n"
            "THÔNG TƯ\nQuy định tiêu chí hộ nghèo\n")
    body = "Điều 3. Mục tiêu và chỉ tiêu\n1. Phấn đấu hộ có từ 5 người trở lên.\n2. Tỷ lệ người phụ thuộc lớn hơn 50%.\n"
    assert targets_of(body, head) == []


@pytest.mark.parametrize(("text", "unit"), [
    ("Phấn đấu đạt 95% hồ sơ được số hóa", "percent"),
    # the unit must be on the number's line: a line break ends what the number measures
    ("Phấn đấu đạt 95\n% hồ sơ được số hóa", None),
])
def test_a_unit_is_read_on_the_numbers_line(text, unit):
    s = text.index("95")
    got = unit_of(text, s, s + 2, 0)
    assert (got[0] if got else None) == unit


def test_year_column_is_a_year_not_the_digits_of_a_code() -> None:
    # A coordinate table: `VN2000` names a reference system, not a year column, and point numbers are not targets.
    cells = ["TT", "Tên mỏ, điểm mỏ, vị trí địa lý", "Tọa độ VN2000 KTT 105", "Diện tích (ha)", "Tên điểm", "X(m)",
             "Y(m)", "2", "Thái Nguyên a", "Núi Pháo (phần mở rộng)", "1", "2394627", "567730", "42,9"]
    assert _table_doc("\n\n".join(cells) + "\n\n") == []
