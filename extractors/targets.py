"""Numeric targets (chỉ tiêu): numbers a plan commits to (DOMAIN.md §5, FORMAT.md "targets").

Two readers:
- text: every number in the body with a unit cue after it (`%`, `điểm`, `ngày`,
  a counted noun, `lần`) or a rank cue before it (`nhóm 20/63`) is a candidate;
  clauses that report results, scoring schemes, procedure rules, awards and
  personnel rules are dropped (cue words in `gazetteer/target_cues.json`);
- tables: annex tables, flattened one cell per line between `|` lines or
  rebuilt as `cell | cell | cell` lines; each row gives its target column,
  baseline column, criterion code and responsible unit.

Each target gets an indicator from `gazetteer/indicators.json` (`classify`)
with the phrase it was read from (for `other`, the phrase the number measures),
a deadline from `deadlines.deadline_for` (own, heading or document), a scope,
a baseline (the table's baseline column, or a result the text reported earlier
for the same indicator), and the agency a heading above it names. Only plans
(by type or title), directives and objective sections give text targets; rule
documents (Quy định, Thông tư, Nghị định ...) give none. Restatements are
counted once.
Optional: `VNPLAN_TARGETS_NLP=1` uses underthesea chunking to find the noun
phrase a target measures; it changed no score on the gold files and costs
~40% more pipeline time, so it is off (bench/bench_targets_nlp.py).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import accumulate
from operator import add

from vnplan.clean import TABLE_NUMBER_HEADS
from vnplan.context import Context
from vnplan.gazetteer import load
from vnplan.models import Target
from vnplan.text.dates import deadline_for, find_deadlines, sentence_bounds
from vnplan.text.normalize import fold
from vnplan.text.scan import lowered

# ---------------------------------------------------------------- data


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


@cache
def cues() -> dict:
    """The cue words of gazetteer/target_cues.json, with every pattern compiled."""
    raw = load("target_cues.json")
    c: dict = {}
    # All but the heading and table patterns see lower-cased text, so they need no re.I.
    c["comparators"] = [(re.compile(e["pattern"]), e["comparator"], bool(e.get("after")))
                        for e in raw["comparators"]["entries"]]
    u = raw["units"]
    c["units"] = {k: re.compile(v) for k, v in u.items() if isinstance(v, str) and k != "description"}
    c["scopes"] = [(e["scope"], re.compile(e["pattern"])) for e in raw["scopes"]["entries"]]
    c["non_target"] = [re.compile(e["pattern"]) for e in raw["non_target"]["entries"]]
    for k in ("achieved", "future", "increase", "target_verbs"):
        c[k] = re.compile(raw[k]["pattern"])
    c["background_headings"] = re.compile(raw["background_headings"]["pattern"], re.I)
    c["increase_after"] = re.compile(raw["increase"]["after"])
    c["table"] = {k: re.compile(v, re.I) for k, v in raw["table"].items() if isinstance(v, str) and k != "description"}
    return c


# ---------------------------------------------------------------- indicators


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


# ---------------------------------------------------------------- numbers

_RANGE_LOW = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s*%?\s*[-–]\s*$")
# `(?<![\w./,:-])(\d{1,3}(?:[.,]\d{1,4})?|\d{1,3}(?:\.\d{3})+)(?!\w)(?![.,:-]?\d)`, its lookbehind moved
# behind the first digit: a pattern that opens with `\d` lets `re` skip to the digits itself.
_NUM = re.compile(r"(\d(?<![\w./,:-]\d)(?:\d{0,2}(?:[.,]\d{1,4})?|\d{0,2}(?:\.\d{3})+))(?!\w)(?![.,:-]?\d)")
_RANK_OF = re.compile(r"^\s*/\s*\d{2}")
_YEAR_IN = re.compile(r"năm\s*((?:19|20)\d\d)", re.I)
_PARENS = re.compile(r"\([^()]*\)")


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
    for pat, comp, is_after in cues()["comparators"]:
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
    """Matches `after` whenever one of the unit patterns `_unit_of` tries on it does: every unit
    needs one of them, so a number it fails on (about half) has no unit. The costly `rank_after`
    (a lazy scan of up to 30 characters for a word) goes last: most numbers that pass pass sooner."""
    u = cues()["units"]
    keys = ("percent", "points", "days", "times", "count_nouns", "count_any_noun", "rank_after")
    return re.compile("|".join(f"(?:{p})" for p in [*(u[k].pattern for k in keys), _RANK_OF.pattern]))


def _unit_of(text: str, s: int, e: int, lo: int) -> tuple[str, int] | None:
    """The unit of the number at text[s:e] and where the target's phrase ends, or None."""
    u = cues()["units"]
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
    for m in _NUM.finditer(text, lo, hi):
        s, e = m.span(1)
        if s <= first and _SECTION_NO_END.match(text, e, e + 2):
            continue  # a section number at the start of a line ("7.6 Tổ chức ...")
        got = _unit_of(text, s, e, lo)
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


# ---------------------------------------------------------------- clause filters


