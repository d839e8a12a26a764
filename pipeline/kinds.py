"""One home per fact kind: the registry that every layer iterates over.

A `FactKind` names everything a kind of fact is in vnplan: its dataclass, the extractor that
finds it (the registry's order is the run order: later extractors read earlier ones' facts
through `Context.prior`), its table and id prefix in the knowledge base, its label on the
HTML report, its section of docs/FORMAT.md, how it is printed in `extract --json`, and how
`vnplan eval` matches it against gold. The store, the export, the report, the facts JSON and
the evaluation read this list and nothing else, so adding a kind is: its dataclass
(`models.py`), its extractor (`extractors/`), its entry here, its table (a migration in
`store.py`) and its cue words (`gazetteer/`). README, "Adding a fact kind", walks through it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from rapidfuzz import fuzz
from vnplan.context import Extractor
from vnplan.extractors import agencies, citations, deadlines, relations, targets, tasks
from vnplan.models import (
    AgencyMention,
    Citation,
    Deadline,
    Fact,
    FileResult,
    Relation,
    Target,
    Task,
)
from vnplan.text.normalize import collapse, fold, normalize_symbol

# Fields every fact carries (models.Fact), stored as the common columns of every fact table.
COMMON_FIELDS = tuple(f.name for f in fields(Fact))


@dataclass(frozen=True)
class FactKind:
    """Everything one kind of fact is, in one place."""

    name: str  # the facts-JSON key and FORMAT.md section: "targets"
    cls: type[Fact]
    extractor: Extractor
    table: str  # its table in the knowledge base
    id_prefix: str  # row ids: "<doc_id>:<id_prefix>:<start>:<end>:<n>"
    label: str  # the short label of a highlight on the report: "TGT"
    css: str  # the report's class and singular name: "target"
    to_json: Callable[[FileResult, list[Any]], dict[str, list[Any]]]  # its lists in `extract --json`
    summary: Callable[[Any], str]  # one line for the report's side list
    format_section: str | None = None  # its section of docs/FORMAT.md; None: not in the contract
    match: Callable[[Any, Any], bool] | None = None  # gold vs predicted (facts JSON); None: not scored
    describe: Callable[[Any], str] = str  # an unmatched fact in `vnplan eval -v`
    derived: dict[str, Callable[[Any], Any]] = field(default_factory=dict)  # extra store columns

    def row(self, f: Fact) -> dict[str, Any]:
        """The fact's own columns (not the common ones): booleans as 0/1, sequences as JSON text."""
        out: dict[str, Any] = {}
        for name in self.columns:
            v = getattr(f, name)
            out[name] = int(v) if isinstance(v, bool) else json_list(v) if isinstance(v, tuple) else v
        for name, fn in self.derived.items():
            out[name] = fn(f)
        return out

    def from_row(self, row: dict[str, Any]) -> Fact:
        """The fact again from its stored row (the inverse of `row`; derived columns dropped)."""
        kw = {k: row.get(k) for k in (*COMMON_FIELDS, *self.columns)}
        for f in fields(self.cls):
            if f.name in self.columns and isinstance(f.type, str):
                if f.type.startswith("bool"):
                    kw[f.name] = bool(kw[f.name])
                elif f.type.startswith("tuple"):
                    kw[f.name] = tuple(json.loads(kw[f.name] or "[]"))
        return self.cls(**kw)

    @property
    def columns(self) -> tuple[str, ...]:
        """The dataclass fields beyond the common ones, in declaration order."""
        return tuple(f.name for f in fields(self.cls) if f.name not in COMMON_FIELDS)


def json_list(items: Iterable[Any]) -> str:
    """A sequence as JSON text; most are empty, and `"[]"` needs no encoder."""
    items = list(items)
    return json.dumps(items, ensure_ascii=False) if items else "[]"


def provenance(f: Fact) -> dict[str, Any]:
    """Where a fact is: the fields `extract --json` adds to every FORMAT.md fact."""
    return {"doc_id": f.doc_id, "section": f.section, "start": f.start, "end": f.end, "rule": f.rule}


