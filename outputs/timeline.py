"""Committed vs achieved: one timeline per province and indicator, read from `progress_view` (store m014).

A point of a timeline is one year of one series (province, indicator, criterion, unit): the
value committed and its comparator (a target due that year), the value reached (an achievement
for that year), whether the target was met, and the documents behind each side. Points and ranks
are separate series; for reading, a year's rank result is shown beside its points result
(`91.14 points (rank 2 of 63)`) when no rank target of that year needs a row of its own.

Nothing is dropped silently: a `Timeline` counts the targets without a deadline year and the
results without a year (they cannot be placed on a timeline), and the component rows of an index
(annex criteria) that a headline timeline leaves out.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from vnplan.errors import VnplanError
from vnplan.store import progress_sql
from vnplan.text.normalize import fold, strip_accents

# Units as a reader says them (the stored unit codes are FORMAT.md's).
UNIT_WORDS = {"percent": "%", "points": "points", "rank": "rank", "count": "", "days": "days", "times": "times"}
COMPARATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
# Columns of `Timeline.rows()`: the answer table, ending in the provenance columns every answer has.
COLUMNS = ("province", "indicator", "year", "committed", "achieved", "met", "document", "section", "quote",
           "doc_id")


@dataclass(frozen=True)
class Source:
    """Where one side of a point is stated."""

    doc_id: str
    document: str
    section: str
    quote: str


@dataclass(frozen=True)
class Point:
    """One year of one series: committed, achieved, met, and the sources of each."""

    province: str | None
    indicator: str
    indicator_name: str
    criterion: str | None
    year: int
    unit: str
    target_comparator: str | None
    target_value: float | None
    target_scope: str | None
    achieved_value: float | None
    achieved_of: int | None
    estimated: bool
    met: bool | None
    commitments: int  # distinct commitments for this series and year (> 1: the documents disagree)
    results: int  # distinct results for this series and year
    target_sources: tuple[Source, ...] = ()
    achieved_sources: tuple[Source, ...] = ()
    rank: Point | None = None  # that year's rank result, shown beside a points result


@dataclass
class Timeline:
    """Every point for the asked indicators (and province), in year order, with what was left out."""

    indicators: tuple[str, ...]
    province: str | None
    points: list[Point]
    notes: list[str] = field(default_factory=list)

    def series(self) -> dict[tuple[str | None, str, str | None, str], list[Point]]:
        """Points by series: (province, indicator, criterion, unit) -> points in year order."""
        out: dict[tuple[str | None, str, str | None, str], list[Point]] = {}
        for p in self.points:
            out.setdefault((p.province, p.indicator, p.criterion, p.unit), []).append(p)
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One readable row per point (rank results folded beside points): the answer table."""
        return [row_of(p) for p in fold_ranks(self.points)]


def number(v: float | None) -> str:
    """`93.157`, `91.14`, `40`: no trailing zeros, no float noise."""
    if v is None:
        return ""
    s = f"{v:.6f}".rstrip("0").rstrip(".")
    return s if s != "-0" else "0"


def with_unit(v: float | None, unit: str, of: int | None = None) -> str:
    """`93.157 points`, `95%`, `rank 2 of 63`, `40`."""
    if unit == "rank":
        return f"rank {number(v)}" + (f" of {of}" if of else "")
    word = UNIT_WORDS.get(unit, unit)
    if word == "%":
        return f"{number(v)}%"
    return f"{number(v)} {word}".strip()


def committed_text(p: Point) -> str:
    """`≥ 93.157 points`, or empty when nothing is committed for that year."""
    if p.target_value is None:
        return ""
    sign = COMPARATOR_SIGNS.get(p.target_comparator or "=", p.target_comparator or "")
    scope = f" ({p.target_scope})" if p.target_scope else ""
    return f"{sign} {with_unit(p.target_value, p.unit)}{scope}"


def achieved_text(p: Point) -> str:
    """`91.14 points (rank 2 of 63)`, `~94.07%` for an estimate, or empty."""
    if p.achieved_value is None:
        out = ""
    else:
        out = ("~" if p.estimated else "") + with_unit(p.achieved_value, p.unit, p.achieved_of)
    if p.rank is not None and p.rank.achieved_value is not None:
        r = with_unit(p.rank.achieved_value, "rank", p.rank.achieved_of)
        out = f"{out} ({r})" if out else r
    return out


