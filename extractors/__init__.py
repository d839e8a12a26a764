"""Fact extractors, registered by name in run order.

Each module exposes `extract(ctx) -> Iterable[Fact]`. Later extractors may read
the facts of earlier ones from `ctx.prior[name]`.
"""

from __future__ import annotations

from vnplan.extract import Extractor

from . import agencies, citations, deadlines, relations, targets, tasks

EXTRACTORS: dict[str, Extractor] = {
    "citations": citations.extract,
    "relations": relations.extract,
    "agencies": agencies.extract,
    "deadlines": deadlines.extract,
    "targets": targets.extract,
    "tasks": tasks.extract,
}
