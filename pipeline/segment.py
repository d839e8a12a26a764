"""Segment stage: cleaned text -> documents, each with its section tree.

`split_documents` finds where each document of a file starts (a decision and
the plan it promulgates are two; an annex stays with its document);
`build_tree` reads heading markers line by line and nests them. Structural
kinds (annex, part, chapter, section, article, Roman) have a fixed rank; the
list kinds (`1.`, `a)`, `-`, `+`) do not, because plans nest them in different
orders, so a new list kind opens a level below the current one and a kind
already open closes everything under it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from functools import cache, lru_cache
from itertools import accumulate
from operator import add

from .metadata import read_metadata
from .models import Cleaned, Document, Scope, Section, Source, built
from .text.dates import parse_deadline
from .text.headings import (
    doc_headings,
    mostly_upper,
    opener_pattern,
    structure_pattern,
    structure_words,
    type_headings,
)
from .text.normalize import collapse

_ROMAN = r"(?:X{0,3}(?:IX|IV|V?I{1,3}|V)|X{1,3})"
_UPPER_START = re.compile(r"[\"“'(\[]?[A-ZĐÀ-Ỹ]", re.UNICODE)

_word = structure_pattern
# Heading markers, tried in order; the first that matches a line start wins.
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(r"^" + _word("part") + r"[ \t]+(thứ[ \t]+\w+|THỨ[ \t]+\w+|" + _ROMAN + r"|\d{1,2})\b[ \t]*[.:\-–]?[ \t]*")),
    ("chapter", re.compile(r"^" + _word("chapter") + r"[ \t]+(" + _ROMAN + r"|\d{1,2})\b[ \t]*[.:\-–]?[ \t]*")),
    ("item", re.compile(r"^" + _word("item") + r"[ \t]+(\d{1,2}|" + _ROMAN + r")\b[ \t]*[.:\-–]?[ \t]*")),
    ("article", re.compile(r"^" + _word("article") + r"[ \t]+(\d{1,3}[a-zđ]?)(?:[ \t]*[.:][ \t]*|[ \t]*$)")),
    ("annex", re.compile(
        r"^" + _word("annex") + r"(?>(?:[ \t]+(?:SỐ|số)?[ \t]*(" + _ROMAN + r"|\d{1,2}[a-z]?)\b)?)[ \t]*[.:\-–]?[ \t]*"
        r"(?=$|[A-ZĐÀ-Ỹ(\"“])")),
    ("roman", re.compile(r"^(" + _ROMAN + r")[ \t]*[.\-–)][ \t]*(?=\S)")),
    ("arabic", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})([.)]?)[ \t]+(?=\S)")),
    ("letter", re.compile(r"^([a-zđ])[ \t]*\)[ \t]*(?=\S)")),
    ("dash", re.compile(r"^([-–—•])[ \t]*(?=[^\s\-–—_=])")),
    ("plus", re.compile(r"^(\+)[ \t]*(?=\S)")),
)
# Lower rank = higher level. List kinds have no fixed rank (None).
RANK: dict[str, int | None] = {
    "annex": 0, "part": 1, "chapter": 2, "item": 3, "article": 4, "roman": 5,
    "arabic": None, "letter": None, "dash": None, "plus": None,
}
# The characters each marker can start with (its pattern's first literal or class; `\d` is any decimal
# digit, as `str.isdecimal` says): a line is tried only against the markers its first character allows,
# in the same order.
_MARKER_FIRST: dict[str, str] = {
    **{k: "".join(dict.fromkeys(w[0] for w in ws)) for k, ws in structure_words().items()}, "roman": "IVX",
    "arabic": "0123456789", "letter": "abcdefghijklmnopqrstuvwxyzđ", "dash": "-–—•", "plus": "+",
}
_MARKERS_BY_FIRST: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    c: tuple((k, p) for k, p in MARKERS if c in _MARKER_FIRST[k]) for c in "".join(_MARKER_FIRST.values())
}
_ARABIC_ONLY = tuple((k, p) for k, p in MARKERS if k == "arabic")
# The words the named markers start with (their patterns' first alternatives). A line whose first
# character is not a lead, a digit or a marker's first character, or whose marker words do not follow it
# (`Các`, `Mỗi`, `Đối với` ...: half the lines tried in a gazette), is plain text without a try.
_MARKER_WORDS: dict[str, tuple[str, ...]] = {k: tuple(w.split()[0] for w in ws) for k, ws in structure_words().items()}
_LINE_STARTS: dict[str, tuple[str, ...]] = {
    c: tuple(w for k, _ in ms for w in _MARKER_WORDS.get(k, (c,)) if w[0] == c) for c, ms in _MARKERS_BY_FIRST.items()
}


def _markers_for(first: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    found = _MARKERS_BY_FIRST.get(first)
    if found is not None:
        return found
    return _ARABIC_ONLY if first.isdecimal() else ()
_LEAD = re.compile(r"^[ \t]*(?:[*#>]+[ \t]*)?")
_RECIPIENTS = re.compile(r"^(?:\*\*)?Nơi nhận\s*:?", re.I)  # starts with `*`, `N` or `n` (the only case folds)
_SIGNATURE = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\.(?:[ \t]|$)")
_END_PUNCT = tuple(".:;!?)\"”")
_BARE_WORD = re.compile(r"^(?:\*\*)?(?:" + "|".join(_word(k) for k in ("article", "chapter", "item", "part"))
                        + r")(?:\*\*)?$")


# ---------------------------------------------------------------- gazetteer


@cache
def _agency_heads() -> tuple[tuple[re.Pattern[str], re.Pattern[str] | None], ...]:
    out = []
    for e in doc_headings()["agency_heads"]:
        req = e.get("requires_parent")
        out.append((re.compile(e["pattern"]), re.compile(req) if req else None))
    return tuple(out)


def _after_lookahead(pattern: str) -> str | None:
    """`^rest` for a pattern `^(?!...)rest`, else None. Where `^rest` does not match, the whole
    pattern does not either; and `^rest` skips the lookahead, which reads the whole line."""
    if not pattern.startswith("^(?!"):
        return None
    depth, i, n = 0, 1, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a class: `]` right after `[` or `[^` is a member
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return "^" + pattern[i + 1:]
        i += 1
    return None


@cache
def _agency_prechecks() -> tuple[tuple[re.Pattern[str] | None, re.Pattern[str], re.Pattern[str] | None], ...]:
    """`_agency_heads`, each with a cheaper pattern that must match first (or None)."""
    out = []
    for e, (pat, req) in zip(doc_headings()["agency_heads"], _agency_heads(), strict=True):
        rest = _after_lookahead(e["pattern"])
        pre = None
        if rest is not None:
            try:
                pre = re.compile(rest)
            except re.error:
                pre = None
        out.append((pre, pat, req))
    return tuple(out)


_GROUP_NAME = re.compile(r"\(\?P(<|=)(\w+)")


@cache
def _agency_any() -> re.Pattern[str] | None:
    """One pattern that matches where any `_agency_prechecks` entry could (its cheaper pattern, else its
    own), or None. Fewer than 1% of headings name an agency: one failed match rules the rest out instead
    of three or four. (Group names get a prefix per entry: the union may not define a name twice.)"""
    alts, names = [], set()
    for i, (pre, pat, _) in enumerate(_agency_prechecks()):
        first = pre or pat
        if r"\(?P" in first.pattern:
            return None  # (a literal `(?P` the renaming below could mistake for a group)
        names |= {f"a{i}_{n}" for n in first.groupindex}
        alts.append("(?:" + _GROUP_NAME.sub(lambda m, i=i: f"(?P{m.group(1)}a{i}_{m.group(2)}", first.pattern) + ")")
    try:
        union = re.compile("|".join(alts))
    except re.error:  # patterns that cannot share one regex (a global flag inside): no shortcut
        return None
    return union if set(union.groupindex) == names else None


@lru_cache(maxsize=4096)
def _parse_deadline(head: str):  # -> TimeExpr | None (frozen, so safe to share)
    """`parse_deadline`, remembered: the same short headings (`Tổ chức thực hiện:`) recur in every plan."""
    return parse_deadline(head)


# What every deadline expression holds (`_TRIGGER` in extractors/deadlines.py): a year, `ngày` or a
# recurrence word. A heading without one has no deadline, and `parse_deadline` need not run.
_DEADLINE_CUE = re.compile(r"(?:19|20)\d\d|ngày|hằng|hàng|định kỳ", re.I)
_CUE_YEAR = re.compile(r"(?:19|20)\d\d")


def _has_deadline_cue(head: str) -> bool:
    """`_DEADLINE_CUE.search(head) is not None`, about three times faster: `in` on the lower-cased heading
    for the words (every character that `re.I` lets match one of their letters lower-cases to it, and no
    other does), the year pattern only where `19` or `20` occurs."""
    low = head.lower()
    return ("ngày" in low or "hằng" in low or "hàng" in low or "định kỳ" in low
            or (("19" in head or "20" in head) and _CUE_YEAR.search(head) is not None))
_ROLE = re.compile(r"\s*(?:[-–]\s+(?:[Cc]ơ quan|[Đđ]ơn vị|[Tt]hường trực)\b|\((?:[Cc]ơ quan|[Đđ]ơn vị|[Tt]hường trực))")
_PERIOD_HEAD = re.compile(
    r"^(?:Trong\s+)?(?:[Gg]iai đoạn|GIAI ĐOẠN|[Tt]hời kỳ)\s*(?:\d{1,2}|[IVX]+)?\s*[:(\-–]?\s*(?:từ\s+)?(?:năm\s+)?"
    r"((?:19|20)\d\d)\s*(?:[-–]|đến)\s*(?:năm\s+)?((?:19|20)\d\d)\s*\)?")
_YEAR_HEAD = re.compile(r"^(?:Trong\s+|Năm\s+|NĂM\s+)((?:19|20)\d\d)\s*:?\s*$")
# The words `_PERIOD_HEAD` and `_YEAR_HEAD` must start with: a heading that starts with none of them is not tried.
_PERIOD_FIRST = ("Trong", "Giai đoạn", "giai đoạn", "GIAI ĐOẠN", "Thời kỳ", "thời kỳ")
_YEAR_FIRST = ("Trong", "Năm", "NĂM")


def heading_scopes(text: str, start: int, end: int,
                   ancestors: list[str] | Callable[[], list[str]], flat: str | None = None) -> tuple[Scope, ...]:
    """What a heading (`text[start:end]`, after its marker) says about everything under it.

    `ancestors` holds `kind|heading` of the open sections above it: an agency
    heading such as `2. Sở Nội vụ:` only counts under a "Tổ chức thực hiện" or
    "trách nhiệm" section. It may be a function that returns that list, called only when needed.
    `flat` is `collapse(text[start:end])` when the caller has it.
    """
    head = text[start:end]
    # Collapsing never lengthens: a heading of at most 60 characters passes every length test below as is.
    if flat is None and len(head) > 60:
        flat = collapse(head)
    out: list[Scope] = []
    pm = _PERIOD_HEAD.match(head) if head.startswith(_PERIOD_FIRST) else None
    if pm and (flat is None or len(flat) <= 120):
        a, b = int(pm.group(1)), int(pm.group(2))
        if a <= b:
            out.append(Scope("period", f"{a:04d}-01-01/{b:04d}-12-31", start + pm.start(), start + pm.end(),
                             text[start + pm.start():start + pm.end()]))
    ym = _YEAR_HEAD.match(head) if head.startswith(_YEAR_FIRST) else None
    if ym and not out:
        y = int(ym.group(1))
        out.append(Scope("period", f"{y:04d}-01-01/{y:04d}-12-31", start, start + ym.end(1), text[start:start + ym.end(1)]))
    if not out and (flat is None or flat.endswith(":") or len(flat) <= 60):
        te = _parse_deadline(head) if _has_deadline_cue(head) else None
        if te is not None and te.start <= 20 and te.due:
            s, e = start + te.start, start + te.end
            if te.kind == "period" and te.period_start and te.period_end:
                out.append(Scope("period", f"{te.period_start}/{te.period_end}", s, e, text[s:e]))
            else:
                out.append(Scope("deadline", te.due, s, e, text[s:e]))
    union = _agency_any()
    if (flat is None or len(flat) <= 260) and (union is None or union.match(head) is not None):
        for pre, pat, req in _agency_prechecks():
            if pre is not None and pre.match(head) is None:
                continue
            m = pat.match(head)
            if not m:
                continue
            if req is not None:
                if callable(ancestors):
                    ancestors = ancestors()
                if not any(req.search(a) for a in ancestors):
                    continue
            s, e = start + m.start("agency"), start + m.end("agency")
            # `Sở Nội vụ - Cơ quan Thường trực ...`, `Sở Nội vụ (cơ quan thường trực)`: the role is not the name.
            role = _ROLE.search(text, s, e)
            if role is not None and role.start() > s:
                e = role.start()
            out.append(Scope("agency", collapse(text[s:e]), s, e, text[s:e]))
            break
    return tuple(out)


def _is_row(line: str) -> tuple[str, ...] | None:
    """The cells of a `cell | cell | cell` table line, or None."""
    if "|" not in line:
        return None
    cells = tuple(c.strip() for c in line.strip().strip("|").split("|"))
    if len(cells) < 2 or sum(1 for c in cells if c) < 2:
        return None
    return cells


def match_marker(line: str, prev: str = "") -> tuple[str, str, int] | None:
    """The kind, label and marker end of a heading line, or None for plain text.

    `prev` is the previous non-empty line: a dash that continues a wrapped
    sentence (`năm 2016\\n- 2020`) is not a list item.
    """
    if line[:1] in " \t*#>":
        lead = _LEAD.match(line)
        off = lead.end() if lead else 0
    else:
        off = 0  # no lead to skip
    body = line[off:]
    for kind, pat in _markers_for(body[:1]):
        m = pat.match(body)
        if not m:
            continue
        label = m.group(1) or ""
        me = m.end()
        first = body[me:me + 1]  # the first character after the marker (no copy of the rest of the line)
        if kind == "annex":
            label = f"PL{label}"
        elif kind == "roman":
            # `I.` must open an upper-case heading: `V. I. Lenin`, `C. ...` are not headings.
            if not _UPPER_START.match(body, me):
                continue
        elif kind == "arabic":
            closer = m.group(2)
            # `7.6 Tổ chức` (no closer) needs an inner dot; `1.000 người`, `2020, ...` never match.
            if not closer and "." not in label:
                continue
            # Items open with a capital, or with a number when the marker is closed (`1. 100% cán bộ ...`).
            if not (_UPPER_START.match(body, me) or (closer and first.isdigit() and body[me - 1:me].isspace())):
                continue
        elif kind in ("dash", "plus"):
            if prev and not prev.rstrip().endswith(_END_PUNCT) and (first.isdigit() or first.islower()):
                continue
        return kind, label, off + me
    return None


@dataclass
class _Open:
    kind: str
    label: str
    path: str
    start: int
    heading_end: int
    depth: int
    parent: str
    cells: tuple[str, ...] = ()
    scopes: tuple[Scope, ...] = field(default_factory=tuple)
    heading: str | None = None  # collapse(text[start:heading_end]), once asked for
    slot: int = 0  # its index in the tree (sections are listed in the order they open)


_SECTION_FIELDS = tuple(f.name for f in fields(Section))
def _section(path: str, kind: str, label: str, heading: str, start: int, heading_end: int, end: int, depth: int,
             parent: str | None, scopes: tuple[Scope, ...], cells: tuple[str, ...]) -> Section:
    """`Section(...)`, all fields given (`models.built`: a tree has thousands of sections)."""
    return built(Section, {"path": path, "kind": kind, "label": label, "heading": heading, "start": start,
                           "heading_end": heading_end, "end": end, "depth": depth, "parent": parent,
                           "scopes": scopes, "cells": cells})

assert _SECTION_FIELDS == _section.__code__.co_varnames[:len(_SECTION_FIELDS)]  # the same fields, in order


def _arabic_depth(label: str) -> int:
    return label.count(".")


def _seg(kind: str, label: str, parent: _Open | None) -> str:
    if kind == "article":
        return f"Điều {label}"
    if kind == "part":
        return f"Phần {label}"
    if kind == "chapter":
        return f"Chương {label}"
    if kind == "item":
        return f"Mục {label}"
    if kind == "arabic" and parent is not None and parent.kind == "arabic" and label.startswith(parent.label + "."):
        return label[len(parent.label) + 1:]
    return label


def _heading_extent(text: str, ls: int, le: int, end: int, lines_after: list[tuple[int, int]],
                    mk: tuple[str, str, int] | None | bool = False, head: str | None = None,
                    seen: dict[int, tuple[str, tuple[str, str, int] | None]] | None = None) -> int:
    """Where a heading stops: its line, plus wrapped continuation lines (at most three).

    `mk` is `match_marker(text[ls:le])` when the caller has it (with or without the previous line: for a
    line that is a heading, both give the same answer); `head` is `text[ls:le].strip()` when it has that.
    Into `seen` go the `match_marker(line, prev)` answers it finds for whole lines: line start -> (prev, answer).
    """
    if head is None:
        head = text[ls:le].strip()
    he = le
    caps_of = head  # the line whose capitals decide whether capitalised lines continue the heading
    caps: bool | None = None  # mostly_upper(caps_of), computed when first needed
    if mk is False:
        mk = match_marker(text[ls:le])
    bare = mk is not None and not text[ls + mk[2]:le].strip(" \t*.:-–")
    if not bare and head.endswith(_END_PUNCT):
        return le  # (what the loop below would find on its first line)
    for s, e in lines_after[:3]:
        nxt = text[s:e].strip()
        if bare and not nxt:
            continue  # `Chương I`, a blank line, then its name
        if bare and nxt:
            # `Chương I` / `PHỤ LỤC` alone on its line: its name is the next line.
            he, head, bare, caps_of, caps = e, nxt, False, nxt, None
            continue
        if head.endswith(_END_PUNCT):
            break
        if not nxt or _is_row(nxt):
            break
        found = match_marker(nxt, head)
        if seen is not None and len(nxt) == e - s:
            seen[s] = (head, found)  # (the tree's loop asks the same of this line, after the same line)
        if found:
            break
        wrapped_dash = nxt[:1] in "-–" and nxt[1:].strip()[:1].isdigit()  # `giai đoạn 2026\n- 2030`
        if not (nxt[:1].islower() or wrapped_dash):
            if caps is None:
                caps = mostly_upper(caps_of)
            if not (caps and mostly_upper(nxt) and len(nxt) < 120):
                break
        he = e
        head = nxt
    return he


def _collapsed_tail(whole: str, flat_head: str) -> str:
    """`collapse(b)`, given `whole == collapse(a + b)`, `flat_head == collapse(a)` and `a` not ending with `*`.

    (Then no `**` straddles the join, and `collapse(a + b)` is `collapse(a)`, a space if whitespace
    separates them, and `collapse(b)`; with no space the last word of `a` runs on into `b`.)
    """
    if not flat_head:
        return whole
    n = len(flat_head)
    if len(whole) == n:
        return ""
    return whole[n + 1:] if whole[n] == " " else whole[n:]


def build_tree(text: str, start: int, end: int) -> tuple[Section, ...]:
    """The section tree of `text[start:end]`, root first, in text order."""
    root = Section("", "root", "", "", start, start, end, 0, None)
    # Sections in the order they open, which is text order (each opens at its line, lines come in order;
    # a table and its first row share a line, the table first): `(start, depth)` order without a sort.
    # A section's slot is filled when it closes.
    done: list[Section | None] = [root]
    stack: list[_Open] = []
    used: set[str] = {""}
    counters: dict[str, int] = {}

    def flat(o: _Open) -> str:
        if o.heading is None:
            o.heading = collapse(text[o.start:o.heading_end])
        return o.heading

    def close_to(n: int, at: int) -> None:
        while len(stack) > n:
            o = stack.pop()
            heading = flat(o)
            done[o.slot] = _section(o.path, o.kind, o.label, heading, o.start, o.heading_end, max(at, o.heading_end),
                                    o.depth, o.parent, o.scopes, o.cells)

    def unique(path: str) -> str:
        base, n = path, 2
        while path in used:
            path = f"{base}~{n}"
            n += 1
        used.add(path)
        return path

    def open_(kind: str, label: str, seg: str, ls: int, he: int, cells: tuple[str, ...] = ()) -> _Open:
        parent = stack[-1] if stack else None
        ppath = parent.path if parent else ""
        path = unique(f"{ppath}.{seg}" if ppath else seg)
        o = _Open(kind, label, path, ls, he, len(stack) + 1, ppath, cells, (), None, len(done))
        done.append(None)
        stack.append(o)
        return o

    # Lines of the document and their spans: each line starts one past the end of the previous one
    # (all computed in C: `accumulate` over the line lengths plus one).
    lines = text[start:end].split("\n")
    starts = list(accumulate(map((1).__add__, map(len, lines)), initial=start))
    spans: list[tuple[int, int]] = list(zip(starts, map(add, starts, map(len, lines)), strict=False))  # (starts has one more)

    prev = ""
    prev_heading = prev_structural = False
    in_quote = False
    seen: dict[int, tuple[str, tuple[str, str, int] | None]] = {}  # see `_heading_extent`
    skip_until = -1
    for i, (ls, le) in enumerate(spans):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            # A blank line ends the paragraph: what follows is not a continuation.
            prev, prev_heading, prev_structural = "", False, False
            continue
        if ls < skip_until:
            prev = stripped
            continue
        cells = _is_row(stripped) if "|" in stripped else None
        if cells is not None:
            if not stack or stack[-1].kind != "table":
                key = f"{stack[-1].path if stack else ''}|table"
                counters[key] = counters.get(key, 0) + 1
                open_("table", f"T{counters[key]}", f"T{counters[key]}", ls, ls)
            table = stack[-1]
            key = f"{table.path}|row"
            counters[key] = counters.get(key, 0) + 1
            n = counters[key]
            path = unique(f"{table.path}.r{n}")
            done.append(_section(path, "row", cells[0], collapse(line), ls, le, le, table.depth + 1, table.path,
                                 (), cells))
            prev = stripped
            continue
        if stack and stack[-1].kind == "table":
            close_to(len(stack) - 1, ls)
        # (The first character rules most lines out before any pattern runs.)
        recipients = stripped[0] in "*Nn" and _RECIPIENTS.match(stripped) is not None
        signature = stripped[0] in "TKQ" and _SIGNATURE.match(stripped) is not None
        if recipients or signature:
            if signature and stack and stack[0].label == "Chữ ký":
                prev = stripped
                continue  # `KT. CHỦ TỊCH` after `TM. ỦY BAN NHÂN DÂN`: the same signature block
            close_to(0, ls)
            seg = "Nơi nhận" if recipients else "Chữ ký"
            open_("para", seg, seg, ls, le)
            prev = stripped
            continue
        if in_quote or stripped[0] in "“\"":
            opens = stripped.count("“") + stripped.startswith('"')
            closes = stripped.count("”") + stripped.endswith('"')
        if in_quote or (stripped[0] in "“\"" and opens > closes):
            # Text an amending act quotes (`“2. ...`, `a) ...` up to the closing `”`) is content, not structure.
            in_quote = (in_quote or opens > closes) and not (closes > opens or stripped.rstrip(".;,").endswith(("”", '"')))
            prev, prev_heading, prev_structural = stripped, False, False
            continue
        c0 = line[0]
        if c0 in " \t*#>" or c0.isdecimal() or line.startswith(_LINE_STARTS.get(c0, ())):
            known = seen.get(ls)
            mk = known[1] if known is not None and known[0] == prev else match_marker(line, prev)
        else:
            mk = None  # (no marker starts the line: `match_marker` would try none, or none would match)
        split_le = None
        if mk is None and stripped[0] in "*ĐCMP" and _BARE_WORD.match(stripped) and i + 1 < len(spans):
            # `Điều` / `1. Phạm vi điều chỉnh` on two lines (table cells of a web page): one heading.
            ns, ne = spans[i + 1]
            joined = mk2 = match_marker(stripped + " " + text[ns:ne].strip())
            if joined is not None and joined[0] in ("article", "chapter", "part", "item"):
                lead = len(text[ns:ne]) - len(text[ns:ne].lstrip())
                mk = (mk2[0], mk2[1], (ns + lead + mk2[2] - len(stripped) - 1) - ls)
                split_le = ne
        if (mk is not None and mk[0] in ("article", "chapter", "part", "item") and prev and not prev_structural
                and prev[-1:].isalnum() and not mostly_upper(prev)
                and (not prev_heading or not line[mk[2]:].strip(" \t*.:"))):
            mk = None  # `... bằng cụm từ “...” tại\nĐiều 89.`: a reference wrapped onto a new line
        # A heading line (`Điều 1. Phạm vi điều chỉnh`, `Chương I`) may end without punctuation.
        prev, prev_heading = stripped, mk is not None and len(stripped) < 80
        prev_structural = mk is not None and RANK.get(mk[0]) is not None
        if mk is None:
            continue
        kind, label, _ = mk
        same = None
        for j in range(len(stack) - 1, -1, -1):
            o = stack[j]
            if o.kind == kind and (kind != "arabic" or _arabic_depth(o.label) == _arabic_depth(label)):
                same = j
                break
            if o.kind == "para":
                break
        if kind == "arabic" and same is None:
            # `1.2.` with `1.1.` or `1.` open: nest below the shallower number.
            for j in range(len(stack) - 1, -1, -1):
                o = stack[j]
                if o.kind == "arabic" and _arabic_depth(o.label) < _arabic_depth(label):
                    same = j + 1
                    break
                if o.kind == "arabic" and _arabic_depth(o.label) > _arabic_depth(label):
                    same = j
        if kind not in ("dash", "plus") and same is None:
            # `Nơi nhận` and the signature hold only their list lines: a numbered heading after them starts afresh.
            paras = [j for j, o in enumerate(stack) if o.kind == "para"]
            if paras:
                same = paras[0]
        if kind == "arabic" and same is None:
            # A numbered item never sits under a `-`/`+` line: close the run of bullets it follows.
            for j, o in enumerate(stack):
                if o.kind in ("dash", "plus") and all(x.kind in ("dash", "plus") for x in stack[j:]):
                    same = j
                    break
        rank = RANK[kind]
        if rank is not None and same is None:
            for j, o in enumerate(stack):
                r = RANK.get(o.kind)
                if o.kind == "para" or (r is not None and r >= rank) or r is None:
                    same = j
                    break
        if same is not None:
            close_to(same, ls)
        if split_le is not None:
            he = split_le
            skip_until = he
        else:
            he = _heading_extent(text, ls, le, end, spans[i + 1:i + 4], mk, stripped, seen)
        if he > le:
            skip_until = he
        parent = stack[-1] if stack else None
        if kind in ("dash", "plus"):
            key = f"{parent.path if parent else ''}|{kind}"
            counters[key] = counters.get(key, 0) + 1
            seg = f"{'-' if kind == 'dash' else '+'}{counters[key]}"
        else:
            seg = _seg(kind, label, parent)
        o = open_(kind, label, seg, ls, he)
        # The heading is collapsed once: its text after the marker is a tail of that (see `_collapsed_tail`).
        ms = ls + mk[2]
        o.heading = collapse(text[ls:he])
        if he - ms > 60:
            marker = text[ls:ms]
            tail = _collapsed_tail(o.heading, collapse(marker)) if not marker.endswith("*") else None
        else:
            tail = None  # (`heading_scopes` reads no collapsed text of a heading this short)
        o.scopes = heading_scopes(text, ms, he, lambda: [s.kind + "|" + flat(s) for s in stack[:-1]], tail)
    close_to(0, end)
    return tuple(done)  # type: ignore[arg-type]  (every slot is filled: close_to(0) closed them all)


# ---------------------------------------------------------------- documents


@cache
def _type_line_re() -> re.Pattern[str]:
    words = sorted(type_headings(), key=len, reverse=True)
    alts = "|".join(w.replace(" ", r"[ \t]+") for w in words)
    return re.compile(r"(?m)^[ \t]*(?:\*\*)?(" + alts + r")(?:\*\*)?[ \t]*$")


@cache
def _type_line_after_nl_re() -> re.Pattern[str]:
    """`_type_line_re` with its line start spelled `\n`: a literal first character lets the engine jump from
    line break to line break instead of trying every position."""
    return re.compile("\n" + _type_line_re().pattern.removeprefix("(?m)^"), re.M)


def _type_lines(text: str) -> list[tuple[int, int]]:
    """The spans of `_type_line_re().finditer(text)`."""
    first = _type_line_re().match(text)
    spans = [first.span()] if first else []
    # (A match ends before its line break, so the one after it starts at that break or later.)
    spans += [(m.start() + 1, m.end()) for m in _type_line_after_nl_re().finditer(text)]
    return spans


# A document's own body (an article, a legal basis, a roman section) before a promulgation header.
_BODY_BEFORE_HEADER = re.compile(r"(?m)^[ \t]*(?:Điều\s+\d|" + opener_pattern("basis") + r"|[IVX]+[.\-])")
_ANNEXED = re.compile(
    r"\(\s*(?:\*\*)?(?:Ban\s+hành\s+)?(?:[Kk]èm\s+theo|KÈM\s+THEO)\s+(Quyết\s+định|Nghị\s+quyết|Chỉ\s+thị|Nghị\s+định|Thông\s+tư|"
    r"Kế\s+hoạch|Chương\s+trình)\s+(?:số\s*)?", re.I)
_MOTTO = re.compile(r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|CỘNG\s+HOÀ\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM")
_FORM_CUE = re.compile(r"(?im)^[ \t*]*(?:Mẫu(?:\s+số)?\b|Biểu(?:\s+mẫu|\s+số)?\b|Phụ\s+lục\b|\(?(?:Ban\s+hành\s+)?kèm\s+theo\b)")
_BLANKS = re.compile(r"\.{5,}|…{2,}")
_ANNEX_LINE = re.compile(r"(?m)^[ \t]*(?:\*\*)?(?:PHỤ\s+LỤC|Phụ\s+lục|BIỂU|Biểu|DANH\s+MỤC|MẪU|Mẫu)\b")


def split_documents(text: str) -> list[tuple[int, int, int | None]]:
    """Spans of the documents in a file: (start, end, index of the promulgating document)."""
    starts: list[int] = [0]
    parents: list[int | None] = [None]
    first_type = None
    for t_start, t_end in _type_lines(text):
        if first_type is None:
            first_type = t_start
            continue
        if t_start - starts[-1] < 200 or _continues_heading(text, t_start):
            continue
        window = text[t_end:t_end + 1200]
        # A promulgated document: its header names the decision that issues it.
        hdr = _ANNEXED.search(window)
        if hdr is not None and not _BODY_BEFORE_HEADER.search(window[:hdr.start()]):
            # An annex heading between the type line and the header makes it an annex, not a document.
            if _ANNEX_LINE.search(text, max(starts[-1], t_start - 300), t_start):
                continue
            # A template in an annex (`Kèm theo Quyết định số… /QĐ-UBND ngày … tháng…`) is not a document.
            hs = t_end + hdr.start()
            if re.search(r"…|\.{3,}", text[hs:text.find(")", hs, hs + 300) if ")" in text[hs:hs + 300] else hs + 200]):
                continue
            starts.append(t_start)
            parents.append(_promulgator(len(starts) - 1, parents))
            continue
        # A new letterhead (national motto) shortly before the type line starts an independent document.
        before = text[max(starts[-1] + 200, t_start - 700):t_start]
        mm = list(_MOTTO.finditer(before))[-1] if _MOTTO.search(before) else None
        if mm is not None:
            motto_at = max(starts[-1] + 200, t_start - 700) + mm.start()
            head_at = _letterhead_start(text, motto_at, starts[-1])
            # A form in an annex (`Mẫu số 05`, blank `Số:......`) is part of its document, not a new one.
            if _FORM_CUE.search(text, max(starts[-1], head_at - 400), head_at) or _BLANKS.search(text, head_at, t_start):
                continue
            starts.append(head_at)
            parents.append(None)
    spans = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(text)
        spans.append((s, e, parents[i]))
    return spans


_NUMBERED_HEADING = re.compile(r"^[ \t*]*(?:[IVXLC]+|\d+(?:\.\d+)*)[.)]\s+\S")


def _continues_heading(text: str, pos: int) -> bool:
    """A type word on the line right after a numbered capitalised heading finishes it (`VII. CHẾ ĐỘ` / `BÁO CÁO`)."""
    if pos < 2 or text[pos - 1] != "\n":
        return False
    prev = text[text.rfind("\n", 0, pos - 1) + 1:pos - 1]
    return bool(prev.strip()) and bool(_NUMBERED_HEADING.match(prev)) and mostly_upper(prev) \
        and not prev.rstrip(" *").endswith((".", ":", ";"))


def _promulgator(index: int, parents: list[int | None]) -> int:
    """The nearest earlier document that is not itself promulgated: the decision that issues this one."""
    for j in range(index - 1, -1, -1):
        if parents[j] is None:
            return j
    return 0


def _letterhead_start(text: str, motto_at: int, floor: int) -> int:
    """Walk back from the national motto over the issuer's capitalised lines."""
    pos = text.rfind("\n", floor, motto_at) + 1 if motto_at > floor else floor
    for _ in range(4):
        if pos <= floor + 1:
            break
        prev_start = text.rfind("\n", floor, pos - 1) + 1
        line = text[prev_start:pos - 1].strip()
        if line and not (mostly_upper(line) or set(line) <= set("-_|*= ")):
            break
        pos = prev_start
    return max(pos, floor)


