"""Tasks: who is responsible for what (DOMAIN.md §4), with a deadline each.

A task is a bullet item (or numbered item) that starts with a verb of duty or
names its lead in a sentence, or a table row with a lead-agency column. Its lead
and supporting agencies come, nearest first, from:

1. a sentence in the item itself (`Sở Nội vụ chủ trì, phối hợp với ...`, `Giao Sở X chủ trì`);
2. `Đơn vị chủ trì:` / `Đơn vị phối hợp:` lines in the item or in an enclosing
   section (`a) Nội dung triển khai` + `b) Trách nhiệm thực hiện` siblings);
3. an enclosing heading that names an agency (`a) Nhiệm vụ và trách nhiệm của Sở
   Tư pháp:`, `2. Sở Nội vụ có trách nhiệm`), or the segmenter's agency scope;
4. for table rows, the `Cơ quan chủ trì` column.

The deadline is the item's own (`parse_deadline`), else an ancestor's deadline
scope or heading, else the document's year or period. Cue words are data in
`gazetteer/duty_cues.json`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter

from vnplan import gazetteer
from vnplan.context import Context
from vnplan.extractors.agencies import (
    Hit,
    document_province,
    find_mentions,
    in_recipients,
    token_roles,
)
from vnplan.models import AgencyMention, Deadline, Section, Task
from vnplan.text.dates import parse_deadline
from vnplan.text.tokens import (
    TOKEN,
    fold_syllable,
    fold_text,
    numpy_or_none,
    token_table,
    tokens_before,
)

_TASK_KINDS = {"dash", "plus", "letter", "arabic", "roman", "para", "item"}
_MARKER = re.compile(r"^\s*(?:[-+•*–]+|[a-zđ]\)|[IVXLC]+[.\-/)]|\d+(?:\.\d+)*[.)]?)\s*", re.I)
# `_MARKER` for `match(text, pos, endpos)`, where `^` would not match at pos.
_MARKER_AT = re.compile(_MARKER.pattern[1:], re.I)
_CLAUSE_END = {";", ".", "!", "?"}


@cache
def cues() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each cue group of duty_cues.json as folded token tuples, longest first."""
    out = {}
    for name, group in gazetteer.load("duty_cues.json").items():
        if isinstance(group, dict) and "patterns" in group:
            pats = {tuple(fold_text(p).split()) for p in group["patterns"]}
            out[name] = tuple(sorted(pats, key=len, reverse=True))
    return out


