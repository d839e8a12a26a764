"""Store stage: FileResults -> the SQLite knowledge base, one transaction per file.

The schema is created by versioned migrations (sqlite-utils `Migrations`);
README.md documents every table. Rows carry explicit primary keys derived
from the file hash and the fact span, so ingesting the same file twice writes
the same rows, and a changed file replaces all rows of its old version.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from operator import itemgetter
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from . import gazetteer
from .kinds import KINDS, json_list, kind_of
from .models import FileResult, Section
from .text.provinces import province_after_2025
from .version import fingerprint

migrations = Migrations("vnplan")

# Tables holding rows derived from one file; all keyed to it by `file_sha`: the documents, their
# sections, and one table per kind of fact (`vnplan.kinds`).
FILE_TABLES = ("documents", "sections", *(k.table for k in KINDS))
# Every table whose rows derive from one file: the above, and the pages OCR read (m010).
ROW_TABLES = (*FILE_TABLES, "ocr_pages")


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


# Readable views, in their latest definitions. m002 created them all; a migration that
# changes one re-creates it (m003: repealed_keys, document_status, stale_citations;
# m004: citations_view), so a database's applied migrations say which version it holds.
VIEWS: dict[str, str] = {
    # Every ingested document with a readable label and its effective province: a plan
    # promulgated by a decision has neither symbol nor province of its own.
    "documents_view": """
SELECT d.doc_id, d.key, d.type, d.symbol, d.date, d.year,
       COALESCE(d.province, p.province) AS province,
       COALESCE(d.province_new, p.province_new, pr.province_after_2025) AS province_new,
       COALESCE(d.type || ' ' || d.symbol,
                d.type || ' kèm theo ' || p.type || ' ' || p.symbol,
                d.type || ': ' || d.title, d.doc_id) AS label,
       d.title, d.issuer, d.promulgated_by, d.file_sha
FROM documents d LEFT JOIN documents p ON p.doc_id = d.promulgated_by
LEFT JOIN provinces pr ON pr.name = COALESCE(d.province, p.province)""",
    # Keys (ingested or only cited) that an in-force relation repeals or replaces.
    # Keys (ingested or only cited) that an in-force relation repeals or replaces: one row per key,
    # from its first statement, however many documents restate it (a consolidated text repeats it).
    "repealed_keys": """
SELECT r.target_key AS key, r.target AS symbol,
       CASE r.relation WHEN 'repeals' THEN 'repealed' ELSE 'replaced' END AS status,
       r.source_key AS by_key, r.doc_id AS stated_in, r.file_sha AS stated_in_file,
       r.section, r.quote, r.id AS relation_id
FROM relations r
WHERE r.modality = 'in_force' AND r.relation IN ('repeals', 'replaces') AND r.target_key IS NOT NULL
  AND r.rowid = (SELECT MIN(r2.rowid) FROM relations r2
                 WHERE r2.target_key = r.target_key AND r2.relation IN ('repeals', 'replaces')
                   AND r2.modality = 'in_force')""",
    # Status of every ingested document: in force, or repealed/replaced and by what.
    "document_status": """
SELECT d.doc_id, d.key, d.label AS document, d.province, d.date,
       COALESCE(k.status, 'in_force') AS status, k.by_key,
       COALESCE(bd.type || ' ' || bd.symbol, bd.type || ': ' || bd.title, k.by_key) AS by_document,
       COALESCE(bd.doc_id, k.stated_in) AS by_doc_id, k.section AS by_section, k.quote
FROM documents_view d
LEFT JOIN repealed_keys k ON k.key = d.key
LEFT JOIN documents bd ON bd.doc_id = (SELECT MIN(x.doc_id) FROM documents x WHERE x.key = k.by_key)""",
    # Citations with the citing document and, when ingested, the cited one: the first of its
    # key, as a document ingested from two sources must not double every citation.
    "citations_view": """
SELECT c.id, d.province, d.label AS citing_document, c.doc_id, c.section, c.type, c.symbol, c.year,
       c.date, c.key, cd.doc_id AS cited_doc_id,
       COALESCE(cd.type || ' ' || cd.symbol, cd.type || ': ' || cd.title) AS cited_document, c.quote
