"""Relations between documents, from cue words around citations (DOMAIN.md §3, FORMAT.md).

Where a relation comes from decides its source and modality:
- a preamble paragraph (`Căn cứ ...`, `Thực hiện ...`, `Theo đề nghị ... tại Tờ trình ...`)
  links the document itself to every document it cites (`in_force`);
- the document's own title (`Kế hoạch thực hiện Nghị quyết số ...`) and its purpose
  section (`Mục đích`, `Mục tiêu`) give `implements` from the document itself;
- `Ban hành kèm theo Quyết định này <Kế hoạch>` gives `promulgates` decision -> plan;
- a cue right before a citation in the body (`bãi bỏ`, `thay thế`, `sửa đổi, bổ sung`)
  is done by the document (`in_force`) or is a task (`planned`);
- a cue between two cited documents (`Nghị định A ... sửa đổi, bổ sung ... Nghị định B`,
  `Kế hoạch A về thực hiện Kết luận B`) is `reported`.
Cue words live in `gazetteer/relation_cues.json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache

from vnplan.context import Context
from vnplan.gazetteer import load
from vnplan.models import Citation, Relation
from vnplan.text.normalize import collapse
from vnplan.text.normalize import fold as _fold
from vnplan.text.scan import find_all, lowered

fold = lru_cache(maxsize=1 << 14)(_fold)  # pure, and the same names come back for every relation



def _cue(fragment: str) -> str:
    """A gazetteer cue as a regex: its spaces match any whitespace."""
    return fragment.replace(" ", r"\s+")


@cache
def cues(where: str) -> list[tuple[str, re.Pattern[str]]]:
    """(relation, compiled cue) of one kind (`preamble`, `before`, `passive`)."""
    out = []
    for e in load("relation_cues.json")["entries"]:
        if e["where"] == where:
            out.append((e["relation"], re.compile(_cue(e["cue"]), re.IGNORECASE)))
    return out


@cache
def _part(name: str) -> str:
    return _cue(load("relation_cues.json")[name]["cue"])


@cache
def _preamble_rx() -> re.Pattern[str]:
    alts = "|".join(f"(?P<p{i}>{c.pattern})" for i, (_, c) in enumerate(cues("preamble")))
    return re.compile(rf"(?m)^[ \t*_\-–+]*(?:{alts})(?![\wà-ỹ])", re.IGNORECASE)


@cache
def _before_rx() -> list[tuple[str, re.Pattern[str]]]:
    lead = _part("target_lead")
    return [(rel, re.compile(rf"(?:{c.pattern})[\s,*]+{lead}$", re.IGNORECASE)) for rel, c in cues("before")]


@cache
def _between_rx() -> list[tuple[str, re.Pattern[str], bool]]:
    lead, tlead = _part("between_lead"), _part("target_lead")
    out = []
    for rel, c in cues("before"):
        out.append((rel, re.compile(rf"^[\s*]*{lead}[\s*]*(?:{c.pattern})[\s,*]+{tlead}$", re.IGNORECASE), False))
    for rel, c in cues("passive"):
        out.append((rel, re.compile(rf"^[\s*]*,?[\s*]*(?:{c.pattern})[\s,*]+{tlead}$", re.IGNORECASE), True))
    return out


_BODY = re.compile(
    r"(?m)^[ \t*#]*(?:Điều\s+1\s*[.:]|QUYẾT\s+ĐỊNH\s*:|QUYẾT\s+NGHỊ\s*:|[IVX]{1,4}\s*[.\-–/]\s*\S|1\s*[.)]\s+[A-ZĐ]|Phần\s+(?:I|thứ)|Chương\s+I\b)"
)
# `_BODY` after the line break that opens its line (see `_ROMAN_NL`).
_BODY_NL = re.compile("(?m)\n" + _BODY.pattern[len("(?m)^"):])
_ROMAN = re.compile(r"(?m)^[ \t*#]*(?:Phần\s+)?[IVX]{1,4}\s*[.\-–/]\s*(.*)$")
# `_ROMAN` after the line break that opens its line: a literal first char lets `re` skip to line breaks.
_ROMAN_NL = re.compile(r"(?m)\n[ \t*#]*(?:Phần\s+)?[IVX]{1,4}\s*[.\-–/]\s*(.*)$")
_PURPOSE = re.compile(r"^[\s*]*(?:mục\s+đích|mục\s+tiêu)", re.IGNORECASE)
# Every alternative opens with a literal, so `re` skips to the candidate characters.
_CLAUSE = re.compile(r";|:|\(|\.\s|\n\s*\n|\n[ \t*]*[\-–+•]\s|\n[ \t*]*(?:\d+(?:\.\d+)*|[a-zđ])[.)]\s")
_SENTENCE = re.compile(r"\.\s|\n\s*\n")
_LIST_SEP = re.compile(r"^[\s*]*(?:[;,]|và|hoặc)?[\s*]*(?:(?:và|các)\s+)?$", re.IGNORECASE)


@cache
def _promulgates_rx() -> re.Pattern[str]:
    return re.compile(_part("promulgates"), re.IGNORECASE)


def first_cue(text: str, patterns: Sequence[tuple[str, re.Pattern[str]]],
              low: str | None = None) -> tuple[str, re.Match[str]] | None:
    """The cue that starts earliest (`hướng dẫn thực hiện X` is guides, not implements).
    `low`: `text` as `_search_lower` gives it (a slice of the lower-cased file), when at hand."""
    best = None
    if low is not None and len(low) != len(text):
        low = None
    for rel, rx in patterns:
        heads = _literal_heads(rx)
        if heads is None:
            m = rx.search(text)
        else:
            # `rx.search`, tried only where one of the words every match opens with occurs.
            if heads[1]:
                if low is None:
                    low = _search_lower(text)
                where = low
            else:
                where = text
            if where is None:
                m = rx.search(text)
            else:
                # A later cue counts only if it starts before the best so far: look no further.
                m = _first_match(rx, text, where, heads[0], best[1].start() if best else len(text))
        if m and (best is None or m.start() < best[1].start()):
            best = (rel, m)
    return best


def _first_match(rx: re.Pattern[str], text: str, where: str, words: tuple[str, ...], hi: int) -> re.Match[str] | None:
    """`rx.match(text, p)` at the first of the sorted starts `p < hi` of `words` in `where` where it
    matches. One word (most cues): its starts are found one by one, up to the first match, not all
    of them (`ban` of the promulgation cue occurs hundreds of times in a body)."""
    if len(words) == 1:
        w, find, match = words[0], where.find, rx.match
        end = hi + len(w) - 1  # `find` wants the whole word before its end
        p = find(w, 0, end)
        while p >= 0:
            m = match(text, p)
            if m:
                return m
            p = find(w, p + 1, end)
        return None
    for p in find_all(where, words, 0, min(len(where), hi + max(map(len, words)) - 1)):
        m = rx.match(text, p)
        if m:
            return m
    return None


@lru_cache(maxsize=8)
def _file_lower(text: str) -> str | None:
    """`_search_lower` of a whole file, sliced for its clauses (the cue words hold no letter whose
    lower case depends on its neighbours)."""
    return _search_lower(text, lowered(text))


def _search_lower(text: str, low: str | None = None) -> str | None:
    """`text` lower-cased char for char, with the letters `re` folds together under IGNORECASE
    (dotless i, long s, ẛ) as the ones they match; None when lower casing changes the length.
    `low`: `text.lower()` when at hand."""
    if low is None:
        low = text.lower()
    if len(low) != len(text):
        return None
    for a, b in (("ı", "i"), ("ſ", "s"), ("ẛ", "ṡ")):
        if a in low:
            low = low.replace(a, b)
    return low


_HEADS: dict[tuple[str, int], tuple[tuple[str, ...], bool] | None] = {}


def _literal_heads(rx: re.Pattern[str]) -> tuple[tuple[str, ...], bool] | None:
    """(words, ignore case): every match of `rx` opens with one of the words (lower case when
    ignoring case), or None when that cannot be read off the pattern."""
    key = (rx.pattern, rx.flags)
    if key not in _HEADS:
        from re import _casefix, _parser
        from re import _constants as C

        icase = bool(rx.flags & re.IGNORECASE)

        def heads(items: list) -> set[str] | None:
            if not items:
                return None  # the match may be empty here: it can open anywhere
            op, av = items[0]
            if op is C.LITERAL:
                word = ""
                k = 0
                while k < len(items) and items[k][0] is C.LITERAL:
                    ch = chr(items[k][1])
                    if icase:
                        ch = ch.lower()
                        if len(ch) != 1 or (ord(ch) in _casefix._EXTRA_CASES and ch not in "isṡ"):
                            return None  # a letter `re` folds in ways `str.lower` does not
                    word += ch
                    k += 1
                return {word}
            if op is C.SUBPATTERN:
                if av[1] or av[2]:
                    return None  # scoped flags
                return heads(list(av[3]) + items[1:])
            if op is C.BRANCH:
                out: set[str] = set()
                for alt in av[1]:
                    h = heads(list(alt) + items[1:])
                    if h is None:
                        return None
                    out |= h
                return out
            if op in (C.MAX_REPEAT, C.MIN_REPEAT):
                lo, _, sub = av
                h = heads(list(sub) + items[1:])
                if h is None:
                    return None
                if lo == 0:
                    rest = heads(items[1:])
                    if rest is None:
                        return None
                    h |= rest
                return h
            return None

        try:
            got = heads(list(_parser.parse(rx.pattern, rx.flags)))
        except Exception:  # noqa: BLE001 - an unexpected pattern shape: search as before
            got = None
        if got and all(got):
            _HEADS[key] = (tuple(sorted(got)), icase)
        else:
            _HEADS[key] = None
    return _HEADS[key]


def body_start(ctx: Context) -> int:
    """Where the body of the current document starts (after title and preamble)."""
    s0, e0 = ctx.body
    text = ctx.text
    if (s0 == 0 or text[s0 - 1] == "\n") and _BODY.match(text, s0, e0):
        return s0
    m = _BODY_NL.search(text, s0, e0)
    return m.start() + 1 if m else e0


def endpoint(c: Citation) -> str | None:
    """How a cited document is named in a relation: its symbol, else its title."""
    return c.symbol or c.title


def _roman_heads(text: str, lo: int, hi: int) -> list[tuple[int, str]]:
    """(start, title) of every `_ROMAN` heading in text[lo:hi], as `_ROMAN.finditer` finds them."""
    out = []
    pos = lo
    if lo == 0 or text[lo - 1] == "\n":
        m = _ROMAN.match(text, lo, hi)  # a heading on the line that `lo` opens
        if m:
            out.append((m.start(), m.group(1)))
            pos = m.end()
    out += [(m.start() + 1, m.group(1)) for m in _ROMAN_NL.finditer(text, pos, hi)]
    return out


def _clause_start(text: str, lo: int, pos: int) -> int:
    last = lo
    for m in _CLAUSE.finditer(text, max(lo, pos - 300), pos):
        last = m.end()
    return last


def _modality(ctx: Context, start: int, end: int) -> str:
    """`in_force` when the document itself does it, `planned` for a task to do it later."""
    text = ctx.text
    s = max(ctx.doc.start, start - 300)
    for m in _SENTENCE.finditer(text, s, start):
        s = m.end()
    sent = text[s : min(end + 100, ctx.doc.end)]
    if re.search(_part("in_force_markers"), sent, re.IGNORECASE):
        return "in_force"
    if re.search(_part("planned_markers"), sent, re.IGNORECASE):
        return "planned"
    # A plan's `bãi bỏ` is a task; a legal text's is done by the text itself.
    return "planned" if fold(ctx.doc.type or "") in _plan_types() else "in_force"


@cache
def _plan_types() -> frozenset[str]:
    """relation_cues.json `plan_types`: documents whose own `bãi bỏ` is a task for later."""
    return frozenset(fold(t) for t in load("relation_cues.json")["plan_types"]["types"])


class _Out:
    """Relations of one document, once each per (relation, source, target)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.seen: dict[tuple[str, str, str], Relation] = {}

    def add(self, start: int, end: int, rule: str, relation: str, modality: str, source: str | None, target: str | None) -> None:
        if not source or not target or source == target:
            return
        key = (relation, fold(source), fold(target))
        if key in self.seen:
            return
        self.seen[key] = Relation(**self.ctx.fact_args(start, end, rule), relation=relation, modality=modality, source=source, target=target)


