"""Datasette: the metadata file describes the tables, and every canned query answers with rows."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .test_store import make_kb

datasette_app = pytest.importorskip("datasette.app")

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
def ds(tmp_path_factory):
    path = make_kb(tmp_path_factory.mktemp("ds") / "vnplan.sqlite")
    return datasette_app.Datasette([str(path)], metadata=json.loads(METADATA.read_text(encoding="utf-8")))


def get(ds, url: str):
    return asyncio.run(ds.client.get(url))


def test_metadata_describes_every_table_and_view(ds):
    import sqlite3

    meta = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["vnplan"]
    path = ds.databases["vnplan"].path
    names = {r[0] for r in sqlite3.connect(path).execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sections_fts%'")}
    assert names == set(meta["tables"])
    assert set(PARAMS) == set(meta["queries"])


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_canned_query_returns_rows(ds, name):
    resp = get(ds, f"/vnplan/{name}.json?" + urlencode({**PARAMS[name], "_shape": "array"}))
    assert resp.status_code == 200, resp.text
    rows = resp.json()
    assert rows, name
    text = json.dumps(rows, ensure_ascii=False)
    assert "doc_id" in rows[0] and ("quote" in rows[0] or "snippet" in rows[0])
    if name == "targets_by_indicator":
        assert {r["province"] for r in rows} == {"Quảng Ngãi", "Lạng Sơn"}
    if name == "committed_vs_achieved":
        assert [(r["year"], r["target_comparator"], r["target_value"], r["met"]) for r in rows] == [
            (2020, ">", 90.0, "unknown")]
    if name == "what_repealed":
        assert [r["by_document"] for r in rows] == ["Quyết định 205/QĐ-UBND"]
    assert "Error" not in text


def test_table_pages_and_descriptions_render(ds):
    resp = get(ds, "/vnplan/targets_view")
    assert resp.status_code == 200
    assert "Targets as a person reads them" in resp.text


def test_committed_vs_achieved_dashboard(tmp_path):
    """datasette-dashboards draws the chart in the browser (tests/test_browser.py); here, its page and data."""
    pytest.importorskip("datasette_dashboards")
    from .progress_helpers import make_progress_kb

    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    ds = datasette_app.Datasette([str(make_progress_kb(tmp_path / "vnplan.sqlite"))], metadata=meta)
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
