"""Helpers behind clean's speed work (perf4): they must give what the plain code gives."""

import re

import vnplan.clean as c
from vnplan.models import Removed


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