def _nested(text: str, cits: Sequence[Citation]) -> dict[int, tuple[str, Citation, bool]]:
    """Pairs stated between two cited documents: index of B -> (relation, A, passive)."""
    out: dict[int, tuple[str, Citation, bool]] = {}
    for i in range(1, len(cits)):
        a, b = cits[i - 1], cits[i]
        if a.end > b.start:
            if a.rule == "citation.law" and b.rule == "citation.law_amended":
                out[i] = ("amends", a, False)
            continue
        gap = text[a.end : b.start]
        if len(gap) > 160 or _SENTENCE.search(gap) or ";" in gap:
            continue
        for rel, rx, passive in _between_rx():
            if rx.search(gap):
                out[i] = (rel, a, passive)
                break
        else:
            # `... về thực hiện Kết luận A của Bộ Chính trị và Công điện B`: B joins A's relation.
            prev = out.get(i - 1)
            if prev and not prev[2] and _LIST_SEP.match(gap) and prev[1].end <= a.start:
                out[i] = prev
    for i, c in enumerate(cits):
        if c.rule == "citation.law_amended" and i not in out:
            outer = next((o for o in cits if o.rule == "citation.law" and o.start < c.start < o.end), None)
            if outer:
                out[i] = ("amends", outer, False)
    return out


