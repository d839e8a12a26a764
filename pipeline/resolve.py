"""Resolve stage: canonical identity keys for documents and the citations that name them.

A normative symbol (`61/2018/NĐ-CP`) is unique nationwide, so it is its own key.
An administrative symbol (`205/QĐ-UBND`) is reused by every province every
year, so its key adds the issuer's scope and the year:
`quang-ngai/2017/205/QĐ-UBND`. Unnumbered documents key on type and title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .models import Citation, Document, Fact, Relation
from .normalize import fold, strip_accents

# Issuer codes that are local to a province: the symbol alone does not identify the document.
LOCAL_ISSUERS = ("UBND", "HĐND", "TU", "SNV", "STP", "STC", "SKHĐT", "VP", "BCĐ", "TTr")


def slug(text: str) -> str:
    """`Quảng Ngãi` -> `quang-ngai`."""
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(text).lower()).strip("-")


def is_local(symbol: str) -> bool:
    """True when a symbol names a province-scoped issuer (UBND, HĐND, Tỉnh ủy, Sở ...)."""
    if re.search(r"/(19|20)\d\d/", symbol) and not symbol.endswith(("HĐND", "UBND")):
        return False
    issuer = re.split(r"[/-]", symbol)[-1]
    return issuer in LOCAL_ISSUERS or issuer.startswith("S") and len(issuer) <= 5 and issuer != "SIPAS"


def document_key(
    type_: str | None, symbol: str | None, year: int | None, province: str | None, title: str | None = None
) -> str | None:
    """The canonical key of a document, ingested or only cited."""
    if symbol:
        if is_local(symbol):
            return f"{slug(province) if province else '?'}/{year or '?'}/{symbol}"
        return symbol
    if title:
        return f"{slug(type_ or 'doc')}:{slug(fold(title))[:120]}" + (f":{year}" if year else "")
    return None


def resolve(documents: Sequence[Document], facts: Sequence[Fact]) -> tuple[tuple[Document, ...], list[Fact]]:
    """Fill in keys on documents, citations and relations."""
    docs = []
    for d in documents:
        year = int(d.date[:4]) if d.date else None
        key = document_key(d.type, d.symbol, year, d.province, d.title)
        docs.append(replace(d, key=key or d.doc_id))
    by_id = {d.doc_id: d for d in docs}
    sym_keys: dict[tuple[str, str], str] = {}
    out: list[Fact] = []
    for f in facts:
        if isinstance(f, Citation):
            prov = by_id[f.doc_id].province
            key = document_key(f.type, f.symbol, f.year, prov, f.title)
            f = replace(f, key=key)
            if f.symbol and key:
                sym_keys[(f.doc_id, f.symbol)] = key
        out.append(f)
    final: list[Fact] = []
    for f in out:
        if isinstance(f, Relation):
            src = by_id[f.doc_id].key if f.source == "self" else sym_keys.get((f.doc_id, f.source), f.source)
            tgt = by_id[f.doc_id].key if f.target == "self" else sym_keys.get((f.doc_id, f.target), f.target)
            f = replace(f, source_key=src, target_key=tgt)
        final.append(f)
    return tuple(docs), final
