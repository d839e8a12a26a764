"""Cleaning: each repair on real snippets, the offset map, idempotence, named steps, the CLI."""

from __future__ import annotations

import re
import unicodedata

import pytest
import vnplan.clean as c
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from vnplan.clean import DEFAULT_STEPS, STEPS, clean_text
from vnplan.cli import main
from vnplan.errors import VnplanError
from vnplan.gazetteer import load
from vnplan.models import Removed

from .conftest import CORPUS

SEED_002 = CORPUS / "002_0a96fbe08980cc41.txt"
SEED_003 = CORPUS / "003_4fd5dceadbfd37ff.txt"
SEED_004 = CORPUS / "004_8cc8be50616e6dd8.txt"


def cleaned(raw: str) -> str:
    """The cleaned text of a raw string, with the default steps."""
    return clean_text(raw).text


# ---------------------------------------------------------------- repairs, table-driven

REPAIRS = [
    # markup
    ("**Điều 1. Phạm vi điều chỉnh**", "Điều 1. Phạm vi điều chỉnh"),
    ("*Hà Nội, ngày 20\ntháng 11 năm 2025*", "Hà Nội, ngày 20 tháng 11 năm 2025"),
    ("lượng **chuyên** trách C**ả**ng", "lượng chuyên trách Cảng"),
    ("## Văn bản gốc\nNội dung", "Văn bản gốc\nNội dung"),
    ("* Ghi chú: Kết quả đo lường", "* Ghi chú: Kết quả đo lường"),
    # tone placement and NFC
    ("Chủ tịch Uỷ ban nhân dân tỉnh", "Chủ tịch Ủy ban nhân dân tỉnh"),
    ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("hoà nhập, thuỷ lợi, quý, khoẻ", "hòa nhập, thủy lợi, quý, khỏe"),
    (unicodedata.normalize("NFD", "Quyết định"), "Quyết định"),
    # legacy debris
    ("Hội ñồng nhân dân", "Hội đồng nhân dân"),
    ("Số: 205/QÐ-UBND", "Số: 205/QĐ-UBND"),
    # hard wraps: continuation lines join, real line starts stay
    ("Căn cứ Quyết định số 362/QĐ-BNV ngày\n06/5/2022 của Bộ Nội vụ về việc phê duyệt",
     "Căn cứ Quyết định số 362/QĐ-BNV ngày 06/5/2022 của Bộ Nội vụ về việc phê duyệt"),
    ("Trên cơ sở kết quả đánh giá, phân\ntích chuyên sâu Chỉ số PAR Index",
     "Trên cơ sở kết quả đánh giá, phân tích chuyên sâu Chỉ số PAR Index"),
    ("ngày 29/4/2022 của\nBộ trưởng Bộ Nội vụ về việc",
     "ngày 29/4/2022 của Bộ trưởng Bộ Nội vụ về việc"),
    ("II. NỘI DUNG VÀ\nTRÁCH NHIỆM THỰC HIỆN\n1. Chỉ số cải cách hành chính",
     "II. NỘI DUNG VÀ TRÁCH NHIỆM THỰC HIỆN\n1. Chỉ số cải cách hành chính"),
    ("như sau:\nI. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n- Hoàn thành mục tiêu",
     "như sau:\nI. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n- Hoàn thành mục tiêu"),
    ("bao gồm:\na) Hiện trạng tuyến đường\nb) Thông tin về loại hàng hóa",
     "bao gồm:\na) Hiện trạng tuyến đường\nb) Thông tin về loại hàng hóa"),
    ("như sau:\n+ Nội dung thứ nhất\n+ Nội dung thứ hai", "như sau:\n+ Nội dung thứ nhất\n+ Nội dung thứ hai"),
    ("Nghị định này quy định chi tiết\nĐiều 2. Đối tượng áp dụng",
     "Nghị định này quy định chi tiết\nĐiều 2. Đối tượng áp dụng"),
    ("tại khoản 1 và khoản 2\nĐiều 12, khoản 4 Điều 17", "tại khoản 1 và khoản 2 Điều 12, khoản 4 Điều 17"),
    ("Nghị định số 68/2026/NĐ-\nCP ngày 05 tháng 3 năm 2026", "Nghị định số 68/2026/NĐ-CP ngày 05 tháng 3 năm 2026"),
    ("6. Sở Thông tin và Truyền thông có trách nhiệm\nChủ trì và tổ chức triển khai",
     "6. Sở Thông tin và Truyền thông có trách nhiệm\nChủ trì và tổ chức triển khai"),
    ("QUYẾT ĐỊNH\nVỀ VIỆC BAN HÀNH KẾ HOẠCH", "QUYẾT ĐỊNH\nVỀ VIỆC BAN HÀNH KẾ HOẠCH"),
    ("LUẬT\nKINH DOANH BẤT ĐỘNG SẢN", "LUẬT\nKINH DOANH BẤT ĐỘNG SẢN"),
    # letterhead cells cut after their first word, separated by lone `|` lines
    ("ỦY\nBAN NHÂN DÂN\nTỈNH QUẢNG NINH\n-------\n|\nCỘNG\nHÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "Độc lập - Tự do - Hạnh phúc\n---------------\n|\nSố: 205/KH-UBND\n|\nQuảng\nNinh, ngày 24 tháng 8 năm 2022\n|\nKẾ HOẠCH",
     "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH\n-------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "Độc lập - Tự do - Hạnh phúc\n---------------\n\nSố: 205/KH-UBND\n\nQuảng Ninh, ngày 24 tháng 8 năm 2022\n\nKẾ HOẠCH"),
    ("TM.\nỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Tường Văn", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Tường Văn"),
    # a sentence cut by a page break
    ("báo cáo Ủy\n\nban nhân dân tỉnh (qua Sở Nội vụ).", "báo cáo Ủy ban nhân dân tỉnh (qua Sở Nội vụ)."),
    ("Kết quả thực hiện.\n\nban hành kèm theo", "Kết quả thực hiện.\n\nban hành kèm theo"),
    # gazette running headers, page numbers and signing stamps
    ("trong kỳ tính thuế đó chia \n\nCÔNG BÁO/Số 272/Ngày 14-05-2026 \n5\n \n \ncho số tháng doanh nghiệp",
     "trong kỳ tính thuế đó chia cho số tháng doanh nghiệp"),
    ("Phương án gồm các nội dung chủ yếu sau: \nKý bởi: CÔNG BÁO NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "Cơ quan: VĂN PHÒNG CHÍNH PHỦ\nNgày ký: 2026-04-20 08:18:21 +07:00\n\nCÔNG BÁO/Số 229/Ngày 19-04-2026 \n71\n \n \n"
     "a) Hiện trạng tuyến đường thủy",
     "Phương án gồm các nội dung chủ yếu sau:\na) Hiện trạng tuyến đường thủy"),
    # portal chrome lines
    ("Hệ thống pháp luật\nĐang tải nội dung, vui lòng chờ giây lát...\nQUYẾT ĐỊNH", "QUYẾT ĐỊNH"),
    ("Liên kết Websites\nThống kê truy cập\nmyspace tracker\n\nKẾ HOẠCH", "KẾ HOẠCH"),
    # whitespace
    ("Số:\u00a0 211/KH-UBND\r\n\r\n\r\n\r\nLạng Sơn", "Số: 211/KH-UBND\n\nLạng Sơn"),
]


@pytest.mark.parametrize(("raw", "expected"), REPAIRS)
def test_repair(raw, expected):
    assert cleaned(raw) == expected


TABLE = (
    "(Kèm theo Kế hoạch số 205/KH-UBND)\nSTT\n|\nLĩnh vực/Tiêu chí\n|\nĐiểm\ntối đa\n|\nCơ\nquan chủ trì\n|\n"
    "1\n|\nCÔNG TÁC\nCHỈ ĐẠO ĐIỀU HÀNH\n|\n8.5\n|\nSở\nNội vụ\n|\n"
    "1.1\n|\nThực hiện Kế hoạch cải cách hành\nchính\n|\n1.5\n|\nSở Nội\nvụ\n|\n"
    "1.2\n|\nKiểm tra CCHC\n|\n|\n2\n|\nVăn phòng UBND tỉnh\n|\n"
    "1.3\n|\nCông tác tuyên truyền\n|\n1\n|\nSở Nội vụ\n|\n"
    "* Ghi chú: Kết quả đo lường."
)


def test_flattened_table_becomes_rows():
    assert cleaned(TABLE).split("\n") == [
        "(Kèm theo Kế hoạch số 205/KH-UBND)",
        "STT | Lĩnh vực/Tiêu chí | Điểm tối đa | Cơ quan chủ trì",
        "1 | CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH | 8.5 | Sở Nội vụ",
        "1.1 | Thực hiện Kế hoạch cải cách hành chính | 1.5 | Sở Nội vụ",
        "1.2 | Kiểm tra CCHC | | 2 | Văn phòng UBND tỉnh",
        "1.3 | Công tác tuyên truyền | 1 | Sở Nội vụ",
        "* Ghi chú: Kết quả đo lường.",
    ]


def test_truncated_paragraph_is_kept_and_flagged():
    raw = "Căn cứ chức năng, nhiệm vụ, chủ trì tham mưu của ng\ufffd\n\n4. Đài Phát thanh - Truyền hình Quảng Ngãi"
    c = clean_text(raw)
    assert c.text.split("\n")[0] == "Căn cứ chức năng, nhiệm vụ, chủ trì tham mưu của ng\ufffd"
    assert c.text.split("\n")[-1].startswith("4. Đài Phát thanh")
    assert [(f.kind, c.text[f.start : f.end]) for f in c.flags] == [("truncated", "\ufffd")]


def test_tone_variants_match_after_cleaning():
    assert cleaned("Uỷ ban nhân dân") == cleaned("Ủy ban nhân dân") == "Ủy ban nhân dân"


# ---------------------------------------------------------------- seeds and real documents


def test_seed_002_portal_chrome_and_footer_dropped():
    text = cleaned(SEED_002.read_text(encoding="utf-8"))
    assert text.startswith("ỦY BAN NHÂN DÂN\n")
    assert text.endswith("Phạm Ngọc Thưởng")
    for chrome in ("Liên kết Websites", "myspace tracker", "Thống kê truy cập", "Thiết kế và xây dựng",
                   "Điện thoại : 025", "VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"):
        assert chrome not in text


def test_seed_003_is_rewrapped_and_its_table_rebuilt():
    text = cleaned(SEED_003.read_text(encoding="utf-8"))
    lines = text.split("\n")
    assert lines[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH"]
    assert "Quảng Ninh, ngày 24 tháng 8 năm 2022" in lines
    assert "|" not in lines
    assert any(ln.startswith("Căn cứ Quyết định số 362/QĐ-BNV ngày 06/5/2022 của Bộ hưởng Bộ Nội vụ") for ln in lines)
    assert "STT | Lĩnh vực/Tiêu chí/Tiêu chí thành phần | Điểm tối đa | Điểm năm 2021 | Mục tiêu năm 2022 | " \
           "Tăng/giảm so với năm 2021 | Cơ quan chủ trì tham mưu" in lines
    rows = [ln for ln in lines if " | " in ln]
    assert len(rows) > 100
    assert sum(ln.count(" | ") == 6 for ln in rows) / len(rows) > 0.9
    assert len(lines) < 0.4 * SEED_003.read_text(encoding="utf-8").count("\n")


def test_seed_004_page_break_word_rejoined():
    text = cleaned(SEED_004.read_text(encoding="utf-8"))
    assert "báo cáo Ủy ban nhân dân tỉnh (qua Sở Nội vụ)" in text


def test_step_names_are_known():
    assert set(DEFAULT_STEPS) <= set(STEPS)


def test_unknown_step_raises_with_the_valid_list():
    with pytest.raises(VnplanError, match=r"unknown cleaning step 'nope'; known: .*rewrap"):
        clean_text("x", ["nfc", "nope"])


def test_steps_can_be_chosen():
    assert clean_text("**Uỷ**\nban", ["markdown"]).text == "Uỷ\nban"


# ---------------------------------------------------------------- cue data


def test_chrome_examples_match_their_patterns():
    for e in load("chrome.json")["entries"]:
        assert e["examples"], e
        for ex in e["examples"]:
            assert re.match(e["pattern"], ex, re.I | re.M), (e["pattern"], ex)


def test_caps_bigram_examples_are_rejoined():
    for e in load("wrap_cues.json")["caps_bigrams"]:
        assert e["examples"], e
        for ex in e["examples"]:
            first, second = ex.split("\n")
            assert f"{first.split()[-1]} {second.split()[0]}" == e["pair"], ex
            assert cleaned(ex) == ex.replace("\n", " "), ex


def test_wrap_cue_examples_end_a_line_with_their_word():
    for e in load("wrap_cues.json")["entries"]:
        assert e["examples"], e
        for ex in e["examples"]:
            first = ex.split("\n")[0]
            assert first.endswith(" " + e["word"]), (e["word"], ex)
            assert "\n" not in cleaned(ex), ex  # the example is rejoined


# ---------------------------------------------------------------- offsets and idempotence

ALPHABET = st.sampled_from(
    list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĐHKQUVX0123456789 .,;:()-+*|/\n\t\u00a0")
    + ["Uỷ", "hoà", "ñồng", "**", "\ufffd", "\n|\n", "\n\n", "Điều 1. ", "1. ", "a) ", "- ", "STT", "ỦY\n",
       "CÔNG BÁO/Số 1/Ngày 01-01-2026\n2\n", "Đang tải văn bản\n", "Địa chỉ: x\nEmail: y\n",
       "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n", "e\u0301", "\r\n"]
)
TEXTS = st.lists(ALPHABET, max_size=80).map("".join)
# Characters a replacement may produce; every other cleaned character is copied from the raw text.
# (the tone step moves a tone mark, leaving the bare vowel of `oa`/`oe`/`uy` as a replacement).
PRODUCED = set(" \n|đĐaeoyAEOY")


def _check_offsets(raw: str) -> None:
    c = clean_text(raw)
    offs = list(c.offsets)
    assert len(offs) == len(c.text) + 1
    assert all(0 <= o <= len(raw) for o in offs)
    assert all(a <= b for a, b in zip(offs, offs[1:], strict=False))
    for i, ch in enumerate(c.text):
        if ch not in PRODUCED and unicodedata.normalize("NFD", ch) == ch:
            assert raw[offs[i]] == ch, (i, ch, raw, c.text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_offsets_are_valid_monotonic_and_exact(raw):
    _check_offsets(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
@example("|\t|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n")  # the letterhead step left the second `|` before the motto
def test_cleaning_is_idempotent(raw):
    once = cleaned(raw)
    assert cleaned(once) == once


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
@example("#\x1f")  # a control character hid a bare heading mark from the markdown step
@example("#\r")  # so did a line break that only the later whitespace step turns into `\n`
@example("x\u2028## y")
@example("Ð\x85")  # a lone `Ð` that ends the text once its line break is gone is not debris either
def test_any_unicode_cleans_idempotently_with_valid_offsets(raw):
    _check_offsets(raw)
    once = cleaned(raw)
    assert cleaned(once) == once


@pytest.mark.parametrize("path", [SEED_002, SEED_003, SEED_004])
def test_seed_offsets_map_back(path):
    raw = path.read_text(encoding="utf-8")
    _check_offsets(raw)
    once = cleaned(raw)
    assert cleaned(once) == once


@pytest.mark.parametrize("path", [SEED_002, SEED_004])
def test_big_texts_cleaned_in_pieces_give_the_same_result(path):
    raw = path.read_text(encoding="utf-8")
    whole, pieces = clean_text(raw), clean_text(raw, chunk_chars=3000)
    assert pieces.text == whole.text
    assert list(pieces.offsets) == list(whole.offsets)


# ---------------------------------------------------------------- CLI


def test_cli_clean_prints_text():
    result = CliRunner().invoke(main, ["clean", str(SEED_002)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ỦY BAN NHÂN DÂN\n")


def test_cli_clean_show_removed_lists_step_span_and_text():
    result = CliRunner().invoke(main, ["clean", str(SEED_002), "--show-removed"])
    assert result.exit_code == 0, result.output
    assert "[site_chrome] 0-18: 'Liên kết Websites\\n'" in result.output
    assert re.search(r"\[portal_footer\] \d+-\d+: 'VĂN PHÒNG", result.output)


def test_cli_clean_rejects_with_one_error_line(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    result = CliRunner().invoke(main, ["clean", str(p)])
    assert result.exit_code == 1
    assert result.output == f"Error: {p}: E001: file is empty\n"


_WS_TEXT = st.text(alphabet=st.sampled_from(list("ab \t\n\r\u00a0\u2003\u200b\u3000\u2028\x0b\x85đ")), max_size=60)


def _both_whitespace_paths(raw: str) -> tuple[tuple, tuple]:
    """(text, offsets) of `raw` cleaned with clean's numpy whitespace path, and with its regex path."""
    import vnplan.clean as c

    fast = clean_text(raw)
    saved = c._numpy
    c._numpy = lambda t: None
    try:
        slow = clean_text(raw)
    finally:
        c._numpy = saved
    return (fast.text, list(fast.offsets)), (slow.text, list(slow.offsets))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_WS_TEXT)
def test_whitespace_numpy_path_equals_the_regex_path(raw):
    """clean's whitespace step has an array path (numpy) and a regex path; they must give the same text and offsets."""
    fast, slow = _both_whitespace_paths(raw)
    assert fast == slow


def test_whitespace_paths_agree_on_the_seeds():
    for path in sorted(CORPUS.glob("*.txt")):
        fast, slow = _both_whitespace_paths(path.read_text(encoding="utf-8"))
        assert fast == slow, path.name


# ---------------------------------------------------------------- fast paths against the plain code they replace

def test_removed_helper_equals_the_dataclass():
    r = c._removed("markdown", 3, 5, "**")
    assert r == Removed("markdown", 3, 5, "**")
    assert repr(r) == repr(Removed("markdown", 3, 5, "**"))
    assert hash(r) == hash(Removed("markdown", 3, 5, "**"))


def test_first_class_covers_every_match_start():
    for pattern, flags, starts in [
        (r"(?:Điều|ĐIỀU)\s+\d", 0, "ĐĐ"),
        (r"[ \t]*(?:Địa chỉ|E-?mail)", re.I, " \tĐđEe"),
        (r"\(?(?:Ban hành\s+)?[Kk]èm", 0, "(BKk"),
        (r"\d{1,2}\.|[a-zđ]\)", 0, "09az"),
    ]:
        cls = c._first_class(pattern, flags)
        assert cls is not None
        for ch in starts:
            assert re.match(f"[{cls}]", ch, flags), (pattern, ch)
    # Nullable or unknown starts: no class.
    assert c._first_class(r"a?", 0) is None
    assert c._first_class(r"[^\n]*x", 0) is None
    assert c._first_class(r"(?i:a)b", 0) is None


def test_guarded_patterns_match_like_the_plain_ones():
    plain = re.compile(r"(?:[-_=.*~– ]{3,}$|[ \t]*(?:" + "|".join(c._chrome("footer")) + "))", re.I)
    lines = ["Địa chỉ: 1 Lê Lợi", "địa chỉ : x", "ĐIỆN THOẠI: 1", "---", " — ", "Các cơ quan", "E-mail: a@b",
             "Email:", "© 2024", "  Tel: 1", "Thiết kế bởi", "x", "", "Giấy phép số: 1"]
    for line in lines:
        assert bool(c._hard_re().match(line)) == bool(plain.match(line)), line
    start = re.compile(c._LINE_START.pattern.split("(?:", 1)[1].rsplit(")", 1)[0])
    for line in ["Điều 5. Hiệu lực", "a) nội dung", "(kèm theo", "Kèm theo", "Hội đồng", "1.2 Mục", "II. Nội dung",
                 "- gạch", "| x", "Căn cứ Luật", "ủy ban", "V/v x", "Q. Giám đốc"]:
        assert bool(c._LINE_START.match(line)) == bool(start.match(line)), line


def test_lower_line_start_equals_line_start_on_lower_case_lines():
    for line in ["a) nội dung", "đ) khoản", "kèm theo", "(kèm theo Quyết định", "và các", "k) x", "ka", "a", "a )",
                 "“a) x", "(a) x", "các cơ quan"]:
        if c._starts_lower(line):
            assert c._lower_line_start(line) == c._line_start(line), line


def test_tone_numpy_path_equals_the_regex_path():
    text = "hoà Hoà HOÀ uỷ Uỷ quỳ quý hoạ khoẻ thuở hoàng oà_ oà1 goà xoè\nloà"
    fast = c.clean_text(text, ["tone"])
    saved = c._numpy
    c._numpy = lambda t: None
    try:
        slow = c.clean_text(text, ["tone"])
    finally:
        c._numpy = saved
    assert (fast.text, list(fast.offsets)) == (slow.text, list(slow.offsets))
    assert "hòa" in fast.text and "Ủy" in fast.text


def _both_paths(raw: str, steps: list[str]) -> tuple[tuple, tuple]:
    fast = c.clean_text(raw, steps)
    saved = c._numpy
    c._numpy = lambda t: None
    try:
        slow = c.clean_text(raw, steps)
    finally:
        c._numpy = saved
    return (fast.text, list(fast.offsets), fast.removed), (slow.text, list(slow.offsets), slow.removed)


def test_whitespace_arrays_equal_the_regex_path_with_control_characters():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    chars = list("ab \t\n\r\u00a0\u2003\u200b\u3000\u2028\x0b\x85đ\x01\x1f\u200c\x7f")

    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(st.text(alphabet=st.sampled_from(chars), max_size=60))
    def check(raw):
        fast, slow = _both_paths(raw, ["whitespace", "tone"])
        assert fast == slow

    check()


def test_lower_counts_numpy_equals_the_byte_path():
    for text in ["", "\n", "a\n", "\nab\n\nc", "abc", "\n\n\n", "Hội đồng\nnhân dân tỉnh\n\nx y z\n", "ABC\nđ\n"]:
        t = c.Tracked.of(text)
        fast = c._lower_counts(t)
        saved = c._numpy
        c._numpy = lambda t: None
        try:
            slow = c._lower_counts(c.Tracked.of(text))
        finally:
            c._numpy = saved
        assert fast == slow, text
        assert len(fast) == len(text.split("\n")) + 1


def test_required_literal_is_in_every_match():
    for pattern, literal in [
        (r"(?:[^\n]*ban hành\n)?Văn bản này chưa", "Văn bản này chưa"),
        (r"#*\s*Văn bản liên quan\s*$", "Văn bản liên quan"),
        (r"(?:\d{1,4}\s+)?CÔNG BÁO\s*/\s*Số", "CÔNG BÁO"),
        (r"Ký bởi\s*:[^\n]*", "Ký bởi"),
    ]:
        assert c._required_literal(pattern) == literal
    # Nothing worked out: never ruled out.
    for pattern in [r"(?:Tải về|Bản PDF)", r"(?i)văn bản", r"a|b", r"(?i:abc)", r"x?"]:
        assert c._required_literal(pattern) == ""
    assert c._possible(("abc", "(?:x|y)", "zz"), "--abc--") == ("abc", "(?:x|y)")


TAIL_TEXTS = [
    "QUYẾT ĐỊNH\nĐiều 1. x\nVăn bản liên quan\nabc",
    "x\nĐã ban hành\nVăn bản này chưa cập nhật nội dung Tiếng Anh\ny\nTin liên quan:\nz",
    "x\nTin liên quan:\ny\nVăn bản này chưa cập nhật nội dung Tiếng Anh",
    "Văn bản liên quan\nx",  # a match at the text start is no tail
    "x\nTải về\ny\n#  Văn bản liên quan",
    "x\nMỤC LỤC VĂN BẢN \nVăn bản khác\n",
    "không có gì\ncả",
]


def test_site_tail_equals_the_one_pattern_search():
    plain = re.compile(r"(?m)^(?:" + "|".join(c._chrome("tail")) + r")")
    for text in TAIL_TEXTS:
        start = c._line_search_start(plain, text)
        expected = text[:start] if start > 0 else text
        assert c.clean_text(text, ["site_tail"]).text == expected, text


def test_running_headers_equal_the_one_pattern_spans():
    plain = re.compile(c._running_re().pattern)
    for text in ["a\nCÔNG BÁO/Số 12 + 13/Ngày 01-02-2024\n5\nb", "Ký bởi: X\nCơ quan: Y\nNgày ký: Z\nnội dung",
                 "CÔNG BÁO\nx", "nội dung thường\n12"]:
        spans = c._line_spans(plain, text)
        out = c.clean_text(text, ["running_headers"]).text
        expected = "".join(text[e:s] for (_, e), (s, _) in zip([(0, 0), *spans], [*spans, (len(text), 0)], strict=True))
        assert out == expected, text


def test_delete_on_arrays_equals_apply():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(st.text(alphabet="ab*\nđ ", min_size=1, max_size=80), st.lists(st.integers(0, 80), max_size=40),
           st.integers(0, 5))
    def check(text, cuts, base):
        cuts = sorted({min(c, len(text)) for c in cuts})
        spans = list(zip(cuts[0::2], cuts[1::2], strict=False))  # an odd cut out is dropped
        fast, slow = c.Tracked.of(text, base), c.Tracked.of(text, base)
        fast.delete(spans, "markdown", record=True)  # (300 * spans >= len(text): on arrays whenever spans exist)
        slow.apply([(s, e, "") for s, e in spans], "markdown", record=True)
        assert (fast.text, list(fast.offsets), fast.removed) == (slow.text, list(slow.offsets), slow.removed)

    check()


def test_last_word_equals_the_word_end_pattern():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    word_end = re.compile(r"(\w+)$")

    @settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(st.text(alphabet="ab đ_1²,.-\n\t)", max_size=70))
    def check(line):
        m = word_end.search(line[-30:])
        assert c._last_word(line) == (m.group(1) if m else ""), line

    check()
    for line in ["căn cứ", "Điều 5", "khoản 2,", "x" * 40, "a b" + "c" * 35, "NĐ-CP", "a_b", "tỉnh ", "", "12²"]:
        m = word_end.search(line[-30:])
        assert c._last_word(line) == (m.group(1) if m else ""), line
