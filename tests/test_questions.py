"""The question suite: questions an analyst asks, in English and Vietnamese (with and without
accents), each with its whole expected answer, on a knowledge base the repository holds
(tests/query_kb.py: make_kb's files plus a second source of one decision, a Hà Giang plan of
2024, a Tuyên Quang plan after the 2025 merger, and a decree amended, guided and replaced over
time). Every row of every answer is checked, and every row must carry its provenance."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from vnplan.cli import main
from vnplan.errors import VnplanError
from vnplan.outputs import query as q
from vnplan.outputs.questions import Filters, fold_chars, grammar, parse, parse_doc_ref

from .query_kb import make_big_kb

QN205, PLAN205 = "Quyết định 205/QĐ-UBND", "Kế hoạch kèm theo Quyết định 205/QĐ-UBND"
QN172, QN211, LS60 = "Quyết định 172/QĐ-UBND", "Kế hoạch 211/KH-UBND", "Quyết định 60/QĐ-UBND"
HG15, TQ300 = "Kế hoạch 15/KH-UBND", "Kế hoạch 300/KH-UBND"
ND107, TT01, ND118 = "Nghị định 107/2021/NĐ-CP", "Thông tư 01/2023/TT-VPCP", "Nghị định 118/2025/NĐ-CP"


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Path:
    return make_big_kb(tmp_path_factory.mktemp("questions") / "kb.sqlite")


# What each kind of answer is compared on.
SHAPES = {
    "targets": ("answer", "value", "comparator", "deadline"),
    "relations": ("answer", "relation", "modality"),
    "citations": ("answer",),
    "documents": ("answer", "date"),
    "stale": ("document", "answer", "stale"),
    "tasks": ("answer", "role", "document", "deadline"),
}

SAT_90 = [("Hà Giang", 90, "=", "2025-12-31"), ("Quảng Ngãi", 90, ">", "2020-12-31")]
SAT_AT_LEAST_90 = [*SAT_90, ("Tuyên Quang", 95, ">", "2030-12-31")]
SAT_MORE_THAN_90 = [("Quảng Ngãi", 90, ">", "2020-12-31"), ("Tuyên Quang", 95, ">", "2030-12-31")]
L4_40 = [("Lạng Sơn", 40, ">=", "2020-12-31"), ("Quảng Ngãi", 40, "=", "2020-12-31")]
HA_GIANG = [("Hà Giang", 90, "=", "2025-12-31"), ("Tuyên Quang", 95, ">", "2030-12-31")]
REPEALED_172 = [(QN205, "repeals", "in_force"), (LS60, "replaces", "planned")]
IMPLEMENTS_2270 = [(HG15, "implements", "in_force"), (TQ300, "implements", "in_force")]
QN_DOCS = [(QN172, "2016-04-04"), (QN205, "2017-03-13"), (PLAN205, "2017-03-13"), (QN211, "2017-12-28")]
CITED_BY_211 = [("Nghị quyết 30c/NQ-CP",), ("Nghị quyết 05-NQ/TU",), (QN172,)]
STALE = [(ND107, "61/2018/NĐ-CP", "repealed since"), (TT01, "61/2018/NĐ-CP", "repealed since"),
         (QN211, "172/QĐ-UBND", "stale when issued")]
SNV_TASKS = [("Sở Nội vụ", "lead", QN211, "2017-12-14"), ("Sở Nội vụ", "lead", PLAN205, "2017-12-31"),
             ("Sở Nội vụ", "lead", HG15, None)]

# (question, kind of answer, every expected row in order); half English, half Vietnamese.
SUITE = [
    # targets: indicator by alias or name, value and comparator, deadline, province across the merger
    ("which provinces target 40 DVC level 4", "targets", L4_40),
    ("tỉnh nào đặt chỉ tiêu 40 DVC mức độ 4", "targets", L4_40),
    ("tinh nao dat chi tieu 40 DVC muc do 4", "targets", L4_40),
    ("which provinces target at least 40 DVC level 4", "targets", L4_40),
    ("which provinces target exactly 40 DVC level 4", "targets", [L4_40[1]]),
    ("which provinces target satisfaction 90%", "targets", SAT_90),
    ("which provinces target at least 90% satisfaction", "targets", SAT_AT_LEAST_90),
    ("tỉnh nào đặt chỉ tiêu tối thiểu 90% hài lòng", "targets", SAT_AT_LEAST_90),
    ("which provinces target more than 90% satisfaction", "targets", SAT_MORE_THAN_90),
    ("tỉnh nào có chỉ tiêu trên 90% hài lòng", "targets", SAT_MORE_THAN_90),
    ("tinh nao co chi tieu tren 90% hai long", "targets", SAT_MORE_THAN_90),
    ("targets for satisfaction by 2025", "targets", SAT_90),
    ("chỉ tiêu mức độ hài lòng đến năm 2020", "targets", [SAT_90[1]]),
    ("targets for mức độ hài lòng in Quảng Ngãi", "targets", [SAT_90[1]]),
    ("chỉ tiêu DVC mức độ 3 năm 2020", "targets", [("Lạng Sơn", 50, "=", "2020-12-31")]),
    ("targets for DVC level 4 issued in 2018", "targets", [L4_40[0]]),
    ("targets in Hà Giang", "targets", HA_GIANG),
    ("chi tieu o Ha Giang", "targets", HA_GIANG),
    ("targets in Tuyên Quang", "targets", HA_GIANG),
    ("targets in Hà Tĩnh", "targets", []),
    ("chỉ tiêu ở Hà Tĩnh", "targets", []),
    ("targets for sipas", "targets", []),
    # documents: province, issuer, type, year or period
    ("documents issued by Quảng Ngãi", "documents", QN_DOCS),
    ("văn bản do Quảng Ngãi ban hành năm 2017", "documents", QN_DOCS[1:]),
    ("decisions of Quảng Ngãi in 2017", "documents", [QN_DOCS[1]]),
    ("quyet dinh cua tinh Quang Ngai", "documents", QN_DOCS[:2]),
    ("documents issued by Chính phủ", "documents", [(ND107, "2021-12-06"), (ND118, "2025-06-09")]),
    ("nghị định năm 2025", "documents", [(ND118, "2025-06-09")]),
    ("plans in Hà Giang", "documents", [(HG15, "2024-02-01"), (TQ300, "2025-09-10")]),
    ("documents issued by Bộ Nội vụ", "documents", []),
    ("van ban cua tinh Lang Son", "documents", [(LS60, "2018-01-15")]),
    ("documents 2016-2017", "documents", QN_DOCS),
    # relations, either direction, any tense
    ("what repealed 172/QĐ-UBND", "relations", REPEALED_172),
    ("văn bản nào bãi bỏ 172/QĐ-UBND", "relations", REPEALED_172),
    ("van ban nao bai bo 172/QD-UBND", "relations", REPEALED_172),
    ("172/QĐ-UBND bị bãi bỏ bởi văn bản nào", "relations", REPEALED_172),
    ("what repealed 172/QĐ-UBND in Quảng Ngãi 2016", "relations", REPEALED_172[:1]),
    ("what replaced 172/QĐ-UBND", "relations", REPEALED_172[1:]),
    ("what does 205/QĐ-UBND repeal", "relations", [(QN172, "repeals", "in_force")]),
    ("205/QĐ-UBND bãi bỏ văn bản nào", "relations", [(QN172, "repeals", "in_force")]),
    ("what amends 61/2018/NĐ-CP", "relations", [(ND107, "amends", "in_force")]),
    ("what amended 61/2018/NĐ-CP", "relations", [(ND107, "amends", "in_force")]),
    ("văn bản nào sửa đổi 61/2018/NĐ-CP", "relations", [(ND107, "amends", "in_force")]),
    ("what does 107/2021/NĐ-CP amend", "relations", [("61/2018/NĐ-CP", "amends", "in_force")]),
    ("what guides 61/2018/NĐ-CP", "relations", [(TT01, "guides", "in_force")]),
    ("61/2018/NĐ-CP được hướng dẫn bởi văn bản nào", "relations", [(TT01, "guides", "in_force")]),
    ("what replaces 61/2018/NĐ-CP", "relations", [(ND118, "replaces", "in_force")]),
    ("nghi dinh nao thay the 61/2018/ND-CP", "relations", [(ND118, "replaces", "in_force")]),
    ("relations to 61/2018/NĐ-CP", "relations", [(ND107, "amends", "in_force"), (TT01, "guides", "in_force"),
                                                  (ND118, "replaces", "in_force")]),
    ("which plans implement 2270/QĐ-TTg", "relations", IMPLEMENTS_2270),
    ("kế hoạch nào triển khai 2270/QĐ-TTg", "relations", IMPLEMENTS_2270),
    ("ke hoach nao trien khai 2270/QD-TTg", "relations", IMPLEMENTS_2270),
    ("which plans implement 2270/QĐ-TTg in Hà Giang", "relations", IMPLEMENTS_2270[:1]),
    ("which decisions implement 2270/QĐ-TTg", "relations", []),
    ("what is 15/KH-UBND based on", "relations", [("Luật Tổ chức chính quyền địa phương", "based_on", "in_force")]),
    ("which documents are based on 05-NQ/TU", "relations", [(QN205, "based_on", "in_force")]),
    ("van ban nao can cu vao 05-NQ/TU", "relations", [(QN205, "based_on", "in_force")]),
    # citations: by symbol, by a law's name
    ("who cites 05-NQ/TU in Quảng Ngãi 2016", "citations", [(QN205,), (QN211,)]),
    ("who cites 30c/NQ-CP", "citations", [(LS60,), (QN211,)]),
    ("văn bản nào trích dẫn 30c/NQ-CP", "citations", [(LS60,), (QN211,)]),
    ("who cites Luật Tổ chức chính quyền địa phương", "citations", [(HG15,)]),
    ("van ban nao trich dan Luat To chuc chinh quyen dia phuong", "citations", [(HG15,)]),
    ("who cites 61/2018/NĐ-CP", "citations", [(ND107,), (TT01,), (ND118,)]),
    ("what does 211/KH-UBND cite", "citations", CITED_BY_211),
    ("211/KH-UBND trích dẫn những văn bản nào", "citations", CITED_BY_211),
    # stale citations with dates
    ("stale citations", "stale", STALE),
    ("trich dan loi thoi", "stale", STALE),
    ("trích dẫn hết hiệu lực ở Quảng Ngãi", "stale", STALE[2:]),
    # an agency's tasks, scoped to a province
    ("what is Sở Nội vụ responsible for", "tasks", SNV_TASKS),
    ("what is Sở Nội vụ responsible for in Hà Giang", "tasks", SNV_TASKS[2:]),
    ("so noi vu lam gi o Quang Ngai", "tasks", SNV_TASKS[:2]),
    ("nhiệm vụ của Sở Nội vụ tỉnh Hà Giang", "tasks", SNV_TASKS[2:]),
    ("Sở Tư pháp chịu trách nhiệm gì", "tasks", [("Sở Tư pháp", "support", PLAN205, "2017-12-31")]),
]

SEARCHES = [
    ("search hài lòng", {(PLAN205, "I.+2"), (HG15, "-1"), (HG15, "-2"), (TQ300, "-1")}),
    ("tìm hài lòng ở Tuyên Quang", {(HG15, "-1"), (HG15, "-2"), (TQ300, "-1")}),
    ("search thủ tục hành chính", {(PLAN205, "a"), (LS60, "-2")}),
    ("tìm thủ tục hành chính", {(PLAN205, "a"), (LS60, "-2")}),
]

PIVOTS = [
    ("targets by province and year for satisfaction", ["2020", "2025", "2030"], [
        ("Hà Giang", "", "90%", ""), ("Quảng Ngãi", ">90%", "", ""), ("Tuyên Quang", "", "", ">95%")]),
    ("chỉ tiêu theo tỉnh và năm về DVC mức độ 4", ["2020"], [("Lạng Sơn", "≥40"), ("Quảng Ngãi", "40 (province)")]),
]


def test_the_suite_is_big_and_bilingual():
    questions = [s[0] for s in SUITE] + [s[0] for s in SEARCHES] + [p[0] for p in PIVOTS]
    english = [x for x in questions if re.match(r"(which|what|who|targets|documents|decisions|plans|relations|"
                                                r"stale|search)\b", x)]
    accentless = [x for x in questions if x not in english and fold_chars(x) == x.lower()]
    assert len(questions) >= 60 and len(set(questions)) == len(questions)
    assert len(english) >= 30 and len(questions) - len(english) >= 30 and len(accentless) >= 10


def check_provenance(ans: q.Answer) -> None:
    for r in ans.rows:
        assert r["document"] and r["doc_id"] and r["sources"], r
        assert "date" in r and "province" in r and "province_new" in r, r
        assert r["quote"], r


@pytest.mark.parametrize(("question", "kind", "expected"), SUITE, ids=[s[0] for s in SUITE])
def test_question(kb, question, kind, expected):
    ans = q.answer(kb, question, limit=None)
    assert ans.intent == kind
    assert [tuple(r[c] for c in SHAPES[kind]) for r in ans.rows] == expected
    assert ans.total == len(expected)
    check_provenance(ans)
    if not expected:
        assert ans.note  # an empty answer says which filter found nothing


@pytest.mark.parametrize(("question", "expected"), SEARCHES, ids=[s[0] for s in SEARCHES])
def test_search_question(kb, question, expected):
    ans = q.answer(kb, question, limit=None)
    assert {(r["document"], r["section"]) for r in ans.rows} == expected and ans.total == len(expected)
    check_provenance(ans)
    assert all("[" in r["quote"] for r in ans.rows)  # the snippet marks the match


@pytest.mark.parametrize(("question", "years", "expected"), PIVOTS, ids=[p[0] for p in PIVOTS])
def test_pivot_question(kb, question, years, expected):
    ans = q.answer(kb, question, limit=None)
    assert ans.columns == ["province", "province_new", *years, "documents"]
    assert [tuple(r[c] for c in ["province", *years]) for r in ans.rows] == expected
    assert all(r["documents"] for r in ans.rows)


# ---------------------------------------------------------------- one document, many files


def test_a_document_from_two_files_answers_once_with_both_sources(kb):
    ans = q.answer(kb, "documents issued by Quảng Ngãi in 2016", limit=None)
    assert [r["answer"] for r in ans.rows] == [QN172]
    assert ans.rows[0]["sources"] == ["other/172-congbao.txt", "qn/172.txt"]
    ans = q.answer(kb, "what does 205/QĐ-UBND repeal", limit=None)
    assert ans.total == 1 and ans.rows[0]["answer"] == QN172


def test_a_fact_keeps_the_file_that_gave_it(kb):
    row = q.answer(kb, "which provinces target exactly 40 DVC level 4").rows[0]
    assert row["found_in"] == ["qn/205.txt"] and row["sources"] == ["qn/205.txt"]


def test_two_provinces_plans_of_one_title_stay_two(kb):
    import sqlite3

    conn = sqlite3.connect(kb)
    idents = conn.execute("SELECT ident FROM documents_view WHERE symbol IS NULL").fetchall()
    assert all("|" in i for (i,) in idents)  # a title's key is qualified by province and date


# ---------------------------------------------------------------- counting and paging


def test_every_answer_counts_all_rows_and_shows_a_page(kb):
    ans = q.answer(kb, "stale citations", limit=2)
    assert ans.total == 3 and len(ans.rows) == 2
    ans = q.answer(kb, "stale citations", limit=2, offset=2)
    assert [r["document"] for r in ans.rows] == [QN211]
    data = json.loads(CliRunner().invoke(main, ["query", "stale citations", "--db", str(kb), "--limit", "1",
                                                "--json"]).output)
    assert data["total"] == 3 and data["shown"] == 1 and len(data["rows"]) == 1


def test_the_table_says_when_it_shows_part(kb):
    out = CliRunner().invoke(main, ["query", "stale citations", "--db", str(kb), "--limit", "1"]).output
    assert "(showing rows 1-1 of 3; --all shows every row" in out
    out = CliRunner().invoke(main, ["query", "stale citations", "--db", str(kb), "--all"]).output
    assert out.rstrip().endswith("(3 rows)")


def test_the_table_fits_the_terminal(kb):
    ans = q.answer(kb, "what is Sở Nội vụ responsible for", limit=None)
    for width in (120, 160, 200):
        lines = q.format_table(ans, width=width).splitlines()
        assert max(len(line) for line in lines[1:-1]) <= width, width


def test_an_empty_answer_names_the_filter(kb):
    assert q.answer(kb, "targets in Hà Tĩnh").note.startswith("no targets match province Hà Tĩnh")
    note = q.answer(kb, "which provinces target 41 DVC level 4").note
    assert note.startswith("no targets match value 41")
    note = q.answer(kb, "targets for satisfaction in Lạng Sơn").note
    assert note == "each filter alone finds targets, but none match all of them together"


# ---------------------------------------------------------------- the same filters, asked two ways


@pytest.mark.parametrize(("question", "args", "filters"), [
    ("targets for sipas in Quảng Ninh for 2025",
     ["targets", "--indicator", "sipas", "--province", "Quảng Ninh", "--year", "2025"],
     Filters("targets", indicator="sipas", province="Quảng Ninh", deadline=("=", 2025))),
    ("what replaces 62/2022/NĐ-CP", ["relations", "--to", "62/2022/NĐ-CP", "--kind", "replaces"],
     Filters("relations", direction="to", relations=("replaces",), doc="62/2022/NĐ-CP")),
    ("documents issued by Hà Tĩnh in 2025", ["documents", "--issuer", "Hà Tĩnh", "--issued", "2025"],
     Filters("documents", province="Hà Tĩnh", years=(2025, 2025))),
    ("what is Sở Nội vụ responsible for in Hà Tĩnh", ["tasks", "--agency", "Sở Nội vụ", "--province", "ha tinh"],
     Filters("tasks", agency="Sở Nội vụ", province="Hà Tĩnh")),
    ("stale citations in Quảng Ngãi", ["stale", "--province", "Quảng Ngãi"], Filters("stale", province="Quảng Ngãi")),
    ("which provinces target at least 90% satisfaction by 2020",
     ["targets", "--indicator", "satisfaction", "--value", ">=90%", "--by", "2020"],
     Filters("targets", indicator="satisfaction", value=(">=", 90.0), unit="percent", deadline=("<=", 2020))),
    ("who cites 30c/NQ-CP", ["relations", "--to", "30c/NQ-CP", "--kind", "cites"],
     Filters("relations", direction="to", relations=("cites",), doc="30c/NQ-CP")),
])
def test_a_question_and_the_explicit_command_are_the_same_filters(kb, question, args, filters):
    assert parse(question) == filters
    explained_q = CliRunner().invoke(main, ["query", question, "--db", str(kb), "--explain"]).output
    explained_c = CliRunner().invoke(main, [*args, "--db", str(kb), "--explain"]).output
    assert explained_q == explained_c and explained_q.startswith("asks: ")


def test_explain_prints_the_filters(kb):
    out = CliRunner().invoke(main, ["query", "which plans implement 2270/QĐ-TTg", "--db", str(kb), "--explain"]).output
    assert out.splitlines() == [
        "asks: relations (to)",
        "filter: to 2270/QĐ-TTg (2 keys: 2270/QĐ-TTg, vn/2023/2270/QĐ-TTg)",
        "filter: relation implements",
        "filter: type Kế hoạch",
        "matches: 2"]


# ---------------------------------------------------------------- errors a user can cause


@pytest.mark.parametrize(("args", "first"), [
    (["query", "how are you"], "Error: cannot read the question 'how are you'; questions like it that can be asked:"),
    (["query", "targets in Atlantis"], "Error: unknown province 'Atlantis'"),
    (["query", "targets for số điện thoại"], "Error: no indicator matches 'số điện thoại'; nearest: "),
    (["query", "documents issued by Hà Tĩnh blah"], "Error: cannot read 'issued by Hà Tĩnh blah' in the question"),
    (["targets", "--province", "Atlantis"], "Error: unknown province 'Atlantis'; nearest: "),
    (["targets", "--value", "lots"], "Error: --value takes a number"),
    (["relations", "--kind", "amends"], "Error: give --to DOCUMENT or --from DOCUMENT"),
    (["documents", "--issued", "2020-2016"], "Error: the period 2020-2016 ends before it starts"),
])
def test_errors_are_one_line(kb, args, first):
    result = CliRunner().invoke(main, [*args, "--db", str(kb)])
    assert result.exit_code == 1
    assert result.output.startswith(first), result.output
    assert "Traceback" not in result.output


def test_an_unreadable_question_gets_three_nearby_examples(kb):
    result = CliRunner().invoke(main, ["query", "how many provinces are there", "--db", str(kb)])
    lines = result.output.splitlines()
    assert result.exit_code == 1 and lines[0].startswith("Error: cannot read the question")
    assert len(lines) == 4 and all(line.startswith("  ") for line in lines[1:])
    examples = {ex for f in grammar()["forms"] for ex in f["examples"]}
    assert all(line.strip() in examples for line in lines[1:])


def test_help_shows_one_example_of_each_form():
    out = CliRunner().invoke(main, ["query", "--help"]).output
    for ask in ("targets", "table", "documents", "relations", "citations", "stale", "tasks", "search"):
        assert re.search(rf"^\s+{ask}\s+vnplan query ", out, re.M), ask


def test_indicator_by_plain_name_is_exact_not_near():
    cands = [{"id": "satisfaction", "name": "Citizen satisfaction rate", "texts": ["mức độ hài lòng", "satisfaction"]},
             {"id": "sipas", "name": "SIPAS", "texts": ["chỉ số SIPAS", "satisfaction index of public services"]},
             {"id": "online_services_level4", "name": "L4", "texts": ["DVC mức độ 4"]},
             {"id": "online_services_full", "name": "full", "texts": ["DVC toàn trình", "DVC mức độ 4"]}]
    assert [c["id"] for c in q.match_indicator("satisfaction", cands)[0]] == ["satisfaction"]
    assert [c["id"] for c in q.match_indicator("mức độ hài lòng", cands)[0]] == ["satisfaction"]
    assert [c["id"] for c in q.match_indicator("SIPAS", cands)[0]] == ["sipas"]
    assert {c["id"] for c in q.match_indicator("DVC level 4", cands)[0]} == {"online_services_level4",
                                                                             "online_services_full"}
    with pytest.raises(VnplanError, match="no indicator matches 'DVC level 5'"):
        q.match_indicator("DVC level 5", cands)


# ---------------------------------------------------------------- grammar data


def test_every_grammar_example_reads_as_its_form():
    g = grammar()
    for form in g["forms"]:
        for ex in form["examples"]:
            assert parse(ex).ask in (form["ask"], "relations"), ex
            assert re.fullmatch(__import__("vnplan.outputs.questions", fromlist=["expand"]).expand(form["pattern"]),
                                fold_chars(ex)), ex
    for entry in [*g["doctypes"], *g["relations"], *g["comparators"], *g["units"], *g["deadline_ops"]]:
        assert all(fold_chars(ex).replace(",", "") in entry["words"] for ex in entry["examples"]), entry
    for ex in g["doc_ref"]["examples"]:
        parse_doc_ref(ex)


def test_every_kind_of_question_has_its_answer():
    from vnplan.outputs.questions import ASKS

    assert set(ASKS) == set(q.ASKERS) == {f["ask"] for f in grammar()["forms"]}


def test_csv_for_excel_has_a_bom_and_long_text_last(kb):
    out = CliRunner().invoke(main, ["query", "what is Sở Nội vụ responsible for", "--db", str(kb), "--csv",
                                    "--bom"]).output
    assert out.startswith("\ufeff")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0][-1] == "quote" and all(len(r) == len(rows[0]) for r in rows) and len(rows) == 4
    # No cell Excel would read as a formula: the bullet `- Sở Nội vụ ...` and the section `-1` are text.
    assert [r[rows[0].index("section")] for r in rows[1:]] == ["'-1", "a", "'-2"]
    assert rows[1][-1] == "Sở Nội vụ chủ trì tổng hợp báo cáo, trước ngày 15/12/2017."


# ---------------------------------------------------------------- real files: one decree as a PDF and as text

DATA = Path(__file__).resolve().parent / "data"
TT01_2025 = ("pdf/thong-tu-so-01-2025-tt-bldtbxh-43956.pdf", "txt/thong-tu-so-01-2025-tt-bldtbxh-43956.txt")


@pytest.fixture(scope="module")
def twin_kb(tmp_path_factory) -> Path:
    """The same circular from the Official Gazette's PDF and from its text, as `vnplan ingest` stores them."""
    from vnplan import store
    from vnplan.run import process_file

    path = tmp_path_factory.mktemp("twins") / "kb.sqlite"
    db = store.open_db(path)
    for name in TT01_2025:
        store.write_result(db, str(DATA / name), process_file(DATA / name), run_id=None)
    store.index_pending(db)
    db.close()
    return path