def _doc_year(ctx: Context) -> int | None:
    d = ctx.doc.date
    if d and d[:4].isdigit():
        return int(d[:4])
    return None


def is_plan(ctx: Context) -> bool:
    """Whether the current document is a plan, by its type or its title (Kế hoạch, Chương trình, giai đoạn ...)."""
    sig = load("target_cues.json")["plan_signals"]
    if ctx.doc.type in sig["types"]:
        return True
    title = ctx.doc.title or ""
    if re.match(sig["rule_title"], title, re.I):
        return False  # "Quy định cơ chế ...", "Ban hành Quy chế ...": rules, whatever period they cover
    return bool(re.search(sig["pattern"], title, re.I))


def _under_target_heading(ctx: Context, pos: int) -> bool:
    """Under a heading like `1. Mục tiêu` / `Chỉ tiêu chủ yếu`."""
    head = re.compile(load("target_cues.json")["plan_signals"]["heading"], re.I)
    return any(a.path and head.search(a.heading[:80]) for a in ctx.doc.ancestors(ctx.section_at(pos).path))


def _is_background(ctx: Context, pos: int) -> bool:
    """Under a heading that reports the past (Kết quả đạt được, Tình hình ...)."""
    pat = cues()["background_headings"]
    for anc in ctx.doc.ancestors(ctx.section_at(pos).path)[1:]:
        if anc.path and pat.search(ctx.text[anc.start:anc.heading_end][:120]):
            return True
    return False


def _reports_result(clause: str, year: int | None) -> bool:
    """A clause that states an achieved value (a baseline), not a commitment."""
    c = cues()
    if c["future"].search(clause):
        return False
    if c["achieved"].search(clause):
        return True
    if year is not None:
        years = [int(y) for y in _YEAR_IN.findall(_PARENS.sub(" ", clause))]
        if years and max(years) < year:
            return True
    return False


def _excluded(clause: str) -> bool:
    return any(p.search(clause) for p in cues()["non_target"])


def _scope(segment: str) -> str | None:
    found = {s for s, p in cues()["scopes"] if p.search(segment)}
    if "province" in found and {"district", "commune"} & found:
        return None
    return found.pop() if len(found) == 1 else None


# ---------------------------------------------------------------- optional NLP


def _nlp_enabled() -> bool:
    return os.environ.get("VNPLAN_TARGETS_NLP", "") not in ("", "0")


def nlp_phrase(clause: str, rel_pos: int) -> str | None:
    """With underthesea: the noun phrase right after (or before) the number at `rel_pos` in `clause`."""
    try:
        from underthesea import chunk  # optional dependency, off by default
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    tail = clause[rel_pos:]
    chunks = chunk(tail[:200])
    phrase: list[str] = []
    started = False
    for word, _pos, tag in chunks:
        if tag.endswith("NP"):
            started = True
            phrase.append(word)
        elif started:
            break
    return " ".join(phrase) or None


# ---------------------------------------------------------------- text reader

_FOOTNOTE = re.compile(r"(?m)^\[\d{1,3}\]")
_FOOTNOTE_NL = re.compile(r"\n\[\d{1,3}\]")  # the same after its line break: `re` skips to line breaks


def _footnote_start(text: str, lo: int, hi: int) -> int | None:
    """Where `_FOOTNOTE.search(text, lo, hi)` matches, or None."""
    if (lo == 0 or text[lo - 1] == "\n") and _FOOTNOTE.match(text, lo, hi):
        return lo
    m = _FOOTNOTE_NL.search(text, lo, hi)
    return m.start() + 1 if m else None
_ITEM_SKIP = re.compile(r"^\s*(?:căn cứ|xét đề nghị|theo đề nghị)", re.I)


