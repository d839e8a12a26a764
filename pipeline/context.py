"""What an extractor reads: the file, its documents, the current one, the facts found before.

An extractor is a function `(ctx: Context) -> Iterable[Fact]`; the registry of fact kinds
(`vnplan.kinds`) runs them in order, and each sees the facts of the ones before it through
`ctx.prior`, so the relation extractor can use the citations, and tasks can use agencies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

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
