"""An HTML page of one document: its text with the facts highlighted, and a side list of the facts.

Highlighting follows displaCy's entity style: each fact's span is coloured by
its kind and ends in a small label linking to the fact in the side list.
Facts overlap (a relation holds a citation, a task holds agencies), so the
text is cut at every span boundary and each piece carries the classes of all
facts covering it. Citations of documents that are in the knowledge base link
to those documents' pages (`<doc_id with : as _>.html` beside this one). All
document text is HTML-escaped: the input is untrusted.
"""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path
from typing import Any

from vnplan.errors import VnplanError
from vnplan.kinds import BY_NAME, KINDS, FactKind, kind_of
from vnplan.models import Citation, Document, Fact, FileResult
from vnplan.outputs.export import load_result
from vnplan.outputs.query import connect_ro
from vnplan.run import process_file
from vnplan.text.normalize import collapse

# The stylesheet's order decides which colour wins on overlaps; the side list puts what readers
# look for first.
LIST_ORDER: tuple[FactKind, ...] = tuple(BY_NAME[n] for n in ("targets", "tasks", "citations", "relations",
                                                                "deadlines", "agencies") if n in BY_NAME)

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{padding:16px 24px;background:#1f3b57;color:#fff}
header h1{margin:0 0 4px;font-size:20px}
header .meta{font-size:13px;opacity:.85}
.status{margin:8px 0 0;padding:6px 10px;background:#b3261e;color:#fff;display:inline-block;border-radius:4px}
.layout{display:flex;gap:16px;padding:16px 24px;align-items:flex-start}
main{flex:3;min-width:0}
aside{flex:2;min-width:0;position:sticky;top:0;max-height:100vh;overflow:auto;font-size:13px}
article.doc{white-space:pre-wrap;line-height:1.9;background:#fff;padding:16px;border:1px solid #ddd;border-radius:6px;font-size:14px}
.f{border-radius:3px;padding:1px 0}
.task{background:#f3f0e6}
.relation{text-decoration:underline 2px #7b3fb5}
.agency{background:#cdeee9}
.deadline{background:#ffe0b2}
.citation{background:#d6e4ff}
.target{background:#c8f2c2;font-weight:600}
a.lbl{font-size:9px;font-weight:700;vertical-align:super;margin:0 2px;padding:0 3px;border-radius:3px;
 color:#fff;text-decoration:none;background:#666}
a.lbl.citation{background:#2f5fb3}a.lbl.target{background:#2e7d32}a.lbl.deadline{background:#c76b00}
a.lbl.agency{background:#00796b}a.lbl.relation{background:#7b3fb5}a.lbl.task{background:#8d7b4a}
a.cited{color:inherit}
aside h2{font-size:15px;margin:12px 0 6px}
aside ol{padding-left:22px;margin:0}
aside li{margin:0 0 6px}
aside li:target{outline:2px solid #f0a500}
aside .q{color:#555}
aside .sec{color:#888;font-size:11px}
.legend span{display:inline-block;padding:0 6px;margin-right:4px;border-radius:3px}
"""


def page_name(doc_id: str) -> str:
    """The file name of a document's page: its id with `:` (not allowed everywhere) as `_`."""
    return doc_id.replace(":", "_") + ".html"


def highlight(text: str, start: int, end: int, facts: list[tuple[int, Fact]],
              links: dict[int, str] | None = None) -> str:
    """HTML for `text[start:end]` with each fact's span marked and labelled; `facts` are (number, fact)."""
    links = links or {}
    inside = [(n, f) for n, f in facts if start <= f.start < f.end <= end]
    cuts = sorted({start, end, *(f.start for _, f in inside), *(f.end for _, f in inside)})
    ends_at: dict[int, list[tuple[int, Fact]]] = {}
    for n, f in inside:
        ends_at.setdefault(f.end, []).append((n, f))
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(text[a:b])
        cover = [(n, f) for n, f in inside if f.start <= a and b <= f.end]
        if cover:
            classes = " ".join(dict.fromkeys(kind_of(f).css for _, f in cover))
            link = next((links[n] for n, _ in cover if n in links), None)
            if link:
                piece = f'<a class="cited" href="{html.escape(link)}">{piece}</a>'
            piece = f'<span class="f {classes}">{piece}</span>'
        out.append(piece)
        for n, f in sorted(ends_at.get(b, []), key=lambda x: -x[1].start):
            k = kind_of(f)
            out.append(f'<a class="lbl {k.css}" href="#fact-{n}" title="{html.escape(k.summary(f))}">{k.label}</a>')
    return "".join(out)


def _lookup(conn: sqlite3.Connection | None, sql: str, params: list[Any]) -> list[sqlite3.Row]:
    if conn is None:
        return []
    try:
        return list(conn.execute(sql, params))
    except sqlite3.Error:
        return []  # an older database without the views: the page simply has no links


def citation_links(conn: sqlite3.Connection | None, doc: Document, facts: list[tuple[int, Fact]]
                   ) -> dict[int, tuple[str, str]]:
    """For citations of documents in the knowledge base: fact number -> (page name, label)."""
    out: dict[int, tuple[str, str]] = {}
    for n, f in facts:
        if isinstance(f, Citation) and f.key and f.key != doc.key:
            rows = _lookup(conn, "SELECT doc_id, label FROM documents_view WHERE key = ? AND doc_id != ? "
                           "ORDER BY doc_id LIMIT 1", [f.key, doc.doc_id])
            if rows:
                out[n] = (page_name(rows[0]["doc_id"]), rows[0]["label"])
    return out


def render_document(result: FileResult, doc: Document, conn: sqlite3.Connection | None = None) -> str:
    """The HTML fragment (header, text, side list) of one document of a file."""
    text = result.cleaned.text
    facts = [f for f in result.facts if f.doc_id == doc.doc_id]
    facts.sort(key=lambda f: (f.start, -f.end))
    numbered = list(enumerate(facts, 1))
    links = citation_links(conn, doc, numbered)
    status = _lookup(conn, "SELECT status, by_document FROM document_status WHERE doc_id = ? AND status != "
                     "'in_force'", [doc.doc_id])
    title = f"{doc.type or 'Văn bản'} {doc.symbol or ''}".strip()
    meta = " · ".join(html.escape(x) for x in (doc.issuer, doc.province, doc.date, doc.doc_id) if x)
    parts = [f'<section class="document" id="{html.escape(doc.doc_id)}">',
             f"<header><h1>{html.escape(title)}</h1><div class=\"meta\">{meta}</div>"]
    if doc.title:
        parts.append(f'<div class="meta">{html.escape(doc.title)}</div>')
    for s in status:
        parts.append(f'<div class="status">{html.escape(s["status"])} by {html.escape(s["by_document"] or "?")}</div>')
    parts.append("</header>")
    legend = "".join(f'<span class="{k.css}">{html.escape(k.label)}</span>' for k in KINDS)
    body = highlight(text, doc.start, doc.end, numbered, {n: p for n, (p, _) in links.items()})
    parts.append(f'<div class="layout"><main><div class="legend">{legend}</div>'
                 f'<article class="doc">{body}</article></main><aside>')
    for kind in LIST_ORDER:
        items = [(n, f) for n, f in numbered if type(f) is kind.cls]
        if not items:
            continue
        parts.append(f"<h2>{html.escape(kind.name)} ({len(items)})</h2><ol>")
        for n, f in items:
            extra = ""
            if n in links:
                page, lab = links[n]
                extra = f' → <a href="{html.escape(page)}">{html.escape(lab)}</a>'
            parts.append(f'<li id="fact-{n}" value="{n}"><b>{html.escape(kind.summary(f))}</b>{extra}<br>'
                         f'<span class="q">“{html.escape(collapse(f.quote)[:300])}”</span> '
                         f'<span class="sec">§ {html.escape(f.section or "root")} · {html.escape(f.rule)}</span></li>')
        parts.append("</ol>")
    parts.append("</aside></div></section>")
    return "\n".join(parts)


def render_page(result: FileResult, docs: list[Document], conn: sqlite3.Connection | None = None) -> str:
    """A whole HTML page for the given documents of one file."""
    head = html.escape(", ".join(f"{d.type or ''} {d.symbol or ''}".strip() for d in docs) or result.source.path)
    body = "\n".join(render_document(result, d, conn) for d in docs)
    return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{head}</title><style>{CSS}</style></head><body>\n{body}\n</body></html>\n")


def write_report(target: str, db_path: str | Path | None, out_path: str | Path) -> int:
    """Write the page of a FILE (all its documents, run through the pipeline) or a DOC_ID (from the database)."""
    conn = connect_ro(db_path) if db_path and Path(db_path).exists() else None
    try:
        if Path(target).is_file():
            result = process_file(target)
            docs = list(result.documents)
        else:
            if conn is None:
                raise VnplanError(f"{target} is not a file, and there is no database at {db_path} to find it in")
            row = conn.execute("SELECT file_sha FROM documents WHERE doc_id = ?", [target]).fetchone()
            if row is None:
                raise VnplanError(f"no file or document {target!r}; document ids look like 871b281e39e39c91:0")
            result = load_result(conn, row["file_sha"])
            docs = [d for d in result.documents if d.doc_id == target]
        Path(out_path).write_text(render_page(result, docs, conn), encoding="utf-8")
    finally:
        if conn is not None:
            conn.close()
    return len(docs)


def write_all(db_path: str | Path, out_dir: str | Path) -> int:
    """Write the page of every document in the knowledge base into `out_dir`, so citation links resolve."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    conn = connect_ro(db_path)
    n = 0
    try:
        shas = [r[0] for r in conn.execute("SELECT DISTINCT file_sha FROM documents ORDER BY file_sha")]
        for sha in shas:
            result = load_result(conn, sha)
            for d in result.documents:
                (out / page_name(d.doc_id)).write_text(render_page(result, [d], conn), encoding="utf-8")
                n += 1
    finally:
        conn.close()
    return n
