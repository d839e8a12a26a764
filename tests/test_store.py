"""The knowledge base schema: migrations, reference tables, views, FTS, re-ingest replacing rows.

`make_kb` builds a small knowledge base from real-looking snippets (four files,
two provinces) through the real store and resolve code; the query, export,
report and Datasette tests use it too.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from vnplan import store
from vnplan.models import (
    AgencyMention,
    Citation,
    Cleaned,
    Deadline,
    Document,
    FileResult,
    Relation,
    Section,
    Source,
    Target,
    Task,
)
from vnplan.resolve import resolve

# ---------------------------------------------------------------- fixture builder

QN_205 = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
Số: 205/QĐ-UBND
Quảng Ngãi, ngày 13 tháng 3 năm 2017
QUYẾT ĐỊNH
Căn cứ Nghị quyết số 05-NQ/TU ngày 05/12/2016 của Tỉnh ủy về cải cách hành chính;
Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký và bãi bỏ Quyết định số 172/QĐ-UBND ngày 04/4/2016 của UBND tỉnh.
KẾ HOẠCH
(Ban hành kèm theo Quyết định số 205/QĐ-UBND ngày 13/3/2017)
- Đến năm 2020:
+ 40 dịch vụ hành chính công cấp tỉnh được cung cấp trực tuyến mức độ 4.
+ Mức độ hài lòng của tổ chức, công dân đạt trên 90%.
a) Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp rà soát thủ tục hành chính, hoàn thành trong năm 2017.
Ghi chú <script>alert("x")</script> & <b>đậm</b>
"""

QN_172 = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
Số: 172/QĐ-UBND
Quảng Ngãi, ngày 04 tháng 4 năm 2016
QUYẾT ĐỊNH
Ban hành Kế hoạch cải cách hành chính tỉnh Quảng Ngãi giai đoạn 2016 - 2020
"""

QN_211 = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
Số: 211/KH-UBND
KẾ HOẠCH
Căn cứ Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Chính phủ;
Thực hiện Nghị quyết số 05-NQ/TU ngày 05/12/2016 của Tỉnh ủy và Quyết định số 172/QĐ-UBND ngày 04/4/2016 của UBND tỉnh.
- Sở Nội vụ chủ trì tổng hợp báo cáo, trước ngày 15/12/2017.
"""

LS_60 = """ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN
Số: 60/QĐ-UBND
QUYẾT ĐỊNH
Căn cứ Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Chính phủ;
- Giao Sở Tư pháp trình ban hành Quyết định thay thế Quyết định số 172/QĐ-UBND ngày 10/5/2016 của UBND tỉnh.
- Đến năm 2020, 50% thủ tục hành chính được cung cấp trực tuyến mức độ 3; 40 dịch vụ công trực tuyến mức độ 4.
"""

INDICATORS = [
    {"id": "online_services_level4", "name": "Online public services, level 4", "name_vi": None, "unit": None,
     "aliases": '["dịch vụ công trực tuyến mức độ 4", "DVC mức độ 4", "trực tuyến mức độ 4"]', "data": "{}"},
    {"id": "online_services_level3", "name": "Online public services, level 3", "name_vi": None, "unit": None,
     "aliases": '["dịch vụ công trực tuyến mức độ 3", "DVC mức độ 3", "trực tuyến mức độ 3"]', "data": "{}"},
    {"id": "satisfaction", "name": "Citizen and business satisfaction rate", "name_vi": None, "unit": None,
     "aliases": '["mức độ hài lòng", "sự hài lòng"]', "data": "{}"},
]


def span(text: str, quote: str, after: int = 0) -> tuple[int, int]:
    """The span of `quote` in `text`, searching from `after`."""
    i = text.index(quote, after)
    return i, i + len(quote)


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


def _args(doc: Document, text: str, quote: str, rule: str, after: int = 0) -> dict[str, Any]:
    s, e = span(text, quote, max(after, doc.start))
    return {"doc_id": doc.doc_id, "section": doc.section_at(s).path, "start": s, "end": e, "quote": quote,
            "rule": rule}