@cache
def _cue_index(group: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The cues of a group by their first word, longest first."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for pat in cues()[group]:
        out.setdefault(pat[0], []).append(pat)
    return {k: tuple(v) for k, v in out.items()}


_CUE_INDEX: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {}


@cache
def _first_words(*groups: str) -> frozenset[str]:
    """The words a cue of any of `groups` can start with (`cue_at` is 0 at any other word)."""
    return frozenset(w for g in groups for w in _cue_index(g))


def cue_at(norms: Sequence[str], i: int, group: str) -> int:
    """Length of the longest cue of `group` starting at token i, or 0."""
    if i >= len(norms):
        return 0
    index = _CUE_INDEX.get(group)
    if index is None:
        index = _CUE_INDEX[group] = _cue_index(group)
    pats = index.get(norms[i])
    if pats:
        for pat in pats:
            if tuple(norms[i:i + len(pat)]) == pat:
                return len(pat)
    return 0


@dataclass(frozen=True)
class Assignment:
    """A lead and its supporting agencies, and where they were read."""

    lead: str | None
    support: tuple[str, ...]
    source: str | None


@dataclass
class _Body:
    """The document's tokens and agency hits, computed once per document."""

    starts: Sequence[int]  # the body's token spans (shared with the agency matcher: read only)
    ends: Sequence[int]
    hits: list[Hit]
    hit_starts: list[int]
    norms: list[str]
    memo: dict[tuple[str, str], object] = field(default_factory=dict)  # per-section results
    dues: list[tuple[int, int, str]] = field(default_factory=list)  # the deadlines extractor's (start, end, due)
    due_starts: list[int] = field(default_factory=list)

    support_at: list[int] = field(default_factory=list)  # the tokens that can start a support cue
    duty_at: list[int] = field(default_factory=list)  # ... a duty or lead verb cue
    label_at: list[int] = field(default_factory=list)  # ... a label cue (bullets aside)
    end: int = 0  # the body's end (`base` its start)
    # `_non_task_heading` and `_non_task_above` by path (plain keys: asked for every section).
    non_task: dict[str, bool] = field(default_factory=dict)
    above: dict[str, bool] = field(default_factory=dict)
    before: Sequence[int] = ()  # `bisect_left(starts, base + k)` for k in 0..len(body), see `tok`
    base: int = 0

    def tok(self, pos: int, lo: int = 0, hi: int | None = None) -> int:
        """`bisect_left(self.starts, pos, lo, hi)` by a table lookup."""
        k = pos - self.base
        last = len(self.before) - 1
        i = self.before[k if 0 <= k <= last else (0 if k < 0 else last)]  # beyond the body: 0 or all
        # Within lo:hi the sorted search stops at the nearer end.
        return lo if i < lo else (i if hi is None or i <= hi else hi)

    def tok_range(self, start: int, end: int) -> tuple[int, int]:
        before, base = self.before, self.base
        last = len(before) - 1
        ks, ke = start - base, end - base
        return (before[ks if 0 <= ks <= last else (0 if ks < 0 else last)],
                before[ke if 0 <= ke <= last else (0 if ke < 0 else last)])

    def hits_in(self, start: int, end: int) -> list[Hit]:
        i = bisect_left(self.hit_starts, start)
        out = []
        while i < len(self.hits) and self.hits[i].start < end:
            if self.hits[i].end <= end:
                out.append(self.hits[i])
            i += 1
        return out


_FLAGS: dict[tuple[frozenset[str], ...], dict[str, int]] = {}  # see `_token_positions`


def _token_positions(text: str, start: int, end: int, *word_sets: frozenset[str]) -> list[list[int]]:
    """For each of `word_sets`, the indices of the tokens of `text[start:end]` whose norm is in
    it, in order (by distinct token text, in numpy: no Python step per token, one gather for all)."""
    tt = token_table(text, start, end, token_roles)
    if isinstance(tt.ids, list):
        out = []
        for words in word_sets:
            flags = list(map(words.__contains__, tt.folds))
            out.append([i for i, u in enumerate(tt.ids) if flags[u]])
        return out
    np = numpy_or_none()
    # One bit per set, per distinct text (kept across bodies by folded text: one lookup a
    # text instead of a test per set); then one gather for the tokens.
    memo = _FLAGS.get(word_sets)
    if memo is None or len(memo) > 200_000:  # bounded: numbers and codes are texts too
        memo = _FLAGS[word_sets] = {}
    bits = list(map(memo.get, tt.folds))
    if None in bits:
        bits = [memo.setdefault(f, sum(1 << k for k, words in enumerate(word_sets) if f in words))
                if b is None else b for f, b in zip(tt.folds, bits, strict=True)]
    per_token = np.take(np.array(bits, dtype=np.uint8), tt.ids)
    return [np.flatnonzero(per_token & (1 << k)).tolist() for k in range(len(word_sets))]


def _body(ctx: Context) -> _Body:
    s0, e0 = ctx.body
    prior = ctx.prior.get("agencies")
    if prior is not None:
        # The mentions serve as hits as they are: tasks read only their start, end and name. (None found
        # is an answer too: the agencies extractor leaves out the `Nơi nhận` list, a second search would not.)
        hits = [m for m in prior if isinstance(m, AgencyMention)]
    else:
        hits = find_mentions(ctx.text, s0, e0, document_province(ctx))
    hits.sort(key=attrgetter("start"))
    tt = token_table(ctx.text, s0, e0, token_roles)
    body = _Body(tt.starts, tt.ends, hits, [h.start for h in hits], tt.norms)
    body.before, body.base, body.end = tokens_before(ctx.text, s0, e0, token_roles), s0, e0
    body.support_at, body.duty_at, body.label_at = _token_positions(
        ctx.text, s0, e0, _first_words("support_verbs"), _first_words("duty_verbs", "lead_verbs"),
        _first_words("lead_labels", "support_labels", "deadline_columns") - frozenset(_BULLETS))
    if "deadlines" in ctx.prior:
        # Reuse the deadline facts (same parser) instead of parsing every item again.
        body.dues = sorted((d.start, d.end, d.due) for d in ctx.prior["deadlines"]
                           if isinstance(d, Deadline) and d.due)
        body.due_starts = [d[0] for d in body.dues]
    return body


def own_deadline(ctx: Context, body: _Body, start: int, end: int) -> str | None:
    """The first due date stated inside `start:end`."""
    if "deadlines" in ctx.prior:
        i = bisect_left(body.due_starts, start)
        while i < len(body.dues) and body.dues[i][0] < end:
            if body.dues[i][1] <= end:
                return body.dues[i][2]
            i += 1
        return None
    te = parse_deadline(ctx.text[start:end])
    return te.due if te else None


def ancestors_of(ctx: Context, body: _Body, path: str) -> list[Section]:
    """`ctx.doc.ancestors(path)`, memoised per document."""
    key = ("ancestors", path)
    if key not in body.memo:
        body.memo[key] = ctx.doc.ancestors(path)
    return body.memo[key]  # type: ignore[return-value]


def _names(hits: Sequence[Hit]) -> tuple[str, ...]:
    out: list[str] = []
    for h in hits:
        if h.name not in out:
            out.append(h.name)
    return tuple(out)


# ---------------------------------------------------------------- reading leads


def support_after(body: _Body, start: int, end: int, lead: str | None) -> tuple[str, ...]:
    """Agencies listed right after `phối hợp (với)` in `start:end`, up to the next verb or clause end."""
    a, b = body.tok_range(start, end)
    norms = body.norms
    hit_at = None
    out: list[str] = []
    # Only a token that can start a support cue can open a list: visit those (found per body).
    cand = body.support_at
    k = bisect_left(cand, a)
    while k < len(cand) and cand[k] < b:
        i = cand[k]
        n = cue_at(norms, i, "support_verbs")
        if not n:
            k += 1
            continue
        if hit_at is None:
            hit_at = {h.start: h for h in body.hits_in(start, end)}
        j = i + n
        while j < b and j - i < 40 and norms[j] not in _CLAUSE_END:
            h = hit_at.get(body.starts[j])
            if h is not None:
                if h.name != lead and h.name not in out:
                    out.append(h.name)
                j = body.tok(h.end, a, b)  # h lies in start:end, so in tokens a:b
                continue
            if cue_at(norms, j, "duty_verbs") and norms[j] != "phối":
                break  # the list of partners ends where the shared action starts
            j += 1
        k = bisect_left(cand, j, k + 1)  # the scan goes on from j
    return tuple(out)


@cache
def _not_subject_before() -> frozenset[str]:
    """duty_cues.json `not_subject_before`: a word that makes the agency after it an object (`phối hợp với Sở X`)."""
    return frozenset(p[0] for p in cues()["not_subject_before"] if len(p) == 1)


def lead_from_sentence(body: _Body, start: int, end: int, a: int, b: int) -> Assignment | None:
    """`<Agency> chủ trì|có trách nhiệm ...` or `Giao <Agency> ...` inside `start:end` (tokens a:b)."""
    norms = body.norms
    hits = body.hits_in(start, end)
    not_subject_before = _not_subject_before()
    for idx, h in enumerate(hits):
        j = body.tok(h.start, a, b)  # the hits lie in start:end, so in tokens a:b
        if j - 1 >= a and norms[j - 1] in not_subject_before:
            continue  # an object (`phối hợp với Sở X`, `báo cáo cho Sở X`), not the subject
        # A chain `Sở A, Sở B và Sở C chủ trì`: all named before the verb.
        chain = [h]
        k = body.tok(h.end, a, b)
        while True:
            k2 = k + 1 if k < b and norms[k] in (",", "và") else k
            nxt = idx + len(chain)
            if nxt < len(hits) and k2 < b and body.starts[k2] == hits[nxt].start:
                chain.append(hits[nxt])
                k = body.tok(hits[nxt].end, a, b)
                continue
            break
        if k < b and norms[k] == "(":
            # `Sở Nội vụ (cơ quan thường trực ...) theo dõi`: skip the aside.
            close = next((x for x in range(k, min(b, k + 30)) if norms[x] == ")"), None)
            k = close + 1 if close is not None else k
        v = k + 1 if k < b and norms[k] == "," else k
        giao = j - 1 >= a and norms[j - 1] == "giao"
        # An item that opens with its subject (`- Sở Nội vụ tổng hợp ...`, `Các thành viên Ban
        # chỉ đạo ... theo dõi`) names its lead too.
        p = cue_at(norms, a, "subject_prefixes")
        opens = (j == a or j == a + p) and v < b and bool(cue_at(norms, v, "duty_verbs"))
        if (v < b and cue_at(norms, v, "lead_verbs")) or giao or opens:
            lead = chain[0].name
            sup = [c.name for c in chain[1:] if c.name != lead]
            after = body.starts[v] if v < b else chain[-1].end
            sup += [x for x in support_after(body, after, end, lead) if x not in sup]
            return Assignment(lead, tuple(sup), "sentence")
    return None


@dataclass(frozen=True)
class Label:
    """A `Đơn vị chủ trì: ...` or `Đơn vị phối hợp: ...` line."""

    start: int
    end: int
    role: str  # "lead", "support" or "deadline"
    names: tuple[str, ...]
    due: str | None = None  # for "deadline": `Thời gian thực hiện: năm 2025`


_BULLETS = ("-", "+", "*", "•", "–")


def _colons(body: _Body, text: str) -> list[int]:
    """The indices of the `:` tokens, in order: found in the text (a colon is a token of its
    own, and the only one folded to `:`), not by comparing every token."""
    starts = body.starts
    out = []
    stop = body.ends[-1]
    k = text.find(":", starts[0], stop)
    while k >= 0:
        out.append(body.tok(k))
        k = text.find(":", k + 1, stop)
    return out


@cache
def _label_reach() -> int:
    """How many tokens before its colon a label's cue can start: the longest cue, four more words."""
    return max(len(p) for g in ("lead_labels", "support_labels", "deadline_columns") for p in cues()[g]) + 4


def _label_line_starts(body: _Body, text: str, firsts: frozenset[str]) -> list[int]:
    """In order, the tokens that open a line or, where lines were re-wrapped, a sentence, and
    whose first word after any bullets can start a label cue (no other token can open a label)."""
    starts, ends = body.starts, body.ends
    norms = body.norms
    out = []
    # A label's cue (and up to four more words) runs up to a colon: look only before colons.
    reach = _label_reach()
    near = set()
    at = body.label_at  # the tokens whose norm is in `firsts`, bullets aside (found per body)
    for c in _colons(body, text):
        lo = bisect_left(at, c - reach)
        near.update(at[lo:bisect_left(at, c, lo)])
    for j in sorted(near):
        first = j
        while first > 0 and norms[first - 1] in _BULLETS:
            first -= 1
        for i in range(first, j + 1):
            # Labels open a line or, where lines were re-wrapped, a sentence.
            if i == 0 or "\n" in text[ends[i - 1]:starts[i]] or norms[i - 1] in (".", ";"):
                out.append(i)
    return out


def find_labels(body: _Body, text: str) -> list[Label]:
    """Every lead/support/deadline label line in the body, with the agencies or date it names."""
    out = []
    starts, ends = body.starts, body.ends
    norms = body.norms
    n = len(norms)
    firsts = _first_words("lead_labels", "support_labels", "deadline_columns")
    for i in _label_line_starts(body, text, firsts):
        j = i
        while j < n and norms[j] in ("-", "+", "*", "•", "–"):
            j += 1
        for role, group in (("lead", "lead_labels"), ("support", "support_labels"),
                            ("deadline", "deadline_columns")):
            m = cue_at(norms, j, group)
            # `Đơn vị chủ trì tham mưu thực hiện:`: up to four more words before the colon.
            extra = 0
            while m and extra < 4 and j + m + extra < n and norms[j + m + extra].isalpha():
                extra += 1
            if m and j + m + extra < n and norms[j + m + extra] == ":":
                m += extra
                # The value runs to the end of its sentence or the next bullet line.
                k = j + m + 1
                while k < n and norms[k] not in (".", "!", "?"):
                    if "\n" in text[ends[k - 1]:starts[k]] and norms[k] in ("-", "+", "*", "•", "–"):
                        break
                    k += 1
                k = min(k + 1, n) if k < n and norms[k] == "." else k
                end = ends[k - 1]
                if role == "deadline":
                    te = parse_deadline(text[ends[j + m]:end])
                    out.append(Label(starts[i], end, role, (), te.due if te else None))
                else:
                    out.append(Label(starts[i], end, role, _names(body.hits_in(ends[j + m], end))))
                break
    return out


def _label_assignment(labels: Sequence[Label]) -> Assignment | None:
    leads = [n for lab in labels if lab.role == "lead" for n in lab.names]
    if not leads:
        return None
    sup = [n for n in leads[1:] if n != leads[0]]  # co-leads listed after the first
    sup += [n for lab in labels if lab.role == "support" for n in lab.names if n != leads[0]]
    return Assignment(leads[0], tuple(dict.fromkeys(sup)), "line")


def heading_lead(ctx: Context, body: _Body, sec: Section) -> tuple[str, ...] | None:
    """The agencies a heading assigns its items to (lead first): a segmenter scope, or a heading naming them."""
    key = ("heading_lead", sec.path)
    if key not in body.memo:
        body.memo[key] = _heading_lead(ctx, body, sec)
    return body.memo[key]  # type: ignore[return-value]


def _heading_lead(ctx: Context, body: _Body, sec: Section) -> tuple[str, ...] | None:
    for sc in sec.scopes:
        if sc.kind == "agency":
            hits = body.hits_in(sc.start, sc.end) or find_mentions(ctx.text, sc.start, sc.end, document_province(ctx))
            if hits:
                return _names(hits)
    head = ctx.text[sec.start:sec.heading_end]
    m = _MARKER.match(head)
    off = sec.start + (m.end() if m else 0)
    a, b = body.tok_range(off, sec.heading_end)
    norms = body.norms
    k = a
    n = cue_at(norms, k, "heading_cues") if k < b else 0
    k += n
    hits = body.hits_in(off, sec.heading_end)
    if not hits or k >= b or hits[0].start != body.starts[k]:
        return None
    # `1. Sở Nội vụ:` / `2. Sở Nội vụ có trách nhiệm` / `Nhiệm vụ và trách nhiệm của Sở Tư pháp:`:
    # after the agencies comes a colon, a lead verb or the end of the heading.
    last = body.tok(hits[0].end)
    named = [hits[0]]
    while last < b and (norms[last] in (",", "và") or any(h.start == body.starts[last] for h in hits)):
        h = next((h for h in hits if h.start == body.starts[last]), None)
        if h:
            named.append(h)
        last = body.tok(h.end) if h else last + 1
    if last >= b or norms[last] == ":" or cue_at(norms, last, "lead_verbs") or n:
        return _names(named)
    return None


# ---------------------------------------------------------------- deadlines


def _scope_due(value: str) -> str | None:
    if "/" in value:
        return value.split("/")[-1] or None
    return value or None


_YEAR = re.compile(r"\bnăm\s+((?:19|20)\d\d)\b", re.I)


def document_deadline(ctx: Context) -> str | None:
    """The due date a document's own title or period fixes (`... năm 2018` -> 2018-12-31)."""
    for d in (ctx.doc, *[x for x in ctx.documents if x.index == ctx.doc.promulgated_by]):
        title = d.title or ""
        te = parse_deadline(title)
        if te and te.due:
            return te.due
        m = _YEAR.search(title)
        if m:
            return f"{m.group(1)}-12-31"
    return None


def heading_deadline(ctx: Context, sec: Section) -> str | None:
    """The due date a heading fixes for everything under it: its deadline scope, or a date in it."""
    for sc in sec.scopes:
        if sc.kind in ("deadline", "period"):
            due = _scope_due(sc.value)
            if due:
                return due
    if sec.kind != "root":
        te = parse_deadline(ctx.text[sec.start:sec.heading_end])
        if te and te.due:
            return te.due
    return None


def task_deadline(ctx: Context, own: str | None, ancestors: Sequence[Section],
                  memo: dict[tuple[str, str], object] | None = None,
                  labels: Sequence[Label] = ()) -> tuple[str | None, str | None]:
    """(due date, source): the task's own, a `Thời gian thực hiện:` line or heading above it, or the document's."""
    memo = {} if memo is None else memo
    if own:
        return own, "own"
    for sec in ancestors:
        key = ("heading_deadline", sec.path)
        if key not in memo:
            memo[key] = heading_deadline(ctx, sec)
        if memo[key]:
            return memo[key], f"heading:{sec.path}"  # type: ignore[return-value]
        if sec.kind != "root":
            dues = {lab.due for lab in labels if lab.role == "deadline" and sec.start <= lab.start < sec.end}
            if len(dues) == 1 and None not in dues:
                return dues.pop(), f"line:{sec.path}"
            if dues:
                break  # several lines for several parts: none of them is this task's
    if ("document", "") not in memo:
        memo[("document", "")] = document_deadline(ctx)
    due = memo[("document", "")]
    return (due, "document") if due else (None, None)  # type: ignore[return-value]


# ---------------------------------------------------------------- which items are tasks


def _starts_with_duty(body: _Body, a: int, b: int) -> bool:
    """A duty verb among the first few words (`Thường xuyên, chủ động rà soát ...`) of tokens a:b."""
    # Only the tokens that can start such a cue (found per body) are tried.
    at, norms = body.duty_at, body.norms
    stop = min(b, a + 8)
    k = bisect_left(at, a)
    while k < len(at) and at[k] < stop:
        i = at[k]
        if cue_at(norms, i, "duty_verbs") or cue_at(norms, i, "lead_verbs"):
            return True
        k += 1
    return False


def _non_task_heading(ctx: Context, body: _Body, sec: Section) -> bool:
    """Whether a heading opens a part that holds no tasks (`Mục tiêu`, `Chỉ tiêu`, `Yêu cầu`)."""
    got = body.non_task.get(sec.path)
    if got is not None:
        return got
    head = ctx.text[sec.start:min(sec.heading_end, sec.start + 80)]
    m = _MARKER.match(head)
    rest = head[m.end() if m else 0:]
    # Cheap first: the heading's first folded word must open one of the cues.
    first = TOKEN.search(rest)
    w0 = fold_syllable(first.group()) if first else ""
    if sec.kind == "root" or not first or (w0 and not any(c.isspace() for c in w0)
                                           and w0 not in _first_words("non_task_sections")):
        got = False
    else:
        words = fold_text(rest).split()
        got = any(tuple(words[:len(p)]) == p for p in cues()["non_task_sections"])
    body.non_task[sec.path] = got
    return got


def _parent_path(ctx: Context, path: str) -> str | None:
    """`ancestors_of(ctx, body, path)[1].path`, or None when the section has no parent."""
    by_path = ctx.doc._by_path
    sec = by_path.get(path)
    parent = sec.parent if sec is not None else None
    return parent if parent is not None and parent in by_path else None


def _non_task_above(ctx: Context, body: _Body, path: str) -> bool:
    """`any(_non_task_heading(x) for x in ancestors_of(path)[1:])`, memoised up the tree."""
    got = body.above.get(path)
    if got is None:
        # `ancestors_of(path)[1]` is the section's parent: look it up instead of walking the chain.
        parent_path = _parent_path(ctx, path)
        parent = ctx.doc._by_path[parent_path] if parent_path is not None else None
        if parent is None:
            got = False
        else:
            # The parent's entries are mostly known (its other children came first): read them in place.
            got = body.non_task.get(parent.path)
            if got is None:
                got = _non_task_heading(ctx, body, parent)
            if not got:
                got = body.above.get(parent.path)
                if got is None:
                    got = _non_task_above(ctx, body, parent.path)
        body.above[path] = got
    return bool(got)


def _ends_with_colon(text: str, start: int, end: int) -> bool:
    """`text[start:end].rstrip().endswith(":")`, without the copies."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end > start and text[end - 1] == ":"


def _lstrip(text: str, start: int, end: int) -> int:
    """`_strip(text, start, end)[0]`."""
    while start < end and text[start].isspace():
        start += 1
    return start


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cell_hits(ctx: Context, body: _Body, row: Section, col: int, province: str | None) -> list[Hit]:
    """Agencies in one cell: the document's hits inside the cell's span, else a fresh match of the cell."""
    cell = row.cells[col].strip()
    pos = row.start
    for c in row.cells[:col]:
        i = ctx.text.find(c.strip(), pos, row.end) if c.strip() else -1
        if i >= 0:
            pos = i + len(c.strip())
    i = ctx.text.find(cell, pos, row.end) if cell else -1
    if i >= 0:
        return body.hits_in(i, i + len(cell))
    return find_mentions(cell, province=province) if cell else []


def _row_tasks(ctx: Context, body: _Body) -> Iterator[Task]:
    """Table rows under a header with a lead-agency column (`Cơ quan chủ trì`)."""
    rows = [s for s in ctx.doc.sections if s.kind == "row" and s.cells]
    header: dict[str | None, tuple[int, int | None, int | None, int | None]] = {}
    province = document_province(ctx)
    for r in rows:
        folded = [fold_text(c) for c in r.cells]
        lead_col = next((i for i, c in enumerate(folded) if any(
            " ".join(p) in c for p in cues()["lead_labels"] if len(p) > 1) or "chủ trì" in c), None)
        if lead_col is not None:
            sup_col = next((i for i, c in enumerate(folded) if "phối hợp" in c and i != lead_col), None)
            due_col = next((i for i, c in enumerate(folded) if any(" ".join(p) in c for p in cues()["deadline_columns"])), None)
            task_col = next((i for i, c in enumerate(folded) if any(" ".join(p) in c for p in cues()["task_columns"])), None)
            header[r.parent] = (lead_col, sup_col, due_col, task_col)
            continue
        spec = header.get(r.parent)
        if spec is None or len(r.cells) <= spec[0]:
            continue
        lead_col, sup_col, due_col, task_col = spec
        lead_hits = _cell_hits(ctx, body, r, lead_col, province)
        if not lead_hits:
            continue
        sup = [h.name for h in lead_hits[1:]]
        if sup_col is not None and sup_col < len(r.cells):
            sup += [h.name for h in _cell_hits(ctx, body, r, sup_col, province)]
        s, e = _strip(ctx.text, r.start, r.end)
        cell = r.cells[due_col] if due_col is not None and due_col < len(r.cells) else ""
        te = parse_deadline(cell) if cell else None
        due, due_src = task_deadline(ctx, te.due if te else None, ancestors_of(ctx, body, r.parent or ""),
                                     body.memo)
        yield Task(**ctx.fact_args(s, e, "task.table_row"), lead=lead_hits[0].name,
                   support=tuple(dict.fromkeys(x for x in sup if x != lead_hits[0].name)),
                   lead_source="table", deadline=due, deadline_source=due_src)


def context_assignment(ctx: Context, body: _Body, labels: Sequence[Label],
                       ancestors: Sequence[Section]) -> Assignment | None:
    """The nearest enclosing heading agency or `Đơn vị chủ trì:` line, walking up the tree."""
    for anc in ancestors:
        if anc.kind == "root":
            break
        named = heading_lead(ctx, body, anc)
        if named:
            return Assignment(named[0], named[1:], "heading")
        here = [lab for lab in labels if anc.start <= lab.start < anc.end and lab.role != "deadline"]
        leads = {lab.names[:1] for lab in here if lab.role == "lead"}
        if len(leads) > 1:
            return None  # the lines of several sibling parts: none of them is this task's
        got = _label_assignment(here)
        if got:
            return got
    return None


def extract(ctx: Context) -> Iterator[Task]:
    """Every task of the document with its lead, supporting agencies and deadline."""
    body = _body(ctx)
    if not body.norms:
        return
    text = ctx.text
    s0, e0 = ctx.body
    skipped = in_recipients(text, s0, e0)
    labels = find_labels(body, text)  # in text order
    label_starts = {lab.start for lab in labels}
    label_at = [lab.start for lab in labels]
    # Only a label that is an item of its own (`- Đơn vị chủ trì: ...`) speaks for the items
    # around it; one written inside a task's paragraph belongs to that task alone.
    # (`_lstrip` called only where a section starts with a blank: a call per section costs more than the test.)
    sec_starts = {x.start if x.start >= x.end or not text[x.start].isspace() else _lstrip(text, x.start, x.end)
                  for x in ctx.doc.sections}
    shared = [lab for lab in labels if lab.start in sec_starts]
    has_child = {s.parent for s in ctx.doc.sections if s.parent is not None}
    rules_doc = bool(ctx.doc.type) and tuple(fold_text(ctx.doc.type or "").split()) in cues()["rule_document_types"]
    hit_starts, n_hits = body.hit_starts, len(body.hit_starts)
    for sec in ctx.doc.sections:
        if sec.kind not in _TASK_KINDS or skipped(sec.start):
            continue
        end = sec.heading_end if sec.path in has_child else sec.end
        s, e = sec.start, end
        if s < e and (text[s].isspace() or text[e - 1].isspace()):
            s, e = _strip(text, s, e)
        if e - s < 15 or s in label_starts:
            continue
        if _non_task_above(ctx, body, sec.path):
            continue
        ancestors = None  # `ancestors_of(ctx, body, sec.path)[1:]`, built when needed (most sections are no task)
        m = _MARKER_AT.match(text, s, e)
        content = m.end() if m else s
        if sec.path in has_child and text[e - 1] == ":":  # s:e is stripped
            continue  # a heading over its items, not a task
        if sec.path not in has_child and _ends_with_colon(text, sec.start, sec.heading_end) \
                and heading_lead(ctx, body, sec):
            # `b) Nhiệm vụ và trách nhiệm của Sở Nội vụ:` over one unmarked paragraph: the
            # paragraph is the task and the heading assigns it.
            s, e = _strip(text, sec.heading_end, sec.end)
            if e - s < 15:
                continue
            content, ancestors = s, [sec, *ancestors_of(ctx, body, sec.path)[1:]]
        a, b = body.tok_range(content, e)
        # No hit starts in content:e: no lead in a sentence (`lead_from_sentence` would find none).
        h = bisect_left(hit_starts, content)
        own = lead_from_sentence(body, content, e, a, b) if h < n_hits and hit_starts[h] < e else None
        if sec.path in has_child and (own is None or heading_lead(ctx, body, sec)):
            continue  # a heading over its items (`1. Cải cách thể chế`, `2. Sở Nội vụ có trách nhiệm`)
        got = own
        if got is None:
            lo = bisect_left(label_at, s)
            hi = bisect_left(label_at, e, lo)
            if hi > lo:
                got = _label_assignment(labels[lo:hi])
        if got is None:
            # The chain of paths is the first one's ancestry (`ancestors_of`): that path stands for it
            # (not built yet, the first one is the section's parent).
            if ancestors is None:
                first = _parent_path(ctx, sec.path)
            else:
                first = ancestors[0].path if ancestors else None
            key = ("context_assignment", first)
            if key not in body.memo:
                if ancestors is None:
                    ancestors = ancestors_of(ctx, body, sec.path)[1:]
                body.memo[key] = context_assignment(ctx, body, shared, ancestors)
            got = body.memo[key]
        # An item is a task when it names its lead, starts with a verb of duty, or sits
        # under a heading that assigns it (`Nhiệm vụ và trách nhiệm của Sở Tư pháp:`).
        if not (own or _starts_with_duty(body, a, b) or (got and got.source == "heading")):
            continue
        if got is not None and got.source == "heading" or got is None:
            lead = got.lead if got else None
            sup = (*(got.support if got else ()), *support_after(body, content, e, lead))
            got = Assignment(lead, tuple(dict.fromkeys(sup)), got.source if got else None)
        if got.lead is None and rules_doc:
            continue  # a provision of a decree or circular, not an assigned task
        own_due = own_deadline(ctx, body, content, e)
        if ancestors is None:
            ancestors = ancestors_of(ctx, body, sec.path)[1:]
        due, due_src = task_deadline(ctx, own_due, ancestors, body.memo, shared)
        yield Task(**ctx.fact_args(s, e, f"task.{got.source or 'none'}"), lead=got.lead,
                   support=got.support, lead_source=got.source, deadline=due, deadline_source=due_src)
    yield from _row_tasks(ctx, body)
