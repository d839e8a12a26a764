"""Deadline expressions (DOMAIN.md §6) and deadline inheritance (own -> heading -> document)."""

from __future__ import annotations

from pathlib import Path

import pytest
from vnplan.context import Context
from vnplan.models import Source
from vnplan.run import process_file
from vnplan.text.dates import deadline_for, find_deadlines, parse_deadline, title_deadline

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# (text, kind, due, relative/recurring, quote)
CASES = [
    ("Đến năm 2020:", "end_of_year", "2020-12-31", None, "Đến năm 2020"),
    ("- Trong năm 2017, hoàn thành việc xây dựng", "end_of_year", "2017-12-31", None, "Trong năm 2017"),
    ("liên thông ... và 70% cấp xã trước ngày 01/01/2018.", "absolute", "2017-12-31", None, "trước ngày 01/01/2018"),
    ("trước ngày 15 tháng 12 năm 2022", "absolute", "2022-12-14", None, "trước ngày 15 tháng 12 năm 2022"),
    ("hoàn thành chậm nhất ngày 30/6/2023", "absolute", "2023-06-30", None, "chậm nhất ngày 30/6/2023"),
    ("Phấn đấu đến cuối năm 2021, tinh giản", "end_of_year", "2021-12-31", None, "Phấn đấu đến cuối năm 2021"),
    ("thời gian ngay trong tháng 8/2022", "end_of_month", "2022-08-31", None, "ngay trong tháng 8/2022"),
    ("hoàn thành trong tháng 02 năm 2024", "end_of_month", "2024-02-29", None, "trong tháng 02 năm 2024"),
    ("trong quý III/2022", "end_of_month", "2022-09-30", None, "trong quý III/2022"),
    ("trong 6 tháng đầu năm 2023", "end_of_month", "2023-06-30", None, "trong 6 tháng đầu năm 2023"),
    ("cải cách hành chính giai đoạn 2016 - 2020", "period", "2020-12-31", None, "giai đoạn 2016 - 2020"),
    ("1. Giai đoạn 1 (2011 - 2015)", "period", "2015-12-31", None, "Giai đoạn 1 (2011 - 2015)"),
    ("đạt mức trên 80% vào năm 2020.", "end_of_year", "2020-12-31", None, "vào năm 2020"),
    ("chậm nhất là trong thời hạn 05 ngày làm việc kể từ ngày ký", "relative", None,
     "5 working days after signing", "chậm nhất là trong thời hạn 05 ngày làm việc kể từ ngày ký"),
    ("Định kỳ hằng quý, 6 tháng, hằng năm báo cáo", "recurring", None, "quarterly, half-yearly, yearly",
     "Định kỳ hằng quý, 6 tháng, hằng năm"),
    ("Định kỳ 3 tháng, 6 tháng, hàng năm", "recurring", None, "every 3 months, half-yearly, yearly",
     "Định kỳ 3 tháng, 6 tháng, hàng năm"),
]


@pytest.mark.parametrize(("text", "kind", "due", "extra", "quote"), CASES)
def test_parse_deadline(text: str, kind: str, due: str | None, extra: str | None, quote: str) -> None:
    te = parse_deadline(text)
    assert te is not None
    assert (te.kind, te.due, te.relative or te.recurring, text[te.start:te.end]) == (kind, due, extra, quote)


@pytest.mark.parametrize("text", [
    "Nghị quyết số 05-NQ/TU ngày 05/12/2016 của Tỉnh ủy",
    "so với năm 2015",
    "ISO 9001:2008",
    "Luật Ban hành văn bản quy phạm pháp luật năm 2015",
    "Số: 205/KH-UBND",
])
def test_not_deadlines(text: str) -> None:
    assert parse_deadline(text) is None


def test_several_in_one_line() -> None:
    text = "giai đoạn 2021-2025, định hướng đến năm 2030"
    assert [t.due for t in find_deadlines(text)] == ["2025-12-31", "2030-12-31"]