def result_of(name: str, text: str, build) -> FileResult:
    """A FileResult for `text`: `build(text, sha)` returns (documents, facts); keys come from resolve()."""
    sha = hashlib.sha256(text.encode()).hexdigest()
    docs, facts = build(text, sha)
    docs, facts = resolve(docs, facts)
    source = Source(path=name, sha256=sha, size=len(text.encode()), kind="txt", text=text)
    return FileResult(source, Cleaned(text=text, offsets=tuple(range(len(text) + 1))), docs, tuple(facts))


def build_qn205(text: str, sha: str):
    """Quảng Ngãi 2017: decision 205 (repeals 172 of 2016) and the plan it promulgates."""
    plan_at = text.index("KẾ HOẠCH")
    d0 = _doc(text, sha, 0, 0, plan_at, [("-1", "dash", "Căn cứ"), ("Đ2", "article", "Điều 2.")],
              type="Quyết định", symbol="205/QĐ-UBND", number="205", date="2017-03-13", province="Quảng Ngãi",
              issuer="UBND tỉnh Quảng Ngãi", title="Ban hành kế hoạch cải cách hành chính")
    d1 = _doc(text, sha, 1, plan_at, len(text), [("I.+1", "plus", "+ 40 dịch vụ"), ("I.+2", "plus", "+ Mức độ"),
                                                  ("a", "letter", "a) Sở Nội vụ"), ("b", "para", "Ghi chú")],
              type="Kế hoạch", date="2017-03-13", title="Cải cách hành chính năm 2017", promulgated_by=0)
    facts = [
        Citation(**_args(d0, text, "Nghị quyết số 05-NQ/TU ngày 05/12/2016", "t"), type="Nghị quyết",
                 symbol="05-NQ/TU", number="05", year=2016, date="2016-12-05", issuer="Tỉnh ủy"),
        Relation(**_args(d0, text, "Căn cứ Nghị quyết số 05-NQ/TU ngày 05/12/2016", "t"), relation="based_on",
                 modality="in_force", source="self", target="05-NQ/TU"),
        Citation(**_args(d0, text, "Quyết định số 172/QĐ-UBND ngày 04/4/2016", "t"), type="Quyết định",
                 symbol="172/QĐ-UBND", number="172", year=2016, date="2016-04-04", issuer="UBND tỉnh"),
        Relation(**_args(d0, text, "bãi bỏ Quyết định số 172/QĐ-UBND ngày 04/4/2016", "t"), relation="repeals",
                 modality="in_force", source="self", target="172/QĐ-UBND"),
        AgencyMention(**_args(d0, text, "Tỉnh ủy", "t"), name="Tỉnh ủy", agency_id="tinh-uy"),
        Target(**_args(d1, text, "40 dịch vụ hành chính công cấp tỉnh được cung cấp trực tuyến mức độ 4", "t"),
               value=40.0, unit="count", indicator="online_services_level4", scope="province",
               deadline="2020-12-31", deadline_source="heading:-"),
        Target(**_args(d1, text, "đạt trên 90%", "t"), value=90.0, unit="percent", comparator=">",
               indicator="satisfaction", deadline="2020-12-31"),
        Deadline(**_args(d1, text, "Đến năm 2020", "t"), kind="end_of_year", due="2020-12-31"),
        AgencyMention(**_args(d1, text, "Sở Nội vụ", "t"), name="Sở Nội vụ", agency_id="so-noi-vu"),
        AgencyMention(**_args(d1, text, "Sở Tư pháp", "t"), name="Sở Tư pháp", agency_id="so-tu-phap"),
        Task(**_args(d1, text, "Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp rà soát thủ tục hành chính, hoàn "
                               "thành trong năm 2017.", "t"),
             lead="Sở Nội vụ", support=("Sở Tư pháp",), lead_source="sentence", deadline="2017-12-31"),
    ]
    return [d0, d1], facts


def build_qn172(text: str, sha: str):
    """Quảng Ngãi 2016: decision 172, no facts."""
    d0 = _doc(text, sha, 0, 0, len(text), [], type="Quyết định", symbol="172/QĐ-UBND", number="172",
              date="2016-04-04", province="Quảng Ngãi", issuer="UBND tỉnh Quảng Ngãi",
              title="Ban hành Kế hoạch cải cách hành chính tỉnh Quảng Ngãi giai đoạn 2016 - 2020")
    return [d0], []