def test_a_document_from_a_pdf_and_a_text_is_one_document(twin_kb):
    ans = q.answer(twin_kb, "documents issued by Bộ Lao động - Thương binh và Xã hội in 2025", limit=None)
    assert [(r["answer"], r["date"]) for r in ans.rows] == [("Thông tư 01/2025/TT-BLĐTBXH", "2025-01-10")]
    assert sorted(Path(p).suffix for p in ans.rows[0]["sources"]) == [".pdf", ".txt"]


def test_its_legal_bases_answer_once_each_with_both_files(twin_kb):
    # The three `Căn cứ` lines of the circular, stated by both files.
    ans = q.answer(twin_kb, "what is 01/2025/TT-BLĐTBXH based on", limit=None)
    assert sorted(r["answer"] for r in ans.rows) == ["115/2015/NĐ-CP", "134/2015/NĐ-CP", "62/2022/NĐ-CP"]
    for r in ans.rows:
        assert sorted(Path(p).suffix for p in r["sources"]) == [".pdf", ".txt"]
        assert sorted(Path(p).suffix for p in r["found_in"]) == [".pdf", ".txt"]
    ans = q.answer(twin_kb, "văn bản nào căn cứ vào 115/2015/NĐ-CP", limit=None)
    assert [r["answer"] for r in ans.rows] == ["Thông tư 01/2025/TT-BLĐTBXH"]


