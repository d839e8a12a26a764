"""`vnplan browse`: Datasette with the project's metadata under any file name, every canned query
answering, the canned search matching `vnplan query search`, and paths, texts and SQL hidden unless asked."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from vnplan.cli import main
from vnplan.outputs import browse
from vnplan.outputs import query as q
from vnplan.outputs.questions import Filters

from .test_store import make_kb

datasette_app = pytest.importorskip("datasette.app")
httpx = pytest.importorskip("httpx")

METADATA = Path(__file__).resolve().parent.parent / "outputs" / "datasette.json"

# Parameters for each canned query, chosen from the test knowledge base.
PARAMS = {
    "targets_by_indicator": {"indicator": "DVC mức độ 4", "value": "40", "province": "", "year": ""},
    "what_repealed": {"symbol": "172/QĐ-UBND", "province": "Quảng Ngãi"},
    "what_does_it_repeal": {"symbol": "205/QĐ-UBND"},
    "who_cites": {"symbol": "05-NQ/TU", "province": ""},
    "stale_citations": {},
    "repealed_documents": {},
    "agency_responsibilities": {"agency": "Sở Nội vụ"},
    "search_sections": {"q": "hài lòng"},
    "committed_vs_achieved": {"indicator": "satisfaction", "province": "Quảng Ngãi"},
}


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory) -> Path:
    # Not called vnplan.sqlite: the metadata must apply whatever the file is called.
    return make_kb(tmp_path_factory.mktemp("ds") / "my-kb.sqlite")


def get(app, url: str):
    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            return await c.get(url)
    return asyncio.run(go())


@pytest.fixture(scope="module")
def app(kb_path):
    return browse.make_app(kb_path)[1]


DB = "/my-kb"


def test_metadata_describes_every_table_and_view(kb_path):
    meta = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["vnplan"]
    names = {r[0] for r in sqlite3.connect(kb_path).execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sections_fts%'")}
    assert names == set(meta["tables"])
    assert set(PARAMS) == set(meta["queries"])
    # The file works on its own (datasette -m) and runs the same search as vnplan browse.
    assert meta["queries"]["search_sections"]["sql"] == browse.SEARCH_SQL


def test_metadata_is_filed_under_the_database_name(kb_path):
    meta = browse.datasette_metadata(kb_path)
    assert list(meta["databases"]) == ["my-kb"]
    assert meta["databases"]["my-kb"]["tables"]["targets_view"]["facets"] == [
        "province", "deadline_year", "indicator", "document_type"]


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_canned_query_returns_rows(app, name):
    resp = get(app, f"{DB}/{name}.json?" + urlencode({**PARAMS[name], "_shape": "array"}).replace("+", "%20"))
    assert resp.status_code == 200, resp.text
    rows = resp.json()
    assert rows, name
    assert "doc_id" in rows[0] and ("quote" in rows[0] or "snippet" in rows[0])
    if name == "targets_by_indicator":
        assert {r["province"] for r in rows} == {"Quảng Ngãi", "Lạng Sơn"}
    if name == "committed_vs_achieved":
        assert [(r["year"], r["target_comparator"], r["target_value"], r["met"]) for r in rows] == [
            (2020, ">", 90.0, "unknown")]
    if name == "what_repealed":
        assert [r["by_document"] for r in rows] == ["Quyết định 205/QĐ-UBND"]
    if name == "stale_citations":
        assert [(r["citing_document"], r["citing_date"], r["by_date"], r["when"]) for r in rows] == [
            ("Kế hoạch 211/KH-UBND", "2017-12-28", "2017-03-13", "before_issue")]


def test_table_pages_and_descriptions_render(app):
    resp = get(app, f"{DB}/targets_view")
    assert resp.status_code == 200
    assert "Targets as a person reads them" in resp.text


def test_committed_vs_achieved_dashboard(tmp_path):
    """datasette-dashboards draws the chart in the browser (tests/test_browser.py); here, its page and data."""
    pytest.importorskip("datasette_dashboards")
    from .progress_helpers import make_progress_kb

    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    ds = datasette_app.Datasette([str(make_progress_kb(tmp_path / "vnplan.sqlite"))], metadata=meta).app()
    board = meta["plugins"]["datasette-dashboards"]["committed-vs-achieved"]
    first = get(ds, "/-/dashboards/committed-vs-achieved")  # redirects to the default filters
    assert first.status_code == 302 and "indicator=par_index" in first.headers["location"]
    assert get(ds, first.headers["location"]).status_code == 200
    sql = board["charts"]["chart"]["query"]
    resp = get(ds, "/vnplan.json?" + urlencode({"sql": sql, "indicator": "par_index", "unit": "points",
                                                "province": "Quảng Ninh", "_shape": "array"}))
    assert [(r["year"], r["side"], r["value"]) for r in resp.json()] == [
        (2021, "achieved", 91.14), (2022, "target", 93.157), (2022, "achieved", 90.3)]
    # The table "chart" of the plugin writes cells as HTML: never used here, as cells hold document text.
    assert all(c["library"] in ("vega-lite", "markdown") for c in board["charts"].values())


@pytest.mark.parametrize("words", ["hài lòng", "thủ tục hành chính", "hành chính thủ tục", "Sở", '"OR" NEAR'])
def test_canned_search_matches_vnplan_search(app, kb_path, words):
    resp = get(app, f"{DB}/search_sections.json?" + urlencode({"q": words, "_shape": "array"}).replace("+", "%20"))
    canned = {(r["document"], r["section"]) for r in resp.json()}
    ans = q.ask(kb_path, Filters("search", words=words), limit=None)
    assert canned == {(r["document"], r["section"]) for r in ans.rows}
    assert len(canned) == ans.total


@pytest.mark.parametrize("url", [f"{DB}/files.json", f"{DB}/rejects.json", f"{DB}/ingest_runs.json",
                                 f"{DB}/document_files.json", f"{DB}/texts.json", "/-/databases.json",
                                 f"{DB}.json?sql=select+path+from+files"])
def test_paths_texts_and_sql_are_hidden(app, kb_path, url):
    resp = get(app, url)
    assert resp.status_code == 403
    assert str(kb_path.parent) not in resp.text


def test_hidden_things_shown_when_asked(kb_path):
    _ds, app = browse.make_app(kb_path, show_paths=True, show_texts=True, allow_sql=True)
    assert get(app, f"{DB}/files.json?_shape=array").json()[0]["path"] == "ls/60.txt"
    assert get(app, f"{DB}/texts.json").status_code == 200
    assert str(kb_path) in get(app, "/-/databases.json").text
    assert get(app, f"{DB}.json?sql=select+1").status_code == 200


def test_index_pages_show_no_server_path(app, kb_path):
    for url in ("/", DB, f"{DB}/documents_view", f"{DB}/targets_view?_facet=province"):
        resp = get(app, url)
        assert resp.status_code == 200 and str(kb_path.parent) not in resp.text, url
    assert "Targets as a person reads them" in get(app, f"{DB}/targets_view").text


def test_browse_command_serves_on_localhost(monkeypatch, kb_path):
    seen = {}
    monkeypatch.setattr("uvicorn.run", lambda app, host, port, log_level: seen.update(host=host, port=port))
    result = CliRunner().invoke(main, ["browse", "--db", str(kb_path), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert seen == {"host": "127.0.0.1", "port": 8123}


def test_browse_missing_database_is_one_error_line(tmp_path):
    result = CliRunner().invoke(main, ["browse", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"Error: no database at {tmp_path / 'none.sqlite'}; run `vnplan ingest` first"


def test_excel_download_has_a_bom_and_long_text_last(app):
    resp = get(app, f"{DB}/targets_view.excel?_size=max")
    assert resp.status_code == 200 and resp.text.startswith("\ufeff")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(resp.text.lstrip("\ufeff"))))
    assert rows[0][-1] == "quote" and len(rows) == 5 and all(len(r) == len(rows[0]) for r in rows)
    assert {r[rows[0].index("province")] for r in rows[1:]} == {"Quảng Ngãi", "Lạng Sơn"}
