"""Helpers behind clean's speed work (perf7): they must give what the plain code gives."""

import re

import vnplan.clean as c


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
