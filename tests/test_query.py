"""`vnplan query` and `vnplan sql`: the question grammar, each intent on a small KB, and the seeds."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from vnplan import store
from vnplan.cli import main
from vnplan.errors import VnplanError
from vnplan.outputs import query as q
from vnplan.outputs.questions import Filters, fold_key, parse, parse_doc_ref

from .conftest import SEEDS, run_seed
from .test_store import kb  # noqa: F401 - pytest fixture


def ask(db: Path, question: str) -> q.Answer:
    return q.answer(db, question)


# ---------------------------------------------------------------- grammar data


@pytest.mark.parametrize(("question", "filters"), [
    ("which provinces target 40 DVC level 4", Filters("targets", indicator="DVC level 4", value=("", 40.0))),
    ("tỉnh nào đặt chỉ tiêu 40 DVC mức độ 4?", Filters("targets", indicator="DVC mức độ 4", value=("", 40.0))),
    ("What repealed 172/QĐ-UBND?", Filters("relations", direction="to", relations=("repeals",), doc="172/QĐ-UBND")),
    ("172/QĐ-UBND bị thay thế bởi văn bản nào",
     Filters("relations", direction="to", relations=("replaces",), doc="172/QĐ-UBND")),
    ("what does 205/QĐ-UBND repeal",
     Filters("relations", direction="from", relations=("repeals",), doc="205/QĐ-UBND")),
    ("who cites 05-NQ/TU in Quảng Ngãi 2016",
     Filters("relations", direction="to", relations=("cites",), doc="05-NQ/TU in Quảng Ngãi 2016")),
    ("stale citations", Filters("stale")),
    ("what is Sở Nội vụ responsible for", Filters("tasks", agency="Sở Nội vụ")),
    ("nhiệm vụ của Sở Tư pháp", Filters("tasks", agency="Sở Tư pháp")),
    ("search  một   cửa", Filters("search", words="một cửa")),
])
def test_parse(question, filters):
    assert parse(question) == filters


@pytest.mark.parametrize(("text", "key"), [
    ("DVC level 4", "dich vu cong muc do 4"),
    ("dịch vụ công trực tuyến cấp độ 4", "dich vu cong truc tuyen muc do 4"),
    ("DVCTT mức độ 3", "dich vu cong truc tuyen muc do 3"),
    ("Online public services, level 4", "dich vu cong truc tuyen muc do 4"),
    ("Sở Nội vụ", "so noi vu"),
])
def test_fold_key(text, key):
    assert fold_key(text) == key


CANDS = [
    {"id": "online_services_level4", "name": "L4", "texts": ["dịch vụ công trực tuyến mức độ 4", "DVC mức độ 4"]},
    {"id": "online_services_level3", "name": "L3", "texts": ["dịch vụ công trực tuyến mức độ 3", "DVC mức độ 3"]},
    {"id": "online_services_full", "name": "full", "texts": ["DVC toàn trình", "DVC mức độ 4"]},
    {"id": "satisfaction", "name": "sat", "texts": ["mức độ hài lòng", "satisfaction rate"]},
]


@pytest.mark.parametrize(("phrase", "ids"), [
    ("DVC level 4", {"online_services_level4", "online_services_full"}),  # the aliases say both
    ("dịch vụ công trực tuyến mức độ 4", {"online_services_level4"}),
    ("DVC level 3", {"online_services_level3"}),
    ("online_services_level3", {"online_services_level3"}),
    ("DVC toàn trình", {"online_services_full"}),
    ("hài lòng", {"satisfaction"}),
    ("satisfaction", {"satisfaction"}),
])
def test_match_indicator(phrase, ids):
    got, _ = q.match_indicator(phrase, CANDS)
    assert {c["id"] for c in got} == ids


@pytest.mark.parametrize("phrase", ["DVC level 5", "số điện thoại"])
def test_match_indicator_refuses_to_guess(phrase):
    with pytest.raises(VnplanError, match="no indicator matches"):
        q.match_indicator(phrase, CANDS)


# ---------------------------------------------------------------- intents on the test KB


def test_targets_english_and_vietnamese_questions(kb):  # noqa: F811
    for question in ("which provinces target 40 DVC level 4", "tỉnh nào đặt chỉ tiêu 40 DVC mức độ 4"):
        ans = ask(kb, question)
        assert [r["answer"] for r in ans.rows] == ["Lạng Sơn", "Quảng Ngãi"], question
        qn = ans.rows[1]
        assert qn["quote"] == "40 dịch vụ hành chính công cấp tỉnh được cung cấp trực tuyến mức độ 4"
        assert qn["document"] == "Kế hoạch kèm theo Quyết định 205/QĐ-UBND" and qn["section"] == "I.+1"


@pytest.mark.parametrize(("question", "provinces"), [
    ("which provinces target at least 40 DVC level 4", ["Lạng Sơn", "Quảng Ngãi"]),  # both commit to >= 40
    ("which provinces target more than 40 DVC level 4", []),
    ("which provinces target exactly 40 DVC level 4", ["Quảng Ngãi"]),
    ("which provinces target 40 DVC level 4 in Quảng Ngãi", ["Quảng Ngãi"]),
    ("which provinces target 40 DVC level 4 in quang ngai by 2020", ["Quảng Ngãi"]),
    ("which provinces target 40 DVC level 4 by 2019", []),
    ("which provinces target 40 DVC level 4 in 2020", ["Lạng Sơn", "Quảng Ngãi"]),
    ("tỉnh nào đặt chỉ tiêu 50% DVC mức độ 3 đến năm 2020", ["Lạng Sơn"]),
    ("tỉnh nào có chỉ tiêu trên 90% hài lòng", ["Quảng Ngãi"]),
    ("targets for satisfaction", ["Quảng Ngãi"]),
    ("which provinces target 41 DVC level 4", []),
])
def test_target_filters(kb, question, provinces):  # noqa: F811
    assert [r["answer"] for r in ask(kb, question).rows] == provinces


def test_what_repealed_puts_in_force_first_and_marks_planned(kb):  # noqa: F811
    rows = ask(kb, "what repealed 172/QĐ-UBND").rows
    # A replacement repeals too: Lạng Sơn's planned replacement of its own 172 comes after, marked.
    assert [(r["answer"], r["province"], r["modality"], r["relation"]) for r in rows] == [
        ("Quyết định 205/QĐ-UBND", "Quảng Ngãi", "in_force", "repeals"),
        ("Quyết định 60/QĐ-UBND", "Lạng Sơn", "planned", "replaces")]
    assert rows[0]["quote"] == "bãi bỏ Quyết định số 172/QĐ-UBND ngày 04/4/2016"
    rows = ask(kb, "what replaced 172/QĐ-UBND").rows
    assert [(r["answer"], r["modality"], r["target"]) for r in rows] == [
        ("Quyết định 60/QĐ-UBND", "planned", "lang-son/2016/172/QĐ-UBND")]


@pytest.mark.parametrize(("question", "n"), [
    ("what repealed 172/QĐ-UBND in Quảng Ngãi 2016", 1),
    ("what repealed 172/QĐ-UBND in Lạng Sơn", 1),
    ("what amended 172/QĐ-UBND", 0),
    ("what repealed 172/QĐ-UBND 2015", 0),
    ("văn bản nào bãi bỏ Quyết định số 172 /QĐ- UBND", 2),
    ("văn bản nào thay thế 172/QĐ-UBND ở tỉnh Quảng Ngãi", 0),
])
def test_document_reference_scopes_by_province_and_year(kb, question, n):  # noqa: F811
    assert len(ask(kb, question).rows) == n


def test_what_does_x_repeal(kb):  # noqa: F811
    rows = ask(kb, "what does 205/QĐ-UBND repeal").rows
    assert [(r["answer"], r["source"]) for r in rows] == [("Quyết định 172/QĐ-UBND", "quang-ngai/2017/205/QĐ-UBND")]
    assert rows[0]["section"] == "Đ2"


def test_who_cites(kb):  # noqa: F811
    rows = ask(kb, "who cites 05-NQ/TU in Quảng Ngãi 2016").rows
    assert [r["answer"] for r in rows] == ["Quyết định 205/QĐ-UBND", "Kế hoạch 211/KH-UBND"]
    assert all(r["quote"].startswith("Nghị quyết số 05-NQ/TU") for r in rows)
    assert ask(kb, "who cites 05-NQ/TU in Lạng Sơn").rows == []


@pytest.mark.parametrize(("question", "documents"), [
    ("who cites 30c/NQ-CP", ["Quyết định 60/QĐ-UBND", "Kế hoạch 211/KH-UBND"]),
    ("who cites 30c/NQ-CP 2011", ["Quyết định 60/QĐ-UBND", "Kế hoạch 211/KH-UBND"]),
    ("who cites 30C/NQ-CP in Quảng Ngãi", ["Kế hoạch 211/KH-UBND"]),  # national: province of the citing side
    ("who cites 30c/NQ-CP 2012", []),
])
def test_who_cites_a_national_document(kb, question, documents):  # noqa: F811
    assert [r["answer"] for r in ask(kb, question).rows] == documents


def test_stale_citations(kb):  # noqa: F811
    rows = ask(kb, "stale citations").rows
    assert [(r["answer"], r["document"], r["by_document"]) for r in rows] == [
        ("172/QĐ-UBND", "Kế hoạch 211/KH-UBND", "Quyết định 205/QĐ-UBND")]


def test_agency_responsibilities_with_deadlines(kb):  # noqa: F811
    rows = ask(kb, "what is Sở Nội vụ responsible for").rows
    assert [(r["role"], r["deadline"], r["document"]) for r in rows] == [
        ("lead", "2017-12-14", "Kế hoạch 211/KH-UBND"),
        ("lead", "2017-12-31", "Kế hoạch kèm theo Quyết định 205/QĐ-UBND")]
    rows = ask(kb, "Sở Tư pháp chịu trách nhiệm gì").rows
    assert [(r["role"], r["section"]) for r in rows] == [("support", "a")]


def test_search_gives_snippets_with_provenance(kb):  # noqa: F811
    rows = ask(kb, "search hài lòng").rows
    assert len(rows) == 1
    assert "Mức độ [hài lòng] của" in rows[0]["quote"] and rows[0]["section"] == "I.+2"
    assert ask(kb, 'search "OR" NEAR').rows == []  # operators are words, not syntax


@pytest.mark.parametrize(("words", "reading", "n"), [
    ("thủ tục hành chính", "the phrase: thủ tục hành chính", 2),  # the phrase first
    ("hành chính thủ tục", "every word: hành chính thủ tục", 2),  # no phrase: every word anywhere
    ("hài", "the phrase: hài", 1),
])
def test_search_tries_the_phrase_then_every_word(kb, words, reading, n):  # noqa: F811
    ans = ask(kb, f"search {words}")
    assert ans.reading == f"sections holding {reading}" and len(ans.rows) == n


def test_every_answer_row_carries_provenance(kb):  # noqa: F811
    for question in ("which provinces target 40 DVC level 4", "what repealed 172/QĐ-UBND",
                     "who cites 05-NQ/TU", "stale citations", "what is Sở Nội vụ responsible for",
                     "search thủ tục", "what does 205/QĐ-UBND repeal"):
        ans = ask(kb, question)
        assert ans.rows, question
        for r in ans.rows:
            assert r["document"] and r["section"] is not None and r["quote"] and r["doc_id"], (question, r)


# ---------------------------------------------------------------- CLI


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_table_json_csv(kb):  # noqa: F811
    question = "which provinces target 40 DVC level 4"
    table = run("query", question, "--db", str(kb))
    assert table.exit_code == 0, table.output
    assert "Quảng Ngãi" in table.output and "(2 rows)" in table.output
    data = json.loads(run("query", question, "--db", str(kb), "--json").output)
    assert {r["answer"] for r in data["rows"]} == {"Quảng Ngãi", "Lạng Sơn"}
    rows = list(csv.DictReader(io.StringIO(run("query", question, "--db", str(kb), "--csv").output)))
    assert rows[1]["quote"].startswith("40 dịch vụ hành chính công") and rows[1]["section"] == "I.+1"


def test_cli_question_words_need_no_quotes(kb):  # noqa: F811
    out = run("query", "what", "repealed", "172/QĐ-UBND", "--db", str(kb), "--csv").output
    assert "Quyết định 205/QĐ-UBND" in out


@pytest.mark.parametrize(("args", "line"), [
    (["query", "what repealed 172/QĐ-UBND in Atlantis"], "Error: unknown province 'Atlantis'; nearest: "),
    (["sql", "DELETE FROM documents"], "Error: attempt to write a readonly database\n"),
    (["sql", "SELEC 1"], 'Error: near "SELEC": syntax error\n'),
])
def test_cli_errors_are_one_line(kb, args, line):  # noqa: F811
    result = run(*args, "--db", str(kb))
    assert result.exit_code == 1
    assert result.output.startswith(line) and result.output.count("\n") == 1


def test_cli_missing_db(tmp_path):
    result = run("query", "stale citations", "--db", str(tmp_path / "none.sqlite"))
    assert result.output == f"Error: no database at {tmp_path / 'none.sqlite'}; run `vnplan ingest` first\n"


def test_sql_is_read_only_even_for_pragmas_and_attach(kb):  # noqa: F811
    assert run("sql", "PRAGMA query_only = 0; DELETE FROM documents", "--db", str(kb)).exit_code == 1
    assert sqlite3.connect(kb).execute("SELECT count(*) FROM documents").fetchone()[0] == 5


def test_sql_table_shows_every_selected_column(kb):  # noqa: F811
    out = run("sql", "SELECT doc_id, province_new FROM documents_view WHERE symbol = '60/QĐ-UBND'", "--db", str(kb)).output
    assert out.splitlines()[0].split() == ["doc_id", "province_new"] and "Lạng Sơn" in out


def test_sql_csv(kb):  # noqa: F811
    result = run("sql", "SELECT symbol FROM documents WHERE symbol LIKE '172%'", "--db", str(kb), "--csv")
    assert result.output == "symbol\n172/QĐ-UBND\n"


# ---------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_kb(tmp_path_factory) -> Path:
    """The five seeds ingested once for this module."""
    path = tmp_path_factory.mktemp("seeds") / "vnplan.sqlite"
    db = store.open_db(path)
    for seed in SEEDS:  # the session's cached pipeline runs, written as `vnplan ingest` writes them
        store.write_result(db, str(seed), run_seed(seed.name), run_id=None)
    db.close()
    return path


@pytest.mark.parametrize("question", ["which provinces target 40 DVC level 4",
                                      "tỉnh nào đặt chỉ tiêu 40 DVC mức độ 4"])
def test_seeds_which_provinces_target_40_dvc_level_4(seed_kb, question):
    rows = ask(seed_kb, question).rows
    qn = [r for r in rows if r["answer"] == "Quảng Ngãi"]
    assert qn, rows
    assert "40 dịch vụ hành chính công cấp tỉnh" in qn[0]["quote"]
    assert "mức độ 4" in qn[0]["quote"] or qn[0]["section"]


def test_seeds_what_repealed_172(seed_kb):
    rows = ask(seed_kb, "what repealed 172/QĐ-UBND").rows
    assert rows[0]["answer"] == "Quyết định 205/QĐ-UBND" and rows[0]["province"] == "Quảng Ngãi"
    assert rows[0]["modality"] == "in_force"
    assert "bãi bỏ Quyết định số 172/QĐ-UBND" in rows[0]["quote"]


def test_responsibilities_by_agency_alias(kb):  # noqa: F811
    import sqlite_utils

    sqlite_utils.Database(kb)["agencies"].insert(
        {"id": "so_tu_phap", "name": "Sở Tư pháp", "aliases": '["STP", "Sở TP"]', "source": "gazetteer"},
        replace=True)
    rows = ask(kb, "tasks of Sở TP").rows
    assert [(r["answer"], r["role"]) for r in rows] == [("Sở Tư pháp", "support")]


def test_a_document_ingested_twice_does_not_repeat_answers(kb):  # noqa: F811
    from vnplan import store as st

    from .test_store import FILES, result_of

    name, text, build = FILES[1]  # Quảng Ngãi's 172, again from another source
    db = st.open_db(kb)
    st.write_result(db, "other/172.txt", result_of("other/172.txt", text + "Nguồn: công báo\n", build), None)
    assert db.execute("SELECT count(*) FROM documents WHERE symbol = '172/QĐ-UBND'").fetchone()[0] == 2
    rows = ask(kb, "what does 205/QĐ-UBND repeal").rows
    assert [r["answer"] for r in rows] == ["Quyết định 172/QĐ-UBND"]
    cited = db.execute("SELECT count(*) FROM citations_view WHERE doc_id LIKE ? AND symbol = '172/QĐ-UBND'",
                       [rows[0]["doc_id"].split(":")[0] + "%"]).fetchone()[0]
    assert cited == 1


def test_symbol_with_ampersand_is_read_whole():
    assert parse_doc_ref( "596/TTr-SNN&MT").symbol == "596/TTr-SNN&MT"
    assert parse_doc_ref( "12/TTr-STC&KH 2024").year == 2024