# ---------------------------------------------------------------- real documents of the shared corpus (skipped without it)

HA_TINH = ("tvpl-2025/69db23c781b2e9aa.md",  # Kế hoạch 624/KH-UBND: `Thực hiện Quyết định số 2270/QĐ-TTg ...`
           "tvpl-2025/a5b95740527e665d.md")  # Quyết định 75/2025/QĐ-UBND: `Bãi bỏ toàn bộ Quyết định số 14/2025/...`


@pytest.fixture(scope="module")
def ha_tinh_kb(tmp_path_factory) -> Path:
    from vnplan import store
    from vnplan.run import process_file

    from .conftest import shared_dir

    corpus = shared_dir("corpus")
    path = tmp_path_factory.mktemp("hatinh") / "kb.sqlite"
    db = store.open_db(path)
    for name in HA_TINH:
        store.write_result(db, str(corpus / name), process_file(corpus / name), run_id=None)
    store.index_pending(db)
    db.close()
    return path


@pytest.mark.parametrize(("question", "expected"), [
    ("documents issued by Hà Tĩnh", [("Kế hoạch 624/KH-UBND", "2025-11-19"), ("Quyết định 75/2025/QĐ-UBND", "2025-11-20")]),
    ("van ban do Ha Tinh ban hanh", [("Kế hoạch 624/KH-UBND", "2025-11-19"), ("Quyết định 75/2025/QĐ-UBND", "2025-11-20")]),
    ("which plans implement 2270/QĐ-TTg", [("Kế hoạch 624/KH-UBND", "2025-11-19")]),
    ("kế hoạch nào thực hiện 2270/QĐ-TTg", [("Kế hoạch 624/KH-UBND", "2025-11-19")]),
    ("which decisions implement 2270/QĐ-TTg", []),
    ("what repealed 14/2025/QĐ-UBND in Hà Tĩnh", [("Quyết định 75/2025/QĐ-UBND", "2025-11-20")]),
    ("14/2025/QD-UBND bi bai bo boi van ban nao", [("Quyết định 75/2025/QĐ-UBND", "2025-11-20")]),
    ("what repealed 14/2025/QĐ-UBND in Quảng Ngãi", []),
])
def test_shared_corpus_questions(ha_tinh_kb, question, expected):
    ans = q.answer(ha_tinh_kb, question, limit=None)
    date = "answer_date" if ans.intent == "relations" else "date"
    assert [(r["answer"], r[date]) for r in ans.rows] == expected
    check_provenance(ans)
    assert all(r["province"] == "Hà Tĩnh" and len(r["sources"]) == 1 for r in ans.rows)


