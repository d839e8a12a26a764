"""Metadata: symbols, dates, issuers, titles, signatures; the seeds against gold; the gazette PDFs against their .meta.json."""

from __future__ import annotations

import json
import re
from operator import methodcaller
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.gazetteer import load
from vnplan.metadata import (
    _body_runs,
    _BodyCasing,
    _letterhead_issuer,
    _line_title,
    _mixed_lines,
    _recipients,
    _signature,
    _signer_name,
    _whole_word_starts,
    format_issuer,
    parse_date,
    read_symbol,
    sentence_case,
)
from vnplan.text.headings import mostly_upper

from tests.conftest import GOLD, SEEDS, run_seed, shared_dir

SYMBOL_CASES = [
    ("Số: 205/QĐ-UBND", "205", "205/QĐ-UBND"),
    ("Số: 205 /QĐ- UBND", "205", "205/QĐ-UBND"),
    ("Số: /QĐ-UBND", None, None),
    ("Số:       /KH-UBND", None, None),
    ("Số: 01/2025/TT-BLĐTBXH Hà Nội, ngày 10 tháng 01 năm 2025", "01", "01/2025/TT-BLĐTBXH"),
    ("Nghị quyết số: 89/2025/UBTVQH15", "89", "89/2025/UBTVQH15"),
    ("Số: 131/CTr-UBND", "131", "131/CTr-UBND"),
    ("Số: 05-NQ/TU", "05", "05-NQ/TU"),
    ("Số: 30C/NQ-CP", "30C", "30c/NQ-CP"),
    ("| Số: 211/KH-UBND |", "211", "211/KH-UBND"),
    ("Số: 66.17/2026/NQ-CP", "66.17", "66.17/2026/NQ-CP"),
]


@pytest.mark.parametrize(("text", "number", "symbol"), SYMBOL_CASES)
def test_read_symbol(text: str, number: str | None, symbol: str | None) -> None:
    got = read_symbol(text)
    assert got is not None
    assert got[:2] == (number, symbol)


DATE_CASES = [
    ("ngày 13 /3/2017", "2017-03-13"),
    ("ngày 09 tháng 02 năm 2012", "2012-02-09"),
    ("ngày tháng 11 năm 2021", "2021-11"),
    ("ngày 24 tháng 8 năm 2022", "2022-08-24"),
    ("05/12/2016", "2016-12-05"),
    ("ngày 32 tháng 1 năm 2020", None),
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


ISSUER_CASES = [
    ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "UBND tỉnh Quảng Ngãi"),
    ("UỶ BAN NHÂN DÂN TỈNH LẠNG SƠN", "UBND tỉnh Lạng Sơn"),
    ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SƠN LA", "Chủ tịch UBND tỉnh Sơn La"),
    ("Chủ tịch Uỷ ban nhân dân tỉnh Sơn La", "Chủ tịch UBND tỉnh Sơn La"),
    ("UBND tỉnh Quảng Ngãi", "UBND tỉnh Quảng Ngãi"),
    ("HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ HÀ NỘI", "HĐND thành phố Hà Nội"),
    ("CHÍNH PHỦ", "Chính phủ"),
    ("BỘ NỘI VỤ", "Bộ Nội vụ"),
    ("BỘ TRƯỞNG BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Bộ trưởng Bộ Nông nghiệp và Môi trường"),
    ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Bộ Lao động - Thương binh và Xã hội"),
    ("BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Bộ Văn hóa, Thể thao và Du lịch"),
    ("ỦY BAN THƯỜNG VỤ QUỐC HỘI", "Ủy ban Thường vụ Quốc hội"),
    ("THỦ TƯỚNG CHÍNH PHỦ", "Thủ tướng Chính phủ"),
    ("Bộ Tài chính", "Bộ Tài chính"),
    # Old tone placement on a final oa/oe/uy moves to the first vowel in any case, as in the gazetteer;
    # where both styles agree (`toán`, `quý`) nothing moves.
    ("ỦY BAN NHÂN DÂN TỈNH THANH HOÁ", "UBND tỉnh Thanh Hóa"),
    ("Sở Tài chính - Kế toán tỉnh Hoà Bình", "Sở Tài chính - Kế toán tỉnh Hòa Bình"),
    ("Quỹ Đầu tư phát triển tỉnh Khánh Hoà", "Quỹ Đầu tư phát triển tỉnh Khánh Hòa"),
]


