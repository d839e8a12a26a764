"""Committed vs achieved: `progress_view` (store m014) and `vnplan.outputs.timeline`."""

from __future__ import annotations

import sqlite3

import pytest
from vnplan import store
from vnplan.errors import VnplanError
from vnplan.outputs.timeline import resolve_indicator, resolve_province, timeline

from .progress_helpers import make_progress_kb


@pytest.fixture(scope="module")
def pkb(tmp_path_factory):
    return make_progress_kb(tmp_path_factory.mktemp("progress") / "kb.sqlite")


@pytest.fixture
def conn(pkb):
    c = sqlite3.connect(pkb)
    c.row_factory = sqlite3.Row
    yield c
    c.close()


def view(conn, where: str = "1", params=()):
    return [dict(r) for r in conn.execute(f"SELECT * FROM progress_view WHERE {where} ORDER BY province, indicator, "
                                          "unit, year", params)]


def test_migration_is_applied_and_view_exists(pkb):
    db = store.open_db(pkb)
    assert "progress_view" in db.view_names()
    assert "m014_progress_view" in {r["name"] for r in db.query("SELECT name FROM _sqlite_migrations")}


def test_par_index_quang_ninh_pairs_2021_results_with_2022_target(conn):
    rows = view(conn, "province = 'Quảng Ninh' AND indicator = 'par_index'")
    got = [(r["year"], r["unit"], r["target_comparator"], r["target_value"], r["achieved_value"], r["achieved_of"],
            r["met"]) for r in rows]
    assert got == [
        (2021, "points", None, None, 91.14, None, None),
        (2022, "points", "=", 93.157, 90.3, None, 0),
        (2021, "rank", None, None, 2.0, 63, None),
        (2022, "rank", None, None, 3.0, 63, None),
    ]
    # The target is stated twice in one document (text and annex): one commitment, both sources.
    t2022 = rows[1]
    assert t2022["commitments"] == 1 and t2022["results"] == 1
    import json
    quotes = [s["quote"] for s in json.loads(t2022["target_sources"])]
    assert sorted(quotes) == sorted(["Chỉ số PAR Index năm 2022, phấn đấu đạt 93,157 điểm",
                                     "TỔNG ĐIỂM | 100 | 91.14 | 93.157"])
    assert json.loads(t2022["target_documents"]) == ["Kế hoạch 205/KH-UBND"]
    assert json.loads(t2022["achieved_documents"]) == ["Báo cáo 12/BC-UBND"]


def test_sipas_greater_than_is_met(conn):
    rows = view(conn, "province = 'Quảng Ninh' AND indicator = 'sipas' AND unit = 'percent'")
    assert [(r["year"], r["target_comparator"], r["target_value"], r["achieved_value"], r["met"]) for r in rows] == [
        (2021, None, None, 94.07, None), (2022, ">", 95.0, 95.2, 1)]


def test_targets_without_results_are_on_the_timeline_with_met_unknown(conn):
    rows = view(conn, "province = 'Quảng Ngãi' AND indicator = 'satisfaction'")
    assert [(r["year"], r["target_value"], r["achieved_value"], r["met"]) for r in rows] == [(2020, 90.0, None, None)]


def _pair_db(unit: str, comparator: str, target: float, achieved: float) -> sqlite3.Connection:
    db = store.open_db(":memory:")
    db["documents"].insert({"doc_id": "x:0", "file_sha": "x", "idx": 0, "type": "Kế hoạch", "symbol": "1/KH-UBND",
                            "province": "Hà Giang"})
    common = {"doc_id": "x:0", "file_sha": "x", "section": "", "start": 0, "end": 1, "quote": "q", "rule": "t"}
    db["targets"].insert({**common, "id": "t", "value": target, "unit": unit, "comparator": comparator,
                          "indicator": "pci", "deadline": "2024-12-31", "deadline_year": 2024})
    db["achievements"].insert({**common, "id": "a", "value": achieved, "unit": unit, "indicator": "pci",
                               "year": 2024, "province": "Hà Giang", "estimated": 0})
    return db.conn


@pytest.mark.parametrize(("unit", "comparator", "target", "achieved", "met"), [
    ("percent", ">=", 90, 90, 1), ("percent", ">=", 90, 89.99, 0),
    ("percent", ">", 90, 90, 0), ("percent", ">", 90, 90.5, 1),
    ("percent", "=", 90, 95, 1), ("percent", "=", 90, 80, 0),  # "đạt 90%": reaching it counts
    ("points", "=", 93.157, 93.157, 1),
    ("rank", "<=", 20, 15, 1), ("rank", "<=", 20, 21, 0),  # top 20 of 63
    ("rank", "=", 2, 1, 1), ("rank", "=", 2, 3, 0),  # a better (lower) rank meets it
    ("days", "=", 2, 3, 0), ("days", "<=", 2, 2, 1),
    ("percent", "<", 5, 5, 0), ("percent", "<", 5, 4, 1),
])
def test_met_follows_the_comparator(unit, comparator, target, achieved, met):
    conn = _pair_db(unit, comparator, target, achieved)
    assert conn.execute("SELECT met FROM progress_view").fetchall() == [(met,)]


