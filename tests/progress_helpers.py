"""A knowledge base with committed and achieved values, for the timeline, chart, report and browser tests.

Quảng Ninh's 205/KH-UBND (the seed corpus/003_4fd5dceadbfd37ff.txt, 2022) reports the PAR INDEX
and SIPAS of 2021 (91.14 points, rank 2 of 63; 94.07%, rank 1 of 63) and commits to 2022 targets
(93.157 points; more than 95%); the sentences below are copied from it. A second, illustrative
Quảng Ninh report states results for 2022 so that one target is met and one is not. Achievements
are stored through the kind registry when it has them, else written as the store would.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from vnplan import store
from vnplan.kinds import BY_CLASS
from vnplan.models import Achievement, Citation, Document, Relation, Section, Target

from .test_store import INDICATORS, make_kb, result_of, span


def _doc(text: str, sha: str, idx: int, start: int, end: int, children: list[tuple[str, str, str]],
         **meta: Any) -> Document:
    """A document with a root section and flat child sections `(path, kind, heading quote)`."""
    secs = [Section(path="", kind="root", label="", heading="", start=start, heading_end=start, end=end,
                    depth=0, parent=None)]
    for path, kind, heading in children:
        s, e = span(text, heading, start)
        line_end = text.find("\n", s)
        secs.append(Section(path=path, kind=kind, label=path, heading=heading, start=s, heading_end=e,
                            end=line_end if line_end != -1 else end, depth=1, parent=""))
    return Document(doc_id=f"{sha[:16]}:{idx}", file_sha=sha, index=idx, start=start, end=end,
                    sections=tuple(secs), **meta)


def _args(doc: Document, text: str, quote: str, rule: str) -> dict[str, Any]:
    s, e = span(text, quote, doc.start)
    return {"doc_id": doc.doc_id, "section": doc.section_at(s).path, "start": s, "end": e, "quote": quote,
            "rule": rule}


QN_205KH = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH
Số: 205/KH-UBND
Quảng Ninh, ngày 24 tháng 8 năm 2022
KẾ HOẠCH
Cải thiện, nâng cao Chỉ số PAR Index, Chỉ số SIPAS năm 2022
Căn cứ Quyết định số 362/QĐ-BNV ngày 06/5/2022 của Bộ trưởng Bộ Nội vụ về việc phê duyệt và công bố Chỉ số cải cách hành chính (PAR Index) năm 2021, theo đó, Chỉ số PAR Index năm 2021 của tỉnh Quảng Ninh đạt 91,14 điểm, xếp thứ 2/63 tỉnh, thành phố trong cả nước (tăng 0,1 điểm và giảm 01 bậc so với năm 2020), Chỉ số SIPAS đạt 94,07%, xếp thứ 1/63 tỉnh, thành phố trong cả nước.
- Chỉ số PAR Index năm 2022, phấn đấu đạt 93,157 điểm (tăng 2,017 điểm so với năm 2021) và nằm trong nhóm dẫn đầu toàn quốc; Chỉ số SIPAS năm 2022 phấn đấu tỷ lệ hài lòng đạt trên 95%.
- Ghi chú <script>document.title="pwned"</script><img src=x onerror="document.title='pwned'">
TỔNG ĐIỂM | 100 | 91.14 | 93.157
"""