@pytest.mark.parametrize(("raw", "expected"), ISSUER_CASES)
def test_format_issuer(raw: str, expected: str) -> None:
    assert format_issuer(raw) == expected


TITLE_CASES = [
    ("BAN HÀNH KẾ HOẠCH TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT SỐ 05-NQ/TU NGÀY 05/12/2016 CỦA TỈNH ỦY VỀ CẢI CÁCH HÀNH CHÍNH",
     "", "Ban hành Kế hoạch triển khai thực hiện Nghị quyết số 05-NQ/TU ngày 05/12/2016 của Tỉnh ủy về cải cách hành chính"),
    ("TỔ CHỨC THỰC HIỆN NGHỊ QUYẾT SỐ 30C/NQ-CP NGÀY 08/11/2011 CỦA CHÍNH PHỦ TRÊN ĐỊA BÀN TỈNH SƠN LA",
     "", "Tổ chức thực hiện Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Chính phủ trên địa bàn tỉnh Sơn La"),
    ("CẢI THIỆN CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (PAR INDEX), CHỈ SỐ HÀI LÒNG (SIPAS) TỈNH QUẢNG NINH NĂM 2022",
     "", "Cải thiện chỉ số cải cách hành chính (PAR INDEX), chỉ số hài lòng (SIPAS) tỉnh Quảng Ninh năm 2022"),
    ("Cải cách hành chính tỉnh Lạng Sơn năm 2018", "", "Cải cách hành chính tỉnh Lạng Sơn năm 2018"),
    # A proper noun the gazetteer does not list is restored from the mixed-case body.
    ("PHÁT TRIỂN DU LỊCH VÙNG TÂY NGUYÊN", "Vùng Tây Nguyên có nhiều tiềm năng. Du lịch ở Tây Nguyên và Tây Nguyên",
     "Phát triển du lịch vùng Tây Nguyên"),
]


@pytest.mark.parametrize(("title", "body", "expected"), TITLE_CASES)
def test_sentence_case(title: str, body: str, expected: str) -> None:
    assert sentence_case(title, body) == expected


SIGNATURE_CASES = [
    ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nTrần Ngọc Căng\n", ("Trần Ngọc Căng", "Chủ tịch")),
    ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nHồ Quang Bửu", ("Hồ Quang Bửu", "Phó Chủ tịch")),
    ("TM.\nỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Tường Văn\n|", ("Nguyễn Tường Văn", "Chủ tịch")),
    ("KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n(Đã ký)\nLê Văn Thanh", ("Lê Văn Thanh", "Thứ trưởng")),
    ("KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\nThượng tướng Vũ Hải Sản", ("Vũ Hải Sản", "Thứ trưởng")),
    ("TM. CHÍNH PHỦ THỦ TƯỚNG\nPhạm Minh Chính", ("Phạm Minh Chính", "Thủ tướng")),
    ("TM. ỦY BAN NHÂN\nDÂN CHỦ TỊCH\nVõ Tấn Đức", ("Võ Tấn Đức", "Chủ tịch")),
    ("Quyết định này có hiệu lực kể từ ngày ký./.\n- Bộ Nội vụ;\n", (None, None)),
    ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH SƠN LA\nCăn cứ Luật", (None, None)),
]


@pytest.mark.parametrize(("text", "expected"), SIGNATURE_CASES)
def test_signature(text: str, expected: tuple[str | None, str | None]) -> None:
    assert _signature(text) == expected


