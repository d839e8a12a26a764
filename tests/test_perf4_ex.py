"""The speed helpers of perf round 4 give what the plain patterns they replace give."""

import re

from vnplan.extractors import citations, relations, targets
from vnplan.text import dates as deadlines
from vnplan.text import numbers, tables
from vnplan.text.scan import lowered

TEXTS = [
    "",
    "I. MỤC ĐÍCH\nabc\nII - Nội dung\n  III. Tổ chức\n\nIV/ x",
    "\nI. a\n[1] Cụ thể: ghi chú\nSTT\n|a|b|\nstt\n",
    "Điều 1. Ban hành\nQUYẾT ĐỊNH:\n1. Tổ chức\nPhần I\nChương I\n",
    "Kế hoạch số 5/KH-UBND; Quyết định 12/QĐ-UBND. Căn cứ (a) x: y\n\n- b\n1.2. c\na) d",
]


def test_roman_heads():
    for t in TEXTS:
        for lo in range(len(t) + 1):
            want = [(m.start(), m.group(1)) for m in relations._ROMAN.finditer(t, lo, len(t))]
            assert relations._roman_heads(t, lo, len(t)) == want


def test_line_start_searches():
    for t in TEXTS:
        for lo in range(len(t) + 1):
            for hi in (len(t), max(lo, len(t) - 3)):
                fn = targets._FOOTNOTE.search(t, lo, hi)
                assert targets._footnote_start(t, lo, hi) == (fn.start() if fn else None)
                assert tables._has_head_line(t, lo, hi) == bool(tables._HEAD_LINE.search(t, lo, hi))
                m = relations._BODY.search(t, lo, hi)
                nl = relations._BODY_NL.search(t, lo, hi)
                first = lo if (lo == 0 or t[lo - 1] == "\n") and relations._BODY.match(t, lo, hi) else (nl.start() + 1 if nl else None)
                assert first == (m.start() if m else None)


def test_clause_pattern_unchanged():
    old = re.compile(r"[;:(]|\.\s|\n\s*\n|\n[ \t*]*[\-–+•]\s|\n[ \t*]*(?:\d+(?:\.\d+)*|[a-zđ])[.)]\s")
    for t in TEXTS:
        assert [m.span() for m in relations._CLAUSE.finditer(t)] == [m.span() for m in old.finditer(t)]


def test_number_lines_visits_each_line_once():
    t = "a 1 b 2 c 3\nno numbers\n4, 5 and 6\n7"
    low = t.lower()
    got = list(targets._number_lines(t, low, 0, len(t)))
    want = []
    for m in numbers.NUM.finditer(low):
        ls = t.rfind("\n", 0, m.start()) + 1
        le = t.find("\n", m.start())
        span = (ls, len(t) if le < 0 else le)
        if span not in want:
            want.append(span)
    assert got == want


def test_last_typed_before():
    text = "Nghị định số 1/2020/NĐ-CP và số 2/2021/NĐ-CP. Thông tư 3/2019/TT-BNV, số 4/2019/TT-BNV"
    raws = sorted((r for r in citations.scan(text) if r.rule == "citation.numbered"), key=lambda r: r.start)
    starts = [r.start for r in raws]
    longest = max(r.end - r.start for r in raws)
    for s in range(len(text) + 1):
        prev = [t for t in raws if t.start < s and s - t.end < 400 and not re.search(r"\.\s|\n\s*\n", text[t.end : s])]
        assert citations._last_before(text, raws, starts, longest, s) is (prev[-1] if prev else None)


def test_find_deadlines_with_shared_lower():
    text = "Hoàn thành trước ngày 31/12/2025; định kỳ hằng quý báo cáo.\n" * 50
    low = lowered(text)
    assert deadlines.find_deadlines(text, low) == deadlines.find_deadlines(text)
    assert deadlines.lower_slice(text, 5, 80) == text[5:80].lower()
    assert deadlines.lower_slice("ΑΣ Σ", 0, 2) is None


TABLE_TEXTS = [
    "",
    "STT\n\n1\n\n  Tên  \n\n\n2\nb\n",
    " stt \nTT\n\tSố TT\r\nSố thứ tự\nSTTx\n a | b \n|\nx\u2028\n\u00a0STT\u00a0",
    "a\n \n\x0b\nb c\nd\n\n",
]


def test_head_cell_lines_match_stripped_lines():
    for t in TABLE_TEXTS:
        want = [k for k, ln in enumerate(t.split("\n")) if tables._HEAD_CELL.match(ln.strip())]
        starts = [0]
        for ln in t.split("\n")[:-1]:
            starts.append(starts[-1] + len(ln) + 1)
        got = [starts.index(m.start()) for m in tables._HEAD_CELL_LINE.finditer("\n" + t)]
        assert got == want


def test_paragraphs_are_runs_of_non_blank_lines():
    for t in TABLE_TEXTS:
        want, cur = [], None
        pos = 0
        for ln in t.split("\n"):
            if ln.strip():
                cur = (cur[0] if cur else pos, pos + len(ln))
            elif cur:
                want.append(cur)
                cur = None
            pos += len(ln) + 1
        if cur:
            want.append(cur)
        got = [(m.start(), m.end()) for m in tables._PARAGRAPH.finditer(t)]
        assert [tables._cell(t, *g) for g in got] == [tables._cell(t, *w) for w in want]


def test_unit_after_any_is_a_necessary_condition():
    # Whenever `unit_of` finds a unit, one of its `after` patterns matched: so the filter may say no only then.
    text = "đạt 95 % hồ sơ; 12/3/2020; 30 ngày; gấp 2 lần; tối thiểu 05 kịch bản; nhóm 10 tỉnh dẫn đầu; xếp thứ 5/63; 7 điểm"
    low = lowered(text)
    for m in numbers.NUM.finditer(low):
        s, e = m.span(1)
        if numbers.unit_of(low, s, e, 0) is not None:
            assert numbers._unit_after_any().match(low[e:e + 60])


def test_unnumbered_starts_give_finditer():
    texts = TEXTS + [
        "Căn cứ Kế hoạch số 1. Trên  cơ sở các Chương trình hành động giai đoạn 2021-2025 của Chính phủ. THEO\nĐề án x",
        "thực hiện\tcác Quy hoạch tỉnh; về Nghị quyết Đại hội; nội dung CÁC Kế hoạch; xtheo Chiến lược y; về Kế",
    ]
    rx = citations._unnumbered_rx()
    for t in texts:
        for lo in (0, 3, 30):
            want = [m.span() for m in rx.finditer(t, lo, len(t))]
            got = [m.span() for m in citations.match_at(rx, t, citations._unnumbered_starts(t, lo, len(t)), len(t))]
            assert got == want


def test_bare_starts_give_finditer():
    texts = TEXTS + ["một số 12/QĐ-UBND; Số: 05 /KH-UBND và sổ 3/2020/NĐ-CP, số lượng 4; SỐ\n7/TB-VP"]
    for t in texts:
        want = [m.span() for m in citations._BARE.finditer(t)]
        got = [m.span() for m in citations.match_at(citations._BARE, t, citations._bare_starts(t, 0, len(t)))]
        assert got == want