FROM citations c JOIN documents_view d ON d.doc_id = c.doc_id
LEFT JOIN documents cd ON cd.doc_id = (SELECT MIN(x.doc_id) FROM documents x WHERE x.key = c.key)
WHERE c.self_ref = 0""",
    # Citations of a document the KB knows was repealed or replaced, outside the files that
    # state it (the repealing decision must cite what it repeals). Driven from the few
    # repealed keys, so it reads citations through their key index.
    "stale_citations": """
SELECT d.province, d.label AS citing_document, c.doc_id, c.section, c.symbol AS cited_symbol,
       c.key AS cited_key, k.status, COALESCE(bd.type || ' ' || bd.symbol, k.by_key) AS by_document,
       c.quote, k.quote AS repeal_quote
FROM repealed_keys k
CROSS JOIN citations c ON c.key = k.key
JOIN documents_view d ON d.doc_id = c.doc_id
LEFT JOIN documents bd ON bd.doc_id = (SELECT MIN(x.doc_id) FROM documents x WHERE x.key = k.by_key)
WHERE c.self_ref = 0
  AND NOT EXISTS (SELECT 1 FROM relations r WHERE r.target_key = c.key AND r.file_sha = c.file_sha
                  AND r.relation IN ('repeals', 'replaces') AND r.modality = 'in_force')""",
    "targets_view": """
SELECT d.province, d.province_new, d.label AS document, t.indicator,
       COALESCE(i.name, t.indicator) AS indicator_name, t.comparator, t.value, t.unit, t.scope,
       t.deadline, t.deadline_year, t.baseline, t.quote, t.doc_id, t.section, t.id
FROM targets t JOIN documents_view d ON d.doc_id = t.doc_id
LEFT JOIN indicators i ON i.id = t.indicator""",
    # Tasks an agency leads or supports, with their deadlines.
    "responsibilities_view": """
SELECT d.province, d.label AS document, t.lead AS agency, 'lead' AS role, t.deadline, t.quote,
       t.doc_id, t.section, t.id