def test_recipients() -> None:
    text = "Nơi nhận:\n\n- Như Điều 3;\n- Thường trực Tỉnh ủy;\n- Vụ CCHC, Bộ Nội vụ;\n- Lưu: VT, HCTC.\n\nTM. ỦY BAN NHÂN DÂN"
    assert _recipients(text) == ("Như Điều 3", "Thường trực Tỉnh ủy", "Vụ CCHC, Bộ Nội vụ")


# ---------------------------------------------------------------- gazetteer


def test_doc_headings_examples_match() -> None:
    """Every gazetteer entry's examples match its pattern, and no counter-example does."""
    g = load("doc_headings.json")
    for e in g["types"]:
        assert e["examples"] == [e["heading"]] or all(x.upper() == e["heading"] for x in e["examples"])
    for e in g["signer_titles"]:
        for x in e["examples"]:
            assert re.fullmatch(e["pattern"], x), x
    for e in g["agency_heads"]:
        for x in e["examples"]:
            assert re.match(e["pattern"], x), x
        for x in e.get("counter_examples", []):
            assert not re.match(e["pattern"], x), x
    for e in g["proper_phrases"]:
        for x in e["examples"]:
            assert e["phrase"].lower() in x.lower()
    for e in g["issuer_bodies"]:
        for x in e["examples"]:
            assert x.replace("UỶ", "ỦY") == e["upper"]
    assert all(w.isupper() for w in g["abbreviations"]["words"])
    for x in g["signer_ranks"]["examples"]:
        assert re.match(g["signer_ranks"]["pattern"], x), x


# ---------------------------------------------------------------- seeds against gold

FIELDS = ("type", "symbol", "date", "issuer", "province", "signer", "signer_title", "title")


@pytest.mark.parametrize("seed", [p.name for p in SEEDS])
def test_seed_metadata_matches_gold(seed: str) -> None:
    gold = json.loads((GOLD / seed.replace(".txt", ".json")).read_text(encoding="utf-8"))["documents"]
    docs = run_seed(seed).documents
    assert len(docs) == len(gold)
    for doc, want in zip(docs, gold, strict=True):
        for f in FIELDS:
            assert getattr(doc, f) == want[f], (f, getattr(doc, f), want[f])


def test_seed_promulgation_links() -> None:
    docs = run_seed(SEEDS[0].name).documents
    assert [d.promulgated_by for d in docs] == [None, 0]
    assert docs[0].end == docs[1].start
    assert run_seed(SEEDS[4].name).documents[0].recipients[:2] == ("Như Điều 3", "Thường trực Tỉnh ủy")


# ---------------------------------------------------------------- gazette PDFs against their publisher metadata

def _pdfs() -> list[Path]:
    p = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "pdf"
    return sorted(p.glob("*.pdf")) if p.exists() else []


@pytest.mark.parametrize("pdf", _pdfs(), ids=lambda p: p.stem)
def test_pdf_metadata_agrees_with_publisher(pdf: Path) -> None:
    """Symbol, type and year of the file's first document agree with the gazette's .meta.json."""
    shared_dir("corpus", "pdf")
    from vnplan.evaluate import publisher_agreement
    from vnplan.outputs.facts_json import document_json
    from vnplan.run import process_file

    meta = json.loads(pdf.with_suffix(".meta.json").read_text(encoding="utf-8"))
    doc = process_file(pdf).documents[0]
    agree = publisher_agreement(document_json(doc), meta)
    assert agree["symbol"] and agree["type"] and agree["year"] is not False, (doc.symbol, doc.type, doc.date)


# ---------------------------------------------------------------- whole heads, from real letterheads

