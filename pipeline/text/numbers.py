"""Numbers in plan text: how a printed number reads, which unit and comparator its words give it.

Shared by the targets and achievements extractors. `parse_number` reads `91,14`, `8.5`, `08`
and `1.500`; `unit_of` finds the unit cue after a number (`%`, `điểm`, `ngày`, a counted noun,
`lần`) or the rank cue before it (`nhóm 20/63`, `xếp thứ 2/63`); `comparator_of` the comparator
the words around it set; `candidates` every number of a span that carries a unit. The cue
words are data: the `units` and `comparators` of gazetteer/target_cues.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from vnplan.gazetteer import load


@cache
def number_cues() -> dict:
    """The `comparators` and `units` of gazetteer/target_cues.json, compiled (lower-cased text: no re.I)."""
    raw = load("target_cues.json")
    comparators = [(re.compile(e["pattern"]), e["comparator"], bool(e.get("after")))
                   for e in raw["comparators"]["entries"]]
    u = raw["units"]
    units = {k: re.compile(v) for k, v in u.items() if isinstance(v, str) and k != "description"}
    return {"comparators": comparators, "units": units}


_RANGE_LOW = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s*%?\s*[-–]\s*$")
# A printed number (group 1), not part of a date, a code or a longer number:
# `(?<![\w./,:-])(\d{1,3}(?:[.,]\d{1,4})?|\d{1,3}(?:\.\d{3})+)(?!\w)(?![.,:-]?\d)`, its lookbehind moved
# behind the first digit: a pattern that opens with `\d` lets `re` skip to the digits itself.
NUM = re.compile(r"(\d(?<![\w./,:-]\d)(?:\d{0,2}(?:[.,]\d{1,4})?|\d{0,2}(?:\.\d{3})+))(?!\w)(?![.,:-]?\d)")
_RANK_OF = re.compile(r"^\s*/\s*\d{2}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")  # `1.500` as a count is fifteen hundred


def parse_number(s: str, unit: str | None = None) -> float | None:
    """A printed number as a float: decimal comma or point (`91,14`, `8.5`), leading zeros (`08`)."""
    s = s.strip().lstrip("><=≥≤+ ").strip()
    m = _NUMBER.match(s)
    if not m:
        return None
    t = m.group(0)
    if unit == "count" and _THOUSANDS.fullmatch(t):
        t = t.replace(".", "")
    if t.count(",") + t.count(".") > 1:
        return None
    try:
        return float(t.replace(",", "."))
    except ValueError:
        return None


def comparator_of(before: str, after: str) -> str | None:
    """The comparator the words around a number give it, or None."""
    for pat, comp, is_after in number_cues()["comparators"]:
        if is_after:
            if pat.search(after[:40]):
                return comp
        elif pat.search(before[-30:]):
            return comp
    return None


@dataclass(frozen=True)
class Candidate:
    """A number in a clause with the unit and comparator its context gives it."""

    start: int
    end: int
    value: float
    unit: str
    comparator: str


@cache
def _unit_after_any() -> re.Pattern[str]:
    """Matches `after` whenever one of the unit patterns `unit_of` tries on it does: every unit
    needs one of them, so a number it fails on (about half) has no unit. The costly `rank_after`
    (a lazy scan of up to 30 characters for a word) goes last: most numbers that pass pass sooner."""
    u = number_cues()["units"]
    keys = ("percent", "points", "days", "times", "count_nouns", "count_any_noun", "rank_after")
    return re.compile("|".join(f"(?:{p})" for p in [*(u[k].pattern for k in keys), _RANK_OF.pattern]))


def unit_of(text: str, s: int, e: int, lo: int) -> tuple[str, int] | None:
    """The unit of the number at text[s:e] and where the target's phrase ends, or None."""
    u = number_cues()["units"]
    # The unit is on the number's line: `cơ sở 2` / `Bệnh viện ...` counts no hospitals.
    after = text[e:e + 60].partition("\n")[0]
    if not _unit_after_any().match(after):
        return None
    before = text[max(lo, s - 80):s]
    if u["rank_before"].search(before) and u["rank_after"].match(after):
        return "rank", e + (m.end() if (m := _RANK_OF.match(after)) else 0)
    if m := u["percent"].match(after):
        return "percent", e + m.end()
    if m := u["points"].match(after):
        return "points", e + m.end()
    if (m := u["days"].match(after)) and u["days_cue"].search(before):
        return "days", e + m.end()
    if (m := u["times"].match(after)) and u["times_cue"].search(before):
        return "times", e + m.end()
    if (m := u["count_nouns"].match(after)) and not re.match(r"\s*(?:/|tháng|năm)", after):
        return "count", e + m.end()
    # The match on `after` first: it is cheaper than a search of `before` and fails far more often.
    if (m := u["count_any_noun"].match(after)) and u["count_cue"].search(before):
        return "count", e + m.end()  # "tối thiểu 05 kịch bản": an at-least number counts whatever follows
    if (m := _RANK_OF.match(after)) and u["rank_ordinal"].search(before):
        return "rank", e + m.end()
    return None


_SECTION_NO_END = re.compile(r"[.)]?\s")
_LEAD_SPACE = re.compile(r"\s*")


def candidates(text: str, lo: int, hi: int) -> list[Candidate]:
    """Numbers in text[lo:hi] that carry a target unit."""
    out = []
    first = _LEAD_SPACE.match(text, lo, hi).end()  # where the line's text starts
    for m in NUM.finditer(text, lo, hi):
        s, e = m.span(1)
        if s <= first and _SECTION_NO_END.match(text, e, e + 2):
            continue  # a section number at the start of a line ("7.6 Tổ chức ...")
        got = unit_of(text, s, e, lo)
        if got is None:
            continue
        unit, _ = got
        value = parse_number(m.group(1), unit)
        if value is None:
            continue
        before, after = text[max(lo, s - 40):s], text[e:min(hi, e + 60)]
        comp = "<=" if unit == "rank" else (comparator_of(before, after) or "=")
        rng = _RANGE_LOW.search(before)
        if rng and unit in ("percent", "count", "days", "points"):
            # "đạt 10 - 13%": a range commits to at least its lower end.
            low_v = parse_number(rng.group(1), unit)
            if low_v is not None and low_v < value:
                low_at = max(lo, s - 40) + rng.start(1)
                out = [o for o in out if o.start != low_at]  # "10% - 13%": one target, not two
                value, comp = low_v, ">="
        if unit == "count" and value < 2:
            continue  # "ít nhất 01 ứng dụng": a qualifier inside another target
        if unit == "days" and comp == "=":
            comp = "<="
        out.append(Candidate(s, e, value, unit, comp))
    return out