FROM tasks t JOIN documents_view d ON d.doc_id = t.doc_id WHERE t.lead IS NOT NULL
UNION ALL
SELECT d.province, d.label, j.value, 'support', t.deadline, t.quote, t.doc_id, t.section, t.id
FROM tasks t JOIN documents_view d ON d.doc_id = t.doc_id, json_each(t.support) j""",
}


@migrations()
def m002_reference_search_views(db: sqlite_utils.Database) -> None:
    """Reference tables (agencies, indicators, provinces), full-text search, query indexes, views."""
    db["agencies"].create({"id": str, "name": str, "kind": str, "aliases": str, "source": str}, pk="id")
    db["indicators"].create(
        {"id": str, "name": str, "name_vi": str, "unit": str, "aliases": str, "data": str}, pk="id"
    )
    db["provinces"].create(
        {"id": str, "name": str, "province_after_2025": str, "code": str, "data": str}, pk="id"
    )
    db["sections"].enable_fts(["heading", "text"], create_triggers=True)
    db["targets"].create_index(["deadline_year"])
    db["targets"].create_index(["doc_id"])
    db["citations"].create_index(["doc_id"])
    db["relations"].create_index(["relation", "modality"])
    db["relations"].create_index(["doc_id"])
    db["tasks"].create_index(["doc_id"])
    db["documents"].create_index(["province"])
    db["documents"].create_index(["promulgated_by"])
    db["agency_mentions"].create_index(["doc_id"])
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)


@migrations()
def m003_views_from_repealed_keys(db: sqlite_utils.Database) -> None:
    """One repealed_keys row per key; document status and stale citations read from it through indexes."""
    db["relations"].create_index(["file_sha", "target_key"], if_not_exists=True)
    for name in ("repealed_keys", "document_status", "stale_citations"):
        db.create_view(name, VIEWS[name].strip(), replace=True)


@migrations()
def m004_citations_view_one_cited_document(db: sqlite_utils.Database) -> None:
    """citations_view names one cited document per citation, even when its key is ingested twice."""
    db.create_view("citations_view", VIEWS["citations_view"].strip(), replace=True)


@migrations()
def m005_pipeline_fingerprint(db: sqlite_utils.Database) -> None:
    """files and rejects record the pipeline fingerprint (vnplan.version) their rows came from."""
    db["files"].add_column("pipeline", str)
    db["rejects"].add_column("pipeline", str)


@migrations()
def m006_agencies_name_index(db: sqlite_utils.Database) -> None:
    """Each stored file looks its agencies up by name: index it (a table scan per agency before)."""
    db["agencies"].create_index(["name"], if_not_exists=True)


# The full-text index of sections is brought up to date in batches, not in each file's transaction:
# FTS5 writes a new index segment at every commit, and one per file cost more than indexing the
# text itself. Inserted sections wait in `sections_fts_pending` (a plain table, written in the
# file's transaction) until `index_pending` moves them into `sections_fts`. The delete and update
# triggers only tell the index about rows it has seen. `vnplan ingest` indexes every few files and
# at the start and end of each run, so after a run (or a crash and the next run) nothing waits.
# What a trigger does with the old row (tell the index only if it has seen it) and with the new one.
_FTS_FORGET_OLD = """
  INSERT INTO [sections_fts] ([sections_fts], rowid, [heading], [text])
    SELECT 'delete', old.rowid, old.[heading], old.[text]
    WHERE NOT EXISTS (SELECT 1 FROM [sections_fts_pending] WHERE section_rowid = old.rowid);
  DELETE FROM [sections_fts_pending] WHERE section_rowid = old.rowid;"""
_FTS_QUEUE_NEW = """
  INSERT OR IGNORE INTO [sections_fts_pending] (section_rowid) VALUES (new.rowid);"""
_FTS_TRIGGERS = tuple(f"\nCREATE TRIGGER [sections_{name}] AFTER {event} ON [sections] BEGIN{body}\nEND"
                      for name, event, body in (("ai", "INSERT", _FTS_QUEUE_NEW),
                                                ("ad", "DELETE", _FTS_FORGET_OLD),
                                                ("au", "UPDATE", _FTS_FORGET_OLD + _FTS_QUEUE_NEW)))


@migrations()
def m007_sections_fts_in_batches(db: sqlite_utils.Database) -> None:
    """Sections enter the full-text index in batches (`index_pending`), through a pending table."""
    db.execute("CREATE TABLE IF NOT EXISTS [sections_fts_pending] (section_rowid INTEGER PRIMARY KEY)")
    for name in ("sections_ai", "sections_ad", "sections_au"):
        db.execute(f"DROP TRIGGER IF EXISTS [{name}]")
    for sql in _FTS_TRIGGERS:
        db.execute(sql)


@migrations()
def m008_achievements(db: sqlite_utils.Database) -> None:
    """Achievements: results a document reports as already reached (`models.Achievement`)."""
    common = {"id": str, "doc_id": str, "file_sha": str, "section": str, "start": int, "end": int,
              "quote": str, "rule": str}
    db["achievements"].create(
        {**common, "value": float, "unit": str, "of": int, "indicator": str, "indicator_phrase": str,
         "year": int, "as_of": str, "province": str, "estimated": int, "change_value": float,
         "change_unit": str, "change_direction": str, "criterion": str},
        pk="id",
    )
    db["achievements"].create_index(["file_sha"])
    db["achievements"].create_index(["doc_id"])
    db["achievements"].create_index(["indicator", "province", "year"])


@migrations()
def m010_ocr_pages(db: sqlite_utils.Database) -> None:
    """ocr_pages: the PDF pages OCR read, their span in the file's cleaned text, Tesseract's confidence."""
    db["ocr_pages"].create({"file_sha": str, "page": int, "start": int, "end": int, "confidence": float,
                            "words": int}, pk=("file_sha", "page"))


# m012: answers count a document once however many files hold it, and give dates and sources.
# `ident` is a document's identity across files: its key when that is a symbol's key with nothing
# unknown in it (`61/2018/NĐ-CP`, `quang-ngai/2017/205/QĐ-UBND`); otherwise (a title's key, shared by
# two provinces' plans of the same title; a key with `?`) the key with the province and the date.
VIEWS_M012: dict[str, str] = {
    "documents_view": """
SELECT d.doc_id, d.key,
       CASE WHEN d.key LIKE '%/%' AND d.key NOT LIKE '%?%' THEN d.key
            ELSE COALESCE(d.key, d.doc_id) || '|' || COALESCE(d.province, p.province, '') || '|'
                 || COALESCE(d.date, '') END AS ident,
       d.type, d.symbol, d.date, d.year,
       COALESCE(d.province, p.province) AS province,
       COALESCE(d.province_new, p.province_new, pr.province_after_2025) AS province_new,
       COALESCE(d.type || ' ' || d.symbol,
                d.type || ' kèm theo ' || p.type || ' ' || p.symbol,
                d.type || ': ' || d.title, d.doc_id) AS label,
       d.title, d.issuer, d.promulgated_by, d.file_sha
