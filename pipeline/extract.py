"""Extract stage: run the registered extractors over each document of a file.

An extractor is a function `(ctx: Context) -> Iterable[Fact]`, registered by
name in `EXTRACTORS` (see `vnplan.extractors.__init__`). They run in the order
listed there; each sees the facts of the ones before it through `ctx.prior`,
so the relation extractor can use the citations, and tasks can use agencies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .errors import VnplanError
from .models import Cleaned, Document, Fact, Section, Source


@dataclass
class Context:
    """What an extractor may read: the file, its documents, the current one, prior facts."""

    source: Source
    cleaned: Cleaned
    documents: Sequence[Document]
    doc: Document
    prior: dict[str, list[Fact]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The whole cleaned text of the file (spans index into it)."""
        return self.cleaned.text

    @property
    def body(self) -> tuple[int, int]:
        """The span of the current document."""
        return self.doc.start, self.doc.end

    def section_at(self, pos: int) -> Section:
        """The innermost section of the current document holding `pos`."""
        return self.doc.section_at(pos)

    def fact_args(self, start: int, end: int, rule: str) -> dict:
        """The common fact fields for the span `start:end`."""
        return {
            "doc_id": self.doc.doc_id,
            "section": self.section_at(start).path,
            "start": start,
            "end": end,
            "quote": self.text[start:end],
            "rule": rule,
        }


Extractor = Callable[[Context], Iterable[Fact]]


def registry() -> dict[str, Extractor]:
    """The extractors by name, in run order."""
    from vnplan.extractors import EXTRACTORS

    return EXTRACTORS


def extract(
    source: Source,
    cleaned: Cleaned,
    documents: Sequence[Document],
    names: Iterable[str] | None = None,
) -> list[Fact]:
    """All facts of all documents in a file, from the named extractors (default: all)."""
    reg = registry()
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