@pytest.mark.parametrize("question", ["committed vs achieved PAR INDEX in Quảng Ninh",
                                      "cam kết và kết quả chỉ số CCHC ở Quảng Ninh",
                                      "chi tieu so voi ket qua par index tinh Quang Ninh"])
def test_committed_vs_achieved_reads_indicator_and_province(question):
    f = parse(question)
    assert f.ask == "progress" and f.province == "Quảng Ninh"
    assert fold_chars(f.indicator).lower() in ("par index", "chi so cchc")


def test_committed_vs_achieved_answers_from_the_timeline(tmp_path):
    """The seed's PAR INDEX commitment for 2022 is on Quảng Ninh's timeline, with its source."""
    from vnplan.ingest import ingest

    from .conftest import CORPUS

    db = tmp_path / "kb.sqlite"
    ingest([CORPUS / "003_4fd5dceadbfd37ff.txt"], db)
    ans = q.answer(db, "committed vs achieved PAR INDEX in Quảng Ninh")
    rows = [(r["year"], r["committed"]) for r in ans.rows]
    assert (2022, "= 93.157 points (province)") in rows
    assert all(r["province"] == "Quảng Ninh" and r["doc_id"] and r["quote"] for r in ans.rows)
    assert ans.total == len(ans.rows)
    with pytest.raises(VnplanError):
        q.answer(db, "committed vs achieved in Quảng Ninh")


def test_progress_command_is_the_question(tmp_path):
    from vnplan.ingest import ingest

    from .conftest import CORPUS

    db = tmp_path / "kb.sqlite"
    ingest([CORPUS / "003_4fd5dceadbfd37ff.txt"], db)
    run = CliRunner().invoke(main, ["progress", "--db", str(db), "--indicator", "PAR INDEX", "--province", "quang ninh",
                                    "--explain"])
    asked = CliRunner().invoke(main, ["query", "--db", str(db), "--explain", "committed vs achieved PAR INDEX in Quảng Ninh"])
    assert run.exit_code == 0 and asked.exit_code == 0
    assert run.output == asked.output
