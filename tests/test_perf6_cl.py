"""Helpers behind clean's speed work (perf6): they must give what the plain code gives."""

import re

import vnplan.clean as c


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
