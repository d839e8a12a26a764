"""Relations between documents, from cue words around citations."""

from __future__ import annotations

from collections.abc import Iterator

from vnplan.extract import Context
from vnplan.models import Citation, Relation


def extract(ctx: Context) -> Iterator[Relation]:
    """`Căn cứ` lines give based_on; `bãi bỏ` before a citation gives repeals."""
    text = ctx.text
    for c in ctx.prior.get("citations", []):
        assert isinstance(c, Citation)
        if not c.symbol:
            continue
        line_start = text.rfind("\n", 0, c.start) + 1
        before = text[line_start : c.start]
        if before.lstrip().startswith("Căn cứ"):
            yield Relation(**ctx.fact_args(line_start, c.end, "relation.can_cu"), relation="based_on", modality="in_force", source="self", target=c.symbol)
        elif before.rstrip().endswith("bãi bỏ"):
            yield Relation(**ctx.fact_args(c.start - 7, c.end, "relation.bai_bo"), relation="repeals", modality="in_force", source="self", target=c.symbol)
