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
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cache

from vnplan.context import Context
from vnplan.gazetteer import load
from vnplan.models import Target
from vnplan.text.dates import deadline_for, find_deadlines, sentence_bounds
from vnplan.text.headings import opener_pattern
from vnplan.text.indicators import best_indicator, classify, find_indicators
from vnplan.text.normalize import fold
from vnplan.text.numbers import NUM, candidates, number_cues, parse_number
from vnplan.text.scan import lowered
from vnplan.text.tables import (
    RANK_CELL,
    TABLE_VALUE,
    VALUE_CELL,
    header_roles,
    is_code,
    is_name,
    rows_from_cells,
    table_cues,
    table_runs,
    vals_in,
)

# ---------------------------------------------------------------- data


@cache
def cues() -> dict:
    """The cue words of gazetteer/target_cues.json, with every pattern compiled."""
    raw = load("target_cues.json")
    c: dict = {}
    # All but the heading and table patterns see lower-cased text, so they need no re.I.
    c.update(number_cues())  # comparators, units (vnplan.text.numbers)
    c["scopes"] = [(e["scope"], re.compile(e["pattern"])) for e in raw["scopes"]["entries"]]
    c["non_target"] = [re.compile(e["pattern"]) for e in raw["non_target"]["entries"]]
    for k in ("achieved", "future", "increase", "target_verbs"):
        c[k] = re.compile(raw[k]["pattern"])
    c["background_headings"] = re.compile(raw["background_headings"]["pattern"], re.I)
    c["increase_after"] = re.compile(raw["increase"]["after"])
    c["table"] = table_cues()  # vnplan.text.tables
    return c


# ---------------------------------------------------------------- indicators


# ---------------------------------------------------------------- clause filters

_YEAR_IN = re.compile(r"năm\s*((?:19|20)\d\d)", re.I)
_PARENS = re.compile(r"\([^()]*\)")


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
_ITEM_SKIP = re.compile(r"^\s*" + opener_pattern("basis", "proposal"), re.I)  # a legal basis or a proposal line


def _number_lines(text: str, low: str, s0: int, e0: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the lines of `text[s0:e0]` that can hold a candidate: those where `NUM` finds
    a number in `low` (no match spans a line break), each once, in order; every line when lower
    casing moved the offsets."""
    pos = s0  # where the next line to visit may start
    if len(low) == len(text):
        # The first number at or after the next line's start: no match spans a line break, so
        # this is where `finditer` would get to, without visiting the other numbers of a line.
        search = NUM.search
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
        n_num = len(NUM.findall(low, ls, le))
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
        if not header or any(VALUE_CELL.match(x.text) and x.text.strip() != "-" for x in header):
            continue
        roles = header_roles(header)
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
            code_cell = cells[0] if is_code(cells[0].text) and len(cells) > 1 and is_name(cells[1].text) else None
            name_i = 1 if code_cell is not None else (1 if not cells[0].text else 0)
            if name_i >= len(cells):
                continue
            name = cells[name_i].text
            if is_lines and len(cells) == len(roles):
                by_role = {r: cells[i] for i, r in enumerate(roles)}
            else:
                vals = [x for x in cells[name_i + 1:] if VALUE_CELL.match(x.text) or RANK_CELL.search(x.text)]
                by_role = {r: vals[i] for i, r in enumerate(numeric_roles) if i < len(vals)}
                rest = [x for x in cells[name_i + 1:] if x not in vals and is_name(x.text)]
                if "unit" in roles and rest and len(rest[0].text) <= 15:
                    by_role["unit"] = rest.pop(0)
                if rest:
                    by_role["agency"] = rest[0]
            tcell = by_role.get("target")
            if tcell is None or not TABLE_VALUE.match(tcell.text):
                # A group row ("I | Giai đoạn 2025-2027") may fix the deadline of the rows under it.
                te = [x for x in find_deadlines(name) if x.due]
                if te and not vals_in(cells[name_i + 1:]):
                    group_due = te[0].due
                continue
            m = TABLE_VALUE.match(tcell.text)
            if not m:
                continue
            value = parse_number(m.group(2))
            if value is None:
                continue
            comp = {">": ">", ">=": ">=", "≥": ">=", "<": "<", "<=": "<=", "≤": "<="}.get(m.group(1) or "", "=")
            bcell = by_role.get("baseline")
            bm = TABLE_VALUE.match(bcell.text) if bcell is not None else None
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
            rk = RANK_CELL.search(tcell.text)
            if rk:
                brk = RANK_CELL.search(bcell.text) if bcell is not None else None
                yield Target(**ctx.fact_args(qs, tcell.end, "target.table.rank"), value=float(rk.group(1)),
                             unit="rank", comparator="=", indicator=code or "other", indicator_phrase=name or None,
                             scope="province", deadline=due, deadline_source=source,
                             baseline=float(brk.group(1)) if brk else None, criterion=crit, agency=agency)



def _table_scope(context: str) -> str | None:
    return "province" if re.search(r"\btỉnh\b|thành phố", context) else None


# ---------------------------------------------------------------- extract


def _measure_words(ctx: Context, t: Target) -> list[str]:
    """The words after the target's number in its quote, up to the next number or clause end, folded, in order."""
    quote = ctx.text[t.start:t.end]
    for m in NUM.finditer(quote):
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