def _number_lines(text: str, low: str, s0: int, e0: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the lines of `text[s0:e0]` that can hold a candidate: those where `_NUM` finds
    a number in `low` (no match spans a line break), each once, in order; every line when lower
    casing moved the offsets."""
    pos = s0  # where the next line to visit may start
    if len(low) == len(text):
        # The first number at or after the next line's start: no match spans a line break, so
        # this is where `finditer` would get to, without visiting the other numbers of a line.
        search = _NUM.search
        m = search(low, pos, e0)
        while m:
            p = m.start()
            nl = text.rfind("\n", s0, p)
            ls = s0 if nl < 0 else nl + 1
            nl = text.find("\n", p, e0)
            le = e0 if nl < 0 else nl
            pos = le + 1
            yield ls, le
            m = search(low, pos, e0) if pos < e0 else None
        return
    while pos < e0:
        nl = text.find("\n", pos, e0)
        le = e0 if nl < 0 else nl
        yield pos, le
        pos = le + 1


def _text_targets(ctx: Context, skip: Sequence[tuple[int, int]],
                  achieved: list[tuple[str, str, float]] | None = None) -> Iterator[Target]:
    """Targets in the body text; values that `achieved` results report go to `achieved` (indicator, unit, value)."""
    text = ctx.text
    low = lowered(text)  # shared by every document of the file
    s0, e0 = ctx.body
    year = _doc_year(ctx)
    use_nlp = _nlp_enabled()
    plan = is_plan(ctx)
    strong = re.compile(load("target_cues.json")["plan_signals"]["strong"])
    for ls, le in _number_lines(text, low, s0, e0):
        if any(a <= ls < b for a, b in skip) or text.find("|", ls, le) >= 0:
            continue
        cands = candidates(low, ls, le)
        if not cands:
            continue
        basis = bool(_ITEM_SKIP.match(text[ls:le]))  # "Căn cứ ...": may report results, never commits
        n_num = len(_NUM.findall(low, ls, le))
        if n_num >= 6 and n_num > 0.25 * len(low[ls:le].split()):
            continue  # a table row flattened into a line of bare numbers: statistics, not a sentence
        for i, c in enumerate(cands):
            sec = ctx.section_at(c.start)
            item_lo = max(sec.start, ls - 2000) if sec.path else ls
            cs, ce = sentence_bounds(text, c.start, max(item_lo, ls - 2000), min(sec.end, le + 2000))
            clause = low[cs:ce]
            if _excluded(clause) or _is_background(ctx, c.start):
                continue
            if _reports_result(clause, year) or (not cues()["future"].search(clause) and cs > ls
                                                 and _reports_result(low[ls:cs], year)):
                # A reported result: the baseline of a later target on the same indicator.
                _, b = best_indicator(clause, c.start - cs)
                change = cues()["increase"].search(low[max(cs, c.start - 25):c.start])
                if achieved is not None and b is not None and not change:
                    achieved.append((b.code, c.unit, c.value))
                continue
            if basis:
                continue
            if not plan and not strong.search(clause) and not _under_target_heading(ctx, c.start):
                continue  # outside plans, only objectives and "phấn đấu / chỉ tiêu" clauses commit to a number
            before = low[max(cs, c.start - 25):c.start]
            if cues()["increase"].search(before) and (before.rstrip().endswith("(") or "(" in before[-12:]
                                                       or cues()["increase_after"].match(low[c.end:ce])):
                continue  # "(tăng 2,017 điểm so với năm 2021)": target minus baseline, not a target
            if before.endswith("(") and re.match(r"\s*%?\s*\)", low[c.end:c.end + 4]):
                continue  # "Sơn La (87,26%)": a figure quoted for a named unit, a statistic
            if c.unit == "points" and not cues()["future"].search(clause):
                continue  # points without "phấn đấu đạt ..." belong to a scoring scheme
            if c.unit == "count" and c.comparator == "=" and not cues()["future"].search(clause) \
                    and not cues()["target_verbs"].search(clause):
                continue  # a bare count needs a commitment around it
            # Indicator: read in the clause; a bare "80% huyện, thành phố;" borrows from the next clause.
            hits, best = best_indicator(clause, c.start - cs)
            if best is None and len(low[c.end:ce].split()) <= 6:
                ns, ne = sentence_bounds(text, ce + 1, ce + 1, min(sec.end, le + 2000)) if ce < le else (ce, ce)
                nxt = low[ns:ne]
                _, b2 = best_indicator(nxt, 0)
                if b2 is not None:
                    hits, best, cs, clause = [b2], b2, ns, nxt
            # Scope: from the number to the next number in the clause, else the rest of the clause.
            nxt_start = next((d.start for d in cands[i + 1:] if d.start < ce), ce)
            if c.unit == "rank":
                scope = "province" if re.match(r"[^;.]{0,20}?(?:tỉnh|địa phương)", low[c.end:ce]) else None
            else:
                scope = _scope(low[c.end:nxt_start]) or _scope(low[c.end:ce])
            codes: list[tuple[str, str | None]] = []
            if best is None:
                codes.append(("other", None))
            else:
                if best.group:
                    rel_lo = max((d.end for d in cands[:i] if d.end > cs), default=cs) - cs
                    rel_hi = min((d.start for d in cands[i + 1:] if d.start < cs + len(clause)),
                                 default=cs + len(clause)) - cs
                    grp = [h for h in hits if h.group == best.group and rel_lo <= h.start < rel_hi]
                    seen: set[str] = set()
                    for h in sorted(grp, key=lambda x: (x.start, x.end)):
                        if h.code not in seen:
                            seen.add(h.code)
                            codes.append((h.code, ctx.text[cs + h.start:cs + h.end]))
                if not codes:
                    codes.append((best.code, ctx.text[cs + best.start:cs + best.end]))
            if best is not None and best.group == "index":
                scope = "province"  # the indices rank provinces
            if codes[0][0] == "other" and not use_nlp:
                codes = [("other", _measured_phrase(ctx.text, cs, ce, c.start, c.end))]
            if use_nlp and codes[0][0] == "other":
                phrase = nlp_phrase(ctx.text[cs:ce], c.end - cs)
                if phrase:
                    codes = [(classify(phrase.lower())[0], phrase)]
            due, source = deadline_for(ctx, c.start)
            agency = _agency_for(ctx, c.start)
            qs, qe = _quote_span(text, cs, ce, c.start, c.end)
            for code, phrase in codes:
                yield Target(**ctx.fact_args(qs, qe, f"target.text.{c.unit}"), value=c.value, unit=c.unit,
                             comparator=c.comparator, indicator=code, indicator_phrase=phrase, scope=scope,
                             deadline=due, deadline_source=source, agency=agency)


_PHRASE_END = re.compile(r"\s(?:được|đạt|có|phải|thực hiện|trở lên|tham gia)\s|[,;:(]|\.\s", re.I)
_PHRASE_CUT = re.compile(r"\s(?:phấn đấu\s+)?(?:đạt|là|chiếm|ở mức)(?:\s+mức)?(?:\s+(?:tối thiểu|ít nhất|trên|khoảng))?\s*$", re.I)
_LEAD = re.compile(r"^\s*(?:[-+•]\s*)?(?:\(?\d+(?:\.\d+)*[.)]|[a-zđ]\))?\s*(?:-\s*)?(?:phấn đấu\s*)?", re.I)


def _measured_phrase(text: str, cs: int, ce: int, s: int, e: int) -> str | None:
    """What a number measures, without a taxonomy entry: `Tỷ lệ X` before `đạt N%`, else the words after `N%`."""
    before = text[cs:s]
    m = _PHRASE_CUT.search(before)
    if m:
        phrase = before[:m.start()]
        phrase = phrase[_LEAD.match(phrase).end():].strip()
        if 2 <= len(phrase.split()) <= 25:
            return phrase
    after = text[e:ce].lstrip("% ").lstrip()
    m = _PHRASE_END.search(after)
    phrase = (after[:m.start()] if m else after).strip()
    words = phrase.split()
    return " ".join(words[:12]) if any(ch.isalpha() for ch in phrase) else None  # not a bare "."


def _agency_for(ctx: Context, pos: int) -> str | None:
    """The agency a heading above `pos` names (`a) Nhiệm vụ và trách nhiệm của Sở Tư pháp:`), if any."""
    mentions = [m for m in ctx.prior.get("agencies", []) if not getattr(m, "collective", False)]
    if not mentions:
        return None
    for anc in ctx.doc.ancestors(ctx.section_at(pos).path)[1:]:
        if not anc.path:
            break
        for m in mentions:
            if anc.start <= m.start < anc.heading_end and len(ctx.text[anc.start:anc.heading_end]) < 200:
                return getattr(m, "name", None)
    return None


def _quote_span(text: str, cs: int, ce: int, s: int, e: int) -> tuple[int, int]:
    """The clause, trimmed of spaces and cut to at most ~300 characters around the number."""
    qs, qe = max(cs, s - 200), min(ce, e + 150)
    while qs < s and text[qs].isspace():
        qs += 1
    while qe > e and text[qe - 1].isspace():
        qe -= 1
    return qs, qe


# ---------------------------------------------------------------- table reader


@dataclass(frozen=True)
class Cell:
    """One table cell and its span in the cleaned text."""

    text: str
    start: int
    end: int


def _cell(text: str, s: int, e: int) -> Cell:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Cell(" ".join(text[s:e].split()), s, e)


def table_runs(text: str, lo: int, hi: int) -> list[tuple[list[list[Cell]] | list[Cell], bool, int, int]]:
    """Tables in text[lo:hi]: (rows, True, start, end) for `a | b | c` lines, (cells, False, ...) for flattened ones."""
    runs: list = []
    if text.find("|", lo, hi) < 0 and not _has_head_line(text, lo, hi):
        return runs  # no table in this document: skip the line-by-line walk
    seg = text[lo:hi].split("\n")
    if not seg[-1]:
        seg.pop()  # no line after a final line break (nor in an empty span)
    # (start, end) of each line, built with C-level maps (a document has thousands of lines).
    lens = list(map(len, seg))
    line_starts = list(accumulate(map((1).__add__, lens[:-1]), initial=lo)) if seg else []
    lines: list[tuple[int, int]] = list(zip(line_starts, map(add, line_starts, lens), strict=True))
    # Only a line with a `|` or a header cell (`STT` alone on its line) opens a table: the walk
    # jumps from one such line to the next. Both kinds are found by searching the text (one
    # `find` per line with a bar, one regex scan for header lines), not by visiting every line.
    opens_set = set()
    b = text.find("|", lo, hi)
    while b >= 0:
        k = bisect_right(line_starts, b) - 1
        opens_set.add(k)
        b = text.find("|", lines[k][1], hi)
    if seg:
        # `_HEAD_CELL_LINE` opens with a line break (so `re` skips from one to the next): one is put
        # in front of the span, and a match at `j` is the line starting at `lo + j`.
        heads = _HEAD_CELL_LINE.finditer("\n" + text[lo:hi])
        opens_set.update(bisect_right(line_starts, lo + m.start()) - 1 for m in heads)
    opens = sorted(opens_set)
    nxt = 0  # index into `opens`
    i = 0
    while i < len(lines):
        while nxt < len(opens) and opens[nxt] < i:
            nxt += 1
        if nxt == len(opens):
            break
        i = opens[nxt]
        s, e = lines[i]
        ln = text[s:e]
        if ln.count("|") >= 2 and ln.strip() != "|":
            rows: list[list[Cell]] = []
            j = i
            while j < len(lines) and text[lines[j][0]:lines[j][1]].count("|") >= 1 \
                    and text[lines[j][0]:lines[j][1]].strip() != "|":
                ls, le = lines[j]
                cells, q = [], ls
                k = text.find("|", q, le)
                while k >= 0:
                    cells.append(_cell(text, q, k))
                    q = k + 1
                    k = text.find("|", q, le)
                cells.append(_cell(text, q, le))
                rows.append(cells)
                j += 1
            runs.append((rows, True, lines[i][0], lines[j - 1][1]))
            i = j
            continue
        if _HEAD_CELL.match(ln.strip()) and i + 1 < len(lines) and not text[lines[i + 1][0]:lines[i + 1][1]].strip():
            # Cells as paragraphs separated by blank lines (how the cleaner leaves irregular tables).
            cells = []
            for m in _PARAGRAPH.finditer(text, lines[i][0], hi):  # each run of non-blank lines
                cell = _cell(text, m.start(), m.end())
                if len(cell.text) > 400 or _TABLE_END.match(cell.text):
                    break
                cells.append(cell)
            if len(cells) > 4:
                runs.append((cells, False, lines[i][0], cells[-1].end))
                i = bisect_left(line_starts, cells[-1].end)  # the first line after the last cell
                continue
        if ln.strip() == "|":
            # A flattened table: cells are the text between lone "|" lines.
            bars = [i]
            j = i + 1
            while j < len(lines):
                t = text[lines[j][0]:lines[j][1]].strip()
                if t == "|":
                    bars.append(j)
                elif j - bars[-1] > 14:
                    break
                j += 1
            first = lines[i - 1] if i > 0 else lines[i]
            cells = [_cell(text, first[0], first[1])]
            for a, b in zip(bars, bars[1:], strict=False):
                cells.append(_cell(text, lines[a][1] + 1, lines[b][0]))
            last = bars[-1]
            if last + 1 < len(lines):
                cells.append(_cell(text, lines[last + 1][0], lines[last + 1][1]))
            runs.append((cells, False, first[0], lines[min(last + 1, len(lines) - 1)][1]))
            i = last + 2
            continue
        i += 1
    return runs


_HEAD_LINE = re.compile(rf"(?mi)^(?:{TABLE_NUMBER_HEADS})$")
_HEAD_LINE_NL = re.compile(rf"(?m)\n(?i:{TABLE_NUMBER_HEADS})$")  # after its line break: `re` skips to line breaks


def _has_head_line(text: str, lo: int, hi: int) -> bool:
    """Whether `_HEAD_LINE.search(text, lo, hi)` finds a header line."""
    if (lo == 0 or text[lo - 1] == "\n") and _HEAD_LINE.match(text, lo, hi):
        return True
    return _HEAD_LINE_NL.search(text, lo, hi) is not None
_HEAD_CELL = re.compile(rf"^(?:{TABLE_NUMBER_HEADS})$", re.I)
# A line that is `_HEAD_CELL` once stripped (`str.strip` and `\s` agree on what is whitespace).
_HEAD_CELL_LINE = re.compile(rf"\n[^\S\n]*(?:{TABLE_NUMBER_HEADS})[^\S\n]*(?=\n|$)", re.I)
# Non-blank lines (a non-space character each) joined by single line breaks: one paragraph.
_PARAGRAPH = re.compile(r"[^\n]*?\S[^\n]*(?:\n[^\n]*?\S[^\n]*)*")
_TABLE_END = re.compile(r"^(?:\*|Ghi chú|PHỤ LỤC|Phụ lục|Nơi nhận|TM\.|KT\.)")
_CODE = re.compile(r"^(?:\d{1,2}(?:\s*\.\s*\d{1,2}){0,3}\.?|\d\.?\d?\s\d|[IVX]{1,4}\.?)$")
_VALUE = re.compile(r"^\s*[<>≥≤]?\s*=?\s*[+-]?\d+(?:[.,]\d+)?\s*%?\s*(?:\(.*\))?\s*$|^\s*-\s*$")


def _is_code(c: str) -> bool:
    return bool(_CODE.match(c.strip()))


_TWO_LETTERS = re.compile(r"[^\W\d_]{2,}")
# A year on its own (`Năm 2025`, `2025-2030`), not the digits of a code or a number (`VN2000`, `2394627`).
_YEAR_20 = re.compile(r"(?<![^\W_])(20\d\d)(?!\d)")


def _is_name(c: str) -> bool:
    return bool(_TWO_LETTERS.search(c)) and not _VALUE.match(c)


def _code_parts(code: str) -> list[str]:
    return [x for x in re.split(r"[.\s]+", code.strip()) if x]


def _follows(prev: str | None, code: str) -> bool:
    """Whether row number `code` can come after `prev` (next sibling, first child, or a new group)."""
    c = _code_parts(code)
    if prev is None or re.fullmatch(r"[IVX]+", c[0]) and len(c) == 1:
        return True
    p = _code_parts(prev)
    if c == p + ["1"] or c == ["1"]:
        return True
    for k in range(len(p)):
        if c[:k] == p[:k] and len(c) == k + 1 and c[k].isdigit() and p[k].isdigit() and int(c[k]) == int(p[k]) + 1:
            return True
    return False


def rows_from_cells(cells: list[Cell]) -> tuple[list[Cell], list[list[Cell]]]:
    """Split flattened cells into (header, rows).

    The header runs from the `STT`/`TT` cell to the first row number. A row
    starts at a row number followed by a name cell, when the number can follow
    the previous row's (`1.2` after `1.1`, `2` after `1.3.2`) or values come
    right after the name; a name followed directly by values is a row without
    a number (TỔNG ĐIỂM, CHỈ SỐ HÀI LÒNG CHUNG).
    """
    n = len(cells)
    c = cues()["table"]

    def val(k: int) -> bool:
        return k < n and bool(_VALUE.match(cells[k].text) or _RANK_CELL.search(cells[k].text))

    def value_cell(k: int) -> bool:
        # A number followed by a name is the next row's number, not this row's value.
        return val(k) and not (k + 1 < n and _is_name(cells[k + 1].text) and _is_code(cells[k].text))

    h0 = next((i for i, x in enumerate(cells) if c["code"].match(x.text)), 0)
    h1 = next((i for i in range(h0 + 1, n) if _is_code(cells[i].text) or val(i)), n)
    if h1 < n and val(h1) and h1 - 1 > h0 and not (h1 + 1 < n and _is_name(cells[h1 + 1].text)):
        h1 -= 1  # the header's last cell is an uncoded row's name
    header = cells[h0:h1]
    k_vals = sum(r in ("max", "baseline", "target", "change") for r in _header_roles(header)) if header else 0
    starts: list[int] = []
    prev: str | None = None
    seen_vals = 0  # values read since the current row's start
    for i in range(h1, n - 1):
        t = cells[i].text
        # Without values right after it, a number only starts a row once the current row has all its values.
        row_full = not starts or seen_vals == 0 or seen_vals >= k_vals
        if _is_code(t) and _is_name(cells[i + 1].text) and (_follows(prev, t) and row_full or value_cell(i + 2)):
            if starts and i - starts[-1] < 2:
                continue
            starts.append(i)
            prev = t
            seen_vals = 0
            continue
        if starts and val(i):
            seen_vals += 1
        if (i == h1 or not t) and _is_name(cells[i + 1].text) and val(i + 2):
            starts.append(i)
            seen_vals = 0
        elif _is_name(t) and val(i + 1) and starts and i - starts[-1] > 2 and not _is_code(cells[i - 1].text) \
                and re.search(r"[A-ZÀ-ỸĐ]{3,}", t) and t.upper() == t:
            starts.append(i)  # an upper-case total row inside the table
            seen_vals = 0
        elif i == h1 and _is_name(t) and val(i + 1):
            starts.append(i)
            seen_vals = 0
    if not starts:
        return header, []
    rows = []
    bounds = starts + [n]
    for a, b in zip(bounds, bounds[1:], strict=False):
        row = cells[a:b]
        if not _is_code(row[0].text) and row[0].text:
            row = [Cell("", row[0].start, row[0].start)] + row
        rows.append(row)
    return header, rows


def _header_roles(header: list[Cell]) -> list[str]:
    c = cues()["table"]
    roles = []
    for h in header:
        t = h.text
        if c["code"].match(t):
            roles.append("code")
        elif c["unit"].match(t):
            roles.append("unit")
        elif c["max"].search(t):
            roles.append("max")
        elif c["change"].search(t):
            roles.append("change")
        elif c["target_strong"].search(t):
            roles.append("target")
        elif c["agency"].search(t):
            roles.append("agency")
        elif c["baseline"].search(t):
            roles.append("baseline")
        elif c["name"].search(t):
            roles.append("name")
        else:
            roles.append("other")
    if "target" not in roles:
        # "Năm 2022" columns: the latest year is the target, an earlier one the baseline.
        years = [(int(m.group(1)), i) for i, h in enumerate(header) if (m := _YEAR_20.search(h.text))]
        if years:
            roles[max(years)[1]] = "target"
        elif roles.count("baseline") == 1 and re.match(r"(?:kết quả|giá trị|chỉ tiêu)\b",
                                                       header[roles.index("baseline")].text, re.I):
            # A lone "Kết quả" column in a list of indicators is the expected result.
            roles[roles.index("baseline")] = "target"
    return roles


_TABLE_VAL = re.compile(r"^\s*([<>≥≤]=?)?\s*(\d+(?:[.,]\d+)?)\s*(%)?")
_RANK_CELL = re.compile(r"(?:xếp|đứng)\s*thứ\s*(\d+)\s*/\s*\d+", re.I)


def _table_targets(ctx: Context, runs: list) -> Iterator[Target]:
    text = ctx.text
    plan = is_plan(ctx)
    for data, is_lines, rs, _re in runs:
        if is_lines:
            rows = [r for r in data if any(x.text for x in r)]
            if not rows:
                continue
            header, body = rows[0], rows[1:]
            if any(len(r) != len(header) for r in body):
                # Rows that do not line up with the header (merged cells): read the cells as one stream.
                header, body = rows_from_cells([x for r in rows for x in r])
                is_lines = False
        else:
            header, body = rows_from_cells(data)
        if not header or any(_VALUE.match(x.text) and x.text.strip() != "-" for x in header):
            continue
        roles = _header_roles(header)
        if "target" not in roles or not body:
            continue
        names = [h.text.lower() for h in header]
        if len(set(names)) < len(names) or len(header) > max(len(r) for r in body) + 1:
            continue  # a two-level header (Diện tích | Cơ cấu under each year): columns cannot be told apart
        ti = roles.index("target")
        title = " ".join(text[max(ctx.doc.start, rs - 400):rs].split())
        if not plan and not re.search(r"mục tiêu|chỉ tiêu", title + " " + header[ti].text, re.I):
            continue  # outside plans, only a table of objectives gives targets
        head_txt = " ".join(h.text for h in header)
        context = (title + " " + head_txt).lower()
        _, tbest = best_indicator(context)
        table_code = tbest.code if tbest is not None else None
        unit = "points" if ("max" in roles or "điểm" in head_txt.lower()) else \
            ("percent" if re.search(r"%|tỷ lệ|sipas|hài lòng", context) else None)
        ym = re.search(r"(20\d\d)", header[ti].text)
        due_col = f"{ym.group(1)}-12-31" if ym else None
        numeric_roles = [r for r in roles if r in ("max", "baseline", "target", "change")]
        group = None
        group_due: str | None = None
        for row in body:
            cells = [x for x in row]
            if not cells:
                continue
            code_cell = cells[0] if _is_code(cells[0].text) and len(cells) > 1 and _is_name(cells[1].text) else None
            name_i = 1 if code_cell is not None else (1 if not cells[0].text else 0)
            if name_i >= len(cells):
                continue
            name = cells[name_i].text
            if is_lines and len(cells) == len(roles):
                by_role = {r: cells[i] for i, r in enumerate(roles)}
            else:
                vals = [x for x in cells[name_i + 1:] if _VALUE.match(x.text) or _RANK_CELL.search(x.text)]
                by_role = {r: vals[i] for i, r in enumerate(numeric_roles) if i < len(vals)}
                rest = [x for x in cells[name_i + 1:] if x not in vals and _is_name(x.text)]
                if "unit" in roles and rest and len(rest[0].text) <= 15:
                    by_role["unit"] = rest.pop(0)
                if rest:
                    by_role["agency"] = rest[0]
            tcell = by_role.get("target")
            if tcell is None or not _TABLE_VAL.match(tcell.text):
                # A group row ("I | Giai đoạn 2025-2027") may fix the deadline of the rows under it.
                te = [x for x in find_deadlines(name) if x.due]
                if te and not vals_in(cells[name_i + 1:]):
                    group_due = te[0].due
                continue
            m = _TABLE_VAL.match(tcell.text)
            if not m:
                continue
            value = parse_number(m.group(2))
            if value is None:
                continue
            comp = {">": ">", ">=": ">=", "≥": ">=", "<": "<", "<=": "<=", "≤": "<="}.get(m.group(1) or "", "=")
            bcell = by_role.get("baseline")
            bm = _TABLE_VAL.match(bcell.text) if bcell is not None else None
            baseline = parse_number(bm.group(2)) if bm else None
            crit = None
            if code_cell is not None:
                crit = re.sub(r"\s+", ".", code_cell.text.strip().rstrip("."))
                if re.fullmatch(r"[IVX]+", crit):
                    group = crit
                elif group and re.fullmatch(r"\d+", crit):
                    crit = f"{group}.{crit}"
            code = table_code
            idx = find_indicators(name.lower(), "index")
            if idx:
                code = idx[0].code
            elif code is None:
                code = classify(name.lower())[0]
            agency_cell = by_role.get("agency")
            agency = agency_cell.text if agency_cell is not None and agency_cell.text not in ("-", "") else None
            ucell = by_role.get("unit") or next((x for x in cells if x.text.strip() in ("%", "điểm", "Điểm")), None)
            utext = ucell.text.strip().lower() if ucell is not None else ""
            if cues()["units"]["money"].search(utext) or cues()["units"]["money"].search(name.lower()[-20:]):
                continue
            if m.group(3) or utext == "%":
                u = "percent"
            elif utext == "điểm":
                u = "points"
            elif utext and cues()["units"]["count_nouns"].match(" " + utext):
                u = "count"
            elif unit:
                u = unit
            else:
                continue  # no unit we can name
            if due_col:
                due, source = due_col, "own"
            elif group_due:
                due, source = group_due, "heading:table"
            else:
                due, source = deadline_for(ctx, tcell.start)
            qs = (code_cell or cells[name_i]).start if (code_cell or cells[name_i]).text else cells[name_i].start
            qs = min(qs, cells[name_i].start) if cells[name_i].text else tcell.start
            yield Target(**ctx.fact_args(qs, tcell.end, "target.table"), value=value, unit=u, comparator=comp,
                         indicator=code or "other", indicator_phrase=name or None, scope=_table_scope(context),
                         deadline=due, deadline_source=source, baseline=baseline, criterion=crit, agency=agency)
            rk = _RANK_CELL.search(tcell.text)
            if rk:
                brk = _RANK_CELL.search(bcell.text) if bcell is not None else None
                yield Target(**ctx.fact_args(qs, tcell.end, "target.table.rank"), value=float(rk.group(1)),
                             unit="rank", comparator="=", indicator=code or "other", indicator_phrase=name or None,
                             scope="province", deadline=due, deadline_source=source,
                             baseline=float(brk.group(1)) if brk else None, criterion=crit, agency=agency)


def vals_in(cells: Sequence[Cell]) -> bool:
    """Whether any of these cells holds a number."""
    return any(_TABLE_VAL.match(x.text) for x in cells)


def _table_scope(context: str) -> str | None:
    return "province" if re.search(r"\btỉnh\b|thành phố", context) else None


# ---------------------------------------------------------------- extract


def _measure_words(ctx: Context, t: Target) -> list[str]:
    """The words after the target's number in its quote, up to the next number or clause end, folded, in order."""
    quote = ctx.text[t.start:t.end]
    for m in _NUM.finditer(quote):
        if parse_number(m.group(1)) == t.value:
            tail = re.split(r"[;.]|\d", quote[m.end():].lstrip(" %"), maxsplit=1)[0]
            stop = _measure_stop_words()
            return [w for w in re.findall(r"\w+", fold(tail)[:80]) if w not in stop]
    return []


@cache
def _measure_stop_words() -> frozenset[str]:
    """target_cues.json `measure_stop_words`: words that say nothing about what a number measures."""
    return frozenset(load("target_cues.json")["measure_stop_words"]["words"])


def _same_measure(ctx: Context, a: Target, b: Target) -> bool:
    """Two "other" targets restate one commitment: same number, unit, deadline and scope, in different
    subsections, measuring the same head words (`xã, phường ...`) with most other words shared."""
    if (a.value, a.unit, a.deadline, a.scope) != (b.value, b.unit, b.deadline, b.scope):
        return False
    if a.section.split(".")[:2] == b.section.split(".")[:2]:
        return False  # neighbours in one list are separate commitments
    wa, wb = _measure_words(ctx, a), _measure_words(ctx, b)
    if len(wa) < 2 or len(wb) < 2 or wa[:2] != wb[:2]:
        return False
    return len(set(wa) & set(wb)) >= 0.6 * min(len(set(wa)), len(set(wb)))


def _dedupe(targets: list[Target], ctx: Context) -> list[Target]:
    """Drop restatements: the same commitment again in another top-level section (for an `other` target: the
    same measured words in another subsection), or a table total row."""
    out: list[Target] = []
    seen: dict[tuple, str] = {}
    for k, t in enumerate(targets):
        top = t.section.split(".", 1)[0]
        key = (t.value, t.unit, t.indicator, t.deadline)
        if t.rule.startswith("target.table") and t.criterion is None and key in seen:
            continue
        if t.rule.startswith("target.text") and key in seen and (
                (seen[key] != top and t.indicator != "other")
                or (t.indicator == "other" and any(_same_measure(ctx, o, t) for o in targets[:k]
                                                   if o.indicator == "other" and o.start != t.start))):
            continue  # an "other" target is a restatement only when it measures the same words
        if t.rule.startswith("target.text") and any(
            o.start == t.start and o.end == t.end and o.value == t.value and o.indicator == t.indicator for o in out
        ):
            continue
        seen.setdefault(key, top)
        out.append(t)
    return out


def extract(ctx: Context) -> Iterator[Target]:
    """Targets of the current document, from its text and its annex tables."""
    if ctx.doc.type in load("target_cues.json")["rule_document_types"]["types"]:
        return
    s0, e0 = ctx.body
    runs = table_runs(ctx.text, s0, e0)
    skip = [(rs, re_ + 1) for _d, _l, rs, re_ in runs]
    # Footnotes ("[3] Cụ thể: ...") at the end of a document report figures; they commit to nothing.
    fn = _footnote_start(ctx.text, s0 + (e0 - s0) // 2, e0)
    if fn is not None:
        skip.append((fn, e0))
    achieved: list[tuple[str, str, float]] = []
    text_found = [_with_baseline(t, achieved) for t in _text_targets(ctx, skip, achieved)]
    found = text_found + list(_table_targets(ctx, runs))
    yield from _dedupe(found, ctx)


def _with_baseline(t: Target, achieved: list[tuple[str, str, float]]) -> Target:
    """A text target with the last result reported earlier for its indicator and unit as its baseline."""
    if t.baseline is not None or t.indicator == "other":
        return t
    prior = [v for code, unit, v in achieved if code == t.indicator and unit == t.unit]
    return replace(t, baseline=prior[-1]) if prior else t
