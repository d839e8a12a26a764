"""Document identity: the same key from an ingested document and from a citation of it."""

from __future__ import annotations

import pytest
from vnplan.models import Citation, Relation
from vnplan.resolve import document_key, is_local
from vnplan.run import process_bytes

DECISION_QN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI

Số: 172/QĐ-UBND

Quảng Ngãi, ngày 04 tháng 4 năm 2016

QUYẾT ĐỊNH
BAN HÀNH KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH TỈNH QUẢNG NGÃI GIAI ĐOẠN 2016 - 2020

ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;

QUYẾT ĐỊNH:

Điều 1. Ban hành Kế hoạch cải cách hành chính tỉnh Quảng Ngãi giai đoạn 2016 - 2020.

Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Lê Viết Chữ
"""

CITING_QN = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI

Số: 205/QĐ-UBND

Quảng Ngãi, ngày 13 tháng 3 năm 2017

QUYẾT ĐỊNH
VỀ VIỆC CẢI CÁCH HÀNH CHÍNH

ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI

Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ;

QUYẾT ĐỊNH:

Điều 1. Quyết định này có hiệu lực thi hành kể từ ngày ký và bãi bỏ Quyết định số 172/QĐ-UBND ngày 04/4/2016 của UBND tỉnh.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Ngọc Căng
"""

CITING_OTHER = CITING_QN.replace("QUẢNG NGÃI", "QUẢNG NAM").replace("Quảng Ngãi", "Quảng Nam")


def _run(text: str):
    return process_bytes(text.encode(), "txt", "x.txt")


@pytest.mark.parametrize("order", [(DECISION_QN, CITING_QN), (CITING_QN, DECISION_QN)])
def test_citation_key_equals_ingested_document_key_in_any_order(order):
    results = [_run(t) for t in order]
    by_text = dict(zip(order, results, strict=True))
    doc = by_text[DECISION_QN].documents[0]
    cites = [c for c in by_text[CITING_QN].facts if isinstance(c, Citation) and c.symbol == "172/QĐ-UBND"]
    assert doc.key == "quang-ngai/2016/172/QĐ-UBND"
    assert cites and {c.key for c in cites} == {doc.key}
    repeal = [r for r in by_text[CITING_QN].facts if isinstance(r, Relation) and r.relation == "repeals"]
    assert [(r.modality, r.target_key) for r in repeal] == [("in_force", doc.key)]


def test_same_number_in_another_province_is_another_document():
    other = [c for c in _run(CITING_OTHER).facts if isinstance(c, Citation) and c.symbol == "172/QĐ-UBND"]
    assert other and other[0].key == "quang-nam/2016/172/QĐ-UBND"


def test_central_documents_are_not_province_scoped():
    qn = [c.key for c in _run(CITING_QN).facts if isinstance(c, Citation) and c.symbol == "61/2018/NĐ-CP"]
    qm = [c.key for c in _run(CITING_OTHER).facts if isinstance(c, Citation) and c.symbol == "61/2018/NĐ-CP"]
    assert qn == qm == ["61/2018/NĐ-CP"]


@pytest.mark.parametrize(("args", "key"), [
    (("Quyết định", "205/QĐ-UBND", 2017, "Quảng Ngãi"), "quang-ngai/2017/205/QĐ-UBND"),
    (("Quyết định", "205 /QĐ- UBND", 2017, "Quảng Ngãi"), "quang-ngai/2017/205/QĐ-UBND"),
    (("Nghị quyết", "34/2016/NQ-HĐND", None, "Quảng Ngãi"), "quang-ngai/2016/34/2016/NQ-HĐND"),
    (("Nghị quyết", "05-NQ/TU", 2016, "Quảng Ngãi"), "quang-ngai/2016/05-NQ/TU"),
    (("Công văn", "432/SNV", 2017, "Quảng Ngãi"), "quang-ngai/2017/432/SNV"),
    (("Nghị định", "61/2018/NĐ-CP", 2018, "Quảng Ngãi"), "61/2018/NĐ-CP"),
    (("Quyết định", "846/QĐ-TTg", 2017, "Lạng Sơn"), "vn/2017/846/QĐ-TTg"),
    (("Nghị quyết", "30c/NQ-CP", 2011, "Sơn La"), "vn/2011/30c/NQ-CP"),
    (("Kết luận", "28-KL/TW", 2022, "Quảng Ninh"), "vn/2022/28-KL/TW"),
    (("Luật", "72/2025/QH15", 2025, "Quảng Ninh"), "72/2025/QH15"),
    (("Luật", None, 2015, "Quảng Ngãi", "Luật Tổ chức chính quyền địa phương"), "luat:luat-to-chuc-chinh-quyen-dia-phuong:2015"),
])
def test_document_key(args, key):
    assert document_key(*args) == key


@pytest.mark.parametrize(("symbol", "local"), [
    ("205/QĐ-UBND", True), ("34/2016/NQ-HĐND", True), ("05-NQ/TU", True), ("52/TTr-SNV", True), ("1783/UBND-TH5", True),
    ("61/2018/NĐ-CP", False), ("207/BNV-CCHC", False), ("28-KL/TW", False), ("02/2017/TT-VPCP", False), ("209/CĐ-TTg", False),
])
def test_is_local(symbol, local):
    assert is_local(symbol) is local
