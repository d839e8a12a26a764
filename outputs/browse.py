"""`vnplan browse`: Datasette over a knowledge base, with the project's metadata, facets and canned queries.

The metadata (`outputs/datasette.json`) is written for a database called `vnplan`;
`datasette_metadata` files it under the name Datasette gives the file (its stem),
so it applies whatever the file is called. The canned search runs the same
full-text match as `vnplan query search` (`vnplan.outputs.query.SEARCH_HITS`).

What a knowledge base holds beyond the documents stays hidden unless asked:
server paths (the `files`, `rejects`, `ingest_runs` tables, the `document_files`
view and Datasette's `/-/databases` page, which shows the database's own path)
without `show_paths`, the cleaned full texts (`texts`) without `show_texts`, and
arbitrary SQL (which could read both) without `allow_sql`. Every page can be
downloaded as CSV that Excel opens as it is (the `excel` link: UTF-8 BOM, long text
last, no cell read as a formula), besides Datasette's own CSV.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from vnplan.errors import VnplanError
from vnplan.outputs.query import LONG_TEXT, SEARCH_HITS, excel_text

PATH_TABLES = ("files", "rejects", "ingest_runs", "document_files")
TEXT_TABLES = ("texts",)
# An allow block no visitor satisfies: Datasette then refuses the table (403).
NOBODY = {"id": "-"}

SEARCH_SQL = SEARCH_HITS.strip() + """
SELECT d.province, d.province_new, d.label AS document, d.date, s.path AS section, MIN(h.rank) AS rank,
  COALESCE((SELECT snippet(sections_fts, 1, '[', ']', '…', 16) FROM sections_fts
            WHERE sections_fts MATCH (SELECT phrase FROM q) AND rowid = s.rowid),
           (SELECT snippet(sections_fts, 1, '[', ']', '…', 16) FROM sections_fts
            WHERE sections_fts MATCH (SELECT every FROM q) AND rowid = s.rowid)) AS snippet,
  s.doc_id
FROM hits h JOIN sections s ON s.rowid = h.rowid JOIN documents_view d ON d.doc_id = s.doc_id
GROUP BY d.ident, s.path
ORDER BY rank, s.doc_id, s.path"""


def base_metadata() -> dict[str, Any]:
    """The metadata file shipped with vnplan (`outputs/datasette.json`), parsed."""
    return json.loads(resources.files("vnplan.outputs").joinpath("datasette.json").read_text(encoding="utf-8"))


def datasette_metadata(db_path: str | Path, show_paths: bool = False, show_texts: bool = False,
                       allow_sql: bool = False) -> dict[str, Any]:
    """Metadata for Datasette serving `db_path`: the project's descriptions, facets and canned queries
    under the database's own name, and the hidden tables refused."""
    meta = copy.deepcopy(base_metadata())
    db = meta["databases"].pop("vnplan")
    db["description"] = db["description"].split(" Open with:")[0]
    db["queries"]["search_sections"]["sql"] = SEARCH_SQL
    hidden = (() if show_paths else PATH_TABLES) + (() if show_texts else TEXT_TABLES)
    for name in hidden:
        db["tables"].setdefault(name, {}).update({"hidden": True, "allow": NOBODY})
    if not allow_sql:
        db["allow_sql"] = NOBODY
    meta["databases"] = {Path(db_path).stem: db}
    return meta


ASGIApp = Callable[[dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[Any]]], Awaitable[Any]]


def hide_server_paths(app: ASGIApp) -> ASGIApp:
    """Refuse Datasette's `/-/databases` page (it prints the database file's path on the server)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and scope.get("path", "").startswith("/-/databases"):
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"Hidden by vnplan browse; --show-paths shows it.\n"})
            return
        await app(scope, receive, send)

    return wrapped


def excel_csv(columns: list[str], rows: list[Any]) -> dict[str, Any]:
    """Datasette's `.excel` output: the page as CSV Excel opens as it is (UTF-8 BOM, CRLF, long text in the
    last columns, no cell read as a formula)."""
    order = [c for c in columns if c not in LONG_TEXT] + [c for c in columns if c in LONG_TEXT]
    at = [columns.index(c) for c in order]
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(order)
    for row in rows:
        values = [row[c] for c in columns] if isinstance(row, dict) else list(row)
        w.writerow([excel_text(" ".join(v.split()) if isinstance(v, str) else v) for v in (values[i] for i in at)])
    return {"body": buf.getvalue(), "content_type": "text/csv; charset=utf-8",
            "headers": {"content-disposition": 'attachment; filename="vnplan.csv"'}}


def make_app(db_path: str | Path, show_paths: bool = False, show_texts: bool = False,
             allow_sql: bool = False) -> tuple[Any, ASGIApp]:
    """The Datasette instance and the ASGI app `vnplan browse` serves."""
    try:
        from datasette.app import Datasette
    except ImportError:
        raise VnplanError("Datasette is not installed: pip install 'vnplan[browse]'") from None
    p = Path(db_path)
    if not p.exists():
        raise VnplanError(f"no database at {db_path}; run `vnplan ingest` first")
    ds = Datasette([str(p)], metadata=datasette_metadata(p, show_paths, show_texts, allow_sql),
                   settings={"default_page_size": 50, "sql_time_limit_ms": 3000})
    # A link `excel` beside `json` and `CSV` on every page (this instance only, not a global plugin).
    ds.renderers["excel"] = (excel_csv, lambda: True)
    app = ds.app()
    return ds, app if show_paths else hide_server_paths(app)


def serve(db_path: str | Path, port: int = 8001, **opts: bool) -> None:
    """Serve the knowledge base on 127.0.0.1 until interrupted."""
    import uvicorn

    _ds, app = make_app(db_path, **opts)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