_SUBJECT_VERB = re.compile(r"^(?:ban\s+hành|phê\s+duyệt|về\s+việc|về)\s+", re.IGNORECASE)
_OBJECT_LEAD = re.compile(r"^(?:(?:triển\s+khai|thực\s+hiện|thi\s+hành|tổ\s+chức)\s+)+", re.IGNORECASE)


def _subject_object(title: str) -> list[tuple[str, str]]:
    """`hướng dẫn triển khai Chương trình X` -> [("guides", "Chương trình X")]."""
    t = _SUBJECT_VERB.sub("", title.strip())
    out = []
    for rel, rx in cues("before"):
        if rel not in ("guides", "implements"):
            continue
        m = rx.match(t)
        if m:
            obj = _OBJECT_LEAD.sub("", t[m.end() :].strip())
            if len(obj.split()) >= 5 and obj[:1].isupper():
                out.append((rel, obj))
            break
    return out


def _same_subject(obj: str, title: str) -> bool:
    """True when `obj` is the subject `title` issues (`ban hành Chương trình X` ~ `Chương trình X`)."""
    from rapidfuzz import fuzz

    subj = _SUBJECT_VERB.sub("", title.strip())
    a, b = fold(obj), fold(subj)
    return len(b.split()) >= 5 and fuzz.ratio(a, b) >= 90