FROM documents d LEFT JOIN documents p ON p.doc_id = d.promulgated_by
LEFT JOIN provinces pr ON pr.name = COALESCE(d.province, p.province)""",
    # Every file a document was read from (identical content under two paths: both).
    "document_files": """
SELECT d.doc_id, d.key, f.path, f.kind, f.sha256 AS file_sha
FROM documents d JOIN files f ON f.sha256 = d.file_sha""",
    # Every statement that a document is (or is to be) repealed or replaced, with the repeal's date:
    # the stating document's when it repeals itself, else the repealing document's (ingested or cited).
    "repeal_events": """
SELECT r.id AS relation_id, r.target_key AS key, r.target AS symbol, r.relation, r.modality,
       CASE r.relation WHEN 'repeals' THEN 'repealed' ELSE 'replaced' END AS status,
       r.source_key AS by_key, r.doc_id AS stated_in, r.file_sha AS stated_in_file, r.section, r.quote,
       COALESCE(CASE WHEN r.source = 'self' THEN sd.date END,
                (SELECT MIN(x.date) FROM documents x WHERE x.key = r.source_key),
                (SELECT MIN(c.date) FROM citations c WHERE c.key = r.source_key)) AS by_date,
       COALESCE(CASE WHEN r.source = 'self' THEN sd.label END,
                (SELECT x.type || ' ' || x.symbol FROM documents x WHERE x.key = r.source_key
                 ORDER BY x.doc_id LIMIT 1), r.source) AS by_document
FROM relations r JOIN documents_view sd ON sd.doc_id = r.doc_id
WHERE r.relation IN ('repeals', 'replaces') AND r.modality IN ('in_force', 'planned') AND r.target_key IS NOT NULL""",
    # Citations of a document repealed or replaced, with both dates: `when` says whether the repeal came
    # before the citing document was issued (stale when written), after it (repealed since), is
    # undated, or only planned. Not in the files that state the repeal, nor in the repealing document.
    "stale_citations": """
SELECT d.province, d.province_new, d.label AS citing_document, d.date AS citing_date, c.doc_id, c.section,
       c.symbol AS cited_symbol, c.key AS cited_key, e.status, e.modality, e.by_key, e.by_document, e.by_date,
       CASE WHEN e.modality = 'planned' THEN 'planned'
            WHEN e.by_date IS NULL OR d.date IS NULL THEN 'undated'
            WHEN e.by_date < d.date THEN 'before_issue' ELSE 'since_issue' END AS "when",
       c.quote, e.quote AS repeal_quote, e.stated_in, e.relation_id
FROM repeal_events e
CROSS JOIN citations c ON c.key = e.key
JOIN documents_view d ON d.doc_id = c.doc_id
WHERE c.self_ref = 0 AND (e.by_key IS NULL OR d.key IS NOT e.by_key)
  -- One repeal per key (the earliest dated statement), and one planned one apart: a repeal restated in
  -- several documents (a consolidated text repeats it) is still one.
  AND e.relation_id = (SELECT e2.relation_id FROM repeal_events e2
                       WHERE e2.key = e.key AND (e2.modality = 'planned') = (e.modality = 'planned')
                       ORDER BY e2.by_date IS NULL, e2.by_date, e2.relation_id LIMIT 1)
  AND NOT EXISTS (SELECT 1 FROM relations r WHERE r.target_key = c.key AND r.file_sha = c.file_sha
                  AND r.relation IN ('repeals', 'replaces') AND r.modality IN ('in_force', 'planned'))""",
    "targets_view": """
SELECT d.province, d.province_new, d.label AS document, d.date AS document_date, d.type AS document_type,
       t.indicator, COALESCE(i.name, t.indicator) AS indicator_name, t.comparator, t.value, t.unit, t.scope,
       t.deadline, t.deadline_year, t.baseline, t.quote, t.doc_id, t.section, t.id
