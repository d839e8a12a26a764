"""Deadlines: time expressions that fix when something is due (DOMAIN.md §6).

`parse_deadline(text)` reads the first deadline expression in a string and is
shared by the segmenter (heading scopes), targets and tasks. `extract` yields a
`Deadline` fact for every expression in a document.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass

from vnplan.extract import Context
from vnplan.models import Deadline


@dataclass(frozen=True)
class TimeExpr:
    """A parsed deadline expression, with its span inside the parsed string."""

    kind: str  # absolute, end_of_year, end_of_month, period, relative, recurring
    start: int
    end: int
    due: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    relative: str | None = None
    recurring: str | None = None


_YEAR = r"((?:19|20)\d\d)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("before_date", re.compile(r"trước ngày\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*" + _YEAR, re.I)),
    ("period", re.compile(r"giai đoạn\s*(?:\d\s*)?\(?\s*" + _YEAR + r"\s*[-–]\s*" + _YEAR, re.I)),
    ("month", re.compile(r"(?:trong|đến|trước)?\s*(?:cuối\s*)?tháng\s*(\d{1,2})\s*/\s*" + _YEAR, re.I)),
    ("year", re.compile(r"(?:đến|trong|cuối|trước|đến hết|đến cuối)\s*(?:năm\s*)?" + _YEAR, re.I)),
)


def _eom(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def parse_deadline(text: str) -> TimeExpr | None:
    """The first deadline expression in `text`, or None."""
    best: TimeExpr | None = None
    for name, pat in _PATTERNS:
        m = pat.search(text)
        if not m:
            continue
        if name == "before_date":
            import datetime as dt

            d, mo, y = (int(x) for x in m.groups())
            try:
                due = (dt.date(y, mo, d) - dt.timedelta(days=1)).isoformat()
            except ValueError:
                continue
            te = TimeExpr("absolute", m.start(), m.end(), due=due)
        elif name == "period":
            a, b = int(m.group(1)), int(m.group(2))
            te = TimeExpr("period", m.start(), m.end(), due=f"{b}-12-31", period_start=f"{a}-01-01",
                          period_end=f"{b}-12-31")
        elif name == "month":
            mo, y = int(m.group(1)), int(m.group(2))
            if not 1 <= mo <= 12:
                continue
            te = TimeExpr("end_of_month", m.start(), m.end(), due=_eom(y, mo))
        else:
            te = TimeExpr("end_of_year", m.start(), m.end(), due=f"{m.group(1)}-12-31")
        if best is None or te.start < best.start:
            best = te
    return best


def extract(ctx: Context) -> Iterator[Deadline]:
    """Every deadline expression in the current document, line by line."""
    s0, e0 = ctx.body
    pos = s0
    text = ctx.text
    while pos < e0:
        nl = text.find("\n", pos, e0)
        le = e0 if nl < 0 else nl
        line = text[pos:le]
        off = 0
        while True:
            te = parse_deadline(line[off:])
            if te is None:
                break
            s, e = pos + off + te.start, pos + off + te.end
            yield Deadline(**ctx.fact_args(s, e, f"deadline.{te.kind}"), kind=te.kind, due=te.due,
                           period_start=te.period_start, period_end=te.period_end, relative=te.relative,
                           recurring=te.recurring)
            off += te.end
        pos = le + 1