def segment(source: Source, cleaned: Cleaned) -> tuple[Document, ...]:
    """Split a cleaned file into documents, read their metadata, build their trees."""
    text = cleaned.text
    docs = []
    for i, (s, e, parent) in enumerate(split_documents(text)):
        docs.append(Document(
            doc_id=f"{source.sha256[:16]}:{i}",
            file_sha=source.sha256,
            index=i,
            start=s,
            end=e,
            promulgated_by=parent,
            sections=build_tree(text, s, e),
        ))
    metas = [read_metadata(text, doc, docs, source, cleaned.removed) for doc in docs]
    for i, doc in enumerate(docs):
        if doc.promulgated_by is None:
            continue
        m, p = metas[i], metas[doc.promulgated_by]
        # `(Ban hành kèm theo ... của UBND tỉnh)`: the header names the body without its province.
        if not m.get("province") and p.get("province"):
            m["province"] = p["province"]
            if m.get("issuer") and re.search(r"(?i)(?:tỉnh|thành phố)$", m["issuer"]):
                tail = re.search(r"(?i)(tỉnh|thành phố)$", m["issuer"])
                m["issuer"] = f"{m['issuer'][:tail.start()]}{tail.group(1).lower()} {p['province']}"
        if not m.get("issuer") and p.get("issuer"):
            m["issuer"] = p["issuer"]
    # A decision whose own letterhead is missing takes its number and date from its plan's header.
    for i, doc in enumerate(docs):
        if doc.promulgated_by is not None:
            header = metas[i].pop("_header", None) or {}
            p = metas[doc.promulgated_by]
            for k in ("symbol", "number", "date"):
                if not p.get(k) and header.get(k):
                    p[k] = header[k]
            if not p.get("issuer") and header.get("issuer"):
                p["issuer"] = header["issuer"]
                p.setdefault("province", header.get("province"))
            # A header without a date (`Ban hành kèm theo Quyết định số 212/2025/QĐ-UBND`): the decision's.
            if not metas[i].get("date") and p.get("date"):
                metas[i]["date"] = p["date"]
    return tuple(replace(doc, **{k: v for k, v in m.items() if not k.startswith("_")}) for doc, m in zip(docs, metas, strict=True))


def format_outline(documents: tuple[Document, ...], max_depth: int | None = None, rows: bool = True,
                   width: int = 100) -> str:
    """The documents' metadata and section trees as indented text: path, kind, heading, scopes."""
    out: list[str] = []
    for d in documents:
        link = f" (promulgated by document {d.promulgated_by})" if d.promulgated_by is not None else ""
        out.append(f"# [{d.index}] {d.type or '?'} {d.symbol or '(no number)'} {d.date or '(no date)'}{link}")
        for k in ("title", "issuer", "province", "place", "signer_title", "signer"):
            v = getattr(d, k)
            if v:
                out.append(f"#   {k}: {v}")
        if d.recipients:
            out.append(f"#   recipients: {'; '.join(d.recipients)}")
        for s in d.sections[1:]:
            if max_depth is not None and s.depth > max_depth:
                continue
            if not rows and s.kind == "row":
                continue
            head = s.heading if len(s.heading) <= width else s.heading[:width - 1] + "…"
            scopes = "".join(f" [{x.kind}: {x.value}]" for x in s.scopes)
            out.append(f"{'  ' * (s.depth - 1)}{s.path}  ({s.kind}) {head}{scopes}")
    return "\n".join(out)
