"""Document metadata from the letterhead, title block and signature."""

from __future__ import annotations

import re
from typing import Any

from .models import Document, Source
from .normalize import normalize_symbol, title_case_sentence

_SYMBOL = re.compile(r"Số\s*:?\s*([0-9A-Za-z]*)\s*(/\s*[0-9]{4})?\s*(/\s*[A-ZĐ][A-ZĐa-z0-9\- ]*[A-ZĐ0-9])", re.M)
_DATE = re.compile(
    r"(?:^|\n)\s*([^\n,]{2,40}?),\s*ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})"
)
_TYPE_WORDS = {
    "QUYẾT ĐỊNH": "Quyết định",
    "KẾ HOẠCH": "Kế hoạch",
    "NGHỊ QUYẾT": "Nghị quyết",
    "NGHỊ ĐỊNH": "Nghị định",
    "THÔNG TƯ": "Thông tư",
    "CHỈ THỊ": "Chỉ thị",
    "CHƯƠNG TRÌNH HÀNH ĐỘNG": "Chương trình hành động",
    "CHƯƠNG TRÌNH": "Chương trình",
    "ĐỀ ÁN": "Đề án",
    "LUẬT": "Luật",
    "CÔNG VĂN": "Công văn",
    "THÔNG BÁO": "Thông báo",
    "HƯỚNG DẪN": "Hướng dẫn",
    "BÁO CÁO": "Báo cáo",
    "QUY ĐỊNH": "Quy định",
    "QUY CHẾ": "Quy chế",
    "CÔNG ĐIỆN": "Công điện",
    "KẾT LUẬN": "Kết luận",
}
_TYPE_LINE = re.compile(r"(?m)^[ \t]*(" + "|".join(sorted(_TYPE_WORDS, key=len, reverse=True)) + r")[ \t]*$")
_ANNEX_HEADER = re.compile(
    r"\((?:Ban hành )?[Kk]èm theo (?:Quyết định|Nghị quyết|Chỉ thị)\s+số\s*([^\n]*?)\s*ngày\s*(\d{1,2})\s*/?\s*(?:tháng\s*)?(\d{1,2})\s*/?\s*(?:năm\s*)?(\d{4})\s*(?:của\s+([^\n)]*))?\)"
)
_PROVINCE_HEAD = re.compile(r"(?:TỈNH|THÀNH PHỐ)\s+([A-ZÀ-ỸĐ][A-ZÀ-ỸĐ ]+?)\s*$", re.M)
_SIGN = re.compile(r"(?m)^\s*(?:(TM|KT|TL|TUQ)\.\s*[^\n]*\n\s*)?(CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|BỘ TRƯỞNG|THỦ TƯỚNG|PHÓ THỦ TƯỚNG)\s*$")


def _province_of(text: str) -> str | None:
    m = _PROVINCE_HEAD.search(text)
    if not m:
        return None
    return m.group(1).strip().title()


def read_metadata(text: str, doc: Document, docs: list[Document], source: Source) -> dict[str, Any]:
    """Type, symbol, date, place, issuer, province, title and signer of one document."""
    body = text[doc.start : doc.end]
    head = body[:3000]
    out: dict[str, Any] = {}
    tm = _TYPE_LINE.search(head)
    if tm:
        out["type"] = _TYPE_WORDS[tm.group(1)]
        # Title: the non-empty lines after the type line, until a blank or a known opener.
        rest = head[tm.end() :].lstrip("\n")
        lines = []
        for line in rest.split("\n"):
            if not line.strip() or line.startswith("(") or line.startswith("Căn cứ") or re.match(r"^(ỦY|UỶ) BAN|^CHỦ TỊCH", line):
                if lines:
                    break
                continue
            lines.append(line.strip())
            if len(lines) >= 4:
                break
        if lines:
            out["title"] = title_case_sentence(" ".join(lines))
    sm = _SYMBOL.search(head)
    if sm and doc.promulgated_by is None:
        num = sm.group(1)
        raw = (num or "") + (sm.group(2) or "") + sm.group(3)
        out["number"] = num or None
        out["symbol"] = normalize_symbol(raw) if num else None
    dm = _DATE.search(head)
    if dm and doc.promulgated_by is None:
        place, day, month, year = dm.groups()
        place = place.strip().lstrip("| ")
        out["place"] = place
        out["date"] = f"{int(year):04d}-{int(month):02d}-{int(day):02d}" if day else f"{int(year):04d}-{int(month):02d}"
    province = _province_of(head[:600]) or (out.get("place") if out.get("place") else None)
    am = _ANNEX_HEADER.search(head)
    if am:
        _, day, month, year, by = am.groups()
        out["date"] = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        if by:
            by = by.strip()
            out["issuer"] = by.replace("Ủy ban nhân dân", "UBND").replace("Uỷ ban nhân dân", "UBND")
    if province:
        out["province"] = province
        out.setdefault("issuer", f"UBND tỉnh {province}")
    sg = None
    for sg in _SIGN.finditer(body):
        pass
    if sg is not None:
        title = sg.group(2).capitalize()
        out["signer_title"] = title
        after = body[sg.end() : sg.end() + 200]
        names = [ln.strip() for ln in after.split("\n") if ln.strip()]
        if names and len(names[0].split()) <= 5 and not names[0].startswith("Nơi"):
            out["signer"] = names[0]
    return out
