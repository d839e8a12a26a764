"""The facts contract of `vnplan extract --json` (the shape of shared/gold/FORMAT.md).

Each fact keeps the FORMAT.md fields and adds `doc_id`, `section`, `start`,
`end` and `rule`, so a consumer can find it in the cleaned text.
"""

from __future__ import annotations

from typing import Any

from vnplan.models import AgencyMention, Citation, Document, FileResult, Relation, Target, Task
from vnplan.normalize import collapse

FORMAT_VERSION = 1


def _prov(f: Any) -> dict[str, Any]:
    return {"doc_id": f.doc_id, "section": f.section, "start": f.start, "end": f.end, "rule": f.rule}


def document_json(d: Document) -> dict[str, Any]:
    """One own document in FORMAT.md shape."""
    return {
        "type": d.type,
        "symbol": d.symbol,
        "date": d.date,
        "issuer": d.issuer,
        "province": d.province,
        "signer": d.signer,
        "signer_title": d.signer_title,
        "title": d.title,
        "doc_id": d.doc_id,
        "key": d.key,
        "place": d.place,
        "recipients": list(d.recipients),
        "promulgated_by": d.promulgated_by,
        "start": d.start,
        "end": d.end,
    }


def citation_identity(c: Citation) -> tuple:
    """Two citations are the same document when type, symbol and year agree (laws: title, year)."""
    if c.symbol:
        return ("sym", c.symbol, c.year if "/" not in c.symbol or c.year is None else None)
    return ("title", c.type, (c.title or "").lower(), c.year)


def distinct_citations(result: FileResult) -> list[Citation]:
    """The file's citations, once per cited document, first occurrence first; own documents excluded."""
    own = {d.symbol for d in result.documents if d.symbol}
    seen: dict[tuple, Citation] = {}
    for c in result.facts:
        if not isinstance(c, Citation) or c.self_ref or (c.symbol and c.symbol in own):
            continue
        ident = citation_identity(c)
        prev = seen.get(ident)
        if prev is None:
            seen[ident] = c
        elif (prev.date is None and c.date) or (prev.title is None and c.title):
            # Keep the fullest occurrence of the same document.
            seen[ident] = c
    return sorted(seen.values(), key=lambda c: c.start)


def citation_json(c: Citation) -> dict[str, Any]:
    """One citation in FORMAT.md shape."""
    return {
        "type": c.type,
        "symbol": c.symbol,
        "year": c.year,
        "date": c.date,
        "issuer": c.issuer,
        "title": c.title,
        "as_written": collapse(c.quote),
        "issuer_resolved": c.issuer_resolved,
        "key": c.key,
        **_prov(c),
    }


def _self_ref(result: FileResult, doc_id: str) -> dict[str, Any]:
    doc = next(d for d in result.documents if d.doc_id == doc_id)
    return {"self_symbol": doc.symbol} if doc.symbol else {"self_title": doc.title}


def relation_json(result: FileResult, r: Relation) -> dict[str, Any]:
    """One relation in FORMAT.md shape."""
    out = {
        "from": r.source,
        "to": r.target,
        "relation": r.relation,
        "modality": r.modality,
        "as_written": collapse(r.quote),
        "from_key": r.source_key,
        "to_key": r.target_key,
        **_prov(r),
    }
    if r.source == "self" or r.target == "self":
        out.update(_self_ref(result, r.doc_id))
    return out


def target_json(t: Target) -> dict[str, Any]:
    """One target in FORMAT.md shape."""
    value: float | int = int(t.value) if float(t.value).is_integer() else t.value
    return {
        "value": value,
        "unit": t.unit,
        "comparator": t.comparator,
        "indicator": t.indicator,
        "scope": t.scope,
        "deadline": t.deadline,
        "baseline": t.baseline,
        "criterion": t.criterion,
        "quote": collapse(t.quote),
        "indicator_phrase": t.indicator_phrase,
        "deadline_source": t.deadline_source,
        "agency": t.agency,
        **_prov(t),
    }


def task_json(t: Task) -> dict[str, Any]:
    """One task with its lead and supporting agencies."""
    return {
        "lead": t.lead,
        "support": list(t.support),
        "lead_source": t.lead_source,
        "deadline": t.deadline,
        "deadline_source": t.deadline_source,
        "quote": collapse(t.quote),
        **_prov(t),
    }


def facts_json(result: FileResult) -> dict[str, Any]:
    """All facts of one file in the FORMAT.md shape, with provenance fields added."""
    agencies: list[str] = []
    mentions = []
    for f in result.facts:
        if isinstance(f, AgencyMention):
            mentions.append({"name": f.name, "as_written": f.quote, "collective": f.collective, **_prov(f)})
            if not f.collective and f.name not in agencies:
                agencies.append(f.name)
    return {
        "format_version": FORMAT_VERSION,
        "source": result.source.path.rsplit("/", 1)[-1],
        "sha256": result.source.sha256,
        "documents": [document_json(d) for d in result.documents],
        "citations": [citation_json(c) for c in distinct_citations(result)],
        "relations": [relation_json(result, r) for r in result.facts if isinstance(r, Relation)],
        "targets": [target_json(t) for t in result.facts if isinstance(t, Target)],
        "agencies": agencies,
        "agency_mentions": mentions,
        "tasks": [task_json(t) for t in result.facts if isinstance(t, Task)],
    }
