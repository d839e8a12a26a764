"""The indicator taxonomy (gazetteer/indicators.json): what a number in a plan measures.

Shared by the targets and achievements extractors: `classify` names the indicator a phrase
speaks of, `best_indicator` the one a number at a given place measures (priority, less one
point per word of distance), `find_indicators` every indicator phrase in a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from vnplan.gazetteer import load


@dataclass(frozen=True)
class Indicator:
    """One taxonomy entry, compiled."""

    code: str
    priority: int
    group: str | None
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class IndicatorHit:
    """Where an indicator phrase occurs in a string."""

    code: str
    start: int
    end: int
    priority: int
    group: str | None



@cache
def indicators() -> tuple[Indicator, ...]:
    """The indicator taxonomy, compiled, highest priority first."""
    out = []
    for e in load("indicators.json")["entries"]:
        # Callers pass lower-cased text; re.I on Vietnamese text costs ~10x.
        pats = tuple(re.compile(p) for p in e.get("patterns", ()))
        out.append(Indicator(e["code"], int(e.get("priority", 50)), e.get("group"), pats))
    return tuple(sorted(out, key=lambda i: -i.priority))



def find_indicators(text: str, group: str | None = None) -> list[IndicatorHit]:
    """Indicator phrases in `text` (only those of `group` if given); where two overlap, the higher-priority one is kept."""
    return list(_find_indicators(text, group))


@lru_cache(maxsize=512)
def _find_indicators(text: str, group: str | None) -> tuple[IndicatorHit, ...]:
    # Cached: the numbers of one long clause all read the same clause.
    hits: list[IndicatorHit] = []
    for ind in indicators():
        if group is not None and ind.group != group:
            continue
        for pat in ind.patterns:
            for m in pat.finditer(text):
                if m.end() > m.start():
                    hits.append(IndicatorHit(ind.code, m.start(), m.end(), ind.priority, ind.group))
    hits.sort(key=lambda h: (-h.priority, h.start))
    kept: list[IndicatorHit] = []
    for h in hits:
        if any(h.start < k.end and k.start < h.end and k.code != h.code and not (h.group and h.group == k.group)
               for k in kept):
            continue
        kept.append(h)
    return tuple(sorted(kept, key=lambda h: h.start))


_FAR = 41


def _words_between(text: str, a: int, b: int) -> int:
    lo, hi = min(a, b), max(a, b)
    return len(text[lo:hi].split(maxsplit=_FAR))  # past _FAR words the distance no longer matters


def best_indicator(text: str, pos: int | None = None) -> tuple[list[IndicatorHit], IndicatorHit | None]:
    """The indicator a number at `pos` in `text` measures: priority, less one point per word of distance."""
    hits = find_indicators(text)
    if not hits:
        return hits, None
    if pos is None:
        return hits, max(hits, key=lambda h: (h.priority, -h.start))

    def score(h: IndicatorHit) -> float:
        d = 0 if h.start <= pos < h.end else _words_between(text, pos, h.start if h.start > pos else h.end)
        return h.priority - min(d, _FAR - 1)

    return hits, max(hits, key=score)


def classify(text: str, pos: int | None = None) -> tuple[str, str | None]:
    """(indicator code, the phrase it was read from) for a target phrase; ("other", None) if none."""
    _, best = best_indicator(text, pos)
    if best is None:
        return "other", None
    return best.code, text[best.start:best.end]