def met_text(met: bool | None) -> str:
    """`yes`, `no`, or `unknown` when either side is missing."""
    return "unknown" if met is None else "yes" if met else "no"


def fold_ranks(points: Sequence[Point]) -> list[Point]:
    """Points for reading: a year's rank result without a rank target goes beside that year's other result."""
    by_key: dict[tuple, list[Point]] = {}
    for p in points:
        by_key.setdefault((p.province, p.indicator, p.criterion, p.year), []).append(p)
    out: list[Point] = []
    for group in by_key.values():
        ranks = [p for p in group if p.unit == "rank" and p.target_value is None and p.results == 1]
        others = [p for p in group if p.unit != "rank" and p.achieved_value is not None]
        if len(ranks) == 1 and others:
            out.extend(_with_rank(p, ranks[0]) for p in group if p is not ranks[0])
        else:
            out.extend(group)
    return out


def _with_rank(p: Point, rank: Point) -> Point:
    if p.unit == "rank" or p.achieved_value is None:
        return p
    return Point(**{**p.__dict__, "rank": rank})


def row_of(p: Point) -> dict[str, Any]:
    """A point as an answer row: what was committed and achieved, whether met, and where it is said."""
    sources = [*p.achieved_sources, *p.target_sources, *(p.rank.achieved_sources if p.rank else ())]
    docs = list(dict.fromkeys(s.document for s in sources))
    return {
        "province": p.province or "(national)",
        "indicator": p.indicator_name + (f" · {p.criterion}" if p.criterion else ""),
        "year": p.year,
        "committed": committed_text(p) + (f" [1 of {p.commitments}]" if p.commitments > 1 else ""),
        "achieved": achieved_text(p) + (f" [1 of {p.results}]" if p.results > 1 else ""),
        "met": met_text(p.met),
        "document": "; ".join(docs),
        "section": "; ".join(dict.fromkeys(s.section or "root" for s in sources)),
        "quote": " … ".join(dict.fromkeys(s.quote for s in sources if s.quote)),
        "doc_id": "; ".join(dict.fromkeys(s.doc_id for s in sources)),
    }


def _sources(text: str | None) -> tuple[Source, ...]:
    if not text:
        return ()
    items = json.loads(text)
    return tuple(Source(doc_id=s["doc_id"], document=s["document"] or s["doc_id"], section=s["section"] or "",
                        quote=s["quote"] or "") for s in items)


def point_of(r: sqlite3.Row | dict[str, Any]) -> Point:
    """A `progress_view` row as a Point."""
    return Point(
        province=r["province"], indicator=r["indicator"], indicator_name=r["indicator_name"] or r["indicator"],
        criterion=r["criterion"], year=int(r["year"]), unit=r["unit"] or "",
        target_comparator=r["target_comparator"], target_value=r["target_value"], target_scope=r["target_scope"],
        achieved_value=r["achieved_value"], achieved_of=r["achieved_of"],
        estimated=bool(r["achieved_estimated"]), met=None if r["met"] is None else bool(r["met"]),
        commitments=r["commitments"], results=r["results"],
        target_sources=_sources(r["target_sources"]), achieved_sources=_sources(r["achieved_sources"]),
    )


def _in(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def _query(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql, params))
    except sqlite3.OperationalError as exc:
        raise VnplanError(f"{exc}; is this a vnplan database? re-run `vnplan ingest` to upgrade it") from None


