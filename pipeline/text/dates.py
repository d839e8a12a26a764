"""Dates and deadlines in Vietnamese text (DOMAIN.md §6): `đến năm 2020`, `trước ngày 01/01/2018`,
`giai đoạn 2016 - 2020`, `chậm nhất 05 ngày làm việc kể từ ...`, `định kỳ hằng quý`.

`parse_deadline(text)` reads the first deadline expression in a string (the segmenter reads heading
scopes with it, tasks their due dates); `find_deadlines` reads all of them, as `TimeExpr` values with
their spans inside the string. `deadline_for(ctx, start)` answers "when is the thing that starts at
`start` due, and where does that date come from": its own sentence or item ("own"), else the
nearest ancestor heading that fixes a date ("heading:<path>"), else the plan's own period or year
from its title ("document").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from vnplan import gazetteer
from vnplan.context import Context
from vnplan.models import Document

from .headings import type_headings
from .scan import find_all, lowered


@dataclass(frozen=True)
class TimeExpr:
    """A parsed deadline expression, with its span inside the parsed string."""

    kind: str  # absolute, end_of_year, end_of_month, period, relative, recurring
    start: int
    end: int
    due: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    relative: str | None = None
    recurring: str | None = None


YEAR = r"((?:19|20)\d\d)"  # a year of these documents, as a group
DASH = r"\s*[-–—]\s*"  # the dash of a period
# "ngày 01/01/2018", "ngày 15 tháng 12 năm 2022", "01-01-2018"
_DATE = r"(?:ngày\s*)?(\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(\d{1,2})\s*(?:/|-|\.|\s+năm\s+)\s*" + YEAR
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_CUES = gazetteer.load("deadline_cues.json")
_EXPR = _CUES["expressions"]
_RECUR_WORDS = {e["word"]: e["means"] for e in _CUES["recurrence"]}
_HALF = r"(?:0?6\s*tháng)"
_EVENTS = tuple((e["phrase"], e["means"]) for e in _CUES["events"])


def _alt(fragments: list[str]) -> str:
    return "(?:" + "|".join(fragments) + ")"


def _lead_words(kind: str) -> tuple[str, ...]:
    """The literal words a kind's lead fragments (and prefixes) open with: where its matches can start."""
    e = _EXPR[kind]
    return tuple(dict.fromkeys(re.match(r"[^(\\]*", f).group(0).strip() for f in [*e.get("prefix", ()), *e["leads"]]))

# Order matters only for ties at the same start: earlier names win.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("relative", re.compile(
        r"(?:chậm nhất\s*(?:là\s*)?)?(?:trong\s*(?:thời hạn|vòng)\s*|sau\s+)(\d{1,3})\s*ngày(\s*làm việc)?"
        r"(?:,?\s*(?:kể từ|từ|sau khi|sau)\s*(?:ngày\s*)?([^,.;\n]{0,40}))?", re.I)),
    ("recurring", re.compile(
        r"(?:định kỳ\s*)?(?:(?:hằng|hàng)\s*(tuần|tháng|quý|năm)|(?<=định kỳ )(?:0?(\d{1,2})\s*tháng))"
        r"(?:\s*,\s*(?:(?:hằng|hàng)\s*(?:tuần|tháng|quý|năm)|" + _HALF + r"))*"
        r"(?:,?\s*(?:và|hoặc)?\s*(?:(?:hằng|hàng)\s*(?:tuần|tháng|quý|năm)|" + _HALF + r"|đột xuất))*",
        re.I)),
    ("before_date", re.compile(_alt(_EXPR["before_date"]["leads"]) + r"\s*(?:ngày\s*)?"
                               + _DATE.replace("(?:ngày\\s*)?", ""), re.I)),
    ("by_date", re.compile(_alt(_EXPR["by_date"]["leads"]) + r"\s*(?:ngày\s*)" + _DATE.replace("(?:ngày\\s*)?", ""),
                           re.I)),
    ("period", re.compile(
        _alt(_EXPR["period"]["leads"]) + r"\s*(?:\d\s*)?\(?\s*(?:từ\s*(?:năm\s*)?)?" + YEAR
        + r"(?:" + DASH + r"|\s*đến\s*(?:năm\s*)?)" + YEAR + r"\)?", re.I)),
    ("quarter", re.compile(_alt(_EXPR["quarter"]["leads"]) + r"?\s*quý\s*(I{1,3}V?|IV|[1-4])\s*(?:/|năm)\s*" + YEAR,
                           re.I)),
    ("half", re.compile(r"(?:trong\s*)?(0?6)\s*tháng\s*(đầu|cuối)\s*năm\s*" + YEAR, re.I)),
    ("month", re.compile(r"(?:(?:" + _alt(_EXPR["month"]["prefix"]) + r"\s*)?" + _alt(_EXPR["month"]["leads"])
                         + r"\s*)*tháng\s*(\d{1,2})\s*(?:/|năm)\s*" + YEAR, re.I)),
    ("year", re.compile(
        r"(?:(?:" + _alt(_EXPR["year"]["prefix"]) + r"\s*)?" + _alt(_EXPR["year"]["leads"]) + r"\s*)+"
        r"(?:năm\s*)?" + YEAR + r"(?!\s*[-–]\s*(?:19|20)\d\d)", re.I)),
)


