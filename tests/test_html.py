"""Whole saved web pages: the cleaned text is the document, from letterhead to its last line."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from vnplan.clean import clean
from vnplan.html import html_to_text
from vnplan.load import load

DATA = Path(__file__).resolve().parent / "data" / "html"


@cache
def cleaned(name: str) -> str:
    """The cleaned text of one saved page."""
    return clean(load(DATA / name)).text


# (page, first lines, last line, snippets that must appear, snippets that must not)
PAGES = [
    (
        "tvpl_1456-QD-UBND_namdinh_2021.html",
        ["ỦY BAN NHÂN DÂN", "TỈNH NAM ĐỊNH"],
        "Trần Anh Dũng",
        ["Số: 1456/QĐ-UBND", "Nam Định, ngày 09 tháng 7 năm 2021", "Căn cứ Luật Đất đai ngày 26/11/2013;",
         "Điều 5. Quyết định này có hiệu lực kể từ ngày ký"],
        ["Đăng nhập", "Văn bản liên quan", "MỤC LỤC VĂN BẢN", "Tra cứu", "Tiện ích", "Bản án liên quan",
         "PHÁP LUẬT DOANH NGHIỆP", "function(", "{"],
    ),
    (
        "tvpl_2083-QD-UBND_baclieu_2016.html",
        ["ỦY BAN NHÂN DÂN", "TỈNH BẠC LIÊU"],
        "(Ký và ghi rõ họ tên, đóng dấu)",
        ["Số: 2083/QĐ-UBND", "Bạc Liêu, ngày 08 tháng 12 năm 2016",
         "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ về kiểm soát thủ tục hành chính;"],
        ["Đăng nhập", "Văn bản liên quan", "MỤC LỤC VĂN BẢN", "Tiện ích", "Bản án liên quan", "function("],
    ),
    (
        "vbpl_v1.html",
        ["QUỐC HỘI"],
        "Nguyễn Sinh Hùng",
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Hà Nội, ngày 28 tháng 11 năm 2013", "HIẾN PHÁP", "Chương I",
         "Điều 1", "thông qua ngày 28 tháng 11 năm 2013."],
        ["Hiệu lực: Còn hiệu lực", "Tải về", "Xem nhanh", "File đính kèm", "Gửi phản hồi", "This div, which you should delete"],
    ),
]


@pytest.mark.parametrize(("name", "first", "last", "present", "absent"), PAGES)
def test_page_is_cut_to_the_document(name, first, last, present, absent):
    text = cleaned(name)
    lines = [ln for ln in text.split("\n") if ln]
    assert lines[: len(first)] == first
    assert lines[-1] == last
    for s in present:
        assert s in text, s
    for s in absent:
        assert s not in text, s


def test_inline_tags_do_not_break_lines():
    html = "<html><body><div><p>Căn cứ <b>Luật</b> Tổ chức <i>chính quyền</i> địa phương;</p><p>Điều 1.</p></div></body></html>"
    assert html_to_text(html) == "Căn cứ Luật Tổ chức chính quyền địa phương;\n\nĐiều 1."


def test_scripts_menus_forms_and_footers_are_dropped():
    html = (
        "<html><head><title>t</title><script>var x = 1;</script></head><body>"
        "<nav>Trang chủ | Văn bản</nav><div class='menu'>Tra cứu</div><form><input value='Tìm'></form>"
        "<div id='content'><p>ỦY BAN NHÂN DÂN</p><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>KẾ HOẠCH</p>"
        "<p>Nội dung kế hoạch dài đủ để là văn bản.</p></div>"
        "<div class='related'>Văn bản cùng lĩnh vực</div><footer>Bản quyền</footer></body></html>"
    )
    text = html_to_text(html)
    assert text.startswith("ỦY BAN NHÂN DÂN")
    for junk in ("var x", "Trang chủ", "Tra cứu", "Tìm", "Văn bản cùng lĩnh vực", "Bản quyền"):
        assert junk not in text


def test_table_cells_are_separated_by_pipe_lines():
    html = "<table><tr><td>ỦY BAN NHÂN DÂN</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</td></tr></table>"
    assert html_to_text(html) == "ỦY BAN NHÂN DÂN\n|\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n|"