FROM targets t JOIN documents_view d ON d.doc_id = t.doc_id
LEFT JOIN indicators i ON i.id = t.indicator""",
}


@migrations()
def m012_answers_by_document(db: sqlite_utils.Database) -> None:
    """Document identity across files (documents_view.ident), files per document, dated stale citations."""
    db["files"].create_index(["sha256"], if_not_exists=True)
    db["citations"].create_index(["title"], if_not_exists=True)
    # A symbol's keys are read for every question naming a document: from the index alone.
    db["citations"].create_index(["symbol", "key"], if_not_exists=True)
    for name in ("stale_citations", "repeal_events", "document_files", "targets_view", "documents_view"):
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
    for name, sql in VIEWS_M012.items():
        db.create_view(name, sql.strip(), replace=True)
# Committed vs achieved (m014): one row per province, indicator, criterion, unit and year, pairing what
# the documents commit to (`targets`, by deadline year) with what they report as reached
# (`achievements`). A target due by a year and a result for that year meet on one row; either may be
# missing. Restated commitments (the same value and comparator in several places or documents) are one
# row with every source; different commitments for one year, or different results, are several rows, and
# `commitments` / `results` say how many there are. Points and ranks are separate series (units), so a
# points target is never compared with a rank; components of an index (an annex row's `criterion`) are
# their own series beside the headline (criterion NULL). `met` compares with the comparator: `>=`, `>`,
# `<=`, `<` as written; `=` means "reach": at least the value, or at most it for ranks and durations
# (days), where lower is better. NULL when either side is missing. Targets without a deadline and
# results without a year are not on any timeline (`vnplan.outputs.timeline` counts them).
PROGRESS_SQL = """
WITH tg AS (
  SELECT d.province, t.indicator, t.criterion, t.unit, t.deadline_year AS year, t.comparator, t.value, t.scope,
         count(*) AS n,
         json_group_array(DISTINCT d.label) AS documents,
         json_group_array(json_object('doc_id', t.doc_id, 'document', d.label, 'section', t.section,
                                      'quote', t.quote, 'id', t.id)) AS sources
  FROM targets t JOIN documents_view d ON d.doc_id = t.doc_id
  WHERE t.deadline_year IS NOT NULL{targets_where}
  GROUP BY d.province, t.indicator, t.criterion, t.unit, t.deadline_year, t.comparator, t.value, t.scope
),
tgk AS (
  SELECT *, count(*) OVER (PARTITION BY province, indicator, criterion, unit, year) AS k FROM tg
),
ac AS (
  SELECT a.province, a.indicator, a.criterion, a.unit,
         COALESCE(a.year, CAST(substr(a.as_of, 1, 4) AS INTEGER)) AS year, a.value, a.of, a.estimated,
         count(*) AS n,
         json_group_array(DISTINCT d.label) AS documents,
         json_group_array(json_object('doc_id', a.doc_id, 'document', d.label, 'section', a.section,
                                      'quote', a.quote, 'id', a.id)) AS sources
  FROM achievements a JOIN documents_view d ON d.doc_id = a.doc_id
  WHERE COALESCE(a.year, CAST(substr(a.as_of, 1, 4) AS INTEGER)) IS NOT NULL{achievements_where}
  GROUP BY a.province, a.indicator, a.criterion, a.unit, 5, a.value, a.of, a.estimated
),
ack AS (
  SELECT *, count(*) OVER (PARTITION BY province, indicator, criterion, unit, year) AS k FROM ac
),
keys AS (
  SELECT province, indicator, criterion, unit, year FROM tg
  UNION SELECT province, indicator, criterion, unit, year FROM ac
)
SELECT k.province, pr.province_after_2025 AS province_new, k.indicator,
       COALESCE(i.name, k.indicator) AS indicator_name, k.criterion, k.year, k.unit,
       t.comparator AS target_comparator, t.value AS target_value, t.scope AS target_scope,
       a.value AS achieved_value, a.of AS achieved_of, a.estimated AS achieved_estimated,
       CASE
         WHEN t.value IS NULL OR a.value IS NULL THEN NULL
         WHEN t.comparator = '>=' THEN a.value >= t.value - 1e-9
         WHEN t.comparator = '>' THEN a.value > t.value + 1e-9
         WHEN t.comparator = '<=' THEN a.value <= t.value + 1e-9
         WHEN t.comparator = '<' THEN a.value < t.value - 1e-9
         WHEN t.comparator = '=' AND k.unit IN ('rank', 'days') THEN a.value <= t.value + 1e-9
         WHEN t.comparator = '=' THEN a.value >= t.value - 1e-9
       END AS met,
       COALESCE(t.k, 0) AS commitments, COALESCE(a.k, 0) AS results,
       t.documents AS target_documents, a.documents AS achieved_documents,
       t.sources AS target_sources, a.sources AS achieved_sources