# Illustrative figures: a later report on 2022 (one target met, one not).
QN_BC = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH
Số: 12/BC-UBND
Quảng Ninh, ngày 20 tháng 1 năm 2023
BÁO CÁO
Kết quả cải cách hành chính năm 2022
Thực hiện Kế hoạch số 205/KH-UBND ngày 24/8/2022 của UBND tỉnh.
- Chỉ số PAR Index năm 2022 của tỉnh đạt 90,30 điểm, xếp thứ 3/63 tỉnh, thành phố.
- Chỉ số SIPAS năm 2022 đạt 95,20%.
"""

MORE_INDICATORS = [
    {"id": "par_index", "name": "PAR INDEX", "name_vi": "Chỉ số cải cách hành chính", "unit": None,
     "aliases": '["PAR INDEX", "Chỉ số cải cách hành chính", "Chỉ số CCHC", "chỉ số PAR"]', "data": "{}"},
    {"id": "sipas", "name": "SIPAS", "name_vi": "Chỉ số hài lòng", "unit": None,
     "aliases": '["SIPAS", "Chỉ số hài lòng về sự phục vụ hành chính"]', "data": "{}"},
]


def build_qn205kh(text: str, sha: str):
    """Quảng Ninh 2022 plan: 2021 results and 2022 targets."""
    d0 = _doc(text, sha, 0, 0, len(text), [("-1", "dash", "- Chỉ số PAR Index năm 2022"),
                                           ("-2", "dash", "- Ghi chú"), ("PL", "row", "TỔNG ĐIỂM")],
              type="Kế hoạch", symbol="205/KH-UBND", number="205", date="2022-08-24", province="Quảng Ninh",
              issuer="UBND tỉnh Quảng Ninh", title="Cải thiện, nâng cao Chỉ số PAR Index, Chỉ số SIPAS năm 2022")
    facts = [
        Citation(**_args(d0, text, "Quyết định số 362/QĐ-BNV ngày 06/5/2022", "t"), type="Quyết định",
                 symbol="362/QĐ-BNV", number="362", year=2022, date="2022-05-06", issuer="Bộ Nội vụ"),
        Relation(**_args(d0, text, "Căn cứ Quyết định số 362/QĐ-BNV ngày 06/5/2022", "t"), relation="based_on",
                 modality="in_force", source="self", target="362/QĐ-BNV"),
        Target(**_args(d0, text, "Chỉ số PAR Index năm 2022, phấn đấu đạt 93,157 điểm", "t"), value=93.157,
               unit="points", indicator="par_index", deadline="2022-12-31", baseline=91.14),
        Target(**_args(d0, text, "Chỉ số SIPAS năm 2022 phấn đấu tỷ lệ hài lòng đạt trên 95%", "t"), value=95.0,
               unit="percent", comparator=">", indicator="sipas", deadline="2022-12-31", baseline=94.07),
        # The annex restates the PAR INDEX target: one commitment, two sources.
        Target(**_args(d0, text, "TỔNG ĐIỂM | 100 | 91.14 | 93.157", "t"), value=93.157, unit="points",
               indicator="par_index", deadline="2022-12-31", baseline=91.14),
    ]
    results = [
        Achievement(**_args(d0, text, "Chỉ số PAR Index năm 2021 của tỉnh Quảng Ninh đạt 91,14 điểm", "t"),
                    value=91.14, unit="points", indicator="par_index", year=2021, province="Quảng Ninh",
                    change_value=0.1, change_unit="points", change_direction="up"),
        Achievement(**_args(d0, text, "xếp thứ 2/63 tỉnh, thành phố trong cả nước", "t"), value=2.0, unit="rank",
                    of=63, indicator="par_index", year=2021, province="Quảng Ninh"),
        Achievement(**_args(d0, text, "Chỉ số SIPAS đạt 94,07%", "t"), value=94.07, unit="percent",
                    indicator="sipas", year=2021, province="Quảng Ninh"),
        Achievement(**_args(d0, text, "xếp thứ 1/63 tỉnh, thành phố trong cả nước", "t"), value=1.0, unit="rank",
                    of=63, indicator="sipas", year=2021, province="Quảng Ninh"),
    ]
    return [d0], facts, results


def build_qn_bc(text: str, sha: str):
    """Quảng Ninh's report on 2022 (illustrative figures)."""
    d0 = _doc(text, sha, 0, 0, len(text), [("-1", "dash", "- Chỉ số PAR Index"), ("-2", "dash", "- Chỉ số SIPAS")],
              type="Báo cáo", symbol="12/BC-UBND", number="12", date="2023-01-20", province="Quảng Ninh",
              issuer="UBND tỉnh Quảng Ninh", title="Kết quả cải cách hành chính năm 2022")
    facts = [
        Citation(**_args(d0, text, "Kế hoạch số 205/KH-UBND ngày 24/8/2022", "t"), type="Kế hoạch",
                 symbol="205/KH-UBND", number="205", year=2022, date="2022-08-24", issuer="UBND tỉnh"),
        Relation(**_args(d0, text, "Thực hiện Kế hoạch số 205/KH-UBND ngày 24/8/2022", "t"), relation="implements",
                 modality="in_force", source="self", target="205/KH-UBND"),
    ]
    results = [
        Achievement(**_args(d0, text, "Chỉ số PAR Index năm 2022 của tỉnh đạt 90,30 điểm", "t"), value=90.3,
                    unit="points", indicator="par_index", year=2022, province="Quảng Ninh"),
        Achievement(**_args(d0, text, "xếp thứ 3/63 tỉnh, thành phố", "t"), value=3.0, unit="rank", of=63,
                    indicator="par_index", year=2022, province="Quảng Ninh"),
        Achievement(**_args(d0, text, "Chỉ số SIPAS năm 2022 đạt 95,20%", "t"), value=95.2, unit="percent",
                    indicator="sipas", year=2022, province="Quảng Ninh"),
    ]
    return [d0], facts, results


PROGRESS_FILES = (("qn/205kh.txt", QN_205KH, build_qn205kh), ("qn/12bc.txt", QN_BC, build_qn_bc))


def write_with_achievements(db, name: str, text: str, build) -> None:
    """Store one built file, its achievements included (through the registry once it knows them)."""
    registered = Achievement in BY_CLASS
    results: list[Achievement] = []

    def build_facts(text: str, sha: str):
        docs, facts, res = build(text, sha)
        results.extend(res)
        return docs, [*facts, *res] if registered else facts

    result = result_of(name, text, build_facts)
    store.write_result(db, name, result, run_id=None)
    if registered:
        return
    sha = hashlib.sha256(text.encode()).hexdigest()
    rows = []
    for a in results:
        rows.append({"id": f"{a.doc_id}:ach:{a.start}:{a.end}:1", "doc_id": a.doc_id, "file_sha": sha,
                     "section": a.section, "start": a.start, "end": a.end, "quote": a.quote, "rule": a.rule,
                     "value": a.value, "unit": a.unit, "of": a.of, "indicator": a.indicator,
                     "indicator_phrase": a.indicator_phrase, "year": a.year, "as_of": a.as_of,
                     "province": a.province, "estimated": int(a.estimated), "change_value": a.change_value,
                     "change_unit": a.change_unit, "change_direction": a.change_direction,
                     "criterion": a.criterion})
    db["achievements"].insert_all(rows, pk="id", replace=True)


def make_progress_kb(path: Path) -> Path:
    """The four-file test knowledge base (tests/test_store.py) plus the two Quảng Ninh files."""
    make_kb(path)
    db = store.open_db(path)
    for name, text, build in PROGRESS_FILES:
        write_with_achievements(db, name, text, build)
    store.index_pending(db)
    db["indicators"].insert_all(MORE_INDICATORS, pk="id", replace=True)
    db.close()
    return path


__all__ = ["INDICATORS", "PROGRESS_FILES", "QN_205KH", "make_progress_kb"]
