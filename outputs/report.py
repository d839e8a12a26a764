"""An HTML page of one document: its text with the facts highlighted, a side list of the facts,
its committed-vs-achieved charts and its citation graph.

Highlighting follows displaCy's entity style: each fact's span is coloured by its kind and ends in
a small label linking to the fact in the side list; the entry's number links back to the label.
Facts overlap (a relation holds a citation, a task holds agencies), so the text is cut at every
span boundary and each piece carries the classes of all facts covering it. The legend's boxes
switch a kind's colours and labels on and off with CSS alone (`:has()`): the page runs no script
at all, and its Content-Security-Policy forbids any, so script in a document's text could not run
even if it were not escaped (it is: all document text is HTML-escaped, the input is untrusted).
Citations of documents that are in the knowledge base link to those documents' pages
(`<doc_id with : as _>.html` beside this one). Time expressions that are the document's own
signing date, or the date of a document it cites, are listed as dates, not deadlines.
"""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path
from typing import Any

from vnplan import store
from vnplan.errors import VnplanError
from vnplan.kinds import BY_NAME, KINDS, FactKind, kind_of
from vnplan.models import Citation, Deadline, Document, Fact, FileResult
from vnplan.outputs import citegraph
from vnplan.outputs.charts import svg_data_uri
from vnplan.outputs.export import load_result
from vnplan.outputs.query import connect_ro
from vnplan.outputs.timeline import (
    Timeline,
    achieved_text,
    committed_text,
    fold_ranks,
    met_text,
    timeline,
)
from vnplan.run import process_file
from vnplan.text.normalize import collapse

# The stylesheet's order decides which colour wins on overlaps; the side list puts what readers
# look for first.
LIST_ORDER: tuple[FactKind, ...] = tuple(BY_NAME[n] for n in ("targets", "achievements", "tasks", "citations",
                                                                "relations", "deadlines", "agencies")
                                         if n in BY_NAME)
# Highlight colours by the kind's css name: (background, label colour); relations are underlined.
COLOURS = {"task": ("#f3f0e6", "#8d7b4a"), "relation": (None, "#7b3fb5"), "agency": ("#cdeee9", "#00796b"),
           "deadline": ("#ffe0b2", "#c76b00"), "citation": ("#d6e4ff", "#2f5fb3"),
           "achievement": ("#ffd6e7", "#ad1457"), "target": ("#c8f2c2", "#2e7d32")}
# No script may run, nothing may load but inline styles and data: images (the charts).
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