FROM keys k
LEFT JOIN tgk t ON t.province IS k.province AND t.indicator IS k.indicator AND t.criterion IS k.criterion
                AND t.unit IS k.unit AND t.year = k.year
LEFT JOIN ack a ON a.province IS k.province AND a.indicator IS k.indicator AND a.criterion IS k.criterion
                AND a.unit IS k.unit AND a.year = k.year
LEFT JOIN indicators i ON i.id = k.indicator
LEFT JOIN provinces pr ON pr.name = k.province"""
PROGRESS_VIEW = PROGRESS_SQL.format(targets_where="", achievements_where="")


def progress_sql(targets_where: str = "", achievements_where: str = "") -> str:
    """The view's query with conditions inside it (`AND t.indicator IN (?)`, `AND a.province = ?`): the
    same rows as `progress_view` filtered, read through the indexes instead of grouping every fact."""
    return PROGRESS_SQL.format(targets_where=targets_where, achievements_where=achievements_where)


@migrations()
def m014_progress_view(db: sqlite_utils.Database) -> None:
    """progress_view: targets and achievements paired by province, indicator and year (committed vs achieved)."""
    db["targets"].create_index(["indicator", "deadline_year"], if_not_exists=True)
    db.create_view("progress_view", PROGRESS_VIEW.strip(), replace=True)


def index_pending(db: sqlite_utils.Database) -> int:
    """Add the sections written since the last call to the full-text index, in one transaction.
    Returns how many were added."""
    with db.atomic():
        n = db.execute("SELECT count(*) FROM sections_fts_pending").fetchone()[0]
        if n:
            db.execute("INSERT INTO sections_fts (rowid, heading, text) SELECT s.rowid, s.heading, s.text "
                       "FROM sections_fts_pending p JOIN sections s ON s.rowid = p.section_rowid")
            db.execute("DELETE FROM sections_fts_pending")
    return n


def _entries(data: Any) -> list[dict[str, Any]]:
    """The entry list of a gazetteer file, whether it is a list or `{"entries": [...]}`."""
    if isinstance(data, dict):
        # provinces.json keeps the 63 pre-2025 provinces under "old", each with its "new" one.
        data = data.get("entries") or data.get("indicators") or data.get("old") or data.get("provinces") or []
    return [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []


def _gazetteer(name: str) -> list[dict[str, Any]] | None:
    """Entries of a gazetteer file, or None when it cannot be read."""
    try:
        return _entries(gazetteer.load(name))
    except (FileNotFoundError, ValueError, OSError):
        return None


def _first(e: dict[str, Any], *names: str) -> Any:
    for n in names:
        if e.get(n) not in (None, ""):
            return e[n]
    return None


def indicator_rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the `indicators` table from `gazetteer/indicators.json` entries."""
    rows = []
    for e in entries:
        code = _first(e, "id", "code", "indicator")
        if not code:
            continue
        aliases: list[str] = []
        for k in ("aliases", "aliases_vi", "aliases_en", "vi", "en", "abbreviations", "abbr"):
            v = e.get(k)
            aliases.extend([v] if isinstance(v, str) else [a for a in v or [] if isinstance(a, str)])
        rows.append({"id": code, "name": _first(e, "name", "name_en", "en_name", "label") or code,
                     "name_vi": _first(e, "name_vi", "vi_name"), "unit": _first(e, "unit"),
                     "aliases": json.dumps(aliases, ensure_ascii=False),
                     "data": json.dumps(e, ensure_ascii=False)})
    return rows


