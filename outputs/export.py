"""Export the knowledge base: JSONL in the `vnplan extract --json` shape, and one CSV per table.

`facts.jsonl` has one line per document. Each line is the FORMAT.md record that
`vnplan extract --json` prints for the document's file (see
`outputs/facts_json.py`), restricted to that document: `documents` holds it
alone and every fact list only its facts. The records are rebuilt from the
database rows into the pipeline's own dataclasses and printed by the same
functions as `extract --json`, so the two shapes cannot drift apart.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

from vnplan.kinds import KINDS
from vnplan.models import Cleaned, Document, Fact, FileResult, OcrPage, Scope, Section, Source
from vnplan.outputs.facts_json import facts_json
from vnplan.outputs.query import connect_ro, excel_text

# Columns of long free text, written last in each CSV.
LONG_TEXT = ("title", "heading", "quote", "text", "raw_offsets", "data", "aliases")


def _sections(conn: sqlite3.Connection, doc_id: str) -> tuple[Section, ...]:
    out = []
    for r in conn.execute("SELECT * FROM sections WHERE doc_id = ? ORDER BY start, depth", [doc_id]):
        scopes = tuple(Scope(**s) for s in json.loads(r["scopes"] or "[]"))
        out.append(Section(path=r["path"], kind=r["kind"], label=r["label"], heading=r["heading"],
                           start=r["start"], heading_end=r["heading_end"], end=r["end"], depth=r["depth"],
                           parent=r["parent"], scopes=scopes))
    return tuple(out)


def _document(conn: sqlite3.Connection, r: sqlite3.Row) -> Document:
    prom = r["promulgated_by"]
    return Document(
        doc_id=r["doc_id"], file_sha=r["file_sha"], index=r["idx"], start=r["start"], end=r["end"],
        type=r["type"], symbol=r["symbol"], number=r["number"], date=r["date"], place=r["place"],
        issuer=r["issuer"], province=r["province"], title=r["title"], signer=r["signer"],
        signer_title=r["signer_title"], recipients=tuple(json.loads(r["recipients"] or "[]")),
        # Stored as the promulgating document's id; the dataclass holds its index in the file.
        promulgated_by=int(prom.rsplit(":", 1)[1]) if prom else None,
        sections=_sections(conn, r["doc_id"]), key=r["key"],
    )


def load_result(conn: sqlite3.Connection, file_sha: str) -> FileResult:
    """Rebuild one ingested file's FileResult (text, documents, facts) from the database."""
    f = conn.execute("SELECT * FROM files WHERE sha256 = ?", [file_sha]).fetchone()
    t = conn.execute("SELECT text FROM texts WHERE file_sha = ?", [file_sha]).fetchone()
    text = t["text"] if t else ""
    source = Source(path=f["path"] if f else file_sha, sha256=file_sha, size=f["size"] if f else len(text),
                    kind=f["kind"] if f else "txt", text="", encoding=f["encoding"] if f else "utf-8")
    docs = tuple(_document(conn, r) for r in
                 conn.execute("SELECT * FROM documents WHERE file_sha = ? ORDER BY idx", [file_sha]))
    order = {d.doc_id: d.index for d in docs}
    facts: list[tuple[int, int, Fact]] = []
    # In registry order, so rebuilt facts keep the pipeline's order.
    for k, kind in enumerate(KINDS):
        for r in conn.execute(f"SELECT * FROM [{kind.table}] WHERE file_sha = ? ORDER BY start, id", [file_sha]):
            fact = kind.from_row(dict(r))
            facts.append((order.get(fact.doc_id, 0), k, fact))
    facts.sort(key=lambda x: (x[0], x[1]))
    pages = ()
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'ocr_pages'").fetchone():  # m010 on
        pages = tuple(OcrPage(r["page"], r["start"], r["end"], r["confidence"], r["words"]) for r in
                      conn.execute("SELECT * FROM ocr_pages WHERE file_sha = ? ORDER BY page", [file_sha]))
    # offsets to the raw text are not stored; consumers of a rebuilt result use the cleaned text only.
    return FileResult(source, Cleaned(text=text, offsets=()), docs, tuple(f for _, _, f in facts), pages)


def document_records(result: FileResult) -> list[dict[str, Any]]:
    """The file's `extract --json` record split into one record per document."""
    whole = facts_json(result)
    out = []
    for d in whole["documents"]:
        rec = {k: v for k, v in whole.items() if not isinstance(v, list)}
        rec["documents"] = [d]
        for key, items in whole.items():
            if key == "ocr_pages":  # the OCR'd pages the document lies on
                rec[key] = [p for p in items if p["start"] < max(d["end"], d["start"] + 1) and d["start"] < p["end"]]
            elif isinstance(items, list) and key not in ("documents", "agencies"):
                rec[key] = [x for x in items if x.get("doc_id") == d["doc_id"]]
        names = [m["name"] for m in rec["agency_mentions"] if not m["collective"]]
        rec["agencies"] = list(dict.fromkeys(names))
        rec["path"] = result.source.path
        out.append(rec)
    return out


def export_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables worth a CSV: not SQLite's, not FTS shadow tables, not bookkeeping (`_...`)."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    fts = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")}
    return [n for n in names if not n.startswith("_") and not any(n == f or n.startswith(f + "_") for f in fts)]


def export(db_path: str | Path, out_dir: str | Path, bom: bool = False) -> dict[str, int]:
    """Write `facts.jsonl` and `tables/<table>.csv` under `out_dir`; returns rows written per output.

    `bom`: each CSV is for Excel: a UTF-8 BOM first, and no cell Excel would take for a formula.
    """
    out = Path(out_dir)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    conn = connect_ro(db_path)
    written: dict[str, int] = {}
    try:
        n = 0
        with open(out / "facts.jsonl", "w", encoding="utf-8") as fh:
            for (sha,) in conn.execute("SELECT DISTINCT file_sha FROM documents ORDER BY file_sha").fetchall():
                for rec in document_records(load_result(conn, sha)):
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    n += 1
        written["facts.jsonl"] = n
        for table in export_tables(conn):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]
            # Long free text last, so a spreadsheet keeps it to a column of its own.
            cols = [c for c in cols if c not in LONG_TEXT] + [c for c in cols if c in LONG_TEXT]
            cur = conn.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{table}]")
            with open(out / "tables" / f"{table}.csv", "w", encoding="utf-8-sig" if bom else "utf-8",
                      newline="") as fh:
                w = csv.writer(fh)
                w.writerow(cols)
                k = 0
                for row in cur:
                    w.writerow([excel_text(v) for v in row] if bom else row)
                    k += 1
            written[f"tables/{table}.csv"] = k
    finally:
        conn.close()
    return written