def _number(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


# ---------------------------------------------------------------- matching helpers (vnplan eval)


def _sym(s: Any) -> str | None:
    return normalize_symbol(s) if isinstance(s, str) and s.strip() else None


def title_match(a: Any, b: Any, threshold: int = 85) -> bool:
    """Two titles name the same document: equal when folded, or close (token set and plain ratio)."""
    if not a or not b:
        return False
    fa, fb = fold(str(a)), fold(str(b))
    return fa == fb or fuzz.token_set_ratio(fa, fb) >= threshold and fuzz.ratio(fa, fb) >= 60


_SYMBOL_YEAR = re.compile(r"(?:^|[/-])(?:19|20)\d\d(?:[/-]|$)")


def _short(text: Any, n: int) -> str:
    return collapse(str(text or ""))[:n]


# ---------------------------------------------------------------- citations


def citation_identity(c: Citation) -> tuple:
    """Two citations are the same document when type, symbol and year agree (laws: title, year)."""
    if c.symbol:
        return ("sym", c.symbol, c.year if "/" not in c.symbol or c.year is None else None)
    return ("title", c.type, (c.title or "").lower(), c.year)


def distinct_citations(result: FileResult, cited: Iterable[Citation]) -> list[Citation]:
    """The file's citations, once per cited document, first occurrence first; own documents excluded."""
    own = {d.symbol for d in result.documents if d.symbol}
    seen: dict[tuple, Citation] = {}
    for c in cited:
        if c.self_ref or (c.symbol and c.symbol in own):
            continue
        ident = citation_identity(c)
        prev = seen.get(ident)
        if prev is None:
            seen[ident] = c
        elif (prev.date is None and c.date) or (prev.title is None and c.title):
            # Keep the fullest occurrence of the same document.
            seen[ident] = c
    return sorted(seen.values(), key=lambda c: c.start)


def _citations_json(result: FileResult, facts: list[Citation]) -> dict[str, list[Any]]:
    return {"citations": [{
        "type": c.type, "symbol": c.symbol, "year": c.year, "date": c.date, "issuer": c.issuer,
        "title": c.title, "as_written": collapse(c.quote), "issuer_resolved": c.issuer_resolved,
        "key": c.key, **provenance(c),
    } for c in distinct_citations(result, facts)]}


def _citation_summary(f: Citation) -> str:
    what = f.symbol or f.title or collapse(f.quote)
    kind = f.type or "văn bản"
    # A law's title (`Luật Tổ chức ...`) and a self-reference (`Quyết định này`) already start with the type word.
    head = "" if fold(what).startswith(fold(kind) + " ") or fold(what) == fold(kind) else f"{kind} "
    return f"{head}{what}" + (f" ({f.year})" if f.year else "")


def match_citation(g: dict, p: dict) -> bool:
    """Symbol (+ year when the symbol has none), or type + title + year for unnumbered ones."""
    gs, ps = _sym(g.get("symbol")), _sym(p.get("symbol"))
    if gs or ps:
        if gs != ps:
            return False
        if not _SYMBOL_YEAR.search(gs) and g.get("year") and p.get("year"):
            return int(g["year"]) == int(p["year"])
        return True
    return (
        fold(g.get("type") or "") == fold(p.get("type") or "")
        and title_match(g.get("title"), p.get("title"))
        and (g.get("year") or None) == (p.get("year") or None)
    )


def _describe_citation(f: dict) -> str:
    return f"{f.get('type')} {f.get('symbol') or f.get('title')} ({f.get('year')}): {_short(f.get('as_written'), 90)}"


# ---------------------------------------------------------------- relations


def _self_ref(result: FileResult, doc_id: str) -> dict[str, Any]:
    doc = next(d for d in result.documents if d.doc_id == doc_id)
    return {"self_symbol": doc.symbol} if doc.symbol else {"self_title": doc.title}


def _relations_json(result: FileResult, facts: list[Relation]) -> dict[str, list[Any]]:
    out = []
    for r in facts:
        item = {"from": r.source, "to": r.target, "relation": r.relation, "modality": r.modality,
                "as_written": collapse(r.quote), "from_key": r.source_key, "to_key": r.target_key,
                **provenance(r)}
        if r.source == "self" or r.target == "self":
            item.update(_self_ref(result, r.doc_id))
        out.append(item)
    return {"relations": out}


def _endpoint(v: Any) -> str:
    if v is None:
        return ""
    s = str(v)
    return s if s == "self" else (_sym(s) if "/" in s and len(s) < 40 else fold(s)) or ""


def match_relation(g: dict, p: dict) -> bool:
    """(relation, from, to), with symbols normalised and titles fuzzy."""
    if g.get("relation") != p.get("relation"):
        return False
    for side in ("from", "to"):
        a, b = _endpoint(g.get(side)), _endpoint(p.get(side))
        if a == b:
            continue
        if "/" in a or "/" in b or a == "self" or b == "self" or not title_match(a, b):
            return False
    return True


def _describe_relation(f: dict) -> str:
    return (f"{f.get('relation')} {f.get('from')} -> {f.get('to')} [{f.get('modality')}]: "
            f"{_short(f.get('as_written'), 80)}")


# ---------------------------------------------------------------- agencies


def _agencies_json(result: FileResult, facts: list[AgencyMention]) -> dict[str, list[Any]]:
    names: list[str] = []
    mentions = []
    for f in facts:
        mentions.append({"name": f.name, "as_written": f.quote, "collective": f.collective, **provenance(f)})
        if not f.collective and f.name not in names:
            names.append(f.name)
    return {"agencies": names, "agency_mentions": mentions}


def match_agency(g: Any, p: Any) -> bool:
    """Canonical names, folded."""
    return fold(str(g)) == fold(str(p))


# ---------------------------------------------------------------- deadlines


def _deadline_summary(f: Deadline) -> str:
    what = f.due or (f"{f.period_start}/{f.period_end}" if f.period_start else None) or f.relative or f.recurring
    return f"{f.kind}: {what}"


# ---------------------------------------------------------------- targets


def _targets_json(result: FileResult, facts: list[Target]) -> dict[str, list[Any]]:
    return {"targets": [{
        "value": _number(t.value), "unit": t.unit, "comparator": t.comparator, "indicator": t.indicator,
        "scope": t.scope, "deadline": t.deadline, "baseline": t.baseline, "criterion": t.criterion,
        "quote": collapse(t.quote), "indicator_phrase": t.indicator_phrase,
        "deadline_source": t.deadline_source, "agency": t.agency, **provenance(t),
    } for t in facts]}


def _target_summary(f: Target) -> str:
    extra = "".join(x for x in (f" · {f.scope}" if f.scope else "", f" · by {f.deadline}" if f.deadline else ""))
    return f"{f.indicator}: {f.comparator} {_number(f.value)} {f.unit}{extra}"


def _same_value(g: dict, p: dict) -> bool:
    try:
        return abs(float(g["value"]) - float(p["value"])) <= 1e-6
    except (TypeError, ValueError, KeyError):
        return False


def match_target(g: dict, p: dict) -> bool:
    """Value, unit and deadline year."""
    if not _same_value(g, p):
        return False
    gy = (g.get("deadline") or "")[:4] or None
    py = (p.get("deadline") or "")[:4] or None
    return g.get("unit") == p.get("unit") and gy == py


def _describe_target(f: dict) -> str:
    return (f"{f.get('value')} {f.get('unit')} {f.get('comparator')} {f.get('indicator')} by "
            f"{f.get('deadline')}: {_short(f.get('quote'), 90)}")


# ---------------------------------------------------------------- tasks


def _tasks_json(result: FileResult, facts: list[Task]) -> dict[str, list[Any]]:
    return {"tasks": [{
        "lead": t.lead, "support": list(t.support), "lead_source": t.lead_source, "deadline": t.deadline,
        "deadline_source": t.deadline_source, "quote": collapse(t.quote), **provenance(t),
    } for t in facts]}


def _task_summary(f: Task) -> str:
    sup = f"; with {', '.join(f.support)}" if f.support else ""
    return f"lead {f.lead or '?'}{sup}" + (f"; by {f.deadline}" if f.deadline else "")


def _deadline_year(f: Any) -> int | None:
    return int(f.deadline[:4]) if f.deadline else None


# ---------------------------------------------------------------- the registry, in run order

KINDS: tuple[FactKind, ...] = (
    FactKind("citations", Citation, citations.extract, "citations", "cit", "CIT", "citation",
             _citations_json, _citation_summary, "citations", match_citation, _describe_citation),
    FactKind("relations", Relation, relations.extract, "relations", "rel", "REL", "relation",
             _relations_json, lambda f: f"{f.relation} [{f.modality}]: {f.source} → {f.target}",
             "relations", match_relation, _describe_relation),
    FactKind("agencies", AgencyMention, agencies.extract, "agency_mentions", "ag", "AG", "agency",
             _agencies_json, lambda f: f.name + (" (collective)" if f.collective else ""),
             "agencies", match_agency),
    FactKind("deadlines", Deadline, deadlines.extract, "deadlines", "dl", "DATE", "deadline",
             lambda result, facts: {}, _deadline_summary),
    FactKind("targets", Target, targets.extract, "targets", "tg", "TGT", "target",
             _targets_json, _target_summary, "targets", match_target, _describe_target,
             derived={"deadline_year": _deadline_year}),
    FactKind("tasks", Task, tasks.extract, "tasks", "task", "TASK", "task",
             _tasks_json, _task_summary),
)

BY_NAME: dict[str, FactKind] = {k.name: k for k in KINDS}
BY_CLASS: dict[type[Fact], FactKind] = {k.cls: k for k in KINDS}
SCORED: tuple[str, ...] = tuple(k.name for k in KINDS if k.match is not None)


def kind_of(f: Fact) -> FactKind:
    """The registered kind of a fact (by its exact class)."""
    return BY_CLASS[type(f)]