_LOWER_PATTERNS = tuple((n, re.compile(p.pattern.replace("I{1,3}V?|IV", "i{1,3}v?|iv"))) for n, p in _PATTERNS)


def _eom(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _event(phrase: str | None) -> str | None:
    if not phrase:
        return None
    p = phrase.strip().lower()
    for vi, en in _EVENTS:
        if p.startswith(vi):
            return en
    return p or None


def _recurring(quote: str) -> str:
    low = quote.lower()
    found: list[str] = []
    for m in re.finditer(r"(?:hằng|hàng)\s*(tuần|tháng|quý|năm)|(\d{1,2})\s*tháng|đột xuất", low):
        if m.group(1):
            word = _RECUR_WORDS[m.group(1)]
        elif m.group(2):
            n = int(m.group(2))
            word = "half-yearly" if n == 6 else f"every {n} months"
        else:
            word = "ad hoc"
        if word not in found:
            found.append(word)
    return ", ".join(found)


def _make(name: str, m: re.Match[str], base: int = 0) -> TimeExpr | None:
    """One TimeExpr from a pattern match, or None when the numbers are not a date."""
    s, e = base + m.start(), base + m.end()
    # Leading whitespace eaten by an optional cue group is not part of the quote.
    lead = len(m.group(0)) - len(m.group(0).lstrip())
    s += lead
    g = m.groups()
    try:
        if name in ("before_date", "by_date"):
            d, mo, y = int(g[0]), int(g[1]), int(g[2])
            day = dt.date(y, mo, d)
            if name == "before_date":
                day -= dt.timedelta(days=1)
            return TimeExpr("absolute", s, e, due=day.isoformat())
        if name == "period":
            a, b = int(g[0]), int(g[1])
            if not a <= b <= a + 30:
                return None
            return TimeExpr("period", s, e, due=f"{b}-12-31", period_start=f"{a}-01-01", period_end=f"{b}-12-31")
        if name == "quarter":
            q = _ROMAN_Q[g[0].lower()]
            return TimeExpr("end_of_month", s, e, due=_eom(int(g[1]), 3 * q))
        if name == "half":
            y = int(g[2])
            return TimeExpr("end_of_month", s, e, due=_eom(y, 6 if g[1].lower() == "đầu" else 12))
        if name == "month":
            mo, y = int(g[0]), int(g[1])
            if not 1 <= mo <= 12:
                return None
            return TimeExpr("end_of_month", s, e, due=_eom(y, mo))
        if name == "year":
            return TimeExpr("end_of_year", s, e, due=f"{g[0]}-12-31")
        if name == "relative":
            n, working, event = int(g[0]), bool(g[1]), _event(g[2])
            rel = f"{n} {'working ' if working else ''}days" + (f" after {event}" if event else "")
            return TimeExpr("relative", s, e, relative=rel)
        if name == "recurring":
            rec = _recurring(m.group(0))
            return TimeExpr("recurring", s, e, recurring=rec) if rec else None
    except (ValueError, KeyError):
        return None
    return None


# Every expression holds a year, a "ngày" (relative) or a recurrence word: lines without one are skipped.
_TRIGGER = re.compile(r"(?:19|20)\d\d|ngày|hằng|hàng|định kỳ", re.I)


# `_TRIGGER` in the lower-cased text, its years by their first two digits (a few more lines at worst).
_TRIGGER_WORDS = ("ngày", "hằng", "hàng", "định kỳ", "19", "20")


def find_deadlines(text: str, low: str | None = None) -> list[TimeExpr]:
    """Every deadline expression in `text`, in text order, without overlaps (longest first at a start).
    `low`: `text.lower()` when the caller has it at hand."""
    if low is None:
        low = text.lower()
    if len(text) > 2000 and "\n" in text:
        # Long texts: line by line, and only the lines that can hold an expression.
        if len(low) != len(text):
            out: list[TimeExpr] = []
            pos = 0
            for line in text.split("\n"):
                if _TRIGGER.search(line):
                    out.extend(_shifted(_find_in_line(line), pos))
                pos += len(line) + 1
            return out
        # The lines holding a trigger, each once, joined into one string: the patterns run over it
        # once (each match kept inside its line), not once per line.
        parts: list[str] = []
        at_text: list[int] = []  # where each part starts in `text`
        at_sub: list[int] = []  # ... and in the joined string
        n = 0
        done = -1  # end of the last line taken
        for h in find_all(low, _TRIGGER_WORDS):
            if h <= done:
                continue
            pos = low.rfind("\n", 0, h) + 1
            done = low.find("\n", h)
            if done < 0:
                done = len(low)
            parts.append(low[pos:done])
            at_text.append(pos)
            at_sub.append(n)
            n += done - pos + 1
        found = []
        for name, m in _matches("\n".join(parts), True):
            k = bisect_right(at_sub, m.start()) - 1
            te = _make(name, m, at_text[k] - at_sub[k])
            if te is not None and te.end > te.start:
                found.append(te)
        return _no_overlaps(found)
    return _find_in_line(text, low)


@lru_cache(maxsize=8)
def _sliceable_lower(text: str) -> str | None:
    """The file's shared lower-cased copy when each of its slices is the lower case of the same
    slice of `text`: same length, and no `Σ` (whose lower case depends on its neighbours)."""
    low = lowered(text)
    return low if len(low) == len(text) and "Σ" not in text else None


def lower_slice(text: str, s: int, e: int) -> str | None:
    """`text[s:e].lower()`, cut from the file's lower-cased copy; None when that is not the same."""
    low = _sliceable_lower(text)
    return None if low is None else low[s:e]


def _shifted(found: list[TimeExpr], pos: int) -> Iterator[TimeExpr]:
    return (TimeExpr(t.kind, t.start + pos, t.end + pos, t.due, t.period_start, t.period_end, t.relative, t.recurring)
            for t in found)


# The words every match of a (lower-cased) pattern starts with; see `_starts` for the rest.
_START_WORDS = {
    "relative": ("chậm nhất", "trong", "sau"),
    "recurring": ("định kỳ", "hằng", "hàng"),
    "before_date": _lead_words("before_date"),
    "by_date": _lead_words("by_date"),
    "period": _lead_words("period"),
    "quarter": (*_lead_words("quarter"), "quý"),
    "half": ("trong", "6"),
    "month": (*_lead_words("month"), "tháng"),
    "year": _lead_words("year"),
}


# A word (one of them) that every match of a lower-cased pattern holds somewhere.
_NEEDS = {
    "relative": ("ngày",),
    "recurring": ("hằng", "hàng", "định kỳ "),
    "before_date": ("trước",),
    "by_date": ("ngày",),
    "period": _lead_words("period"),
    "quarter": ("quý",),
    "half": ("tháng",),
    "month": ("tháng",),
}
_YEAR_RX = re.compile(YEAR)


def _starts(name: str, low: str, found: dict[str, list[int]]) -> list[int]:
    """Every position of `low` where the lower-cased pattern `name` can match, sorted.
    `found`: the positions of the words looked up so far in `low`, by word."""
    out: list[int] = []
    need = _NEEDS.get(name)
    if need is not None:
        for w in need:
            if w in low:
                break
        else:
            return out
    if name == "year" and not _YEAR_RX.search(low):
        return out
    for w in _START_WORDS[name]:
        at = found.get(w)
        if at is None:
            at = found[w] = find_all(low, (w,))
        if not at:
            continue
        out += at
        if name == "quarter" and w == "quý":
            for i in at:
                k = i  # `\s*quý`: a match may open on the spaces before `quý`
                while k > 0 and low[k - 1].isspace():
                    k -= 1
                    out.append(k)
        elif name == "recurring" and w == "định kỳ":
            out += [i + len(w) + 1 for i in at if low.startswith(" ", i + len(w))]  # `(?<=định kỳ )0?6 tháng`
        elif name == "half" and w == "6":
            out += [i - 1 for i in at if i > 0 and low[i - 1] == "0"]  # `0?6`
    out.sort()
    return out


def _matches(low: str, in_lines: bool) -> Iterator[tuple[str, re.Match[str]]]:
    """(name, match) of every lower-cased pattern over the lower-cased `low`, pattern by pattern, as
    `finditer` gives them; with `in_lines`, as `finditer` over each line of `low` in turn."""
    found_at: dict[str, list[int]] = {}
    n = len(low)
    find = low.find
    for name, pat in _LOWER_PATTERNS:
        starts = _starts(name, low, found_at)
        if not starts:
            continue
        match = pat.match
        pos = -1  # end of the last match
        end = n  # where the line of the current start ends
        for p in starts:
            if p < pos:
                continue
            if in_lines and (p > end or end == n):
                end = find("\n", p)
                if end < 0:
                    end = n
            m = match(low, p, end)
            if m:
                pos = m.end()
                if m.group(0).strip():
                    yield name, m


def _no_overlaps(found: list[TimeExpr]) -> list[TimeExpr]:
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    out: list[TimeExpr] = []
    for te in found:
        if out and te.start < out[-1].end:
            continue
        out.append(te)
    return out


def _find_in_line(text: str, low: str | None = None) -> list[TimeExpr]:
    found: list[TimeExpr] = []
    # Match lower-cased text without re.I (much faster on Vietnamese); offsets stay valid when lengths agree.
    if low is None:
        low = text.lower()
    if len(low) == len(text):
        matches: Iterator[tuple[str, re.Match[str]]] = _matches(low, False)
    else:
        matches = ((name, m) for name, pat in _PATTERNS for m in pat.finditer(text) if m.group(0).strip())
    for name, m in matches:
        te = _make(name, m)
        if te is not None and te.end > te.start:
            found.append(te)
    return _no_overlaps(found)


def parse_deadline(text: str) -> TimeExpr | None:
    """The first deadline expression in `text`, or None."""
    found = find_deadlines(text)
    return found[0] if found else None


# ---------------------------------------------------------------- inheritance

_TITLE_PERIOD = re.compile(YEAR + DASH + YEAR)
_TITLE_YEAR = re.compile(r"năm\s*" + YEAR)
# Cleaned text keeps one paragraph per line, so a line break always ends a sentence.
_BOUNDARY = re.compile(r";|\.\s+(?=[A-ZÀ-ỸĐ\"“(\[])|\n")


def title_deadline(title: str | None) -> str | None:
    """The due date a plan's own title fixes: end of its period, else of its year (`năm 2018`)."""
    if not title:
        return None
    # Dates of cited documents ("ngày 05/12/2016") are not the plan's period.
    clean = re.sub(r"ngày\s*\d{1,2}\s*(?:/|tháng)\s*\d{1,2}\s*(?:/|năm)\s*\d{4}", " ", title, flags=re.I)
    for te in find_deadlines(clean):
        if te.kind in ("period", "end_of_year") and te.due:
            return te.due
    m = _TITLE_PERIOD.search(clean)
    if m and int(m.group(1)) <= int(m.group(2)):
        return f"{m.group(2)}-12-31"
    m = _TITLE_YEAR.search(clean)
    return f"{m.group(1)}-12-31" if m else None


@cache
def _type_line() -> re.Pattern[str]:
    """A line that is only a document-type heading (`KẾ HOẠCH`, `QUYẾT ĐỊNH`; gazetteer/doc_headings.json)."""
    words = sorted(type_headings(), key=len, reverse=True)
    return re.compile(r"(?m)^[ \t]*(?:" + "|".join(w.replace(" ", r"[ \t]+") for w in words) + r")[ \t]*$")


def title_block(text: str, start: int, end: int) -> str:
    """The upper-case subject lines under the first type line (`KẾ HOẠCH`) of a document."""
    m = _type_line().search(text, start, min(end, start + 4000))
    if not m:
        return ""
    lines = []
    for ln in text[m.end():min(end, m.end() + 600)].split("\n"):
        t = ln.strip()
        if not t:
            if lines:
                break
            continue
        letters = [ch for ch in t if ch.isalpha()]
        if not letters or sum(ch.isupper() for ch in letters) < 0.7 * len(letters):
            if not re.match(r"(?:V/v|Về)\b", t):
                break
        lines.append(t)
    return " ".join(lines)


def document_deadline(doc: Document, documents: list[Document] | tuple[Document, ...] = (),
                      text: str | None = None) -> str | None:
    """The plan's own period end or year end, from its title (or its promulgating document's title)."""
    due = title_deadline(doc.title)
    if due is None and text is not None:
        # The metadata title may be cut short; read the title block itself.
        due = title_deadline(title_block(text, doc.start, doc.end).lower())
    if due is None and doc.promulgated_by is not None and doc.promulgated_by < len(documents):
        parent = documents[doc.promulgated_by]
        due = title_deadline(parent.title)
        if due is None and text is not None:
            due = title_deadline(title_block(text, parent.start, parent.end).lower())
    return due


def sentence_bounds(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    """The span of the sentence or clause around `pos`, inside `lo:hi` (`;`, `. X`, item starts end it)."""
    s = lo
    for m in _BOUNDARY.finditer(text, lo, pos):
        s = m.end()
    m = _BOUNDARY.search(text, pos, hi)
    e = m.start() if m else hi
    return s, e


def _due(te: TimeExpr) -> str | None:
    return te.due if te.kind not in ("relative", "recurring") else None


_BARE_YEAR = re.compile(r"(?<!so với )(?<!từ )(?<!của )(?<!hành )\bnăm\s*((?:19|20)\d\d)\b(?!\s*[-–)])", re.I)


def _own_due(text: str, pos: int, lo: int, hi: int) -> str | None:
    """Nearest dated expression in the sentence (before `pos`, else after), then earlier on the same line."""
    s, e = sentence_bounds(text, pos, lo, hi)
    exprs = [t for t in find_deadlines(text[s:e], lower_slice(text, s, e)) if _due(t)]
    before = [t for t in exprs if s + t.start < pos]
    # "20% xã, phường ... ngay trong năm 2025": a dated phrase closing the number's own phrase beats one
    # further back (often the period in a cited document's title).
    after = [t for t in exprs if s + t.start >= pos]
    if after and s + after[0].start - pos <= 60 \
            and not re.search(r"[;.]|\d", text[pos:s + after[0].start].split("%", 1)[-1]) \
            and not text[pos:s + after[0].start].rstrip().endswith(","):  # ", đến năm 2030 ...": the next clause
        return _due(after[0])
    if before:
        return _due(before[-1])
    # "đạt 20% xã, phường “không ma túy” năm 2025, bảo đảm đến hết năm 2030 ...": a bare year closing the
    # number's own phrase, ahead of any dated expression, is its year.
    first = s + exprs[0].start if exprs else e
    m = _BARE_YEAR.search(text, pos, min(first, pos + 80))
    if m and not re.search(r"[;.\d]|,\s*\S+\s+\d", text[pos:m.start()].split("%", 1)[-1]):
        return f"{m.group(1)}-12-31"
    if exprs:
        return _due(exprs[0])
    # "Chỉ số PAR Index năm 2022, phấn đấu đạt ...": a bare year naming the subject, before the number.
    bare = [m for m in _BARE_YEAR.finditer(text, s, pos) if "(" not in text[m.start():pos]]
    if bare:
        return f"{bare[-1].group(1)}-12-31"
    # A time phrase leading the paragraph ("Đến năm 2025: ...") scopes all of it.
    line_start = max(lo, text.rfind("\n", lo, s) + 1)
    lead = [t for t in find_deadlines(text[line_start:s], lower_slice(text, line_start, s)) if _due(t) and t.start <= 30]
    return _due(lead[0]) if lead else None


def _scope_due(section_scopes: tuple) -> str | None:
    for sc in section_scopes:
        if sc.kind == "deadline" and sc.value:
            return sc.value[:10]
        if sc.kind == "period" and "/" in sc.value:
            return sc.value.split("/", 1)[1][:10]
    return None


def deadline_for(ctx: Context, start: int, end: int | None = None) -> tuple[str | None, str | None]:
    """When the item at `start` is due and where that comes from: ("YYYY-MM-DD", "own" | "heading:<path>" | "document").

    Own: the sentence holding `start`, or earlier in the same item (the
    innermost section's text up to its first child). Heading: the nearest
    ancestor whose scopes (from the segmenter) or heading line fix a date.
    Document: the plan's period or year from its title. (None, None) when
    nothing fixes a date.
    """
    text = ctx.text
    sec = ctx.section_at(start)
    doc = ctx.doc
    # The item's own text runs from its start to its first child (or its end).
    lo = sec.start if sec.path else max(doc.start, text.rfind("\n", doc.start, start) + 1)
    hi = sec.end
    for child in doc.sections:
        if child.parent == sec.path and child.start > sec.start:
            hi = min(hi, child.start)
            break
    if start >= hi:  # root or a section whose body follows its children
        lo = max(lo, text.rfind("\n", lo, start) + 1)
        nl = text.find("\n", start, sec.end)
        hi = sec.end if nl < 0 else nl
    due = _own_due(text, start, lo, hi)
    if due:
        return due, "own"
    for anc in doc.ancestors(sec.path)[1:]:
        if not anc.path:
            break
        due = _scope_due(anc.scopes)
        if due is None and not anc.scopes:
            # No scopes from the segmenter: read the heading, if it reads like one (short, or ending in ":"),
            # so that a date in a long parent paragraph does not leak into its children.
            head = " ".join(text[anc.start:anc.heading_end].split())
            if len(head) <= 80 or head.endswith(":"):
                te = [t for t in find_deadlines(head) if _due(t) and (t.start <= 30 or t.kind == "period")]
                due = _due(te[0]) if te else None
        if due:
            return due, f"heading:{anc.path}"
    due = document_deadline(doc, ctx.documents, text)
    if due:
        return due, "document"
    return None, None