def build_qn211(text: str, sha: str):
    """Quảng Ngãi 2017 plan 211 that still cites the repealed 172: a stale citation."""
    d0 = _doc(text, sha, 0, 0, len(text), [("-1", "dash", "- Sở Nội vụ")], type="Kế hoạch",
              symbol="211/KH-UBND", number="211", date="2017-12-28", province="Quảng Ngãi",
              issuer="UBND tỉnh Quảng Ngãi", title="Thực hiện nghị quyết 05")
    facts = [
        Citation(**_args(d0, text, "Nghị quyết số 30c/NQ-CP ngày 08/11/2011", "t"), type="Nghị quyết",
                 symbol="30c/NQ-CP", number="30c", year=2011, date="2011-11-08", issuer="Chính phủ"),
        Citation(**_args(d0, text, "Nghị quyết số 05-NQ/TU ngày 05/12/2016", "t"), type="Nghị quyết",
                 symbol="05-NQ/TU", number="05", year=2016, date="2016-12-05", issuer="Tỉnh ủy"),
        Citation(**_args(d0, text, "Quyết định số 172/QĐ-UBND ngày 04/4/2016", "t"), type="Quyết định",
                 symbol="172/QĐ-UBND", number="172", year=2016, date="2016-04-04", issuer="UBND tỉnh"),
        Task(**_args(d0, text, "Sở Nội vụ chủ trì tổng hợp báo cáo, trước ngày 15/12/2017.", "t"),
             lead="Sở Nội vụ", lead_source="sentence", deadline="2017-12-14"),
    ]
    return [d0], facts


def build_ls60(text: str, sha: str):
    """Lạng Sơn: plans to replace its own 172/QĐ-UBND of 2016; targets 50% level 3 and 40 level 4."""
    d0 = _doc(text, sha, 0, 0, len(text), [("-1", "dash", "- Giao"), ("-2", "dash", "- Đến năm 2020")],
              type="Quyết định", symbol="60/QĐ-UBND", number="60", date="2018-01-15", province="Lạng Sơn",
              issuer="UBND tỉnh Lạng Sơn", title="Cải cách hành chính")
    facts = [
        Citation(**_args(d0, text, "Nghị quyết số 30c/NQ-CP ngày 08/11/2011", "t"), type="Nghị quyết",
                 symbol="30c/NQ-CP", number="30c", year=2011, date="2011-11-08", issuer="Chính phủ"),
        Citation(**_args(d0, text, "Quyết định số 172/QĐ-UBND ngày 10/5/2016", "t"), type="Quyết định",
                 symbol="172/QĐ-UBND", number="172", year=2016, date="2016-05-10", issuer="UBND tỉnh"),
        Relation(**_args(d0, text, "thay thế Quyết định số 172/QĐ-UBND ngày 10/5/2016", "t"), relation="replaces",
                 modality="planned", source="self", target="172/QĐ-UBND"),
        Target(**_args(d0, text, "50% thủ tục hành chính được cung cấp trực tuyến mức độ 3", "t"), value=50.0,
               unit="percent", indicator="online_services_level3", deadline="2020-12-31"),
        Target(**_args(d0, text, "40 dịch vụ công trực tuyến mức độ 4", "t"), value=40.0, unit="count",
               comparator=">=", indicator="online_services_level4", deadline="2020-12-31"),
    ]
    return [d0], facts


FILES = (("qn/205.txt", QN_205, build_qn205), ("qn/172.txt", QN_172, build_qn172),
         ("qn/211.txt", QN_211, build_qn211), ("ls/60.txt", LS_60, build_ls60))