# A promulgated text's header line up to the decision it names: `(Ban hành kèm theo `, `*Kèm theo `.
_HEADER_LEAD = re.compile(r"[\s*_(\[]*(?:ban\s+hành\s+)?kèm\s+theo[\s*]*$", re.IGNORECASE)


def extract(ctx: Context) -> Iterator[Relation]:
    """All relations stated in the current document."""
    text = ctx.text
    s0, e0 = ctx.body
    allc = [c for c in ctx.prior.get("citations", []) if isinstance(c, Citation)]
    allc.sort(key=lambda c: c.start)
    cits = [c for c in allc if not c.self_ref]
    out = _Out(ctx)
    flow = _file_lower(text)
    bstart = body_start(ctx)
    nested = _nested(text, allc)
    nested_ids = {id(allc[i]) for i, (_, _, passive) in nested.items() if not passive}

    # Preamble paragraphs: Căn cứ / Thực hiện / Theo đề nghị.
    pre = list(_preamble_rx().finditer(text, s0, bstart))
    zone_end = pre[0].start() if pre else bstart
    for k, m in enumerate(pre):
        rel = cues("preamble")[int(next(g for g, v in m.groupdict().items() if v)[1:])][0]
        pend = pre[k + 1].start() if k + 1 < len(pre) else bstart
        # A preamble paragraph runs to the line that ends it with `;`, `,` or `.` (hard wraps continue
        # it), and to its first sentence: `Thực hiện ...; ... . UBND tỉnh xây dựng kế hoạch ...` is not a basis.
        stop = re.search(r"[;.,:][ \t*]*\n|\n\s*\n|\.\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ])", text[m.end() : pend])
        if stop:
            pend = m.end() + stop.end()
        first = True
        for c in cits:
            # (A citation may start inside the cue: `Xét Tờ trình số 403/TTr-UBND` is cue `Xét tờ trình`.)
            if not (m.start() <= c.start < pend and c.end > m.end()) or id(c) in nested_ids or not endpoint(c):
                continue
            if rel == "proposed_by":
                # Only a proposal: the cue's words in the citation's own clause. `Xét Tờ trình số ...;
                # Báo cáo thẩm tra số ...` proposes by the first, not by the report after the `;`.
                clause = max(m.start(), text.rfind(";", m.start(), c.start) + 1)
                if not re.search(r"tờ\s+trình|đề\s+nghị", text[clause : c.end], re.IGNORECASE):
                    continue
            qs = m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \t*_-–+")) if first else c.start
            out.add(qs, c.end, f"relation.preamble.{rel}", rel, "in_force", "self", endpoint(c))
            first = False

    promulgated = [d for d in ctx.documents if d.promulgated_by == ctx.doc.index and d.doc_id != ctx.doc.doc_id]

    # The title: `Kế hoạch thực hiện Nghị quyết số ...`, `Nghị định sửa đổi, bổ sung ... Nghị định số ...`.
    for c in cits:
        if not (s0 <= c.start < zone_end) or id(c) in nested_ids:
            continue
        head = text[s0 : c.start]
        got = first_cue(head, _before_rx(), flow[s0 : c.start] if flow is not None else None)
        if got:
            rel, cm = got
            if rel == "implements" and promulgated:
                continue  # `ban hành Kế hoạch thực hiện ...`: the plan implements it, not the decision.
            out.add(s0 + cm.start(), c.end, f"relation.title.{rel}", rel, "in_force", "self", endpoint(c))

    # Purpose sections: `Mục đích` / `Mục tiêu` say what the document implements.
    zones = []
    heads = _roman_heads(text, bstart, e0)
    for k, (hs, title) in enumerate(heads):
        if _PURPOSE.match(title):
            zones.append((hs, heads[k + 1][0] if k + 1 < len(heads) else e0))
    impl_rx = [rx for rel, rx in cues("before") if rel == "implements"]
    last_impl: Citation | None = None
    for c in cits:
        if not any(a <= c.start < b for a, b in zones) or id(c) in nested_ids:
            continue
        cs = _clause_start(text, s0, c.start)
        clause = text[cs : c.start]
        hit = any(rx.search(clause) for rx in impl_rx) and not any(o.start >= cs and o.end <= c.start for o in cits if o is not c)
        if not hit and last_impl is not None:
            between = text[last_impl.end : c.start]
            hit = not _SENTENCE.search(between) and clause.strip(" \t\n*") == ""
        if hit:
            out.add(cs if clause.strip() else c.start, c.end, "relation.purpose.implements", "implements", "in_force", "self", endpoint(c))
            last_impl = c

    # Promulgation: Điều 1 `Ban hành kèm theo Quyết định này Kế hoạch ...`.
    pm = first_cue(text[s0:e0], [("promulgates", _promulgates_rx())], flow[s0:e0] if flow is not None else None)
    pm = pm[1] if pm else None
    if pm and promulgated:
        for d in promulgated:
            end = min(e0, s0 + pm.end() + 120)
            line_end = text.find("\n", s0 + pm.end())
            if 0 <= line_end < end:
                end = line_end
            out.add(s0 + pm.start(), end, "relation.promulgates", "promulgates", "in_force", "self", d.title or d.type)
    elif ctx.doc.promulgated_by is None:
        # A promulgated plan whose decision is not in the file: its header names the decision, on a line of
        # its own (`(Ban hành kèm theo Quyết định số ...)`), not inside a title (`... QUY ĐỊNH BAN HÀNH KÈM
        # THEO QUYẾT ĐỊNH SỐ 55/2014/QĐ-UBND` in a decision that repeals it, even where a wrap puts
        # `BAN HÀNH KÈM THEO` at a line start: the title then names that decision).
        title = ctx.doc.title or ""
        for c in allc:
            if not (c.self_ref and c.symbol and c.start - s0 < 1500):
                continue
            line = text[text.rfind("\n", 0, c.start) + 1 : c.start]
            if _HEADER_LEAD.match(line) and c.symbol not in title:
                if not any(d.symbol == c.symbol for d in ctx.documents):
                    out.add(c.start, c.end, "relation.promulgated_header", "promulgates", "in_force", c.symbol, ctx.doc.title or ctx.doc.type)
                break

    # Between two cited documents (reported), or `Quyết định này thay thế ...` (self).
    for i, (rel, a, passive) in nested.items():
        b = allc[i]
        if not (s0 <= b.start < e0) or b.self_ref:
            continue
        if a.self_ref:
            if rel in ("repeals", "replaces", "amends"):
                out.add(a.start, b.end, f"relation.self.{rel}", rel, "in_force", "self", endpoint(b))
            continue
        src, dst = (b, a) if passive else (a, b)
        out.add(min(a.start, b.start), max(a.end, b.end), f"relation.reported.{rel}", rel, "reported", endpoint(src), endpoint(dst))

    # A subject that names what another cited document issued: `Công văn A về việc hướng dẫn
    # triển khai Chương trình X` where `Nghị quyết B ... ban hành Chương trình X`.
    for a in cits:
        if not (s0 <= a.start < e0) or not a.title or not a.symbol:
            continue
        for rel, obj in _subject_object(a.title):
            for b in cits:
                if b.symbol and b.symbol != a.symbol and b.title and _same_subject(obj, b.title):
                    out.add(a.start, a.end, f"relation.subject.{rel}", rel, "reported", a.symbol, b.symbol)
                    break

    # Body cues right before a citation: `bãi bỏ Quyết định số ...`, `(thay thế Quyết định số ...)`.
    body_rels = {"repeals", "replaces", "amends"}
    quoting = bool(re.fullmatch(_part("quoting_types"), fold(ctx.doc.type or ""), re.IGNORECASE))
    last: tuple[Citation, str, str] | None = None
    nested_all = {id(allc[i]) for i in nested}
    body_rx = [(rel, rx) for rel, rx in _before_rx() if rel in body_rels]
    for c in cits:
        if quoting:
            break  # a consolidated text quotes its amending documents' `bãi bỏ`: not its own act
        if not (bstart <= c.start < e0) or id(c) in nested_ids or id(c) in nested_all:
            continue
        cs = _clause_start(text, s0, c.start)
        clause = text[cs : c.start]
        found = None
        got = first_cue(clause, body_rx, flow[cs : c.start] if flow is not None else None)
        if got:
            rel, cm = got
            if rel == "repeals" and re.search(r"(?i:điều|khoản|điểm|chương|mục)\s", cm.group(0)):
                rel = "amends"  # `bãi bỏ khoản 4 Điều 18 của Luật ...` repeals a part: the law is amended
            found = (rel, cs + cm.start())
        if found is None and last is not None:
            between = text[last[0].end : c.start]
            if len(between) < 120 and not _SENTENCE.search(between) and re.search(r"(?:[,;]|\svà)[\s*]*(?:các\s+)?$", between) and clause.strip(" \t\n*,;") in ("", "và"):
                found = (last[1], c.start)
        if found:
            rel, qs = found
            modality = last[2] if last is not None and qs == c.start else _modality(ctx, qs, c.end)
            out.add(qs, c.end, f"relation.body.{rel}", rel, modality, "self", endpoint(c))
            last = (c, rel, modality)
        else:
            last = None

    yield from out.seen.values()


def quote_of(r: Relation) -> str:
    """The relation's quote as FORMAT.md writes `as_written`."""
    return collapse(r.quote)