@pytest.mark.parametrize(("title", "due"), [
    ("Cải cách hành chính tỉnh Lạng Sơn năm 2018", "2018-12-31"),
    ("Triển khai thực hiện Nghị quyết số 05-NQ/TU ngày 05/12/2016 của Tỉnh ủy về cải cách hành chính "
     "tỉnh Quảng Ngãi giai đoạn 2016 - 2020", "2020-12-31"),
    ("Chương trình hành động thực hiện Nghị quyết số 16-NQ/TU ngày 14/10/2021 của Tỉnh ủy giai đoạn "
     "2021-2025, định hướng đến năm 2030", "2025-12-31"),
    ("Tổ chức thực hiện Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Chính phủ trên địa bàn tỉnh Sơn La", None),
    ("Thực hiện Chỉ thị số 27/CT-TTg ngày 15 tháng 8 năm 2024 của Thủ tướng Chính phủ", None),
])
def test_title_deadline(title: str, due: str | None) -> None:
    assert title_deadline(title) == due


def _ctx_at(name: str, needle: str) -> tuple[Context, int]:
    res = process_file(CORPUS / name)
    text = res.cleaned.text
    pos = text.index(needle)
    doc = next(d for d in res.documents if d.start <= pos < d.end)
    src: Source = res.source
    return Context(src, res.cleaned, res.documents, doc), pos


@pytest.mark.parametrize(("name", "needle", "due", "source_prefix"), [
    # "+" item under "- Đến năm 2020:" inherits from its heading.
    ("000_086db076c625b478.txt", "80% văn bản không mật", "2020-12-31", "heading:"),
    # Its own sentence says so.
    ("000_086db076c625b478.txt", "100% cơ quan hành chính cấp tỉnh, cấp huyện", "2017-12-31", "own"),
    ("000_086db076c625b478.txt", "70% cấp xã trước ngày", "2017-12-31", "own"),
    # Nothing above it: the plan's period from its title.
    ("000_086db076c625b478.txt", "100% văn bản quy phạm pháp luật được ban hành đúng", "2020-12-31", "document"),
    # A yearly plan: its year.
    ("002_0a96fbe08980cc41.txt", "100% các văn bản, tài liệu đi, đến", "2018-12-31", "document"),
    # A bare year naming the subject earlier in the sentence ("ISO năm 2018: Triển khai tại 50 ...").
    ("002_0a96fbe08980cc41.txt", "50 đơn vị cấp xã", "2018-12-31", "own"),
    # The year after the number, in the same sentence.
    ("001_18f7b25e1cbcdd3b.txt", "trên 80% vào năm 2020", "2020-12-31", "own"),
    # Earlier in the same item, across a sentence break.
    ("004_8cc8be50616e6dd8.txt", "nhóm 10 tỉnh, thành phố dẫn đầu", "2025-12-31", "own"),
])
def test_deadline_for(name: str, needle: str, due: str, source_prefix: str) -> None:
    ctx, pos = _ctx_at(name, needle)
    got, src = deadline_for(ctx, pos)
    assert got == due
    assert src is not None and src.startswith(source_prefix)


def test_start_word_shortcut_finds_what_the_patterns_find():
    """`_find_in_line` tries each pattern only where its start words occur; that must lose no match."""
    from vnplan.text import dates as dl
    from vnplan.text.scan import match_at

    root = Path(__file__).resolve().parent
    texts = [p.read_text(encoding="utf-8") for p in [*sorted((root.parent / "corpus").glob("*.txt")),
                                                      *sorted((root / "heldout").glob("*.md"))]]
    texts.append("mục tiêu tới năm 2026 đạt; hoàn thành trong quý iv/2025; trong 6 tháng đầu năm 2026; "
                 "chậm nhất sau 05 ngày làm việc; định kỳ 6 tháng; ngay trong tháng 8/2022; xong trong năm 2027")
    for text in texts:
        for line in text.lower().split("\n"):
            for name, pat in dl._LOWER_PATTERNS:
                plain = [m.span() for m in pat.finditer(line)]
                fast = [m.span() for m in match_at(pat, line, dl._starts(name, line, {}))]
                assert fast == plain, (name, line[:120])
