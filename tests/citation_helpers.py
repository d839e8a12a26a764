"""Build a one-document Context from a snippet, so citation and relation extractors can be tested alone."""

from __future__ import annotations

import hashlib

from vnplan.context import Context
from vnplan.models import Cleaned, Document, Section, Source


def make_ctx(text: str, doc_type: str = "Kế hoạch", province: str | None = "Quảng Ngãi", symbol: str | None = None,
             date: str | None = None, title: str | None = None) -> Context:
    """A Context over `text` as one document with only a root section."""
    sha = hashlib.sha256(text.encode()).hexdigest()
    root = Section(path="", kind="root", label="", heading="", start=0, heading_end=0, end=len(text), depth=0, parent=None)
    doc = Document(doc_id=f"{sha[:16]}:0", file_sha=sha, index=0, start=0, end=len(text), type=doc_type, symbol=symbol,
                   date=date, province=province, title=title, sections=(root,))
    source = Source(path="snippet.txt", sha256=sha, size=len(text.encode()), kind="txt", text=text)
    return Context(source, Cleaned(text=text, offsets=tuple(range(len(text) + 1))), [doc], doc)


def citations_of(text: str, **kw):
    """The citations of `text` (self-references included)."""
    from vnplan.extractors import citations

    return list(citations.extract(make_ctx(text, **kw)))


def relations_of(text: str, **kw):
    """The relations of `text`, after its citations."""
    from vnplan.extractors import citations, relations

    ctx = make_ctx(text, **kw)
    ctx.prior["citations"] = list(citations.extract(ctx))
    return list(relations.extract(ctx))
