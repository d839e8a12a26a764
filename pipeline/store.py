"""Store stage: FileResults -> the SQLite knowledge base, one transaction per file.

The schema is created by versioned migrations (sqlite-utils `Migrations`);
README.md documents every table. Rows carry explicit primary keys derived
from the file hash and the fact span, so ingesting the same file twice writes
the same rows, and a changed file replaces all rows of its old version.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from .models import AgencyMention, Citation, Deadline, FileResult, Relation, Section, Target, Task

migrations = Migrations("vnplan")

# Tables holding rows derived from one file; all keyed to it by `file_sha`.
FILE_TABLES = ("documents", "sections", "citations", "relations", "agency_mentions", "targets", "tasks", "deadlines")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    """The first schema: files, documents, sections, facts, rejects, runs."""
    db["files"].create(
        {"path": str, "sha256": str, "size": int, "kind": str, "encoding": str, "status": str,
         "n_documents": int, "n_facts": int, "run_id": int, "ingested_at": str},
        pk="path",
    )
    db["texts"].create({"file_sha": str, "text": str, "raw_offsets": str}, pk="file_sha")
    db["documents"].create(
        {"doc_id": str, "file_sha": str, "idx": int, "key": str, "type": str, "symbol": str, "number": str,
         "date": str, "year": int, "place": str, "issuer": str, "province": str, "province_new": str,
         "title": str, "signer": str, "signer_title": str, "recipients": str, "promulgated_by": str,
         "start": int, "end": int},
        pk="doc_id",
    )
    db["sections"].create(
        {"doc_id": str, "path": str, "file_sha": str, "kind": str, "label": str, "heading": str,
         "parent": str, "depth": int, "start": int, "heading_end": int, "end": int, "scopes": str, "text": str},
        pk=("doc_id", "path"),
    )
    common = {"id": str, "doc_id": str, "file_sha": str, "section": str, "start": int, "end": int,
              "quote": str, "rule": str}
    db["citations"].create(
        {**common, "type": str, "number": str, "symbol": str, "year": int, "date": str, "issuer": str,
         "issuer_resolved": str, "title": str, "key": str, "short_form": int, "self_ref": int},
        pk="id",
    )
    db["relations"].create(
        {**common, "relation": str, "modality": str, "source": str, "target": str, "source_key": str,
         "target_key": str},
        pk="id",
    )
    db["agency_mentions"].create(
        {**common, "name": str, "agency_id": str, "province": str, "collective": int}, pk="id"
    )
    db["targets"].create(
        {**common, "value": float, "unit": str, "comparator": str, "indicator": str, "indicator_phrase": str,
         "scope": str, "deadline": str, "deadline_year": int, "deadline_source": str, "baseline": float,
         "criterion": str, "agency": str},
        pk="id",
    )
    db["tasks"].create(
        {**common, "lead": str, "support": str, "lead_source": str, "deadline": str, "deadline_source": str},
        pk="id",
    )
    db["deadlines"].create(
        {**common, "kind": str, "due": str, "period_start": str, "period_end": str, "relative": str,
         "recurring": str},
        pk="id",
    )
    db["rejects"].create(
        {"path": str, "sha256": str, "code": str, "reason": str, "run_id": int, "rejected_at": str}, pk="path"
    )
    db["ingest_runs"].create(
        {"id": int, "started_at": str, "finished_at": str, "args": str, "n_files": int, "n_ingested": int,
         "n_skipped": int, "n_rejected": int},
        pk="id",
    )
    for table in FILE_TABLES:
        db[table].create_index(["file_sha"])
    db["citations"].create_index(["symbol"])
    db["citations"].create_index(["key"])
    db["relations"].create_index(["target_key", "relation"])
    db["relations"].create_index(["source_key"])
    db["targets"].create_index(["indicator", "value"])
    db["documents"].create_index(["key"])
    db["documents"].create_index(["symbol"])
    db["agency_mentions"].create_index(["name"])
    db["tasks"].create_index(["lead"])


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) a knowledge base and bring its schema up to date."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    migrations.apply(db)
    return db


def now() -> str:
    """UTC timestamp for run and file rows."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _fact_id(kind: str, f: Any, n: int) -> str:
    return f"{f.doc_id}:{kind}:{f.start}:{f.end}:{n}"


def _common(f: Any, file_sha: str) -> dict[str, Any]:
    return {"doc_id": f.doc_id, "file_sha": file_sha, "section": f.section, "start": f.start, "end": f.end,
            "quote": f.quote, "rule": f.rule}


def _own_text(text: str, sec: Section, children_start: int | None) -> str:
    return text[sec.start : children_start if children_start is not None else sec.end]