HEAD_CASES = [
    # an official letter: no type line, `V/v` subject, number on its own line, title with its unit in the signature
    ("BỘ TÀI CHÍNH\nCỤC THUẾ\n-------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nSố:\n5662/CT-CS\n"
     "V/v chính sách thuế\n\nHà Nội, ngày 01 tháng 12 năm 2025\n\nKính gửi: Thuế thành phố Hải Phòng\n\nCục Thuế trả lời "
     "như sau.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT, CS.\n\nTL. CỤC TRƯỞNG\nTRƯỞNG BAN BAN CHÍNH SÁCH,\nTHUẾ QUỐC TẾ\n"
     "Nguyễn Thị Thanh Hằng\n",
     {"type": "Công văn", "symbol": "5662/CT-CS", "date": "2025-12-01", "place": "Hà Nội", "title": "Chính sách thuế",
      "signer": "Nguyễn Thị Thanh Hằng", "signer_title": "Trưởng ban", "recipients": ("Như trên",)}),
    # a resolution without a comma before the date; the signature block wraps its first line
    ("CHÍNH PHỦ\n--------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nSố: 386/NQ-CP\n\nHà Nội ngày 01 tháng 12 năm 2025\n\n"
     "NGHỊ QUYẾT\nVỀ VIỆC TIẾP THU, GIẢI TRÌNH DỰ ÁN LUẬT THUẾ THU NHẬP\nCÁ NHÂN (SỬA ĐỔI)\nCHÍNH PHỦ\nCăn cứ Luật "
     "Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;\nĐiều 1. Nội dung.\n\nTM. CHÍNH\nPHỦ THỦ TƯỚNG\nPhạm Minh\nChính\n",
     {"type": "Nghị quyết", "symbol": "386/NQ-CP", "date": "2025-12-01", "issuer": "Chính phủ", "province": None,
      "title": "Về việc tiếp thu, giải trình dự án luật thuế thu nhập cá nhân (sửa đổi)", "signer_title": "Thủ tướng",
      "signer": "Phạm Minh Chính"}),
    # the authority line names the province's committee without the province
    ("ỦY BAN NHÂN DÂN\nTỈNH BẠC LIÊU\n-------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nSố: 2083/QĐ-UBND\n\nBạc Liêu, "
     "ngày 08 tháng 12 năm 2016\n\nQUYẾT ĐỊNH\n\nVỀ VIỆC CÔNG BỐ THỦ TỤC HÀNH CHÍNH\n\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\n\n"
     "Căn cứ Luật tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n",
     {"type": "Quyết định", "issuer": "Chủ tịch UBND tỉnh Bạc Liêu", "province": "Bạc Liêu",
      "title": "Về việc công bố thủ tục hành chính"}),
    # a capitalised subject wrapped over many lines, one opening with `BAN HÀNH KÈM THEO QUYẾT ĐỊNH SỐ ...`:
    # a title line, not the authority (`Ban` the board): the issuer comes from the letterhead
    ("ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN\n-------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nSố: 7/2025/QĐ-UBND\n\nLạng Sơn, "
     "ngày 3 tháng 3 năm 2025\n\nQUYẾT ĐỊNH\nBÃI BỎ QUYẾT ĐỊNH SỐ 12/2016/QĐ-UBND NGÀY 1/2/2016 CỦA UBND TỈNH LẠNG SƠN "
     + "QUY ĐỊNH VỀ QUẢN LÝ CHỢ TRÊN ĐỊA BÀN TỈNH LẠNG SƠN VÀ CÁC QUY ĐỊNH SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA QUY ĐỊNH " * 6
     + "\nBAN HÀNH KÈM THEO QUYẾT ĐỊNH SỐ 12/2016/QĐ-UBND QUY ĐỊNH VỀ QUẢN LÝ CHỢ\nTRÊN ĐỊA BÀN TỈNH LẠNG SƠN\n"
     "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\n",
     {"type": "Quyết định", "symbol": "7/2025/QĐ-UBND", "issuer": "UBND tỉnh Lạng Sơn", "province": "Lạng Sơn"}),
    # a two-level letterhead: the issuer is the lower body
    ("UBND TỈNH QUẢNG NGÃI\nSỞ NỘI VỤ\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/KH-SNV\n"
     "Quảng Ngãi, ngày 5 tháng 1 năm 2018\n\nKẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2018\n\nI. MỤC ĐÍCH\n",
     {"type": "Kế hoạch", "symbol": "12/KH-SNV", "date": "2018-01-05", "issuer": "Sở Nội vụ", "province": None,
      "title": "Tuyên truyền cải cách hành chính năm 2018"}),
]