def make_kb(path: Path, with_indicators: bool = True) -> Path:
    """Write the four-file test knowledge base at `path` through `store.write_result`."""
    db = store.open_db(path)
    for name, text, build in FILES:
        store.write_result(db, name, result_of(name, text, build), run_id=None)
    store.index_pending(db)
    if with_indicators:
        db.execute("DELETE FROM indicators")
        db["indicators"].insert_all(INDICATORS, pk="id")
    db.close()
    return path


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A fresh test knowledge base."""
    return make_kb(tmp_path / "vnplan.sqlite")


# ---------------------------------------------------------------- tests


def test_schema_has_every_table_view_and_fts(tmp_path):
    db = store.open_db(tmp_path / "kb.sqlite")
    tables = set(db.table_names())
    for t in ("files", "documents", "sections", "citations", "relations", "agencies", "agency_mentions",
              "tasks", "targets", "deadlines", "indicators", "provinces", "rejects", "ingest_runs", "sections_fts"):
        assert t in tables, t
    views = set(db.view_names())
    assert {"targets_view", "document_status", "stale_citations", "citations_view", "responsibilities_view",
            "documents_view", "repealed_keys"} <= views
    applied = {r["name"] for r in db.query("SELECT name FROM _sqlite_migrations")}
    assert {"m001_initial", "m002_reference_search_views", "m003_views_from_repealed_keys",
            "m004_citations_view_one_cited_document"} <= applied
    indexed = {tuple(i.columns) for i in db["targets"].indexes}
    assert ("indicator", "value") in indexed and ("deadline_year",) in indexed


def test_open_db_twice_keeps_data_and_schema(kb):
    before = store.counts(store.open_db(kb))
    after = store.counts(store.open_db(kb))
    assert before == after and before["targets"] == 4


def test_reingest_replaces_rows_and_fts(kb):
    db = sqlite_utils.Database(kb)  # open_db would reload the real indicators
    n_fts = db.execute("SELECT count(*) FROM sections_fts").fetchone()[0]
    before = store.counts(db, ("documents", "sections", "citations", "relations", "targets", "tasks"))
    name, text, build = FILES[0]
    store.write_result(db, name, result_of(name, text, build), run_id=None)
    store.index_pending(db)
    assert store.counts(db, tuple(before)) == before
    assert db.execute("SELECT count(*) FROM sections_fts").fetchone()[0] == n_fts
    # A changed file replaces every row of its old version.
    changed = result_of(name, text + "Phụ lục.\n", build)
    changed = replace(changed, facts=tuple(f for f in changed.facts if not isinstance(f, Target)))
    store.write_result(db, name, changed, run_id=None)
    assert db["targets"].count == before["targets"] - 2
    assert store.known_sha(db, name) == changed.source.sha256
    shas = {r["file_sha"] for r in db.query("SELECT DISTINCT file_sha FROM sections")}
    assert hashlib.sha256(text.encode()).hexdigest() not in shas


def test_write_reject_forgets_old_rows(kb):
    db = sqlite_utils.Database(kb)  # open_db would reload the real indicators
    store.write_reject(db, "qn/172.txt", None, "E001", "file is empty", None)
    assert store.known_sha(db, "qn/172.txt") is None
    assert db["rejects"].count == 1
    assert db.execute("SELECT count(*) FROM documents WHERE symbol = '172/QĐ-UBND'").fetchone()[0] == 0


def test_document_status_marks_repealed_with_the_repealing_document(kb):
    db = sqlite_utils.Database(kb)  # open_db would reload the real indicators
    rows = {r["document"]: r for r in db.query("SELECT * FROM document_status")}
    assert rows["Quyết định 172/QĐ-UBND"]["status"] == "repealed"
    assert rows["Quyết định 172/QĐ-UBND"]["by_document"] == "Quyết định 205/QĐ-UBND"
    assert rows["Quyết định 205/QĐ-UBND"]["status"] == "in_force"
    # Lạng Sơn only plans to replace its own 172: nothing is marked for it.
    assert {r["status"] for r in rows.values()} == {"in_force", "repealed"}


def test_status_links_across_ingest_order(tmp_path):
    """The repealed document ingested after the repealing one is still marked."""
    db = store.open_db(tmp_path / "kb.sqlite")
    for name, text, build in (FILES[1], FILES[0]):
        store.write_result(db, name, result_of(name, text, build), run_id=None)
    status = db.execute("SELECT status FROM document_status WHERE document = 'Quyết định 172/QĐ-UBND'").fetchone()
    assert status[0] == "repealed"


def test_plan_inherits_province_from_promulgating_decision(kb):
    db = sqlite_utils.Database(kb)  # open_db would reload the real indicators
    row = db.execute("SELECT province, label FROM documents_view WHERE type = 'Kế hoạch' AND symbol IS NULL").fetchone()
    assert row == ("Quảng Ngãi", "Kế hoạch kèm theo Quyết định 205/QĐ-UBND")


def test_targets_view_reads_like_a_sentence(kb):
    db = sqlite_utils.Database(kb)  # open_db would reload the real indicators
    rows = list(db.query("SELECT * FROM targets_view WHERE indicator = 'online_services_level4' ORDER BY province"))
    assert [(r["province"], r["value"], r["indicator_name"]) for r in rows] == [
        ("Lạng Sơn", 40.0, "Online public services, level 4"),
        ("Quảng Ngãi", 40.0, "Online public services, level 4")]
    assert rows[1]["quote"].startswith("40 dịch vụ hành chính công") and rows[1]["deadline"] == "2020-12-31"


def test_stale_citations_skip_the_repealing_file(kb):
    db = sqlite_utils.Database(kb)  # open_db would reload the real indicators
    rows = list(db.query("SELECT * FROM stale_citations"))
    assert [(r["citing_document"], r["cited_symbol"], r["status"]) for r in rows] == [
        ("Kế hoạch 211/KH-UBND", "172/QĐ-UBND", "repealed")]


def test_agencies_table_gets_canonical_agencies(kb):
    db = sqlite_utils.Database(kb)  # open_db would reload the real indicators
    assert {r["name"] for r in db.query("SELECT name FROM agencies")} >= {"Sở Nội vụ", "Sở Tư pháp", "Tỉnh ủy"}


def _fts_consistent(db: sqlite_utils.Database) -> None:
    # FTS5 compares its index with the sections table (rank 1: the external content too).
    db.execute("INSERT INTO sections_fts (sections_fts, rank) VALUES ('integrity-check', 1)")


@pytest.mark.parametrize("index_between", [False, True])
def test_fts_index_follows_writes_rewrites_and_rejects(tmp_path, index_between):
    # Sections wait in sections_fts_pending until index_pending; rows deleted before or after
    # they were indexed must both leave the index equal to the table.
    db = store.open_db(tmp_path / "kb.sqlite")
    name, text, build = FILES[0]
    other, text2, build2 = FILES[1]
    store.write_result(db, name, result_of(name, text, build), run_id=None)
    store.write_result(db, other, result_of(other, text2, build2), run_id=None)
    if index_between:
        assert store.index_pending(db) > 0
        _fts_consistent(db)
    store.write_result(db, name, result_of(name, text + "Phụ lục.\n", build), run_id=None)  # replaces
    store.write_reject(db, other, None, "E001", "gone", run_id=None)  # deletes
    assert store.index_pending(db) > 0
    assert store.index_pending(db) == 0
    _fts_consistent(db)
    word = db.execute("SELECT text FROM sections WHERE length(text) > 20 LIMIT 1").fetchone()[0].split()[1]
    n = db.execute("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH ?", [f'"{word}"']).fetchone()[0]
    assert n >= 1
    assert db.execute("SELECT count(*) FROM sections_fts").fetchone()[0] == db["sections"].count


def test_responsibilities_view_has_lead_and_support(kb):
    db = sqlite_utils.Database(kb)  # open_db would reload the real indicators
    rows = {(r["agency"], r["role"]) for r in db.query("SELECT * FROM responsibilities_view")}
    assert {("Sở Nội vụ", "lead"), ("Sở Tư pháp", "support")} <= rows


def test_fts_finds_a_phrase_in_section_text(kb):
    db = sqlite_utils.Database(kb)  # open_db would reload the real indicators
    hits = db.execute("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH '\"hài lòng\"'").fetchone()[0]
    assert hits == 1


@pytest.mark.parametrize(("entries", "expected"), [
    ([{"code": "par_index", "name_en": "PAR INDEX", "aliases": ["chỉ số CCHC"], "abbreviations": ["PAR"]}],
     [("par_index", "PAR INDEX", ["chỉ số CCHC", "PAR"])]),
    ([{"id": "sipas", "name": "SIPAS", "aliases": "SIPAS"}], [("sipas", "SIPAS", ["SIPAS"])]),
    ([{"name": "no code"}], []),
])
def test_indicator_rows_from_gazetteer_shapes(entries, expected):
    import json

    rows = store.indicator_rows(entries)
    assert [(r["id"], r["name"], json.loads(r["aliases"])) for r in rows] == expected


@pytest.mark.parametrize(("data", "expected"), [
    ({"old": [{"name": "Hà Giang", "new": "Tuyên Quang"}]}, [("Hà Giang", "Tuyên Quang")]),
    ([{"name": "Sơn La", "province_after_2025": "Sơn La"}], [("Sơn La", "Sơn La")]),
])
def test_province_rows_from_gazetteer_shapes(data, expected):
    rows = store.province_rows(store._entries(data))
    assert [(r["name"], r["province_after_2025"]) for r in rows] == expected


def test_reference_tables_tolerate_missing_gazetteer(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "_gazetteer", lambda name: None)
    db = store.open_db(tmp_path / "kb.sqlite")
    db["indicators"].insert({"id": "x", "name": "X"})
    store.load_reference(db)
    assert db["indicators"].count == 1  # kept: nothing to refresh from


def test_province_new_is_the_province_after_the_2025_merger():
    name, text, build = FILES[0]
    rows = store.rows_of(result_of(name, text.replace("QUẢNG NGÃI", "HÀ GIANG"),
                                   lambda t, s: _with_province(build(t, s), "Hà Giang")))
    assert rows["documents"][0]["province_new"] == "Tuyên Quang"


def _with_province(built, province):
    docs, facts = built
    return [replace(docs[0], province=province), *docs[1:]], facts


def test_agency_gazetteer_rows_keep_only_agencies():
    entries = [{"type": "variant", "from": "UBND", "to": ["Ủy ban nhân dân"]},
               {"type": "agency", "id": "so_tttt", "name": "Sở Thông tin và Truyền thông", "kind": "department",
                "aliases": ["Sở TT&TT"]}]
    assert [(r["id"], r["name"], r["aliases"]) for r in store.agency_gazetteer_rows(entries)] == [
        ("so_tttt", "Sở Thông tin và Truyền thông", '["Sở TT&TT"]')]


def test_open_db_loads_gazetteer_agencies_beside_mentioned_ones(kb):
    db = store.open_db(kb)
    sources = {r["source"] for r in db.query("SELECT source FROM agencies")}
    if store._gazetteer("agencies.jsonl"):
        assert "gazetteer" in sources
    assert db.execute("SELECT count(*) FROM agencies WHERE name = 'Sở Nội vụ'").fetchone()[0] == 1


QN_RESTATE = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI
Số: 300/QĐ-UBND
QUYẾT ĐỊNH
Điều 3. Quyết định này bãi bỏ Quyết định số 172/QĐ-UBND ngày 04/4/2016 của UBND tỉnh.
"""