def province_rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the `provinces` table from `gazetteer/provinces.json` entries."""
    rows = []
    for e in entries:
        name = _first(e, "name", "province")
        if not name:
            continue
        after = _first(e, "province_after_2025", "after_2025", "new", "merged_into", "new_province")
        rows.append({"id": _first(e, "id", "slug") or name, "name": name,
                     "province_after_2025": after if isinstance(after, str) else None,
                     "code": str(_first(e, "code") or "") or None, "data": json.dumps(e, ensure_ascii=False)})
    return rows


def agency_gazetteer_rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of the `agencies` table from `gazetteer/agencies.jsonl` entries of type `agency`."""
    rows = []
    for e in entries:
        if e.get("type", "agency") != "agency" or not e.get("name"):
            continue
        aliases = [a for a in e.get("aliases") or [] if isinstance(a, str)]
        rows.append({"id": e.get("id") or e["name"], "name": e["name"], "kind": e.get("kind"),
                     "aliases": json.dumps(aliases, ensure_ascii=False), "source": "gazetteer"})
    return rows


def load_reference(db: sqlite_utils.Database) -> None:
    """Refresh `indicators`, `provinces` and gazetteer `agencies` from the gazetteer files that exist."""
    entries = _gazetteer("agencies.jsonl")
    if entries:
        # Gazetteer rows are refreshed; agencies only seen in mentions stay unless the gazetteer names them.
        rows = agency_gazetteer_rows(entries)
        with db.atomic():
            db.conn.executemany("DELETE FROM agencies WHERE source = 'mention' AND name = ?", [(r["name"],) for r in rows])
            db["agencies"].insert_all(rows, pk="id", replace=True)
    for table, name, make in (("indicators", "indicators.json", indicator_rows),
                              ("provinces", "provinces.json", province_rows)):
        entries = _gazetteer(name)
        if entries is None:
            continue
        rows = make(entries)
        with db.atomic():
            db.execute(f"DELETE FROM [{table}]")
            if rows:
                db[table].insert_all(rows, pk="id", replace=True)


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) a knowledge base and bring its schema up to date."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    migrations.apply(db)
    load_reference(db)
    return db


def _new_province(province: str | None) -> str | None:
    """The province that holds `province` since the 2025 merger, or None for an unknown name."""
    return province_after_2025(province) if province else None


