"""Provinces: names old and new, the 2025 merger, centrally-run cities (`gazetteer/provinces.json`).

The 63 provinces before 1 July 2025 each carry the one of the 34 that holds them since
(Resolution 202/2025/QH15); documents name the old ones, users think in the new.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from vnplan import gazetteer

from .normalize import fold
from .tokens import fold_text
from .tones import spelling_key


@cache
def provinces() -> dict[str, Any]:
    """The province data: `old` (63, with `new`), `new` (34, with `merged_from`)."""
    return gazetteer.load("provinces.json")


@cache
def province_names() -> dict[str, str]:
    """Folded spelling -> canonical name, for every old and new province and alias."""
    out: dict[str, str] = {}
    data = provinces()
    for p in data["old"]:
        for n in [p["name"], *p.get("aliases", [])]:
            out[fold_text(n)] = p["name"]
    for p in data["new"]:
        out.setdefault(fold_text(p["name"]), p["name"])
    return out


def _bare_province(name: str) -> str:
    s = re.sub(r"^\s*(tỉnh|thành phố|tp\.?)\s+", "", name.strip(), flags=re.I)
    return s


@lru_cache(maxsize=4096)  # asked per document and per named committee, of few distinct names
def canonical_province(name: str | None) -> str | None:
    """The canonical spelling of a province name (`tỉnh Thanh Hoá` -> `Thanh Hóa`), or None."""
    if not name:
        return None
    return province_names().get(fold_text(_bare_province(name)))


def province_after_2025(old_name: str | None) -> str | None:
    """The province that holds `old_name` since 1 July 2025 (Resolution 202/2025/QH15), or None."""
    canon = canonical_province(old_name)
    if canon is None:
        return None
    data = provinces()
    for p in data["old"]:
        if p["name"] == canon:
            return p["new"]
    for p in data["new"]:
        if p["name"] == canon:
            return p["name"]
    return None


@lru_cache(maxsize=1024)
def is_central_city(province: str | None) -> bool:
    """Whether a province name is a centrally-run city, before or after 2025."""
    canon = canonical_province(province)
    data = provinces()
    return any(p["name"] == canon and p["kind"] == "thành phố" for p in data["old"] + data["new"])


@cache
def _folded_names() -> list[tuple[str, str]]:
    """(folded name or alias, canonical name) of every province, old and new, longest first."""
    data = provinces()
    out = []
    for e in data.get("old", []) + data.get("new", []):
        for n in [e["name"], *e.get("aliases", [])]:
            out.append((fold(spelling_key(n)), e["name"]))
    return sorted(set(out), key=lambda x: -len(x[0]))


@lru_cache(maxsize=1 << 12)
def province_in(text: str) -> str | None:
    """The province named right after `tỉnh`/`thành phố` in `text` (`UBND tỉnh Quảng Ninh` -> `Quảng Ninh`)."""
    for m in re.finditer(r"(?i:tỉnh|thành\s+phố)\s+", text):
        rest = fold(spelling_key(text[m.end() : m.end() + 30]))
        for folded, name in _folded_names():
            if rest.startswith(folded) and not rest[len(folded) : len(folded) + 1].isalpha():
                return name
    return None