def build_restate(text: str, sha: str):
    """A second Quảng Ngãi decision restating the repeal of 172 (as consolidated texts do)."""
    d0 = _doc(text, sha, 0, 0, len(text), [("Đ3", "article", "Điều 3.")], type="Quyết định",
              symbol="300/QĐ-UBND", number="300", date="2017-06-01", province="Quảng Ngãi")
    facts = [
        Citation(**_args(d0, text, "Quyết định số 172/QĐ-UBND ngày 04/4/2016", "t"), type="Quyết định",
                 symbol="172/QĐ-UBND", number="172", year=2016, date="2016-04-04", issuer="UBND tỉnh"),
        Relation(**_args(d0, text, "bãi bỏ Quyết định số 172/QĐ-UBND ngày 04/4/2016", "t"), relation="repeals",
                 modality="in_force", source="self", target="172/QĐ-UBND"),
    ]
    return [d0], facts


def test_a_restated_repeal_gives_one_status_and_no_stale_citation(kb):
    db = store.open_db(kb)
    store.write_result(db, "qn/300.txt", result_of("qn/300.txt", QN_RESTATE, build_restate), run_id=None)
    keys = [r["key"] for r in db.query("SELECT key FROM repealed_keys")]
    assert keys.count("quang-ngai/2016/172/QĐ-UBND") == 1
    rows = list(db.query("SELECT * FROM document_status WHERE document = 'Quyết định 172/QĐ-UBND'"))
    assert [(r["status"], r["by_document"]) for r in rows] == [("repealed", "Quyết định 205/QĐ-UBND")]
    stale = [r["citing_document"] for r in db.query("SELECT * FROM stale_citations")]
    assert stale == ["Kế hoạch 211/KH-UBND"]