def timeline(conn: sqlite3.Connection, indicators: str | Sequence[str], province: str | None = None, *,
             criteria: bool = False) -> Timeline:
    """Committed vs achieved for indicator codes (and a province, else every one), year by year.

    Headline series only (criterion NULL) unless `criteria`; the notes count what is left out.
    """
    codes = (indicators,) if isinstance(indicators, str) else tuple(indicators)
    if not codes:
        raise VnplanError("no indicator given")
    # The view's own query with the filters inside it, so only this indicator's facts are grouped.
    t_where = f" AND t.indicator IN ({_in(codes)})" + (" AND d.province = ?" if province is not None else "")
    a_where = f" AND a.indicator IN ({_in(codes)})" + (" AND a.province = ?" if province is not None else "")
    prov = [province] if province is not None else []
    sql = progress_sql(t_where, a_where)
    if not _query(conn, "SELECT 1 FROM sqlite_master WHERE name = 'progress_view'", ()):
        raise VnplanError("this knowledge base has no progress_view; run `vnplan ingest` once to upgrade it")
    rows = _query(conn, f"SELECT * FROM ({sql}) ORDER BY province, indicator, criterion IS NOT NULL, criterion, "
                        "unit = 'rank', unit, year, target_value, achieved_value",
                  [*codes, *prov, *codes, *prov])
    points = [point_of(r) for r in rows]
    notes: list[str] = []
    if not criteria:
        parts = [p for p in points if p.criterion is not None]
        if parts:
            n = len({p.criterion for p in parts})
            notes.append(f"{len(parts)} points of {n} components (annex criteria) not shown; ask with criteria")
        points = [p for p in points if p.criterion is None]
    notes += _left_out(conn, codes, province)
    return Timeline(codes, province, points, notes)


def _left_out(conn: sqlite3.Connection, codes: Sequence[str], province: str | None) -> list[str]:
    """What cannot be placed on a timeline: targets without a deadline year, results without a year."""
    notes = []
    prov = " AND d.province = ?" if province is not None else ""
    params = [*codes, *([province] if province is not None else [])]
    n = _query(conn, f"SELECT count(*) AS n FROM targets t JOIN documents_view d ON d.doc_id = t.doc_id "
                     f"WHERE t.indicator IN ({_in(codes)}) AND t.deadline_year IS NULL{prov}", params)[0]["n"]
    if n:
        notes.append(f"{n} target{'s' if n != 1 else ''} without a deadline year not on the timeline")
    prov = " AND a.province = ?" if province is not None else ""
    n = _query(conn, f"SELECT count(*) AS n FROM achievements a WHERE a.indicator IN ({_in(codes)}) "
                     f"AND a.year IS NULL AND a.as_of IS NULL{prov}", params)[0]["n"]
    if n:
        notes.append(f"{n} result{'s' if n != 1 else ''} without a year not on the timeline")
    return notes


# ---------------------------------------------------------------- naming an indicator or a province


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", strip_accents(fold(text))).split())


def resolve_indicator(conn: sqlite3.Connection, text: str) -> str:
    """The indicator code a code, name or alias names (case and accents ignored), or one Error line."""
    want = _key(text)
    names: dict[str, list[str]] = {}
    for r in _query(conn, "SELECT id, name, name_vi, aliases FROM indicators", ()):
        texts = [r["id"], r["name"] or "", r["name_vi"] or ""]
        try:
            texts += [a for a in json.loads(r["aliases"] or "[]") if isinstance(a, str)]
        except ValueError:
            pass
        names[r["id"]] = texts
    for r in _query(conn, "SELECT DISTINCT indicator FROM targets UNION SELECT DISTINCT indicator FROM achievements",
                    ()):
        if r["indicator"]:
            names.setdefault(r["indicator"], [r["indicator"]])
    hits = sorted({code for code, texts in names.items() if any(_key(t) == want for t in texts if t)})
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise VnplanError(f"{text!r} names several indicators ({', '.join(hits)}); give one code")
    known = ", ".join(sorted(names)[:12]) or "none loaded"
    raise VnplanError(f"no indicator named {text!r}; known codes: {known}")


def resolve_province(conn: sqlite3.Connection, text: str) -> str:
    """The province a name means (case, accents and a leading `tỉnh` ignored), or one Error line."""
    want = _key(re.sub(r"^\s*(?:tỉnh|province|thành phố|tp\.?)\s+", "", text, flags=re.I))
    known = [r["p"] for r in _query(conn, "SELECT DISTINCT province AS p FROM documents_view WHERE province IS NOT NULL "
                                          "UNION SELECT DISTINCT province FROM achievements WHERE province IS NOT NULL "
                                          "UNION SELECT name FROM provinces", ())]
    for name in known:
        if _key(name) == want:
            return name
    raise VnplanError(f"no province named {text!r} in this knowledge base")
