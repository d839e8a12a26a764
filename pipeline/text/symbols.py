"""Document symbols and types: `205/QĐ-UBND`, `34/2016/NĐ-CP`, `05-NQ/TU`; their type and issuer codes.

The type words and codes are `gazetteer/doctypes.json`, the issuer codes and their scope
(central or local) `gazetteer/issuers.json`.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from vnplan import gazetteer

from .normalize import fold
from .tones import spelling_key


@cache
def doctypes() -> list[dict]:
    """Document type entries, longest word first (so `Chương trình hành động` wins)."""
    return sorted(gazetteer.load("doctypes.json")["entries"], key=lambda e: -len(e["word"]))


@cache
def type_by_code() -> dict[str, str]:
    """Type code (`NĐ`) -> full type word (`Nghị định`); the first entry of a code wins."""
    out: dict[str, str] = {}
    for e in gazetteer.load("doctypes.json")["entries"]:
        if e.get("code"):
            out.setdefault(e["code"].upper(), e["word"])
    out.setdefault("QĐI", "Quy định")
    return out


@cache
def canonical_type(word: str) -> str:
    """`NGHỊ QUYẾT` / `nghị quyết` -> `Nghị quyết`, the gazetteer spelling."""
    key = fold(spelling_key(word))
    for e in doctypes():
        if fold(e["word"]) == key:
            return e["word"]
    return word


@cache
def issuer_codes() -> dict[str, dict]:
    """Issuer code -> its entry (name, scope)."""
    return {e["code"].upper(): e for e in gazetteer.load("issuers.json")["codes"]}


@cache
def _local_code_rx() -> re.Pattern[str]:
    return re.compile(gazetteer.load("issuers.json")["local_code_rule"]["pattern"])


@lru_cache(maxsize=1 << 12)
def code_scope(code: str) -> str | None:
    """`central`, `local` or None (unknown) for one issuer code of a symbol."""
    c = re.sub(r"\d+$", "", code.upper())
    e = issuer_codes().get(c)
    if e:
        return e["scope"]
    if _local_code_rx().match(c):
        return "local"
    # Central issuers are a short, known list (gazetteer); an unknown code is a local body
    # (a district committee, a management board, a Party committee below the province).
    return "local" if re.fullmatch(r"[A-ZĐƯƠÂÊÔĂ&]{2,10}", c) else None


_SYMBOL_SEP = re.compile(r"[/\-]")
_SYMBOL_YEAR = re.compile(r"(?:19|20)\d\d")  # a symbol part that is its year (`34/2016/NĐ-CP`)


def symbol_parts(symbol: str) -> tuple[str | None, str | None, list[str]]:
    """`205/QĐ-UBND` -> (year, type code, [issuer codes]); `05-NQ/TU` -> (None, 'NQ', ['TU'])."""
    parts = _SYMBOL_SEP.split(symbol)[1:]
    year = None
    if parts and _SYMBOL_YEAR.fullmatch(parts[0]):
        year, parts = parts[0], parts[1:]
    codes = [p.upper() for p in parts if p]
    if codes and codes[0] in type_by_code():
        return year, codes[0], codes[1:]
    return year, None, codes


def symbol_scope(symbol: str) -> str:
    """`local` when the symbol's issuer is province-scoped (UBND, HĐND, TU, Sở ...), else `central`."""
    _, _, issuers = symbol_parts(symbol)
    for code in issuers[:1]:
        if code_scope(code) == "local":
            return "local"
    return "central"
