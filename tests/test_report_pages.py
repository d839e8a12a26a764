"""The report where a reader stumbled (issue #24, point 5), and its new parts: charts, citation graph,
province pages and the index (point 3)."""

from __future__ import annotations

import re
import sqlite3

import pytest
from click.testing import CliRunner
from vnplan.cli import main
from vnplan.kinds import BY_NAME, KINDS
from vnplan.models import Citation
from vnplan.outputs.report import render_page

from .conftest import SEEDS, run_seed
from .progress_helpers import QN_205KH, make_progress_kb
from .test_report import check_html


@pytest.fixture(scope="module")
def pkb(tmp_path_factory):
    return make_progress_kb(tmp_path_factory.mktemp("pages") / "kb.sqlite")


@pytest.fixture(scope="module")
def site(pkb, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(main, ["report", "--all", "--db", str(pkb), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def seed_pages() -> list[tuple[str, str]]:
    out = []
    for path in SEEDS:
        result = run_seed(path.name)
        for d in result.documents:
            out.append((d.doc_id, render_page(result, [d])))
    return out


@pytest.fixture(scope="module")
def pages():
    return seed_pages()


def side(page: str, heading: str) -> str:
    """The side-list block under a heading like `deadlines (`."""
    m = re.search(rf"<h2>{re.escape(heading)} \(\d+\)</h2><ol class=\"facts\">(.*?)</ol>", page, re.S)
    return m.group(1) if m else ""


# ---------------------------------------------------------------- point 5


@pytest.mark.parametrize(("citation", "summary"), [
    (dict(type="Luật", title="Luật Tổ chức chính quyền địa phương", year=2015),
     "Luật Tổ chức chính quyền địa phương (2015)"),
    (dict(type="Quyết định", quote="Quyết định này", self_ref=True), "Quyết định này"),
    (dict(type="Kế hoạch", title="Kế hoạch kiểm soát thủ tục hành chính năm 2022", year=2022),
     "Kế hoạch kiểm soát thủ tục hành chính năm 2022 (2022)"),
    (dict(type="Nghị quyết", symbol="05-NQ/TU", year=2016), "Nghị quyết 05-NQ/TU (2016)"),
    (dict(type="Luật", title="Tổ chức Chính phủ"), "Luật Tổ chức Chính phủ"),
])
def test_type_word_is_not_doubled(citation, summary):
    c = Citation(doc_id="d", section="", start=0, end=1, rule="t", **{"quote": "x", **citation})
    assert BY_NAME["citations"].summary(c) == summary


def test_no_seed_page_doubles_a_type_word(pages):
    doubled = re.compile(r"<b>(Luật|Quyết định|Kế hoạch|Nghị quyết|Nghị định|Đề án|Chỉ thị|Thông tư|Chương trình) \1\b")
    assert [(doc_id, m.group(0)) for doc_id, page in pages for m in doubled.finditer(page)] == []


def test_signing_date_is_a_date_not_a_deadline(pages):
    page = dict(pages)["871b281e39e39c91:0"]  # Quảng Ngãi 205/QĐ-UBND, "Quảng Ngãi, ngày 13 tháng 3 năm 2017"
    assert "tháng 3 năm 2017" not in side(page, "deadlines")
    assert "signing date: 2017-03-13" in side(page, "dates of documents")


def test_dates_inside_citations_are_dates_of_cited_documents(pages):
    page = dict(pages)["84ea6046e9490a5c:0"]
    dates = side(page, "dates of documents")
    assert "date of a cited document" in dates
    for quote in re.findall(r'<span class="q">“([^”]*)”', side(page, "deadlines")):
        assert not re.fullmatch(r"tháng \d+ năm \d{4}", quote), quote


def test_no_empty_quote_in_any_seed_page(pages):
    assert all("“”" not in page for _, page in pages)
    plan = dict(pages)["871b281e39e39c91:1"]  # one of its targets has an empty span and quote
    assert 'class="noquote">no quote recorded; the text at ' in plan


def test_every_entry_has_its_number_and_the_marked_ones_link_back(pages):
    for doc_id, page in pages:
        entries = re.findall(r'<li id="fact-(\d+)">(<a class="num" href="#ref-(\d+)"|<span class="num")', page)
        assert entries, doc_id
        labels = set(re.findall(r'id="ref-(\d+)"', page))
        for n, _, back in entries:
            assert not back or (back == n and n in labels), (doc_id, n)
        assert {n for n, _, back in entries if back} == labels


def test_side_list_headings_use_plural_names(pages):
    page = dict(pages)["871b281e39e39c91:1"]
    assert "<h2>agencies (" in page and "agencys" not in page


def test_legend_boxes_switch_their_kind(pages):
    page = pages[0][1]
    for k in KINDS:
        assert f'<input type="checkbox" data-kind="{k.css}" checked>' in page
        assert f'.document:has(.legend input[data-kind="{k.css}"]:not(:checked)) a.lbl.{k.css}{{display:none}}' in page


def test_pages_forbid_script_and_balance(pages):
    for _, page in pages:
        assert "script-src" not in page  # default-src 'none' covers it
        assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';" in page
        check_html(page)


# ---------------------------------------------------------------- point 3: charts, graph, index


def test_document_page_has_chart_table_and_graph(pkb, tmp_path):
    doc_id = sqlite3.connect(pkb).execute("SELECT doc_id FROM documents WHERE symbol = '205/KH-UBND'").fetchone()[0]
    out = tmp_path / "p.html"
    result = CliRunner().invoke(main, ["report", doc_id, "--db", str(pkb), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    check_html(page)
    assert page.count('<img src="data:image/svg+xml;base64,') == 2  # PAR INDEX and SIPAS
    assert ("<td>PAR INDEX</td><td>Quảng Ninh</td><td class=\"n\">2021</td><td></td>"
            "<td>91.14 points (rank 2 of 63)</td><td>unknown</td>") in page
    assert "<td>= 93.157 points</td><td>90.3 points (rank 3 of 63)</td><td>no</td>" in page
    graph = re.search(r"<svg class=\"citegraph\".*?</svg>", page, re.S).group(0)
    assert "based on:</tspan> 362/QĐ-BNV" in graph
    bc = sqlite3.connect(pkb).execute("SELECT doc_id FROM documents WHERE symbol = '12/BC-UBND'").fetchone()[0]
    assert f'<a href="{bc.replace(":", "_")}.html"><text' in graph and "implemented by:</tspan> Báo cáo 12/BC-UBND" in graph
    # The script in the document's text is shown as text.
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" in page


def test_report_of_a_file_charts_its_own_facts(tmp_path):
    src = tmp_path / "qn.txt"
    src.write_text(SEEDS[3].read_text(encoding="utf-8"), encoding="utf-8")  # Quảng Ninh 205/KH-UBND
    out = tmp_path / "qn.html"
    result = CliRunner().invoke(main, ["report", str(src), "--db", str(tmp_path / "none.sqlite"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<h2>Committed vs achieved</h2>" in page and "= 93.157 points" in page
    links = set(re.findall(r'href="([^"#][^"]*)"', page))
    assert links == set(), links  # a page of its own: nothing points to pages that were not written


def test_index_lists_documents_by_province_year_and_type(site, pkb):
    index = (site / "index.html").read_text(encoding="utf-8")
    check_html(index)
    order = re.findall(r'<section class="progress" id="p-([a-z-]+)">', index)
    assert order == ["lang-son", "quang-ngai", "quang-ninh"]
    qn = index[index.index('id="p-quang-ninh"'):]
    rows = re.findall(r'<tr><td class="n">(\d{4})</td><td>([^<]+)</td><td><a href="([^"]+)">([^<]+)</a>', qn)
    assert [(y, t, label) for y, t, _, label in rows] == [("2022", "Kế hoạch", "Kế hoạch 205/KH-UBND"),
                                                         ("2023", "Báo cáo", "Báo cáo 12/BC-UBND")]
    heads = re.findall(r"<th>([^<]+)</th>", index[index.index('id="p-quang-ninh"'):])[:12]
    assert heads[4:4 + len(KINDS)] == [k.name for k in KINDS]
    n_docs = sqlite3.connect(pkb).execute("SELECT count(*) FROM documents").fetchone()[0]
    assert len(re.findall(r'<td><a href="[0-9a-f]{16}_\d+\.html">', index)) == n_docs


def test_province_page_charts_every_indicator_with_data(site):
    page = (site / "province-quang-ninh.html").read_text(encoding="utf-8")
    check_html(page)
    assert page.count('<figure class="chart">') == 2
    assert '<a href="index.html">All documents</a> › Quảng Ninh' in page
    ngai = (site / "province-quang-ngai.html").read_text(encoding="utf-8")
    # Quảng Ngãi has targets for 2020 only and no results: a table row, no chart, and a note saying so.
    assert '<figure class="chart">' not in ngai and "are in the table, not charted" in ngai


def test_every_link_of_the_site_resolves(site):
    names = {p.name for p in site.iterdir()}
    for p in site.iterdir():
        page = p.read_text(encoding="utf-8")
        ids = set(re.findall(r'id="([^"]+)"', page))
        for href in re.findall(r'href="([^"]+)"', page):
            target, _, frag = href.partition("#")
            if target:
                assert target in names, (p.name, href)
            elif frag:
                assert frag in ids, (p.name, href)


def test_script_in_the_document_is_inert_text_on_every_page(site):
    for p in site.iterdir():
        page = p.read_text(encoding="utf-8")
        assert "<script" not in page and "onerror=" not in page.replace("onerror=&quot;", ""), p.name
    assert QN_205KH.count("<script>") == 1


@pytest.mark.parametrize("args", [
    ["report", "--all", "--out", "{blocker}/site"],
    ["chart", "par_index", "--out", "{blocker}/c"],
])
def test_unwritable_output_is_one_error_line(pkb, tmp_path, args):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    argv = [a.format(blocker=blocker) for a in args] + ["--db", str(pkb)]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1 and result.output.startswith(f"Error: cannot write {blocker}/")
    assert result.output.count("\n") == 1, result.output


def test_report_of_a_document_to_an_unwritable_path(pkb, tmp_path):
    doc_id = sqlite3.connect(pkb).execute("SELECT doc_id FROM documents LIMIT 1").fetchone()[0]
    (tmp_path / "f").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", doc_id, "--db", str(pkb), "--out", str(tmp_path / "f" / "p.html")])
    assert result.output == f"Error: cannot write {tmp_path / 'f' / 'p.html'}: Not a directory\n"