def rows_of(result: FileResult) -> dict[str, list[dict[str, Any]]]:
    """The rows one file contributes, by table; a pure function of the result."""
    sha = result.source.sha256
    text = result.cleaned.text
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in FILE_TABLES}
    for d in result.documents:
        rows["documents"].append({
            "doc_id": d.doc_id, "file_sha": sha, "idx": d.index, "key": d.key, "type": d.type,
            "symbol": d.symbol, "number": d.number, "date": d.date,
            "year": int(d.date[:4]) if d.date else None, "place": d.place, "issuer": d.issuer,
            "province": d.province, "province_new": None, "title": d.title, "signer": d.signer,
            "signer_title": d.signer_title, "recipients": json.dumps(list(d.recipients), ensure_ascii=False),
            "promulgated_by": f"{sha[:16]}:{d.promulgated_by}" if d.promulgated_by is not None else None,
            "start": d.start, "end": d.end,
        })
        first_child: dict[str, int] = {}
        for s in d.sections:
            if s.parent is not None and s.parent not in first_child:
                first_child[s.parent] = s.start
        for s in d.sections:
            rows["sections"].append({
                "doc_id": d.doc_id, "path": s.path, "file_sha": sha, "kind": s.kind, "label": s.label,
                "heading": s.heading, "parent": s.parent, "depth": s.depth, "start": s.start,
                "heading_end": s.heading_end, "end": s.end,
                "scopes": json.dumps([vars(x) for x in s.scopes], ensure_ascii=False),
                "text": _own_text(text, s, first_child.get(s.path)),
            })
    counts: dict[str, int] = {}

    def fid(kind: str, f: Any) -> str:
        base = f"{f.doc_id}:{kind}:{f.start}:{f.end}"
        counts[base] = counts.get(base, 0) + 1
        return f"{base}:{counts[base]}"

    for f in result.facts:
        c = _common(f, sha)
        if isinstance(f, Citation):
            rows["citations"].append({**c, "id": fid("cit", f), "type": f.type, "number": f.number,
                                      "symbol": f.symbol, "year": f.year, "date": f.date, "issuer": f.issuer,
                                      "issuer_resolved": f.issuer_resolved, "title": f.title, "key": f.key,
                                      "short_form": int(f.short_form), "self_ref": int(f.self_ref)})
        elif isinstance(f, Relation):
            rows["relations"].append({**c, "id": fid("rel", f), "relation": f.relation, "modality": f.modality,
                                      "source": f.source, "target": f.target, "source_key": f.source_key,
                                      "target_key": f.target_key})
        elif isinstance(f, AgencyMention):
            rows["agency_mentions"].append({**c, "id": fid("ag", f), "name": f.name, "agency_id": f.agency_id,
                                            "province": f.province, "collective": int(f.collective)})
        elif isinstance(f, Target):
            rows["targets"].append({**c, "id": fid("tg", f), "value": f.value, "unit": f.unit,
                                    "comparator": f.comparator, "indicator": f.indicator,
                                    "indicator_phrase": f.indicator_phrase, "scope": f.scope,
                                    "deadline": f.deadline,
                                    "deadline_year": int(f.deadline[:4]) if f.deadline else None,
                                    "deadline_source": f.deadline_source, "baseline": f.baseline,
                                    "criterion": f.criterion, "agency": f.agency})
        elif isinstance(f, Task):
            rows["tasks"].append({**c, "id": fid("task", f), "lead": f.lead,
                                  "support": json.dumps(list(f.support), ensure_ascii=False),
                                  "lead_source": f.lead_source, "deadline": f.deadline,
                                  "deadline_source": f.deadline_source})
        elif isinstance(f, Deadline):
            rows["deadlines"].append({**c, "id": fid("dl", f), "kind": f.kind, "due": f.due,
                                      "period_start": f.period_start, "period_end": f.period_end,
                                      "relative": f.relative, "recurring": f.recurring})
    return rows


def delete_file_rows(db: sqlite_utils.Database, file_sha: str) -> None:
    """Remove every row derived from one version of a file."""
    for table in (*FILE_TABLES, "texts"):
        db.execute(f"DELETE FROM [{table}] WHERE file_sha = ?", [file_sha])


def write_result(db: sqlite_utils.Database, path: str, result: FileResult, run_id: int | None) -> int:
    """Write one file's rows in one transaction, replacing an earlier version of it. Returns facts written."""
    rows = rows_of(result)
    sha = result.source.sha256
    with db.atomic():
        old = db.execute("SELECT sha256 FROM files WHERE path = ?", [path]).fetchone()
        if old:
            delete_file_rows(db, old[0])
        delete_file_rows(db, sha)
        db["texts"].insert({"file_sha": sha, "text": result.cleaned.text,
                            "raw_offsets": None}, replace=True)
        for table, items in rows.items():
            if items:
                db[table].insert_all(items, replace=True, batch_size=500)
        n_facts = sum(len(v) for k, v in rows.items() if k not in ("documents", "sections"))
        db["files"].insert({
            "path": path, "sha256": sha, "size": result.source.size, "kind": result.source.kind,
            "encoding": result.source.encoding, "status": "ingested", "n_documents": len(result.documents),
            "n_facts": n_facts, "run_id": run_id, "ingested_at": now(),
        }, replace=True)
        db.execute("DELETE FROM rejects WHERE path = ?", [path])
    return n_facts


def write_reject(db: sqlite_utils.Database, path: str, sha: str | None, code: str, reason: str,
                 run_id: int | None) -> None:
    """Record a rejected file (and forget any earlier ingested version of it)."""
    with db.atomic():
        old = db.execute("SELECT sha256 FROM files WHERE path = ?", [path]).fetchone()
        if old:
            delete_file_rows(db, old[0])
            db.execute("DELETE FROM files WHERE path = ?", [path])
        db["rejects"].insert({"path": path, "sha256": sha, "code": code, "reason": reason, "run_id": run_id,
                              "rejected_at": now()}, replace=True)


def known_sha(db: sqlite_utils.Database, path: str) -> str | None:
    """The content hash last ingested for a path, if any."""
    row = db.execute("SELECT sha256 FROM files WHERE path = ?", [path]).fetchone()
    return row[0] if row else None


def counts(db: sqlite_utils.Database, tables: Iterable[str] = ("documents", *FILE_TABLES[2:])) -> dict[str, int]:
    """Row counts of the fact tables."""
    return {t: db[t].count for t in tables}