def test_a_national_result_does_not_pair_with_a_province_target():
    conn = _pair_db("percent", ">=", 90, 95)
    conn.execute("UPDATE achievements SET province = NULL")
    rows = conn.execute("SELECT province, target_value, achieved_value, met FROM progress_view ORDER BY 1").fetchall()
    assert rows == [(None, None, 95.0, None), ("Hà Giang", 90.0, None, None)]


def test_two_different_commitments_for_one_year_are_two_rows_and_say_so():
    conn = _pair_db("percent", ">=", 90, 92)
    conn.execute("INSERT INTO targets (id, doc_id, file_sha, section, start, [end], quote, rule, value, unit, "
                 "comparator, indicator, deadline, deadline_year) VALUES ('t2', 'x:0', 'x', '', 5, 9, 'q2', 't', "
                 "95, 'percent', '>=', 'pci', '2024-12-31', 2024)")
    rows = conn.execute("SELECT target_value, met, commitments FROM progress_view ORDER BY 1").fetchall()
    assert rows == [(90.0, 1, 2), (95.0, 0, 2)]


def test_timeline_rows_read_like_the_issue(conn):
    tl = timeline(conn, "par_index", "Quảng Ninh")
    rows = tl.rows()
    assert [(r["year"], r["committed"], r["achieved"], r["met"]) for r in rows] == [
        (2021, "", "91.14 points (rank 2 of 63)", "unknown"),
        (2022, "= 93.157 points", "90.3 points (rank 3 of 63)", "no"),
    ]
    assert rows[0]["document"] == "Kế hoạch 205/KH-UBND"
    assert "đạt 91,14 điểm" in rows[0]["quote"] and "xếp thứ 2/63" in rows[0]["quote"]
    assert rows[1]["document"] == "Báo cáo 12/BC-UBND; Kế hoạch 205/KH-UBND"
    assert all(r["doc_id"] for r in rows)


def test_timeline_counts_what_it_leaves_out(conn):
    conn.execute("INSERT INTO targets (id, doc_id, file_sha, section, start, [end], quote, rule, value, unit, "
                 "comparator, indicator, criterion, deadline_year) SELECT 'tmp1', doc_id, file_sha, '', 0, 1, 'q', "
                 "'t', 8.5, 'points', '=', 'par_index', '1', 2022 FROM documents WHERE symbol = '205/KH-UBND'")
    conn.execute("INSERT INTO targets (id, doc_id, file_sha, section, start, [end], quote, rule, value, unit, "
                 "comparator, indicator) SELECT 'tmp2', doc_id, file_sha, '', 0, 1, 'q', 't', 99, 'points', '=', "
                 "'par_index' FROM documents WHERE symbol = '205/KH-UBND'")
    try:
        tl = timeline(conn, "par_index", "Quảng Ninh")
        assert tl.notes == ["1 points of 1 components (annex criteria) not shown; ask with criteria",
                            "1 target without a deadline year not on the timeline"]
        assert all(p.criterion is None for p in tl.points)
        full = timeline(conn, "par_index", "Quảng Ninh", criteria=True)
        assert any(p.criterion == "1" for p in full.points)
    finally:
        conn.rollback()


@pytest.mark.parametrize(("text", "code"), [
    ("PAR INDEX", "par_index"), ("par_index", "par_index"), ("Chỉ số cải cách hành chính", "par_index"),
    ("chi so CCHC", "par_index"), ("SIPAS", "sipas"),
])
def test_resolve_indicator_in_english_and_vietnamese(conn, text, code):
    assert resolve_indicator(conn, text) == code


def test_resolve_indicator_unknown_is_one_error(conn):
    with pytest.raises(VnplanError, match="no indicator named 'GDP'; known codes: "):
        resolve_indicator(conn, "GDP")


@pytest.mark.parametrize("text", ["Quảng Ninh", "quang ninh", "tỉnh Quảng Ninh", "QUẢNG NINH"])
def test_resolve_province(conn, text):
    assert resolve_province(conn, text) == "Quảng Ninh"


def test_timeline_reads_the_same_rows_as_the_view(conn):
    for code, prov in conn.execute("SELECT DISTINCT indicator, province FROM progress_view").fetchall():
        for province in (prov, None):
            got = timeline(conn, code, province, criteria=True).points
            where = "indicator = ?" + (" AND province = ?" if province is not None else "")
            want = conn.execute(f"SELECT count(*) FROM progress_view WHERE {where}",
                                [code, *([province] if province is not None else [])]).fetchone()[0]
            assert len(got) == want and want > 0, (code, province)
