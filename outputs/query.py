"""Answer questions over the knowledge base: true answers, counted, paged, each row traceable to its text.

Every question becomes `Filters` (`vnplan.outputs.questions`: `vnplan query "..."`
reads them from a sentence, the explicit commands `vnplan targets`, `relations`,
`documents`, `stale`, `tasks` and `search` from options) and `ask` answers them:

- no filter is dropped or loosened to find something; an empty answer says which
  filter found nothing (`Answer.note`);
- every answer counts all its rows (`total`) and shows a page (`limit`, `offset`);
- one document ingested from several files (a PDF and a text, two scrapes: the same
  `documents.key`, see `documents_view.ident`) answers once, with all its files
  listed (`sources`); the knowledge base keeps which file gave which fact (`found_in`);
- every row names its document, the document's date, its province before and since
  the 2025 merger, its files, the section and the verbatim quote.

Users' guide: docs/QUESTIONS.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote

from rapidfuzz import fuzz, process
from vnplan import gazetteer
from vnplan.errors import VnplanError
from vnplan.outputs.questions import (
    DocRef,
    Filters,
    find_province,
    fold_key,
    grammar,
    merger_date,
    parse,
    parse_doc_ref,
)
from vnplan.outputs.timeline import COLUMNS as TIMELINE_COLUMNS
from vnplan.outputs.timeline import timeline
from vnplan.resolve import slug

# Columns every answer row ends with, so any row can be traced to its text.
PROVENANCE = ("document", "date", "province", "province_new", "sources", "section", "quote", "doc_id")
DEFAULT_LIMIT = 50


@dataclass
class Answer:
    """Rows answering one question: a page of them, their total, the columns to show and how it was read."""

    intent: str
    columns: list[str]
    rows: list[dict[str, Any]]
    reading: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    total: int | None = None  # every row the question matches; `rows` is a page of them
    offset: int = 0
    explain: list[str] = field(default_factory=list)  # each filter and what it became
    note: str = ""  # for an empty answer: which filter found nothing

    def __post_init__(self) -> None:
        if self.total is None:
            self.total = len(self.rows)


# ---------------------------------------------------------------- connection


def connect_ro(path: str | Path) -> sqlite3.Connection:
    """Open a knowledge base read-only (URI `mode=ro` plus `PRAGMA query_only`)."""
    p = Path(path)
    if not p.exists():
        raise VnplanError(f"no database at {path}; run `vnplan ingest` first")
    conn = sqlite3.connect(f"file:{urlquote(str(p.resolve()))}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA query_only = 1")
    return conn


def run_sql(path: str | Path, sql: str, params: Sequence[Any] = ()) -> Answer:
    """Run one raw SQL statement read-only; errors become a VnplanError."""
    conn = connect_ro(path)
    try:
        cur = conn.execute(sql, params)
        columns = [d[0] for d in cur.description or ()]
        rows = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
    except sqlite3.Error as exc:
        raise VnplanError(str(exc)) from None
    finally:
        conn.close()
    return Answer("sql", columns, rows)


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    except sqlite3.OperationalError as exc:
        # An old or foreign database lacks a view or table: say so in one line.
        raise VnplanError(f"{exc}; is this a vnplan database? re-run `vnplan ingest` to upgrade it") from None



# ---------------------------------------------------------------- filters into SQL


@dataclass
class Where:
    """The conditions of one answer, each with the label an explanation and an empty answer print."""

    parts: list[tuple[str, list[Any], str]] = field(default_factory=list)

    def add(self, sql: str, params: Sequence[Any], label: str) -> None:
        """One more condition, ANDed with the others."""
        self.parts.append((sql, list(params), label))

    def sql(self, only: int | None = None) -> tuple[str, list[Any]]:
        """The WHERE clause (all conditions, or only one of them) and its parameters."""
        chosen = self.parts if only is None else [self.parts[only]]
        if not chosen:
            return "1", []
        return " AND ".join(f"({s})" for s, _p, _l in chosen), [p for _s, ps, _l in chosen for p in ps]


def _in(column: str, values: Sequence[Any]) -> str:
    return f"{column} IN ({','.join('?' * len(values))})" if values else "0"


def province_clause(alias: str, name: str) -> tuple[str, list[Any], str]:
    """SQL for documents of a province by either name: a new province covers the old ones merged into it;
    an old one also covers what its new province issued from the merger on."""
    p = find_province(name)
    if p is None:
        raise VnplanError(f"unknown province {name!r}")
    if p.is_new:
        label = f"province {p.name}"
        if len(p.olds) > 1:
            label += f" (since {merger_date()}; covers the former {', '.join(p.olds)})"
        return (f"{alias}.province IN ({','.join('?' * len(p.olds))}) OR {alias}.province_new = ?",
                [*p.olds, p.name], label)
    return (f"{alias}.province = ? OR ({alias}.province_new = ? AND {alias}.date >= ?)",
            [p.name, p.new, merger_date()],
            f"province {p.name} (part of {p.new} since {merger_date()}: its documents, and {p.new}'s from then on)")


def issuer_clause(conn: sqlite3.Connection, alias: str, issuer: str) -> tuple[str, list[Any], str]:
    """SQL for documents issued by a body: its name as the documents give it, or its code in their symbols."""
    want = fold_key(issuer, synonyms=False)
    names = [r["issuer"] for r in _rows(conn, "SELECT DISTINCT issuer FROM documents WHERE issuer IS NOT NULL")]
    chosen = [n for n in names if fold_key(n, synonyms=False) == want
              or fold_key(n, synonyms=False).startswith(want + " ")]
    codes = [e["code"] for e in gazetteer.load("issuers.json")["codes"]
             if want in (fold_key(e["name"], synonyms=False), fold_key(e["code"], synonyms=False))]
    sql = _in(f"{alias}.issuer", chosen) if chosen else "0"
    params: list[Any] = list(chosen)
    for c in codes:
        sql += f" OR {alias}.symbol LIKE ? OR {alias}.symbol LIKE ?"
        params += [f"%-{c}", f"%/{c}"]
    shown = ", ".join(chosen[:4]) + (f" and {len(chosen) - 4} more" if len(chosen) > 4 else "")
    label = f"issuer {issuer}" + (f" ({shown})" if chosen else " (no document names it)")
    if codes:
        label += f" or symbols ending in {'/'.join(codes)}"
    return sql, params, label


def document_filters(conn: sqlite3.Connection, f: Filters, where: Where, alias: str = "d") -> None:
    """Province, issue years, type and issuer of the answering documents."""
    if f.province:
        where.add(*province_clause(alias, f.province))
    if f.years:
        lo, hi = f.years
        where.add(f"substr({alias}.date, 1, 4) BETWEEN ? AND ?", [str(lo), str(hi)],
                  f"issued in {lo}" if lo == hi else f"issued {lo}-{hi}")
    if f.doctype:
        where.add(f"{alias}.type = ?", [f.doctype], f"type {f.doctype}")
    if f.issuer:
        where.add(*issuer_clause(conn, alias, f.issuer))


# ---------------------------------------------------------------- resolving names


def indicator_candidates(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Indicators with every text they can be asked by: code, names and aliases."""
    out: dict[str, dict[str, Any]] = {}
    for r in _rows(conn, "SELECT id, name, name_vi, aliases FROM indicators"):
        texts = [r["id"].replace("_", " "), r["name"] or "", r["name_vi"] or ""]
        try:
            texts += [a for a in json.loads(r["aliases"] or "[]") if isinstance(a, str)]
        except ValueError:
            pass
        out[r["id"]] = {"id": r["id"], "name": r["name"] or r["id"], "texts": [t for t in texts if t]}
    # Targets may use codes the indicators file does not list (yet): their codes are texts too.
    for r in _rows(conn, "SELECT DISTINCT indicator FROM targets WHERE indicator IS NOT NULL"):
        out.setdefault(r["indicator"], {"id": r["indicator"], "name": r["indicator"],
                                        "texts": [r["indicator"].replace("_", " ")]})
    return list(out.values())