BASE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{padding:16px 24px;background:#1f3b57;color:#fff}
header h1{margin:0 0 4px;font-size:20px}
header .meta{font-size:13px;opacity:.85}
header a{color:#fff}
nav.crumbs{font-size:13px;padding:6px 24px;background:#e8edf3}
.status{margin:8px 0 0;padding:6px 10px;background:#b3261e;color:#fff;display:inline-block;border-radius:4px}
.layout{display:flex;gap:16px;padding:16px 24px;align-items:flex-start}
main{flex:3;min-width:0}
aside{flex:2;min-width:0;position:sticky;top:0;max-height:100vh;overflow:auto;font-size:13px}
article.doc{white-space:pre-wrap;line-height:1.9;background:#fff;padding:16px;border:1px solid #ddd;border-radius:6px;font-size:14px}
.f{border-radius:3px;padding:1px 0}
a.lbl{font-size:9px;font-weight:700;vertical-align:super;margin:0 2px;padding:0 3px;border-radius:3px;
 color:#fff;text-decoration:none;background:#666}
a.lbl:target{outline:3px solid #f0a500}
a.cited{color:inherit}
aside h2{font-size:15px;margin:12px 0 6px}
ol.facts{list-style:none;padding:0;margin:0}
ol.facts li{display:grid;grid-template-columns:3.4em 1fr;column-gap:6px;margin:0 0 6px}
ol.facts li:target{outline:2px solid #f0a500}
a.num,span.num{text-align:right;font-variant-numeric:tabular-nums;font-weight:700;color:#1f3b57}
aside .q{color:#555}
aside .noquote{color:#8a4b00;font-style:italic}
aside .sec{color:#888;font-size:11px}
.legend{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 8px;font-size:13px}
.legend label{padding:1px 8px;border-radius:3px;cursor:pointer;border:1px solid #ccc;background:#fff}
.legend input{margin:0 4px 0 0;vertical-align:middle}
section.progress,section.graph{margin:16px 24px;padding:12px 16px;background:#fff;border:1px solid #ddd;border-radius:6px}
section.progress h2,section.graph h2{font-size:16px;margin:0 0 8px}
div.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:12px}
figure.chart{margin:0}
figure.chart img{width:100%;height:auto;border:1px solid #eee}
figure.chart figcaption{font-size:12px;color:#555}
table.tl,table.docs{border-collapse:collapse;font-size:13px;margin:6px 0 12px}
table.tl th,table.tl td,table.docs th,table.docs td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
table.tl th,table.docs th{background:#f0f3f7}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#555;font-size:12px}
svg.citegraph{max-width:100%;height:auto;font-family:inherit}
svg.citegraph a text{text-decoration:underline}
@media print{aside{position:static;max-height:none;overflow:visible}.layout{display:block}.legend{display:none}
 body{background:#fff}header{background:#fff;color:#000;border-bottom:2px solid #000}header a{color:#000}
 section.progress,section.graph{break-inside:avoid}}
"""


def _kind_css(k: FactKind) -> str:
    bg, lbl = COLOURS.get(k.css, ("#eeeeee", "#666666"))
    on = f'.document:has(.legend input[data-kind="{k.css}"]:checked)'
    off = f'.document:has(.legend input[data-kind="{k.css}"]:not(:checked))'
    style = (f"background:{bg}" if bg else f"text-decoration:underline 2px {lbl}") + (
        ";font-weight:600" if k.css == "target" else "")
    return (f"{on} .f.{k.css}{{{style}}}\n{off} a.lbl.{k.css}{{display:none}}\n"
            f"a.lbl.{k.css}{{background:{lbl}}}\n.legend label.{k.css}{{border-color:{lbl}}}\n")


# Stylesheet order decides which colour wins on overlaps: the later kind (targets last).
_CSS_ORDER = ("task", "relation", "agency", "deadline", "citation", "achievement", "target")
CSS = BASE_CSS + "".join(_kind_css(k) for k in sorted(
    KINDS, key=lambda k: _CSS_ORDER.index(k.css) if k.css in _CSS_ORDER else -1))


def head(title: str) -> str:
    """The start of every page: charset, viewport, the no-script policy, the stylesheet."""
    return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>\n")


def page_name(doc_id: str) -> str:
    """The file name of a document's page: its id with `:` (not allowed everywhere) as `_`."""
    return doc_id.replace(":", "_") + ".html"


def highlight(text: str, start: int, end: int, facts: list[tuple[int, Fact]],
              links: dict[int, str] | None = None) -> str:
    """HTML for `text[start:end]` with each fact's span marked and labelled; `facts` are (number, fact).

    A fact with an empty span (end <= start) gets no mark: `marked` tells which ones do."""
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
            out.append(f'<a class="lbl {k.css}" href="#fact-{n}" id="ref-{n}" '
                       f'title="{html.escape(k.summary(f))}">{k.label}</a>')
    return "".join(out)


def _lookup(conn: sqlite3.Connection | None, sql: str, params: list[Any]) -> list[sqlite3.Row]:
    if conn is None:
        return []
    try:
        return list(conn.execute(sql, params))
    except sqlite3.Error:
        return []  # an older database without the views: the page simply has no links


def citation_links(conn: sqlite3.Connection | None, doc: Document, facts: list[tuple[int, Fact]],
                   page_of: dict[str, str]) -> dict[int, tuple[str, str]]:
    """For citations of documents that have a page (`page_of`: key -> href): fact number -> (href, label)."""
    out: dict[int, tuple[str, str]] = {}
    for n, f in facts:
        if isinstance(f, Citation) and f.key and f.key != doc.key and f.key in page_of:
            rows = _lookup(conn, "SELECT label FROM documents_view WHERE key = ? ORDER BY doc_id LIMIT 1", [f.key])
            out[n] = (page_of[f.key], rows[0]["label"] if rows else f.symbol or f.key)
    return out


def pages_in(conn: sqlite3.Connection | None) -> dict[str, str]:
    """Document key -> page name for every document of the knowledge base (the first of a key)."""
    return {r["key"]: page_name(r["doc_id"]) for r in _lookup(
        conn, "SELECT key, MIN(doc_id) AS doc_id FROM documents WHERE key IS NOT NULL GROUP BY key", [])}


def marked(f: Fact) -> bool:
    """Whether a fact has a span to highlight (an extractor may leave one empty)."""
    return f.start < f.end


# ---------------------------------------------------------------- dates that are not deadlines


def date_role(f: Deadline, doc: Document, cited: list[Citation]) -> str | None:
    """`signing date`, `date of a cited document`, or None for a real deadline.

    A time expression inside a citation is that document's date of issue; one in the document's
    header (the root section, before any heading) naming the document's own year and month is the
    place-and-date line under the number."""
    if any(c.start <= f.start and f.end <= c.end for c in cited):
        return "date of a cited document"
    if not f.section and doc.date and f.due and (f.due == doc.date or f.due[:7] == doc.date[:7]):
        return "signing date"
    return None


def quote_html(f: Fact, text: str) -> str:
    """The fact's quote; if the extractor left it empty, the text it points at, marked as such."""
    q = collapse(f.quote or "")
    if q:
        return f'<span class="q">“{html.escape(q[:300])}”</span>'
    lo, hi = sorted((f.start, f.end))
    found = collapse(text[lo:hi]) if hi > lo else ""
    if not found:
        a = text.rfind("\n", 0, lo) + 1
        b = text.find("\n", lo)
        found = collapse(text[a: b if b != -1 else len(text)])
    return (f'<span class="noquote">no quote recorded; the text at {lo}–{hi}: '
            f"“{html.escape(found[:300])}”</span>")


def _entry(n: int, f: Fact, summary: str, text: str, extra: str = "") -> str:
    num = (f'<a class="num" href="#ref-{n}" title="back to the text">{n}</a>' if marked(f)
           else f'<span class="num" title="not marked in the text: its span is empty">{n}</span>')
    return (f'<li id="fact-{n}">{num}<div><b>{html.escape(summary)}</b>{extra}<br>{quote_html(f, text)} '
            f'<span class="sec">§ {html.escape(f.section or "root")} · {html.escape(f.rule)}</span></div></li>')


def side_list(doc: Document, numbered: list[tuple[int, Fact]], links: dict[int, tuple[str, str]],
              text: str) -> list[str]:
    """The side list: one headed list per kind (dates of documents apart from deadlines)."""
    cited = [f for _, f in numbered if isinstance(f, Citation)]
    parts: list[str] = []
    for kind in LIST_ORDER:
        items = [(n, f) for n, f in numbered if type(f) is kind.cls]
        groups = [(kind.name, [(n, f, kind.summary(f)) for n, f in items])]
        if kind.cls is Deadline:
            roles = {n: date_role(f, doc, cited) for n, f in items}
            groups = [(kind.name, [(n, f, kind.summary(f)) for n, f in items if roles[n] is None]),
                      ("dates of documents", [(n, f, f"{roles[n]}: {doc.date if roles[n] == 'signing date' else f.due}")
                                             for n, f in items if roles[n]])]
        for name, entries in groups:
            if not entries:
                continue
            parts.append(f"<h2>{html.escape(name)} ({len(entries)})</h2><ol class=\"facts\">")
            for n, f, summary in entries:
                extra = ""
                if n in links:
                    page, lab = links[n]
                    extra = f' → <a href="{html.escape(page)}">{html.escape(lab)}</a>'
                parts.append(_entry(n, f, summary, text, extra))
            parts.append("</ol>")
    return parts


# ---------------------------------------------------------------- committed vs achieved


def _effective_province(conn: sqlite3.Connection | None, doc: Document) -> str | None:
    rows = _lookup(conn, "SELECT province FROM documents_view WHERE doc_id = ?", [doc.doc_id])
    return rows[0]["province"] if rows and rows[0]["province"] else doc.province


def doc_indicators(result: FileResult, doc: Document) -> list[str]:
    """Indicators the document commits to or reports on (headline, not `other`), first mention first."""
    out: dict[str, None] = {}
    for f in result.facts:
        ind = getattr(f, "indicator", None)
        if f.doc_id == doc.doc_id and ind and ind != "other" and getattr(f, "criterion", None) is None \
                and (getattr(f, "deadline", None) or getattr(f, "year", None)):
            out[ind] = None
    return list(out)


def chartable(tl: Timeline) -> bool:
    """Worth a picture: some result, or points in more than one year (a lone target reads better as a row)."""
    return any(p.achieved_value is not None for p in tl.points) or len({p.year for p in tl.points}) > 1


def chart_html(tl: Timeline, cache: dict[tuple, str] | None = None) -> str:
    """One indicator's chart as an `<img>` of SVG (drawn once per indicator and province with `cache`)."""
    key = (tl.indicators, tl.province)
    if cache is not None and key in cache:
        return cache[key]
    name = tl.points[0].indicator_name
    where = tl.province or "every province"
    alt = f"{name}, {where}: targets and results by year (the table above lists every point)"
    out = (f'<figure class="chart"><img src="{svg_data_uri(tl, width=7.0)}" alt="{html.escape(alt)}">'
           f"<figcaption>{html.escape(name)}, {html.escape(where)}</figcaption></figure>")
    if cache is not None:
        cache[key] = out
    return out


def progress_table(tls: list[Timeline]) -> str:
    """Every point of the timelines: indicator, province, year, committed, achieved, met, documents."""
    out = ['<table class="tl"><thead><tr><th>indicator</th><th>province</th><th>year</th><th>committed</th>'
           "<th>achieved</th><th>met</th><th>documents</th></tr></thead><tbody>"]
    for tl in tls:
        for p in fold_ranks(tl.points):
            docs = list(dict.fromkeys(s.document for s in (*p.target_sources, *p.achieved_sources,
                                                           *(p.rank.achieved_sources if p.rank else ()))))
            committed = committed_text(p) + (f" [1 of {p.commitments}]" if p.commitments > 1 else "")
            achieved = achieved_text(p) + (f" [1 of {p.results}]" if p.results > 1 else "")
            out.append(f"<tr><td>{html.escape(p.indicator_name)}</td><td>{html.escape(p.province or 'national')}</td>"
                       f'<td class="n">{p.year}</td><td>{html.escape(committed)}</td><td>{html.escape(achieved)}</td>'
                       f"<td>{met_text(p.met)}</td><td>{html.escape('; '.join(docs))}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def progress_section(conn: sqlite3.Connection | None, indicators: list[str], province: str | None,
                     heading: str = "Committed vs achieved", cache: dict[tuple, str] | None = None) -> str:
    """A table of every point of the indicators (in `province`, or everywhere) and a chart for each
    indicator with a result or more than one year; empty without data."""
    if conn is None or not indicators:
        return ""
    if not _lookup(conn, "SELECT 1 FROM sqlite_master WHERE name = 'progress_view'", []):
        return (f'<section class="progress"><h2>{html.escape(heading)}</h2><p class="note">This knowledge base '
                "predates the committed-vs-achieved view: run <code>vnplan ingest</code> on it once to upgrade "
                "it, then write the report again.</p></section>")
    tls = [tl for tl in (timeline(conn, code, province) for code in indicators) if tl.points]
    if not tls:
        return ""
    charts = [chart_html(tl, cache) for tl in tls if chartable(tl)]
    notes = list(dict.fromkeys(f"{tl.points[0].indicator_name}: {n}" for tl in tls for n in tl.notes))
    plain = len(tls) - len(charts)
    if plain:
        notes.append(f"{plain} indicator{'s' if plain != 1 else ''} with only one year of targets and no result "
                     "are in the table, not charted")
    return (f'<section class="progress"><h2>{html.escape(heading)}</h2>{progress_table(tls)}'
            + "".join(f'<p class="note">{html.escape(n)}.</p>' for n in notes)
            + (f'<div class="charts">{"".join(charts)}</div>' if charts else "") + "</section>")


# ---------------------------------------------------------------- the page


def render_document(result: FileResult, doc: Document, conn: sqlite3.Connection | None = None,
                    page_of: dict[str, str] | None = None, cache: dict[tuple, str] | None = None,
                    first: int = 1) -> str:
    """The HTML fragment of one document of a file: header, charts, citation graph, text and side list.

    Facts are numbered from `first`, so that several documents on one page keep their ids apart.
    `page_of` maps document keys to the pages that exist (defaults to the knowledge base's documents);
    `cache` keeps charts drawn for other pages of the same run."""
    text = result.cleaned.text
    facts = [f for f in result.facts if f.doc_id == doc.doc_id]
    facts.sort(key=lambda f: (f.start, -f.end))
    numbered = list(enumerate(facts, first))
    if page_of is None:
        page_of = pages_in(conn)
    links = citation_links(conn, doc, numbered, page_of)
    status = _lookup(conn, "SELECT status, by_document FROM document_status WHERE doc_id = ? AND status != "
                     "'in_force'", [doc.doc_id])
    title = f"{doc.type or 'Văn bản'} {doc.symbol or ''}".strip()
    province = _effective_province(conn, doc)
    meta = " · ".join(html.escape(x) for x in (doc.issuer, province, doc.date, doc.doc_id) if x)
    uid = doc.doc_id.replace(":", "_")
    parts = [f'<section class="document" id="{html.escape(doc.doc_id)}">',
             f"<header><h1>{html.escape(title)}</h1><div class=\"meta\">{meta}</div>"]
    if doc.title:
        parts.append(f'<div class="meta">{html.escape(doc.title)}</div>')
    for s in status:
        parts.append(f'<div class="status">{html.escape(s["status"])} by {html.escape(s["by_document"] or "?")}</div>')
    parts.append("</header>")
    parts.append(progress_section(conn, doc_indicators(result, doc), province, cache=cache))
    outgoing, incoming = citegraph.edges(result, doc, conn, page_of)
    graph = citegraph.render(title, outgoing, incoming, uid)
    if graph:
        parts.append(f'<section class="graph"><h2>Citation graph</h2>{graph}</section>')
    legend = "".join(f'<label class="{k.css}"><input type="checkbox" data-kind="{k.css}" checked>'
                     f"{html.escape(k.label)} {html.escape(k.name)}</label>" for k in KINDS)
    body = highlight(text, doc.start, doc.end, numbered, {n: p for n, (p, _) in links.items()})
    parts.append(f'<div class="layout"><main><div class="legend" title="show or hide a kind">{legend}</div>'
                 f'<article class="doc">{body}</article></main><aside>')
    parts += side_list(doc, numbered, links, text)
    parts.append("</aside></div></section>")
    return "\n".join(p for p in parts if p)


def render_page(result: FileResult, docs: list[Document], conn: sqlite3.Connection | None = None,
                crumbs: str = "", page_of: dict[str, str] | None = None, cache: dict[tuple, str] | None = None) -> str:
    """A whole HTML page for the given documents of one file."""
    title = ", ".join(f"{d.type or ''} {d.symbol or ''}".strip() for d in docs) or result.source.path
    parts, first = [], 1
    for d in docs:
        parts.append(render_document(result, d, conn, page_of, cache, first))
        first += sum(1 for f in result.facts if f.doc_id == d.doc_id)
    body = "\n".join(parts)
    nav = f'<nav class="crumbs">{crumbs}</nav>\n' if crumbs else ""
    return f"{head(title)}{nav}{body}\n</body></html>\n"


def write_file(path: str | Path, text: str) -> None:
    """Write a page, or say in one line why it cannot be written."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise VnplanError(f"cannot write {path}: {exc.strerror or exc}") from None


def memory_kb(result: FileResult) -> sqlite3.Connection:
    """A knowledge base in memory holding one file, for the charts of a file that is not ingested."""
    db = store.open_db(":memory:")
    store.write_result(db, result.source.path, result, run_id=None)
    db.conn.row_factory = sqlite3.Row
    return db.conn


def _holds(conn: sqlite3.Connection | None, sha: str) -> bool:
    return bool(_lookup(conn, "SELECT 1 FROM files WHERE sha256 = ?", [sha]))


def write_report(target: str, db_path: str | Path | None, out_path: str | Path) -> int:
    """Write the page of a FILE (all its documents, run through the pipeline) or a DOC_ID (from the database).

    A FILE that is not in the database gets its charts from its own facts only (an in-memory knowledge base)."""
    conn = connect_ro(db_path) if db_path and Path(db_path).exists() else None
    own = None
    try:
        if Path(target).is_file():
            result = process_file(target)
            docs = list(result.documents)
            if not _holds(conn, result.source.sha256):
                own = memory_kb(result)
        else:
            if conn is None:
                raise VnplanError(f"{target} is not a file, and there is no database at {db_path} to find it in")
            row = conn.execute("SELECT file_sha FROM documents WHERE doc_id = ?", [target]).fetchone()
            if row is None:
                raise VnplanError(f"no file or document {target!r}; document ids look like 871b281e39e39c91:0")
            result = load_result(conn, row["file_sha"])
            docs = [d for d in result.documents if d.doc_id == target]
        # A file's own page holds all its documents: links between them stay on the page.
        page_of = {d.key: f"#{d.doc_id}" for d in docs if d.key} if own is not None else None
        page = render_page(result, docs, own or conn, page_of=page_of)
        write_file(out_path, page)
    finally:
        for c in (conn, own):
            if c is not None:
                c.close()
    return len(docs)