@pytest.mark.parametrize(("text", "expected"), HEAD_CASES)
def test_read_metadata_heads(text: str, expected: dict) -> None:
    from vnplan.clean import clean
    from vnplan.load import load_bytes
    from vnplan.segment import segment

    src = load_bytes(text.encode("utf-8"), "txt")
    doc = segment(src, clean(src))[0]
    for k, v in expected.items():
        assert getattr(doc, k) == v, (k, getattr(doc, k))


def test_law_number_from_a_dropped_letterhead_and_date_from_its_passing() -> None:
    from vnplan.models import Cleaned, Removed
    from vnplan.segment import segment

    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nLUẬT\nNGƯỜI LAO ĐỘNG VIỆT NAM ĐI LÀM VIỆC Ở NƯỚC "
            "NGOÀI\n\nCăn cứ Hiến pháp;\nĐiều 1. Phạm vi điều chỉnh\nLuật này đã được Quốc hội nước Cộng hòa xã hội chủ nghĩa "
            "Việt Nam khóa XIV, kỳ họp thứ 10 thông qua ngày 13 tháng 11 năm 2020.\n")
    from vnplan.load import load_bytes

    src = load_bytes(text.encode("utf-8"), "txt")
    cleaned = Cleaned(text, tuple(range(len(text) + 1)), (Removed("letterhead", 1, 85, "\n\nQUỐC HỘI\n\nLuật số: 69/2020/QH14\n"),))
    doc = segment(src, cleaned)[0]
    assert (doc.type, doc.symbol, doc.date, doc.issuer) == ("Luật", "69/2020/QH14", "2020-11-13", "Quốc hội")
    assert doc.title == "Người lao động Việt Nam đi làm việc ở nước ngoài"


LETTERHEAD_CASES = [
    ("CÔNG BÁO/Số 231 + 232/Ngày 01-02-2025 7\nBỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nBỘ LAO ĐỘNG - THƯƠNG BINH CỘNG HÒA XÃ HỘI CHỦ "
     "NGHĨA VIỆT NAM\nVÀ XÃ HỘI Độc lập - Tự do - Hạnh phúc\n", "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
    ("ỦY BAN NHÂN DÂN\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nTỈNH LẠNG SƠN\n\nĐộc lập - Tự do - Hạnh phúc\n",
     "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"),
    ("ỦY\nBAN NHÂN DÂN\nTỈNH QUẢNG NINH\n-------\n|\nCỘNG\nHÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n",
     "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"),
    ("UBND TỈNH QUẢNG NGÃI\nSỞ NỘI VỤ\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n", "SỞ NỘI VỤ"),
    # A page of numbered slogans in capitals has no letterhead.
    ("1. NHIỆT LIỆT CHÀO MỪNG ĐẠI HỘI ĐẢNG BỘ CÁC CẤP\n2. ĐẢNG CỘNG SẢN VIỆT NAM QUANG VINH MUÔN NĂM\n", None),
]


@pytest.mark.parametrize(("head", "expected"), LETTERHEAD_CASES)
def test_letterhead_issuer(head: str, expected: str | None) -> None:
    assert _letterhead_issuer(head) == expected


@pytest.mark.parametrize("line, written", load("doc_headings.json")["organisation_words"]["examples"])
def test_organisation_word_examples(line, written):
    assert format_issuer(line) == written


# ---------------------------------------------------------------- fast paths against the plain code they replace

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


def _mixed_plain(body: str) -> str:
    return "\n".join(ln for ln in body.split("\n") if len(ln) < 3 or not mostly_upper(ln))


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