def match_indicator(phrase: str, candidates: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """The indicators a phrase names, and how: its code; else a name or alias equal to it; else the
    names and aliases holding every word of it (the closest); else the longest one it holds whole.
    Numbers must agree (`level 4` is not `level 3`). Ties name several (`DVC mức độ 4` is level 4
    and, since 2022, `toàn trình`): all are asked. Nothing looser: an error names the nearest."""
    raw = phrase.strip()
    code = fold_key(raw, synonyms=False).replace(" ", "_")
    for c in candidates:
        if code == c["id"].lower():
            return [c], "code"
    want = fold_key(raw)
    want_set = set(want.split())
    nums = {t for t in want_set if t.isdigit()}
    exact, covering, held = [], {}, {}
    for c in candidates:
        for text in c["texts"]:
            key = fold_key(text)
            have = set(key.split())
            if {t for t in have if t.isdigit()} != nums:
                continue
            if key == want:
                exact.append(c)
            elif want_set <= have:
                covering[c["id"]] = max(covering.get(c["id"], 0.0), len(want_set) / len(have))
            elif have <= want_set and have - nums:
                held[c["id"]] = max(held.get(c["id"], 0), len(have))
    if exact:
        return list({c["id"]: c for c in exact}.values()), "name or alias"
    for found, how in ((covering, "every word in a name or alias"), (held, "a name or alias in the phrase")):
        if found:
            top = max(found.values())
            return [c for c in candidates if found.get(c["id"]) == top], how
    texts = {f"{t} ({c['id']})": fold_key(t) for c in candidates for t in c["texts"]}
    near = process.extract(want, texts, scorer=fuzz.token_set_ratio, limit=12)
    names = list(dict.fromkeys(k for _v, _s, k in near))[:3]
    raise VnplanError(f"no indicator matches {raw!r}; nearest: {'; '.join(names) or 'none loaded'} "
                      f"(all {len(candidates)}: vnplan sql \"SELECT id, name FROM indicators\")")


def candidate_keys(conn: sqlite3.Connection, ref: DocRef) -> list[str]:
    """Every key the knowledge base holds for a document named in a question, through indexed columns.

    A symbol is found through the symbol indexes of documents and citations; a law or
    an unnumbered document through its title: the keys of that type and title
    (`luat:luat-ban-hanh-van-ban-quy-pham-phap-luat:2015`) and those of the same
    title cited with a number (`64/2025/QH15`).
    """
    if ref.symbol:
        keys = {ref.symbol}
        for sql in ("SELECT DISTINCT key FROM documents WHERE symbol = ? AND key IS NOT NULL",
                    "SELECT DISTINCT key FROM citations WHERE symbol = ? AND key IS NOT NULL"):
            keys.update(r["key"] for r in _rows(conn, sql, [ref.symbol]))
        return sorted(keys)
    assert ref.title is not None and ref.type is not None
    type_slug = slug(ref.type)
    title = ref.title
    bare = re.sub(rf"^{re.escape(ref.type)}\s+", "", title, flags=re.I)
    prefixes = {f"{type_slug}:{slug(t)}" for t in (title, bare)}
    keys: set[str] = set()
    for p in prefixes:
        for table in ("citations", "documents"):
            keys.update(r["key"] for r in _rows(
                conn, f"SELECT DISTINCT key FROM {table} WHERE key >= ? AND key < ?", [p, p + ";"])
                if r["key"] == p or re.fullmatch(rf"{re.escape(p)}:\d{{4}}", r["key"]))
    want = {fold_key(title, synonyms=False), fold_key(bare, synonyms=False)}
    titles = {r["title"] for r in _rows(conn, f"SELECT DISTINCT title FROM citations WHERE {_in('key', sorted(keys))}",
                                        sorted(keys)) if r["title"]}
    titles |= {title, bare}
    titles = {t for t in titles if fold_key(t, synonyms=False) in want}
    numbered = {r["key"] for r in _rows(conn, f"SELECT DISTINCT key FROM citations WHERE {_in('title', sorted(titles))} "
                                              f"AND type = ? AND key IS NOT NULL", [*sorted(titles), ref.type])}
    for k in sorted(numbered - keys):
        # A numbered key counts when most of its titled citations give this title (a stray title is an
        # extraction slip, not the law's number).
        got = _rows(conn, "SELECT title FROM citations WHERE key = ? AND title IS NOT NULL", [k])
        if 2 * sum(fold_key(r["title"], synonyms=False) in want for r in got) > len(got):
            keys.add(k)
    for r in _rows(conn, "SELECT key, title FROM documents WHERE type = ? AND title IS NOT NULL", [ref.type]):
        if fold_key(r["title"], synonyms=False) in want and r["key"]:
            keys.add(r["key"])
    return sorted(keys)


def key_clause(column: str, ref: DocRef, province_column: str) -> tuple[str, list[Any]]:
    """SQL scoping the keys of `ref` by its province and year (see `vnplan.resolve.document_key`).

    Keys are `61/2018/NĐ-CP` and `vn/2017/846/QĐ-TTg` (national), `quang-ngai/2017/205/QĐ-UBND`
    (local) and `luat:<title>:2015` (by title). A province picks one province's local document;
    a national document has no province, so there it picks the rows of documents of that
    province (`province_column`) instead.
    """
    sql, params = "1", []
    if ref.province:
        sql += (f" AND ({column} LIKE ? OR (({column} NOT LIKE '%/%/%/%' OR {column} LIKE 'vn/%') "
                f"AND {province_column} = ?))")
        params += [f"{slug(ref.province)}/%", ref.province]
    if ref.year:
        sql += f" AND ({column} LIKE ? OR {column} LIKE ? OR {column} LIKE ?)"
        params += [f"%/{ref.year}/%", f"%:{ref.year}", f"{ref.year}/%"]
    return sql, params


def resolve_agencies(conn: sqlite3.Connection, name: str) -> list[str]:
    """The canonical agency names a name asks for: an alias's agency, the same name, else names holding it."""
    want = fold_key(name, synonyms=False)
    for r in _rows(conn, "SELECT name, aliases FROM agencies WHERE aliases IS NOT NULL AND aliases != '[]'"):
        # `Sở TT&TT` asks for `Sở Thông tin và Truyền thông`: the agencies table knows the aliases.
        if any(isinstance(a, str) and fold_key(a, synonyms=False) == want for a in json.loads(r["aliases"])):
            want = fold_key(r["name"], synonyms=False)
            break
    agencies = [r["agency"] for r in _rows(conn, "SELECT DISTINCT lead AS agency FROM tasks WHERE lead IS NOT NULL "
                                                 "UNION SELECT DISTINCT j.value FROM tasks, json_each(tasks.support) j")]
    exact = [a for a in agencies if fold_key(a, synonyms=False) == want]
    return exact or [a for a in agencies if want and re.search(rf"(?:^| ){re.escape(want)}(?: |$)",
                                                                 fold_key(a, synonyms=False))]


# ---------------------------------------------------------------- grouping and sources


def group_rows(rows: list[dict[str, Any]], ident: Callable[[dict[str, Any]], tuple]) -> list[dict[str, Any]]:
    """One row per identity (a document's fact, however many files state it); `found_in` lists the files' doc_ids."""
    out: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        # Rows SQL has already grouped carry their group's doc_ids as `doc_ids` (comma-separated).
        ids = r.pop("doc_ids").split(",") if r.get("doc_ids") else [r["doc_id"]]
        k = ident(r)
        if k in out:
            out[k]["_doc_ids"].extend(i for i in ids if i not in out[k]["_doc_ids"])
        else:
            out[k] = {**r, "_doc_ids": ids}
    return list(out.values())


def add_sources(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """Fill each row's `sources` (every file of its document) and `found_in` (the files that state the row)."""
    if not rows:
        return
    keys = sorted({r["key"] for r in rows if r.get("key")})
    files: dict[str, list[str]] = {}  # ident -> paths
    by_doc: dict[str, list[str]] = {}
    for chunk in (keys[i : i + 500] for i in range(0, len(keys), 500)):
        for r in _rows(conn, f"SELECT d.ident, d.doc_id, f.path FROM documents_view d "
                             f"JOIN files f ON f.sha256 = d.file_sha WHERE {_in('d.key', chunk)} ORDER BY f.path", chunk):
            files.setdefault(r["ident"], []).append(r["path"])
            by_doc.setdefault(r["doc_id"], []).append(r["path"])
    # Documents without a key are not found by it: read their files by doc_id.
    missing = sorted({d for r in rows if not r.get("key") for d in r.get("_doc_ids", [r["doc_id"]])} - set(by_doc))
    for chunk in (missing[i : i + 500] for i in range(0, len(missing), 500)):
        for r in _rows(conn, f"SELECT d.ident, d.doc_id, f.path FROM documents_view d "
                             f"JOIN files f ON f.sha256 = d.file_sha WHERE {_in('d.doc_id', chunk)} ORDER BY f.path",
                       chunk):
            files.setdefault(r["ident"], []).append(r["path"])
            by_doc.setdefault(r["doc_id"], []).append(r["path"])
    for r in rows:
        r["sources"] = list(dict.fromkeys(files.get(r.get("ident"), []) or by_doc.get(r["doc_id"], [])))
        r["found_in"] = list(dict.fromkeys(p for d in r.pop("_doc_ids", [r["doc_id"]]) for p in by_doc.get(d, [])))


def _page(rows: list[dict[str, Any]], limit: int | None, offset: int) -> list[dict[str, Any]]:
    return rows[offset:] if limit is None else rows[offset : offset + limit]


def _number(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def empty_note(conn: sqlite3.Connection, what: str, count_sql: Callable[[str], str], where: Where) -> str:
    """Why an answer is empty: the first filter that alone finds nothing, else that none finds all together."""
    for i, (_s, _p, label) in enumerate(where.parts):
        clause, params = where.sql(only=i)
        n = _rows(conn, count_sql(clause), params)[0]["n"]
        if n == 0:
            return f"no {what} match {label}"
    if len(where.parts) > 1:
        return f"each filter alone finds {what}, but none match all of them together"
    return f"no {what} in the knowledge base"


# ---------------------------------------------------------------- the answers

DOC_COLUMNS = ("d.ident, d.key, d.label AS document, d.date, d.province, d.province_new, d.doc_id")


def ask_targets(conn: sqlite3.Connection, f: Filters) -> tuple[Answer, list[dict[str, Any]]]:
    """Targets by indicator, committed value, unit, deadline and the documents' filters."""
    where = Where()
    codes: list[str] = []
    if f.indicator:
        inds, how = match_indicator(f.indicator, indicator_candidates(conn))
        codes = [i["id"] for i in inds]
        where.add(_in("t.indicator", codes), codes,
                  "indicator " + " or ".join(f"{i['id']} ({i['name']})" for i in inds) + f", by {how}")
    if f.value is not None:
        op, v = f.value
        sql, params, label = value_clause(op, v, f.unit)
        where.add(sql, params, label)
    if f.unit:
        where.add("t.unit = ?", [f.unit], f"unit {f.unit}")
    if f.comparator:
        where.add("t.comparator = ?", [f.comparator], f"stated comparator {f.comparator}")
    if f.deadline:
        op, y = f.deadline
        where.add(f"t.deadline_year {op} ?", [y], {"=": f"due in {y}", "<=": f"due by {y}", "<": f"due before {y}"}[op])
    document_filters(conn, f, where)
    clause, params = where.sql()
    select = ("SELECT MIN(t.id) AS id, t.indicator, COALESCE(i.name, t.indicator) AS indicator_name, t.comparator, "
              f"t.value, t.unit, t.scope, t.deadline, t.deadline_year, {DOC_COLUMNS}, t.section, t.quote, "
              "group_concat(DISTINCT t.doc_id) AS doc_ids "
              "FROM targets t JOIN documents_view d ON d.doc_id = t.doc_id LEFT JOIN indicators i ON i.id = t.indicator")
    # One row per document (however many files state it) and target, in SQL: a file ingested many times
    # must not cost a row each.
    rows = _rows(conn, f"{select} WHERE {clause} GROUP BY d.ident, t.indicator, t.value, t.unit, t.comparator, "
                       f"t.scope, t.deadline ORDER BY d.province, t.deadline, t.value, d.date, id", params)
    rows = group_rows(rows, lambda r: (r["ident"], r["indicator"], r["value"], r["unit"], r["comparator"],
                                       r["scope"], r["deadline"]))
    for r in rows:
        r["value"] = _number(r["value"])
        r["answer"] = r["province"] or "(national)"
    ans = Answer("targets", ["answer", "indicator", "comparator", "value", "unit", "scope", "deadline", *PROVENANCE],
                 rows, "targets" + (": " + "; ".join(p[2] for p in where.parts) if where.parts else ""),
                 {"indicators": codes}, explain=[p[2] for p in where.parts])
    if not rows:
        ans.note = empty_note(conn, "targets", lambda c: f"SELECT count(*) AS n FROM targets t JOIN documents_view d "
                                                          f"ON d.doc_id = t.doc_id WHERE {c}", where)
    return ans, rows


def value_clause(op: str, v: float, unit: str | None) -> tuple[str, list[Any], str]:
    """Targets that commit to `op v`: `at least 90` holds for `= 95`, `>= 90` and `> 90`, not for `>= 85`.
    A bare number asks for that value whatever the target's comparator."""
    u = "%" if unit == "percent" else f" {unit}" if unit else ""
    n = _number(v)
    if op == "":
        return "t.value = ?", [v], f"value {n}{u} (any comparator)"
    if op == "=":
        return "t.value = ? AND t.comparator = '='", [v], f"exactly {n}{u}"
    if op == ">=":
        return "t.value >= ? AND t.comparator IN ('=', '>=', '>')", [v], f"committing to at least {n}{u}"
    if op == ">":
        return ("(t.value > ? AND t.comparator IN ('=', '>=', '>')) OR (t.value = ? AND t.comparator = '>')",
                [v, v], f"committing to more than {n}{u}")
    if op == "<=":
        return "t.value <= ? AND t.comparator IN ('=', '<=', '<')", [v], f"committing to at most {n}{u}"
    if op == "<":
        return ("(t.value < ? AND t.comparator IN ('=', '<=', '<')) OR (t.value = ? AND t.comparator = '<')",
                [v, v], f"committing to less than {n}{u}")
    raise VnplanError(f"unknown comparator {op!r}; use one of = >= > <= <")


def ask_pivot(conn: sqlite3.Connection, f: Filters) -> tuple[Answer, list[dict[str, Any]]]:
    """Targets as a province x deadline-year table of committed values."""
    base, rows = ask_targets(conn, f)
    years = sorted({r["deadline_year"] for r in rows if r["deadline_year"]})
    undated = any(r["deadline_year"] is None for r in rows)
    cols = [str(y) for y in years] + (["no deadline"] if undated else [])
    table: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        row = table.setdefault((r["province"] or "", r["province_new"] or ""), {
            "province": r["province"], "province_new": r["province_new"], "_cells": {}, "_docs": [], "_ids": []})
        col = str(r["deadline_year"]) if r["deadline_year"] else "no deadline"
        cell = value_text(r)
        cells = row["_cells"].setdefault(col, [])
        if cell not in cells:
            cells.append(cell)
        if r["document"] not in row["_docs"]:
            row["_docs"].append(r["document"])
        row["_ids"].append(r["doc_id"])
    out = []
    for (_p, _n), row in sorted(table.items()):
        item = {"province": row["province"] or "(national)", "province_new": row["province_new"]}
        for c in cols:
            item[c] = "; ".join(row["_cells"].get(c, []))
        item["documents"] = "; ".join(row["_docs"])
        item["doc_ids"] = row["_ids"]
        out.append(item)
    ans = Answer("pivot", ["province", "province_new", *cols, "documents"], out,
                 base.reading.replace("targets", "targets by province and deadline year", 1),
                 {**base.extra, "targets": len(rows)}, explain=base.explain, note=base.note)
    return ans, out


def ask_progress(conn: sqlite3.Connection, f: Filters) -> tuple[Answer, list[dict[str, Any]]]:
    """Committed vs achieved, year by year, for one indicator (and a province): the timeline of progress_view."""
    inds, how = match_indicator(f.indicator or "", indicator_candidates(conn))
    codes = [i["id"] for i in inds]
    explain = ["indicator " + " or ".join(f"{i['id']} ({i['name']})" for i in inds) + f", by {how}"]
    if f.province:
        explain.append(f"province {f.province}")
    tl = timeline(conn, codes, f.province)
    rows = tl.rows()
    ans = Answer("progress", list(TIMELINE_COLUMNS), rows, "committed vs achieved: " + "; ".join(explain),
                 {"indicators": codes, "notes": tl.notes}, explain=explain)
    if not rows:
        ans.note = (f"no target with a deadline year and no result with a year for {', '.join(codes)}"
                    + (f" in {f.province}" if f.province else "")
                    + ("; " + "; ".join(tl.notes) if tl.notes else ""))
    return ans, rows


def value_text(r: dict[str, Any]) -> str:
    """A target's value as a person writes it: `≥40`, `>90%`, `2 days` (scope in brackets)."""
    cmp = {"=": "", ">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(r["comparator"] or "=", r["comparator"] or "")
    unit = {"percent": "%", "count": "", None: ""}.get(r["unit"], f" {r['unit']}")
    text = f"{cmp}{_number(r['value'])}{unit}"
    return text + (f" ({r['scope']})" if r.get("scope") else "")


def _doc_keys(conn: sqlite3.Connection, f: Filters) -> tuple[DocRef, list[str]]:
    if not f.doc:
        raise VnplanError("name a document: a symbol (172/QĐ-UBND), or a law or plan by its title")
    ref = parse_doc_ref(f.doc)
    return ref, candidate_keys(conn, ref)


def relation_kinds(f: Filters) -> tuple[list[str], str]:
    """The relation kinds asked, with those they imply (a replaced document is repealed too)."""
    known = [e["relation"] for e in grammar()["relations"] if e["relation"] != "cites"]
    asked = [r for r in f.relations if r != "cites"] or known
    bad = [r for r in asked if r not in known]
    if bad:
        raise VnplanError(f"unknown relation {bad[0]!r}; known: {', '.join(known)}")
    implied = {x for r in asked for x in grammar()["also_asks"].get(r, [])}
    kinds = list(dict.fromkeys([*asked, *sorted(implied)]))
    label = "relation " + " or ".join(asked) + (f" (and {', '.join(sorted(implied - set(asked)))}, implied)"
                                                 if implied - set(asked) else "")
    return kinds, label


_MODALITY_ORDER = "CASE r.modality WHEN 'in_force' THEN 0 WHEN 'planned' THEN 1 ELSE 2 END"


def ask_relations(conn: sqlite3.Connection, f: Filters) -> tuple[Answer, list[dict[str, Any]]]:
    """Relations to or from a document in either direction; `cites` asks the citations."""
    if "cites" in f.relations:
        return ask_citations(conn, f)
    ref, keys = _doc_keys(conn, f)
    kinds, kinds_label = relation_kinds(f)
    where = Where()
    side, other = ("r.target_key", "r.source_key") if f.direction == "to" else ("r.source_key", "r.target_key")
    scope_sql, scope_params = key_clause(side, ref, "s.province")
    where.add(f"{_in(side, keys)} AND {scope_sql}", [*keys, *scope_params],
              f"{'to' if f.direction == 'to' else 'from'} {ref} ({len(keys)} key{'s' if len(keys) != 1 else ''}: "
              f"{', '.join(keys[:4])}{' ...' if len(keys) > 4 else ''})")
    where.add(_in("r.relation", kinds), kinds, kinds_label)
    if f.modality:
        where.add("r.modality = ?", [f.modality], f"modality {f.modality}")
    # The answering documents are the acting ones (to) or the ones acted on (from), where ingested.
    document_filters(conn, f, where, alias="a")
    clause, params = where.sql()
    acting = "CASE WHEN r.source = 'self' THEN r.doc_id ELSE (SELECT MIN(x.doc_id) FROM documents x WHERE x.key = r.source_key) END"
    acted = "(SELECT MIN(x.doc_id) FROM documents x WHERE x.key = r.target_key)"
    answer_doc = acting if f.direction == "to" else acted
    sql = f"""
        SELECT r.id, r.relation, r.modality, r.source, r.target, r.source_key, r.target_key,
               a.label AS answer_label, a.date AS answer_date, a.ident AS answer_ident,
               {DOC_COLUMNS.replace('d.', 's.')}, r.section, r.quote
        FROM relations r JOIN documents_view s ON s.doc_id = r.doc_id
        LEFT JOIN documents_view a ON a.doc_id = {answer_doc}
        WHERE {clause} ORDER BY {_MODALITY_ORDER}, a.date, s.date, r.doc_id, r.start"""
    rows = _rows(conn, sql, params)
    for r in rows:
        if f.direction == "to":
            r["answer"] = r["answer_label"] or (r["source"] if r["source"] != "self" else r["document"])
        else:
            r["answer"] = r["answer_label"] or r["target"]
    rows = group_rows(rows, lambda r: (r["answer_ident"] or r["answer"], r["relation"], r["modality"],
                                       r[other.split(".")[1]] or r["target"], r["ident"]
                                       if r["modality"] == "reported" else ""))
    cols = ["answer", "answer_date", "relation", "modality",
            "target" if f.direction == "to" else "source", *PROVENANCE]
    for r in rows:
        r["target" if f.direction == "to" else "source"] = r["target_key" if f.direction == "to" else "source_key"]
    ans = Answer("relations", cols, rows, "relations: " + "; ".join(p[2] for p in where.parts),
                 {"keys": keys, "direction": f.direction}, explain=[p[2] for p in where.parts])
    if not rows:
        found = _rows(conn, f"SELECT r.relation, count(*) AS n FROM relations r JOIN documents_view s ON s.doc_id = "
                            f"r.doc_id WHERE {where.sql(only=0)[0]} GROUP BY r.relation ORDER BY n DESC", where.sql(only=0)[1])
        ans.note = empty_note(conn, "relations", lambda c: (
            f"SELECT count(*) AS n FROM relations r JOIN documents_view s ON s.doc_id = r.doc_id "
            f"LEFT JOIN documents_view a ON a.doc_id = {answer_doc} WHERE {c}"), where)
        if found:
            ans.note += "; relations it has: " + ", ".join(f"{r['relation']} {r['n']}" for r in found)
    return ans, rows


def ask_citations(conn: sqlite3.Connection, f: Filters) -> tuple[Answer, list[dict[str, Any]]]:
    """Who cites a document (once per citing document), or what a document cites (once per cited one)."""
    ref, keys = _doc_keys(conn, f)
    where = Where()
    if f.direction == "to":
        scope_sql, scope_params = key_clause("c.key", ref, "d.province")
        where.add(f"{_in('c.key', keys)} AND {scope_sql}", [*keys, *scope_params],
                  f"citing {ref} ({len(keys)} key{'s' if len(keys) != 1 else ''}: {', '.join(keys[:4])}"
                  f"{' ...' if len(keys) > 4 else ''})")
        document_filters(conn, f, where)
        clause, params = where.sql()
        # One row per citing document in SQL (its first citation), however many files hold it.
        rows = _rows(conn, f"""
            SELECT c.key AS cited, {DOC_COLUMNS}, c.section, c.quote, MIN(c.start) AS start,
                   group_concat(DISTINCT c.doc_id) AS doc_ids
            FROM citations c JOIN documents_view d ON d.doc_id = c.doc_id
            WHERE c.self_ref = 0 AND d.key IS NOT c.key AND {clause}
            GROUP BY d.ident ORDER BY d.province, d.date, d.doc_id""", params)
        rows = group_rows(rows, lambda r: (r["ident"],))
        for r in rows:
            r["answer"] = r["document"]
        cols = ["answer", "cited", *PROVENANCE]
        count = lambda c: (f"SELECT count(*) AS n FROM citations c JOIN documents_view d ON d.doc_id = c.doc_id "  # noqa: E731
                           f"WHERE c.self_ref = 0 AND {c}")
    else:
        scope_sql, scope_params = key_clause("d.key", ref, "d.province")
        where.add(f"{_in('d.key', keys)} AND {scope_sql}", [*keys, *scope_params], f"cited by {ref}")
        # Filters on the cited side need it ingested.
        document_filters(conn, f, where, alias="a")
        clause, params = where.sql()
        rows = _rows(conn, f"""
            SELECT c.key AS cited, c.type AS cited_type, c.symbol AS cited_symbol, c.title AS cited_title,
                   a.ident AS answer_ident, {DOC_COLUMNS}, c.section, c.quote, c.start
            FROM citations c JOIN documents_view d ON d.doc_id = c.doc_id
            LEFT JOIN documents_view a ON a.doc_id = (SELECT MIN(x.doc_id) FROM documents x WHERE x.key = c.key)
            WHERE c.self_ref = 0 AND d.key IS NOT c.key AND {clause}
            ORDER BY c.start""", params)
        rows = group_rows(rows, lambda r: (r["cited"] or fold_key(r["cited_symbol"] or r["cited_title"] or r["quote"]),))
        for r in rows:
            name = r["cited_symbol"] or r["cited_title"] or ""
            # A law's title already starts with its type: `Luật Bảo hiểm xã hội`.
            kind = r["cited_type"] if r["cited_type"] and not name.lower().startswith(r["cited_type"].lower()) else None
            r["answer"] = " ".join(x for x in (kind, name) if x)
        cols = ["answer", "cited", *PROVENANCE]
        count = lambda c: (f"SELECT count(*) AS n FROM citations c JOIN documents_view d ON d.doc_id = c.doc_id "  # noqa: E731
                           f"LEFT JOIN documents_view a ON a.doc_id = (SELECT MIN(x.doc_id) FROM documents x "
                           f"WHERE x.key = c.key) WHERE c.self_ref = 0 AND {c}")
    ans = Answer("citations", cols, rows, "citations: " + "; ".join(p[2] for p in where.parts),
                 {"keys": keys, "direction": f.direction}, explain=[p[2] for p in where.parts])
    if not rows:
        ans.note = empty_note(conn, "citations", count, where)
    return ans, rows


def ask_documents(conn: sqlite3.Connection, f: Filters) -> tuple[Answer, list[dict[str, Any]]]:
    """Documents by province, issue year, type and issuer; once each, however many files hold them."""
    where = Where()
    document_filters(conn, f, where)
    if not where.parts:
        raise VnplanError("say which documents: a province, a year or period, a type, or `issued by` a body")
    clause, params = where.sql()
    rows = _rows(conn, f"""
        SELECT d.type, d.symbol, d.title, d.issuer, {DOC_COLUMNS}, '' AS section, d.title AS quote
        FROM documents_view d WHERE {clause} ORDER BY d.province, d.date, d.doc_id""", params)
    rows = group_rows(rows, lambda r: (r["ident"],))
    for r in rows:
        r["answer"] = r["document"]
    ans = Answer("documents", ["answer", "issuer", "title", *PROVENANCE], rows,
                 "documents: " + "; ".join(p[2] for p in where.parts), explain=[p[2] for p in where.parts])
    if not rows:
        ans.note = empty_note(conn, "documents", lambda c: f"SELECT count(*) AS n FROM documents_view d WHERE {c}",
                              where)
    return ans, rows


STALE_WHEN = {
    "before_issue": "stale when issued",  # repealed before the citing document was issued
    "since_issue": "repealed since",  # repealed on or after the day the citing document was issued
    "undated": "date unknown",  # the citing or the repealing document has no date
    "planned": "planned only",  # a task to repeal it, not yet done
}


def ask_stale(conn: sqlite3.Connection, f: Filters) -> tuple[Answer, list[dict[str, Any]]]:
    """Citations of documents repealed or replaced, with both dates, grouped by citing document."""
    where = Where()
    document_filters(conn, f, where)
    clause, params = where.sql()
    rows = _rows(conn, f"""
        SELECT s.cited_symbol, s.cited_key, s.status, s.modality, s."when", s.by_document, s.by_key, s.by_date,
               {DOC_COLUMNS}, s.section, s.quote, s.repeal_quote
        FROM stale_citations s JOIN documents_view d ON d.doc_id = s.doc_id
        WHERE {clause}""", params)
    # One row per citing document, cited document and kind of repeal: the earliest statement of it.
    rows.sort(key=lambda r: (r["by_date"] is None, r["by_date"] or ""))
    rows = group_rows(rows, lambda r: (r["ident"], r["cited_key"], r["modality"] == "planned"))
    order = {"before_issue": 0, "since_issue": 1, "undated": 2, "planned": 3}
    rows.sort(key=lambda r: (r["province"] or "", r["date"] or "", r["document"] or "", order[r["when"]],
                             r["cited_key"] or ""))
    for r in rows:
        r["answer"] = r["cited_symbol"] or r["cited_key"]
        r["stale"] = STALE_WHEN[r["when"]]
    ans = Answer("stale", ["document", "date", "answer", "status", "by_document", "by_date", "stale",
                           "province", "province_new", "sources", "section", "quote", "doc_id"], rows,
                 "citations of repealed or replaced documents" + (": " + "; ".join(p[2] for p in where.parts)
                                                                   if where.parts else ""),
                 explain=[p[2] for p in where.parts])
    if not rows:
        ans.note = empty_note(conn, "stale citations", lambda c: (
            f"SELECT count(*) AS n FROM stale_citations s JOIN documents_view d ON d.doc_id = s.doc_id WHERE {c}"), where)
    return ans, rows


def ask_tasks(conn: sqlite3.Connection, f: Filters) -> tuple[Answer, list[dict[str, Any]]]:
    """An agency's tasks (as lead or support) with deadlines, scoped by the documents' filters."""
    if not f.agency:
        raise VnplanError("name an agency: what is Sở Nội vụ responsible for")
    chosen = resolve_agencies(conn, f.agency)
    where = Where()
    where.add(_in("x.agency", chosen), chosen,
              f"agency {', '.join(chosen)}" if chosen else f"agency {f.agency} (no task names it)")
    if f.role:
        where.add("x.role = ?", [f.role], f"role {f.role}")
    document_filters(conn, f, where)
    clause, params = where.sql()
    tasks = ("(SELECT t.lead AS agency, 'lead' AS role, t.* FROM tasks t WHERE t.lead IS NOT NULL "
             "UNION ALL SELECT j.value, 'support', t.* FROM tasks t, json_each(t.support) j)")
    rows = _rows(conn, f"""
        SELECT x.agency, x.role, x.deadline, {DOC_COLUMNS}, x.section, x.quote
        FROM {tasks} x JOIN documents_view d ON d.doc_id = x.doc_id
        WHERE {clause} ORDER BY x.role, x.deadline IS NULL, x.deadline, d.province, d.date, x.doc_id, x.start""", params)
    rows = group_rows(rows, lambda r: (r["ident"], r["agency"], r["role"], r["deadline"], fold_key(r["quote"] or "")))
    for r in rows:
        r["answer"] = r["agency"]
    ans = Answer("tasks", ["answer", "role", "deadline", *PROVENANCE], rows,
                 "tasks: " + "; ".join(p[2] for p in where.parts), explain=[p[2] for p in where.parts])
    if not rows:
        ans.note = empty_note(conn, "tasks", lambda c: (f"SELECT count(*) AS n FROM {tasks} x JOIN documents_view d "
                                                        f"ON d.doc_id = x.doc_id WHERE {c}"), where)
    return ans, rows


# The full-text match both `vnplan query search` and Datasette's canned search run: the words as one
# phrase, else every word anywhere; each word quoted, so FTS operators typed by a user are words.
SEARCH_HITS = """
WITH q AS (
  SELECT '"' || replace(trim(:q), '"', '""') || '"' AS phrase,
         '"' || replace(replace(replace(replace(trim(:q), '"', '""'), '   ', ' '), '  ', ' '), ' ', '" "') || '"'
           AS every),
hits AS (
  SELECT rowid, rank FROM sections_fts WHERE sections_fts MATCH (SELECT phrase FROM q)
  UNION ALL
  SELECT rowid, rank FROM sections_fts WHERE sections_fts MATCH (SELECT every FROM q)
    AND NOT EXISTS (SELECT 1 FROM sections_fts WHERE sections_fts MATCH (SELECT phrase FROM q)))"""


def search_words(words: str) -> str:
    """Search words as the full-text match reads them: single spaces, at least one word."""
    w = re.sub(r"\s+", " ", words).strip()
    if not re.search(r"\w", w):
        raise VnplanError("search needs at least one word")
    return w


def ask_search(conn: sqlite3.Connection, f: Filters) -> tuple[Answer, list[dict[str, Any]]]:
    """Full-text search over section text: one row per document and section, a snippet around the match."""
    words = search_words(f.words or "")
    where = Where()
    document_filters(conn, f, where)
    clause, params = where.sql()
    rows = _rows(conn, f"""{SEARCH_HITS}
        SELECT s.rowid AS section_rowid, h.rank, s.path AS section, {DOC_COLUMNS}
        FROM hits h JOIN sections s ON s.rowid = h.rowid JOIN documents_view d ON d.doc_id = s.doc_id
        WHERE {clause} ORDER BY h.rank, d.doc_id, s.path""".replace(":q", "?"), [words, words, *params])
    rows = group_rows(rows, lambda r: (r["ident"], r["section"]))
    phrase = _rows(conn, "SELECT count(*) AS n FROM sections_fts WHERE sections_fts MATCH ?",
                   ['"' + words.replace('"', '""') + '"'])[0]["n"]
    how = "the phrase" if phrase else "every word"
    ans = Answer("search", list(PROVENANCE), rows, f"sections holding {how}: {words}" + (
        "; " + "; ".join(p[2] for p in where.parts) if where.parts else ""), {"words": words, "match": how},
                 explain=[f"words {words!r} ({how})", *(p[2] for p in where.parts)])
    if not rows:
        ans.note = f"no section holds {words!r}" if not where.parts else empty_note(
            conn, "sections", lambda c: f"SELECT count(*) AS n FROM documents_view d WHERE {c}", where)
    return ans, rows


def add_snippets(conn: sqlite3.Connection, rows: list[dict[str, Any]], words: str) -> None:
    """The snippet of each shown search row (only the page: snippets cost more than matching)."""
    phrase = '"' + words.replace('"', '""') + '"'
    every = '"' + re.sub(r" ", '" "', words.replace('"', '""')) + '"'
    for r in rows:
        got = None
        for q in (phrase, every):
            got = conn.execute("SELECT snippet(sections_fts, 1, '[', ']', '…', 16) FROM sections_fts "
                               "WHERE sections_fts MATCH ? AND rowid = ?", [q, r["section_rowid"]]).fetchone()
            if got:
                break
        r["quote"] = " ".join(got[0].split()) if got else ""


ASKERS: dict[str, Callable[[sqlite3.Connection, Filters], tuple[Answer, list[dict[str, Any]]]]] = {
    "targets": ask_targets,
    "pivot": ask_pivot,
    "relations": ask_relations,
    "documents": ask_documents,
    "stale": ask_stale,
    "tasks": ask_tasks,
    "search": ask_search,
    "progress": ask_progress,
}


def ask(db_path: str | Path, f: Filters, limit: int | None = DEFAULT_LIMIT, offset: int = 0) -> Answer:
    """Answer filters over the knowledge base at `db_path`: every row counted, a page of them returned."""
    if limit is not None and limit < 0:
        raise VnplanError("--limit must be 0 or more")
    if f.ask not in ASKERS:
        raise VnplanError(f"unknown question kind {f.ask!r}; known: {', '.join(ASKERS)}")
    conn = connect_ro(db_path)
    try:
        ans, rows = ASKERS[f.ask](conn, f)
        ans.total = len(rows)
        ans.offset = offset
        ans.rows = _page(rows, limit, offset)
        if f.ask == "search":
            add_snippets(conn, ans.rows, search_words(f.words or ""))
        if f.ask != "pivot":
            add_sources(conn, ans.rows)
        else:
            for r in ans.rows:
                r.pop("doc_ids", None)
        ans.extra["filters"] = f.parts()
        return ans
    finally:
        conn.close()


def answer(db_path: str | Path, question: str, limit: int | None = DEFAULT_LIMIT, offset: int = 0) -> Answer:
    """Answer one question of the grammar (docs/QUESTIONS.md) over the knowledge base at `db_path`."""
    ans = ask(db_path, parse(question), limit, offset)
    ans.extra["question"] = question
    return ans


def explain(db_path: str | Path, f: Filters) -> list[str]:
    """What a question became: what it asks and each filter, resolved against the knowledge base."""
    ans = ask(db_path, f, limit=0)
    lines = [f"asks: {f.ask}" + (f" ({f.direction})" if f.direction else "")]
    lines += [f"filter: {x}" for x in ans.explain] or ["filter: none"]
    lines.append(f"matches: {ans.total}")
    if ans.note:
        lines.append(f"note: {ans.note}")
    return lines


# ---------------------------------------------------------------- output

# Columns holding long free text: last in CSV, on one line, so a spreadsheet keeps them to one cell.
LONG_TEXT = ("title", "quote", "repeal_quote")


def _cell(v: Any) -> Any:
    if isinstance(v, list):
        return "; ".join(map(str, v))
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def to_json(ans: Answer) -> str:
    """The answer as JSON: what was asked, the total, the page and every column of its rows."""
    return json.dumps({
        "question": ans.extra.get("question"), "ask": ans.intent, "filters": ans.extra.get("filters", {}),
        "explain": ans.explain, "reading": ans.reading, "total": ans.total, "offset": ans.offset,
        "shown": len(ans.rows), "note": ans.note or None, "columns": ans.columns,
        "rows": [{k: v for k, v in r.items() if not k.startswith("_")} for r in ans.rows],
    }, ensure_ascii=False, indent=1, default=str)


def csv_columns(ans: Answer) -> list[str]:
    """The shown columns first, then the others; long text columns last."""
    cols = list(dict.fromkeys([*ans.columns, *(k for r in ans.rows for k in r if not k.startswith("_"))]))
    return [c for c in cols if c not in LONG_TEXT] + [c for c in cols if c in LONG_TEXT]


def to_csv(ans: Answer, bom: bool = False) -> str:
    """The answer's rows as CSV (lists joined with `; `, text on one line). `bom` is for Excel: the UTF-8 BOM it
    needs to read Vietnamese, CRLF line ends, and no cell it would take for a formula."""
    cols = csv_columns(ans)
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\r\n" if bom else "\n")
    w.writeheader()
    for r in ans.rows:
        row = {k: (" ".join(str(v).split()) if isinstance(v, str) else _cell(v)) for k, v in r.items()
               if not k.startswith("_")}
        w.writerow({k: excel_text(v) for k, v in row.items()} if bom else row)
    return buf.getvalue()


def excel_text(v: Any) -> Any:
    """A cell Excel would read as a formula (`- Sở Nội vụ ...`, `=...`, `+ 40 dịch vụ`) starts with an
    apostrophe, so Excel shows it as the text it is (OWASP's advice against CSV formula injection)."""
    return "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v


def _show(v: Any) -> str:
    v = _cell(v)
    return "" if v is None else " ".join(str(v).split())


def display_rows(ans: Answer) -> tuple[list[str], list[list[str]]]:
    """The columns and cells a terminal shows: no doc_id, the two provinces in one cell, file names only."""
    if ans.intent == "sql":  # raw SQL: the columns as selected
        return list(ans.columns), [[_show(r.get(c)) for c in ans.columns] for r in ans.rows]
    cols = [c for c in ans.columns if c not in ("doc_id", "province_new")]
    if ans.rows and "answer" in cols and all(r.get("answer") == (r.get("province") or "(national)")
                                            or r.get("answer") == r.get("document") for r in ans.rows):
        cols.remove("answer")  # it repeats the province or the document
    out = []
    for r in ans.rows:
        row = []
        for c in cols:
            v = r.get(c)
            if c == "province" and r.get("province_new") and r.get("province_new") != v:
                v = f"{v or ''} (now {r['province_new']})"
            elif c == "sources" and isinstance(v, list):
                v = ", ".join(Path(p).name for p in v)
            row.append(_show(v))
        out.append(row)
    return cols, out


def fit_widths(cols: list[str], cells: list[list[str]], width: int, short: int = 12, floor: int = 8) -> list[int]:
    """Column widths that fit `width` (two spaces between columns): short columns keep theirs, the long
    ones share what is left in proportion to their length (quotes get the most)."""
    natural = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(cols)]
    budget = width - 2 * (len(cols) - 1)
    if sum(natural) <= budget:
        return natural
    fixed = [i for i, n in enumerate(natural) if n <= short]
    flex = [i for i in range(len(cols)) if i not in fixed]
    left = max(budget - sum(natural[i] for i in fixed), floor * len(flex))
    widths = list(natural)
    total = sum(natural[i] for i in flex)
    for i in flex:
        widths[i] = max(floor, min(natural[i], left * natural[i] // total))
    while sum(widths) > budget and max(widths) > 4:
        widths[max(range(len(widths)), key=widths.__getitem__)] -= 1  # still too wide: the widest gives way
    return widths


def page_line(ans: Answer) -> str:
    """`(3 rows)`, or which rows of how many are shown and how to see the rest."""
    n, total = len(ans.rows), ans.total or 0
    if n == total and ans.offset == 0:
        return f"({total} row{'s' if total != 1 else ''})"
    first = ans.offset + 1 if n else ans.offset
    return (f"(showing rows {first}-{ans.offset + n} of {total}; --all shows every row, "
            f"--limit N and --offset N another page)")


def format_table(ans: Answer, width: int | None = None) -> str:
    """A table fitted to the terminal (tabulate wraps long cells), the reading above it, the count below."""
    import tabulate as tab

    width = width or shutil.get_terminal_size((120, 24)).columns
    lines = [f"# {ans.reading}"] if ans.reading else []
    cols, cells = display_rows(ans)
    if cells:
        widths = fit_widths(cols, cells, width)
        # tabulate pads headers by MIN_PADDING beyond the widths asked; the widths already count them.
        padding, tab.MIN_PADDING = tab.MIN_PADDING, 0
        try:
            lines.append(tab.tabulate(cells, headers=cols, tablefmt="simple", maxcolwidths=widths,
                                      disable_numparse=True))
        finally:
            tab.MIN_PADDING = padding
    if ans.note:
        lines.append(f"no rows: {ans.note}")
    lines.append(page_line(ans))
    return "\n".join(lines)
