"""A document's small citation graph, as inline SVG: what it rests on and what acts on it.

Left of the document: what it is based on, what it implements, and what it repeals, replaces or
amends (its own relations). Right: what the knowledge base says acts on it: the documents that
implement it, and those that repeal, replace or amend it. A planned or reported relation is drawn
dashed and says so. Nodes that are documents of the knowledge base link to their pages. Three
fixed columns need no graph-layout library, and hand-written SVG keeps every label a link and
every text escaped (`xml` escaping of untrusted document text); the page's own font draws it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from html import escape

from vnplan.models import Document, FileResult, Relation

OUT_GROUPS = (("based_on", "based on"), ("implements", "implements"),
              ("repeals", "repeals"), ("replaces", "replaces"), ("amends", "amends"))
IN_GROUPS = (("implements", "implemented by"), ("repeals", "repealed by"), ("replaces", "replaced by"),
             ("amends", "amended by"))
ROW, WIDTH, NODE_W = 24, 880, 300
COLOURS = {"based_on": "#2f5fb3", "implements": "#2e7d32", "repeals": "#b3261e", "replaces": "#b3261e",
           "amends": "#c76b00"}


@dataclass(frozen=True)
class Edge:
    """One neighbour of the document: the relation, its label, its page (if ingested) and modality."""

    relation: str
    group: str
    label: str
    page: str | None
    modality: str


def _short(text: str, n: int = 46) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _lookup(conn: sqlite3.Connection | None, sql: str, params: list) -> list[sqlite3.Row]:
    if conn is None:
        return []
    try:
        return list(conn.execute(sql, params))
    except sqlite3.Error:
        return []  # an older database without the views: no neighbours from it


def edges(result: FileResult, doc: Document, conn: sqlite3.Connection | None,
          page_of: dict[str, str]) -> tuple[list[Edge], list[Edge]]:
    """The document's outgoing edges (from its own text) and incoming ones (stated anywhere in the KB).

    `page_of` maps document keys to page names for the documents that have a page.
    """
    names = dict(OUT_GROUPS)
    out: dict[tuple[str, str], Edge] = {}
    for r in result.facts:
        if not isinstance(r, Relation) or r.doc_id != doc.doc_id or r.relation not in names:
            continue
        if r.source != "self" and (r.source_key is None or r.source_key != doc.key):
            continue  # reported between two other documents
        label = r.target
        out.setdefault((r.relation, label), Edge(r.relation, names[r.relation], label,
                                                 page_of.get(r.target_key or ""), r.modality))
    incoming: dict[tuple[str, str], Edge] = {}
    if doc.key:
        names_in = dict(IN_GROUPS)
        rows = _lookup(conn, f"""
            SELECT r.relation, r.modality, COALESCE(sd.label, CASE r.source WHEN 'self' THEN d.label ELSE r.source END)
                   AS label, COALESCE(sd.key, CASE r.source WHEN 'self' THEN d.key END) AS key
            FROM relations r JOIN documents_view d ON d.doc_id = r.doc_id
            LEFT JOIN documents_view sd ON sd.key = r.source_key
            WHERE r.target_key = ? AND r.doc_id != ? AND r.relation IN ({", ".join("?" * len(names_in))})
            ORDER BY r.modality != 'in_force', d.date, r.id""", [doc.key, doc.doc_id, *names_in])
        for row in rows:
            incoming.setdefault((row["relation"], row["label"]),
                                Edge(row["relation"], names_in[row["relation"]], row["label"],
                                     page_of.get(row["key"] or ""), row["modality"]))
    order = {g: i for i, (g, _) in enumerate(OUT_GROUPS)}
    return (sorted(out.values(), key=lambda e: order[e.relation]),
            sorted(incoming.values(), key=lambda e: [g for g, _ in IN_GROUPS].index(e.relation)))


def render(title: str, outgoing: list[Edge], incoming: list[Edge], uid: str = "0") -> str:
    """The graph as an inline `<svg>`; empty when the document has no such relation. `uid` keeps ids unique."""
    if not outgoing and not incoming:
        return ""
    rows = max(len(outgoing), len(incoming), 1)
    height = ROW * rows + 48
    cy = height / 2
    cx0, cx1 = (WIDTH - 220) / 2, (WIDTH + 220) / 2
    parts = [f'<svg class="citegraph" role="img" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}: relations to other documents</title>",
             f'<defs><marker id="cg-arrow-{uid}" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker></defs>',
             f'<rect x="{cx0}" y="{cy - 16}" width="220" height="32" rx="6" fill="#1f3b57"/>',
             f'<text x="{WIDTH / 2}" y="{cy + 5}" text-anchor="middle" fill="#fff" font-weight="700">'
             f"{escape(_short(title, 30))}</text>"]
    for side, items in (("out", outgoing), ("in", incoming)):
        top = cy - ROW * (len(items) - 1) / 2
        for i, e in enumerate(items):
            y = top + i * ROW
            colour = COLOURS.get(e.relation, "#555")
            dash = ' stroke-dasharray="5 4"' if e.modality != "in_force" else ""
            what = e.group + ("" if e.modality == "in_force" else f" ({e.modality})")
            if side == "out":
                x_text, anchor, x1, x2 = NODE_W, "end", cx0, NODE_W + 6
                line = f'<line x1="{x1}" y1="{cy}" x2="{x2}" y2="{y - 4}"'
            else:
                x_text, anchor, x1, x2 = WIDTH - NODE_W, "start", WIDTH - NODE_W - 6, cx1
                line = f'<line x1="{x1}" y1="{y - 4}" x2="{x2}" y2="{cy}"'
            parts.append(f'{line} stroke="{colour}" stroke-width="1.5"{dash} marker-end="url(#cg-arrow-{uid})"/>')
            text = (f'<text x="{x_text}" y="{y}" text-anchor="{anchor}" font-size="12">'
                    f'<tspan fill="{colour}" font-weight="700">{escape(what)}:</tspan> '
                    f"{escape(_short(e.label))}<title>{escape(e.label)}</title></text>")
            parts.append(f'<a href="{escape(e.page)}">{text}</a>' if e.page else text)
    parts.append("</svg>")
    return "".join(parts)
