"""`vnplan report --all`: every document's page, one page per province, and an index linking them all.

`index.html` lists the documents by province, then year and type, with how many facts of each
kind each holds; every document name links to its page and every province to its page. A
province page lists its documents and charts each indicator it has targets or results for
(committed vs achieved, all its documents together). All pages are written into one folder and
link to each other by relative names, so the folder can be copied or opened from disk as it is.
"""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path
from typing import Any

from vnplan.errors import VnplanError
from vnplan.kinds import KINDS
from vnplan.outputs.export import load_result
from vnplan.outputs.query import connect_ro
from vnplan.outputs.report import (
    head,
    page_name,
    pages_in,
    progress_section,
    render_page,
    write_file,
)
from vnplan.resolve import slug
from vnplan.text.normalize import strip_accents

INDEX = "index.html"
NO_PROVINCE = "No province (national, or not stated)"


def province_page(province: str) -> str:
    """`Quảng Ninh` -> `province-quang-ninh.html`."""
    return f"province-{slug(province)}.html"


def fact_columns(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(heading, table) of every fact table to count: the registered kinds, and achievements if not yet one."""
    cols = [(k.name, k.table) for k in KINDS]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "achievements" in tables and "achievements" not in {t for _, t in cols}:
        cols.append(("achievements", "achievements"))
    return cols


def documents(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every document with its label, province, year, type, status and fact counts by kind."""
    docs = {r["doc_id"]: dict(r) for r in conn.execute(
        "SELECT d.doc_id, d.label, d.type, d.date, d.year, d.province, d.province_new, d.title, s.status, "
        "s.by_document FROM documents_view d LEFT JOIN document_status s ON s.doc_id = d.doc_id")}
    for name, table in fact_columns(conn):
        for d in docs.values():
            d[name] = 0
        for doc_id, n in conn.execute(f"SELECT doc_id, count(*) FROM [{table}] GROUP BY doc_id"):
            if doc_id in docs:
                docs[doc_id][name] = n
    return sorted(docs.values(), key=lambda d: (d["year"] or 0, d["type"] or "", d["label"] or ""))


def _province_key(name: str | None) -> tuple[int, str]:
    return (1, "") if name is None else (0, strip_accents(name).lower())


def docs_table(docs: list[dict[str, Any]], kinds: list[str]) -> str:
    """Documents by year and type, each linking to its page, with fact counts."""
    heads = "".join(f"<th>{html.escape(k)}</th>" for k in kinds)
    out = [f'<table class="docs"><thead><tr><th>year</th><th>type</th><th>document</th><th>title</th>{heads}'
           "<th>status</th></tr></thead><tbody>"]
    for d in docs:
        counts = "".join(f'<td class="n">{d[k]}</td>' for k in kinds)
        status = "in force" if (d["status"] or "in_force") == "in_force" else f"{d['status']} by {d['by_document']}"
        out.append(f'<tr><td class="n">{d["year"] or "?"}</td><td>{html.escape(d["type"] or "?")}</td>'
                   f'<td><a href="{page_name(d["doc_id"])}">{html.escape(d["label"])}</a></td>'
                   f'<td>{html.escape(d["title"] or "")}</td>{counts}<td>{html.escape(status)}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def render_index(docs: list[dict[str, Any]], kinds: list[str]) -> str:
    """The index page: every document, by province, then year and type."""
    by_prov: dict[str | None, list[dict[str, Any]]] = {}
    for d in docs:
        by_prov.setdefault(d["province"], []).append(d)
    provinces = sorted(by_prov, key=_province_key)
    totals = ", ".join(f"{k} {sum(d[k] for d in docs)}" for k in kinds)
    out = [head("vnplan: documents"),
           '<header><h1>Documents</h1><div class="meta">'
           f"{len(docs)} documents from {len([p for p in provinces if p])} provinces · facts: {html.escape(totals)}"
           "</div></header>",
           '<section class="progress"><h2>Provinces</h2><p>'
           + " · ".join(f'<a href="#p-{slug(p)}">{html.escape(p)}</a> ({len(by_prov[p])})' for p in provinces if p)
           + (f' · <a href="#p-none">{NO_PROVINCE}</a> ({len(by_prov[None])})' if None in by_prov else "")
           + "</p></section>"]
    for p in provinces:
        if p is None:
            out.append(f'<section class="progress" id="p-none"><h2>{NO_PROVINCE}</h2>')
        else:
            out.append(f'<section class="progress" id="p-{slug(p)}"><h2><a href="{province_page(p)}">'
                       f"{html.escape(p)}</a></h2>")
        out.append(docs_table(by_prov[p], kinds) + "</section>")
    out.append("</body></html>\n")
    return "\n".join(out)


def render_province(conn: sqlite3.Connection, province: str, docs: list[dict[str, Any]], kinds: list[str],
                    cache: dict[tuple, str] | None = None) -> str:
    """A province's page: its documents and the charts of every indicator it has dated targets or results for."""
    new = next((d["province_new"] for d in docs if d["province_new"]), None)
    since = f" · since 1 July 2025 part of {html.escape(new)}" if new and new != province else ""
    try:
        indicators = [r[0] for r in conn.execute(
            "SELECT DISTINCT indicator FROM progress_view WHERE province = ? AND criterion IS NULL "
            "AND indicator != 'other' ORDER BY indicator", [province])]
    except sqlite3.OperationalError:  # a knowledge base from before m014: progress_section says so
        indicators = [r[0] for r in conn.execute(
            "SELECT DISTINCT t.indicator FROM targets t JOIN documents_view d ON d.doc_id = t.doc_id "
            "WHERE d.province = ? AND t.indicator != 'other'", [province])]
    return "\n".join([
        head(f"vnplan: {province}"),
        f'<nav class="crumbs"><a href="{INDEX}">All documents</a> › {html.escape(province)}</nav>',
        f'<header><h1>{html.escape(province)}</h1><div class="meta">{len(docs)} documents{since}</div></header>',
        progress_section(conn, indicators, province, cache=cache),
        f'<section class="progress"><h2>Documents</h2>{docs_table(docs, kinds)}</section>',
        "</body></html>\n"])


def write_all(db_path: str | Path, out_dir: str | Path) -> int:
    """Write every document's page, each province's page and index.html into `out_dir`; returns documents written."""
    out = Path(out_dir)
    conn = connect_ro(db_path)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        conn.close()
        raise VnplanError(f"cannot write {out}: {exc.strerror or exc}") from None
    n = 0
    try:
        docs = documents(conn)
        kinds = [name for name, _ in fact_columns(conn)]
        province_of = {d["doc_id"]: d["province"] for d in docs}
        page_of = pages_in(conn)
        cache: dict[tuple, str] = {}  # a province's charts appear on each of its documents' pages
        for (sha,) in conn.execute("SELECT DISTINCT file_sha FROM documents ORDER BY file_sha").fetchall():
            result = load_result(conn, sha)
            for d in result.documents:
                prov = province_of.get(d.doc_id)
                crumbs = f'<a href="{INDEX}">All documents</a>' + (
                    f' › <a href="{province_page(prov)}">{html.escape(prov)}</a>' if prov else "")
                page = render_page(result, [d], conn, crumbs=crumbs, page_of=page_of, cache=cache)
                write_file(out / page_name(d.doc_id), page)
                n += 1
        by_prov: dict[str, list[dict[str, Any]]] = {}
        for d in docs:
            if d["province"]:
                by_prov.setdefault(d["province"], []).append(d)
        for prov, items in by_prov.items():
            write_file(out / province_page(prov), render_province(conn, prov, items, kinds, cache))
        write_file(out / INDEX, render_index(docs, kinds))
    finally:
        conn.close()
    return n
