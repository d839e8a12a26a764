"""Citations of other documents: `Nghị định số 61/2018/NĐ-CP ngày ...`, laws by name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from vnplan.extract import Context
from vnplan.models import Citation
from vnplan.normalize import normalize_symbol

_TYPE = r"(Nghị định|Nghị quyết|Quyết định|Chỉ thị|Thông tư|Kế hoạch|Chương trình|Đề án|Công văn|Văn bản|Tờ trình|Công điện|Kết luận|Thông báo|Hướng dẫn|Báo cáo)"
_SYMBOL = r"(\d{1,5}[a-zA-Z]?(?:\s*/\s*(?:19|20)\d\s?\d)?\s*[/-]\s*[A-ZĐ][A-ZĐa-z]*(?:\s*[-/]\s*[A-ZĐ0-9][A-ZĐa-z0-9]*)*)"
_CITE = re.compile(_TYPE + r"\s+(?:s[ốổ]\s*:?\s*)?" + _SYMBOL)
_DATE = re.compile(r"\s*ngày\s*(\d{1,2})\s*(?:/|tháng)\s*(\d{1,2})\s*(?:/|năm)\s*(\d{4})")


def extract(ctx: Context) -> Iterator[Citation]:
    """Numbered citations in the current document."""
    s0, e0 = ctx.body
    for m in _CITE.finditer(ctx.text, s0, e0):
        symbol = normalize_symbol(m.group(2))
        number = re.match(r"\d+[a-z]?", symbol)
        ym = re.search(r"/((?:19|20)\d\d)/", symbol)
        date = None
        dm = _DATE.match(ctx.text, m.end())
        end = m.end()
        if dm:
            d, mo, y = dm.groups()
            date = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
            end = dm.end()
        year = int(ym.group(1)) if ym else (int(date[:4]) if date else None)
        yield Citation(
            **ctx.fact_args(m.start(), end, "citation.numbered"),
            type=m.group(1),
            number=number.group(0) if number else None,
            symbol=symbol,
            year=year,
            date=date,
        )
