"""Resolve stage: canonical identity keys for documents and the citations that name them.

One function, `document_key`, computes the key from both sides (an ingested document
and a citation of it), so a citation links to the document whatever the ingest order:

- a symbol that carries its year and a central issuer (`61/2018/NĐ-CP`) is unique
  nationwide: the key is the symbol;
- a central symbol without a year (`846/QĐ-TTg`, `28-KL/TW`) is reused every year:
  `vn/2017/846/QĐ-TTg`;
- a local symbol (`205/QĐ-UBND`, `34/2016/NQ-HĐND`, `05-NQ/TU`, `432/SNV`) is reused by
  every province: `quang-ngai/2017/205/QĐ-UBND`; a citation inside a province's
  document to `... của UBND tỉnh` is that province's document;
- unnumbered documents (laws by name, named plans) key on type and title:
  `luat:to-chuc-chinh-quyen-dia-phuong:2015`.
Issuer codes and their scope are gazetteer data (`gazetteer/issuers.json`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from .models import Citation, Document, Fact, Relation, replaced
from .text.normalize import fold as _fold
from .text.normalize import normalize_symbol as _normalize_symbol
from .text.normalize import strip_accents
from .text.provinces import province_in
from .text.symbols import symbol_scope

# Pure string functions called again and again with the same names and symbols: memoised.
fold = lru_cache(maxsize=1 << 15)(_fold)
normalize_symbol = lru_cache(maxsize=1 << 15)(_normalize_symbol)
_SLUG = re.compile(r"[^a-z0-9]+")
_SYMBOL_YEAR = re.compile(r"(?:^|[/-])((?:19|20)\d\d)(?=[/-])")


@lru_cache(maxsize=1 << 15)
def slug(text: str) -> str:
    """`Quảng Ngãi` -> `quang-ngai`."""
    return _SLUG.sub("-", strip_accents(text).lower()).strip("-")


@lru_cache(maxsize=1 << 15)
def is_local(symbol: str) -> bool:
    """True when a symbol names a province-scoped issuer (UBND, HĐND, Tỉnh ủy, Sở ...)."""
    return symbol_scope(normalize_symbol(symbol)) == "local"


def _symbol_year(symbol: str) -> int | None:
    m = _SYMBOL_YEAR.search(symbol)
    return int(m.group(1)) if m else None


@lru_cache(maxsize=1 << 14)
def document_key(
    type_: str | None, symbol: str | None, year: int | None, province: str | None, title: str | None = None
) -> str | None:
    """The canonical key of a document, ingested or only cited (same inputs give the same key)."""
    if symbol:
        sym = normalize_symbol(symbol)
        y = _symbol_year(sym) or year
        if is_local(sym):
            return f"{slug(province) if province else '?'}/{y or '?'}/{sym}"
        if _symbol_year(sym):
            return sym
        return f"vn/{y or '?'}/{sym}"
    if title:
        return f"{slug(type_ or 'doc')}:{slug(fold(title))[:120]}" + (f":{year}" if year else "")
    return None


def _with(fact: Fact, **changes: object) -> Fact:
    """`dataclasses.replace` for a fact (`models.replaced`)."""
    return replaced(fact, **changes)


def _year_of(d: Document) -> int | None:
    return int(d.date[:4]) if d.date else None


def _file_province(documents: Sequence[Document]) -> str | None:
    return next((d.province for d in documents if d.province), None)


def citation_province(c: Citation, doc: Document | None, file_province: str | None) -> str | None:
    """The province a local citation belongs to: the one its issuer names, else the citing document's."""
    named = province_in(c.issuer_resolved) if c.issuer_resolved else None
    if named:
        return named
    return (doc.province if doc else None) or file_province


def resolve(documents: Sequence[Document], facts: Sequence[Fact]) -> tuple[tuple[Document, ...], list[Fact]]:
    """Fill in keys on documents, citations and relations."""
    fprov = _file_province(documents)
    docs = []
    for d in documents:
        key = document_key(d.type, d.symbol, _year_of(d), d.province or fprov, d.title)
        docs.append(replace(d, key=key or d.doc_id))
    by_id = {d.doc_id: d for d in docs}
    by_index = {(d.file_sha, d.index): d for d in docs}
    by_symbol = {normalize_symbol(d.symbol): d for d in docs if d.symbol}

    def self_doc(c: Citation) -> Document | None:
        # `Quyết định này`: the file's document of that type, the citing one first.
        here = by_id.get(c.doc_id)
        if c.symbol and normalize_symbol(c.symbol) in by_symbol:
            return by_symbol[normalize_symbol(c.symbol)]
        if here is not None and (c.type is None or fold(here.type or "") == fold(c.type)):
            return here
        if here is not None and here.promulgated_by is not None:
            parent = by_index.get((here.file_sha, here.promulgated_by))
            if parent is not None and (c.type is None or fold(parent.type or "") == fold(c.type)):
                return parent
        same = [d for d in docs if fold(d.type or "") == fold(c.type or "")]
        return same[0] if same else here

    # Keys of cited documents by (doc_id, endpoint) and by endpoint over the file.
    names: dict[tuple[str, str], str] = {}
    file_names: dict[str, str] = {}
    out: list[Fact] = []
    for f in facts:
        if isinstance(f, Citation):
            doc = by_id.get(f.doc_id)
            if f.self_ref:
                target = self_doc(f)
                key = target.key if target is not None else None
            else:
                key = document_key(f.type, f.symbol, f.year, citation_province(f, doc, fprov), f.title)
            f = _with(f, key=key)
            if key and not f.self_ref:
                for name in (f.symbol, f.title):
                    if name:
                        # The fullest occurrence (with a year) wins over a short form without one.
                        k = (f.doc_id, fold(name))
                        if k not in names or "/?/" in names[k]:
                            names[k] = key
                        if fold(name) not in file_names or "/?/" in file_names[fold(name)]:
                            file_names[fold(name)] = key
        out.append(f)
    for d in docs:
        if d.title:
            file_names.setdefault(fold(d.title), d.key or d.doc_id)

    title_keys: dict[str, str | None] = {}
    for d in docs:
        if d.title:
            title_keys.setdefault(fold(d.title), d.key)  # the first document with that title

    def key_of(doc_id: str, name: str) -> str | None:
        if name == "self":
            d = by_id.get(doc_id)
            return d.key if d else None
        n = fold(name)
        if n in title_keys:
            return title_keys[n]
        if "/" in name and normalize_symbol(name) in by_symbol:
            return by_symbol[normalize_symbol(name)].key
        return names.get((doc_id, n)) or file_names.get(n)

    final: list[Fact] = []
    for f in out:
        if isinstance(f, Relation):
            f = _with(f, source_key=key_of(f.doc_id, f.source), target_key=key_of(f.doc_id, f.target))
        final.append(f)
    return tuple(docs), final