def agency_rows(mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Canonical agency rows for the distinct agencies named in a file's mentions."""
    out: dict[str, dict[str, Any]] = {}
    for m in mentions:
        if m.get("collective") or not m.get("name"):
            continue
        aid = m.get("agency_id") or m["name"]
        out.setdefault(aid, {"id": aid, "name": m["name"], "kind": None, "aliases": "[]", "source": "mention"})
    return list(out.values())


def now() -> str:
    """UTC timestamp for run and file rows."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


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
            "province": d.province, "province_new": _new_province(d.province), "title": d.title, "signer": d.signer,
            "signer_title": d.signer_title, "recipients": json_list(d.recipients),
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
                "scopes": json_list(map(vars, s.scopes)),
                "text": _own_text(text, s, first_child.get(s.path)),
            })
    counts: dict[str, int] = {}
    for f in result.facts:
        kind = kind_of(f)
        base = f"{f.doc_id}:{kind.id_prefix}:{f.start}:{f.end}"
        counts[base] = counts.get(base, 0) + 1
        rows[kind.table].append({**_common(f, sha), "id": f"{base}:{counts[base]}", **kind.row(f)})
    rows["ocr_pages"] = [{"file_sha": sha, "page": p.page, "start": p.start, "end": p.end,
                          "confidence": p.confidence, "words": p.words} for p in result.ocr_pages]
    return rows


def delete_file_rows(db: sqlite_utils.Database, file_sha: str) -> None:
    """Remove every row derived from one version of a file."""
    for table in (*ROW_TABLES, "texts"):
        db.execute(f"DELETE FROM [{table}] WHERE file_sha = ?", [file_sha])


def _sql_value(v: Any) -> Any:
    # As sqlite-utils stores them: containers as JSON text.
    return json.dumps(v, default=repr, ensure_ascii=False) if isinstance(v, (dict, list, tuple)) else v


def _insert_sql(table: str, cols: list[str]) -> str:
    return (f"INSERT OR REPLACE INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
            f"VALUES ({', '.join('?' * len(cols))})")


def _insert_rows(db: sqlite_utils.Database, table: str, items: list[dict[str, Any]]) -> None:
    """INSERT OR REPLACE many rows with one prepared statement (sqlite-utils' insert_all costs 2x the CPU)."""
    cols = list(items[0])
    sql = _insert_sql(table, cols)
    try:
        # `rows_of` gives every row of a table the same keys (same count, and each key found), all plain
        # values: read them in C.
        if len(cols) < 2 or not all(map(len(cols).__eq__, map(len, items))):
            raise KeyError(table)
        db.conn.executemany(sql, map(itemgetter(*cols), items))
    except (KeyError, sqlite3.ProgrammingError):
        # Rows with other keys, or a container value: the general path (rows already written are replaced).
        cols = list(dict.fromkeys(k for it in items for k in it))
        db.conn.executemany(_insert_sql(table, cols), ([_sql_value(it.get(c)) for c in cols] for it in items))


def write_result(db: sqlite_utils.Database, path: str, result: FileResult, run_id: int | None) -> int:
    """Write one file's rows in one transaction, replacing an earlier version of it. Returns facts written."""
    rows = rows_of(result)
    sha = result.source.sha256
    with db.atomic():
        old = db.execute("SELECT sha256 FROM files WHERE path = ?", [path]).fetchone()
        if old and old[0] != sha and not _sha_used_elsewhere(db, old[0], path):
            delete_file_rows(db, old[0])
        delete_file_rows(db, sha)
        _insert_rows(db, "texts", [{"file_sha": sha, "text": result.cleaned.text, "raw_offsets": None}])
        for table, items in rows.items():
            if items:
                _insert_rows(db, table, items)
        if _has_agencies(db):
            # Agencies are shared across files: add the ones not known by id or name, never overwrite.
            db.conn.executemany(
                "INSERT OR IGNORE INTO agencies (id, name, kind, aliases, source) SELECT ?, ?, ?, ?, ? "
                "WHERE NOT EXISTS (SELECT 1 FROM agencies WHERE name = ?)",
                ([a["id"], a["name"], a["kind"], a["aliases"], a["source"], a["name"]]
                 for a in agency_rows(rows["agency_mentions"])))
        n_facts = sum(len(v) for k, v in rows.items() if k not in ("documents", "sections", "ocr_pages"))
        _insert_rows(db, "files", [{
            "path": path, "sha256": sha, "size": result.source.size, "kind": result.source.kind,
            "encoding": result.source.encoding, "status": "ingested", "n_documents": len(result.documents),
            "n_facts": n_facts, "run_id": run_id, "ingested_at": now(), "pipeline": fingerprint(),
        }])
        db.execute("DELETE FROM rejects WHERE path = ?", [path])
    return n_facts


def _has_agencies(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'agencies'").fetchone() is not None


def write_reject(db: sqlite_utils.Database, path: str, sha: str | None, code: str, reason: str,
                 run_id: int | None) -> None:
    """Record a rejected file (and forget any earlier ingested version of it)."""
    with db.atomic():
        old = db.execute("SELECT sha256 FROM files WHERE path = ?", [path]).fetchone()
        if old:
            if not _sha_used_elsewhere(db, old[0], path):
                delete_file_rows(db, old[0])
            db.execute("DELETE FROM files WHERE path = ?", [path])
        db["rejects"].insert({"path": path, "sha256": sha, "code": code, "reason": reason, "run_id": run_id,
                              "rejected_at": now(), "pipeline": fingerprint()}, replace=True)


def _sha_used_elsewhere(db: sqlite_utils.Database, sha: str, path: str) -> bool:
    # Identical content under two paths shares one set of rows (ids derive from the hash).
    return db.execute("SELECT 1 FROM files WHERE sha256 = ? AND path != ?", [sha, path]).fetchone() is not None


def known_sha(db: sqlite_utils.Database, path: str) -> str | None:
    """The content hash last ingested for a path, if any."""
    row = db.execute("SELECT sha256 FROM files WHERE path = ?", [path]).fetchone()
    return row[0] if row else None


def current_versions(db: sqlite_utils.Database) -> set[tuple[str, str]]:
    """(path, sha256) of every file content ingested or rejected by this very pipeline (code and data):
    what a run may skip. One read of each table, not two queries a file (0.07 s for 438 files)."""
    fp = fingerprint()
    return {(path, sha) for table in ("files", "rejects")
            for path, sha in db.execute(f"SELECT path, sha256 FROM [{table}] WHERE pipeline = ?", [fp])}


def counts(db: sqlite_utils.Database, tables: Iterable[str] = ("documents", *FILE_TABLES[2:])) -> dict[str, int]:
    """Row counts of the fact tables."""
    return {t: db[t].count for t in tables}
