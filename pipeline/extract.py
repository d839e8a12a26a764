"""Extract stage: run the registered extractors over each document of a file.

The extractors and their order come from the registry of fact kinds (`vnplan.kinds`); each
reads a `vnplan.context.Context` and sees the facts of the ones before it through `ctx.prior`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .context import Context
from .errors import VnplanError
from .kinds import KINDS
from .models import Cleaned, Document, Fact, Source


def extract(
    source: Source,
    cleaned: Cleaned,
    documents: Sequence[Document],
    names: Iterable[str] | None = None,
) -> list[Fact]:
    """All facts of all documents in a file, from the named kinds' extractors (default: all)."""
    reg = {k.name: k.extractor for k in KINDS}
    chosen = list(reg) if names is None else list(names)
    unknown = [n for n in chosen if n not in reg]
    if unknown:
        raise VnplanError(f"unknown extractor {unknown[0]!r}; known: {', '.join(reg)}")
    facts: list[Fact] = []
    for doc in documents:
        ctx = Context(source, cleaned, documents, doc)
        for name in chosen:
            found = list(reg[name](ctx))
            ctx.prior[name] = found
            facts.extend(found)
    return facts
