"""Citations of other documents: numbered (`Nghị định số 61/2018/NĐ-CP ngày ...`), Party
(`05-NQ/TU`), laws by name (`Luật Viên chức năm 2010`), lists sharing one type word,
short forms (`Nghị quyết 30c`) and self-references (`Quyết định này`).

The file is scanned once (all its documents), so a short form in the plan can be
resolved to the full citation in the decision before it; each document then gets
the citations inside its own span. Type words, codes, issuers and law aliases are
gazetteer data (`doctypes.json`, `issuers.json`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from vnplan.context import Context
from vnplan.gazetteer import load
from vnplan.models import Citation, Document
from vnplan.text.normalize import fold as _fold
from vnplan.text.normalize import normalize_symbol
from vnplan.text.provinces import province_in
from vnplan.text.scan import find_all, lowered, match_at, trie_pattern
from vnplan.text.symbols import (
    canonical_type,
    code_scope,
    doctypes,
    issuer_codes,
    symbol_parts,
    symbol_scope,
    type_by_code,
)
from vnplan.text.tones import spelling_key

# `fold` is pure and sees the same words and names again and again: memoise it.
fold = lru_cache(maxsize=1 << 16)(_fold)

_WS = re.compile(r"\s+")

# ---------------------------------------------------------------- gazetteer data


def _ws(phrase: str) -> str:
    """A literal phrase whose spaces match any run of whitespace (hard-wrapped text)."""
    return r"\s+".join(re.escape(p) for p in phrase.split())


# ---------------------------------------------------------------- patterns

_UP = "A-ZĐƯƠÂÊÔĂ"
# (`QLN& TTBĐS`: a code never ends with `&`; a space typed after one does not end the symbol.)
_CODE = rf"[{_UP}][{_UP}0-9&]*(?:(?<=&)[ \t]+[{_UP}][{_UP}0-9]*)?(?:[a-zđ][{_UP}0-9&]*)?(?![a-zà-ỹđ])"
_SEP = r"[ \t*]*\n?[ \t*]*[/\-–][ \t*]*\n?[ \t*]*"
_NUM = r"\d{1,5}[a-zA-Z]?(?![\d])"
_YEAR = r"(?:19|20) ?\d ?\d"
SYMBOL = rf"{_NUM}(?:{_SEP}{_YEAR}(?!\d))?(?:{_SEP}{_CODE}){{1,4}}"
_SO = r"(?:\s*[:.]?\s*(?i:s[ốổo])\s*[:.]?)"


@cache
def _type_rx() -> str:
    return "(?i:" + "|".join(_ws(e["word"]) for e in doctypes() if not e.get("named")) + ")"


@cache
def _numbered_rx() -> re.Pattern[str]:
    # Type word, optional `số`/`sổ`, symbol: `Nghị quyết 30c/NQ-CP`, `Kế hoạch sổ 60/KH-UBND`.
    return re.compile(rf"(?<![\wà-ỹ])(?P<type>{_type_rx()}){_SO}?\s*(?P<sym>{SYMBOL})")


_BARE = re.compile(rf"(?<![\w/\-])(?P<so>(?i:s[ốổ])\s*[:.]?\s*)?(?P<sym>{SYMBOL})")


@cache
def _short_rx() -> re.Pattern[str]:
    # `Nghị quyết 30c`, `Đề án số 06`: a type word and a bare number, no symbol.
    return re.compile(rf"(?<![\wà-ỹ])(?P<type>{_type_rx()}){_SO}?\s*(?P<num>\d{{1,5}}[a-zA-Z]?)(?![\d/\-\wà-ỹ])")


@cache
def _self_rx() -> re.Pattern[str]:
    words = "|".join(_ws(w) for w in load("doctypes.json")["self_words"])
    return re.compile(rf"(?<![\wà-ỹ])(?P<type>{_type_rx()})\s+(?:{words})(?![\wà-ỹ])")


_LAW = re.compile(r"(?<![\wà-ỹ])(?P<type>Bộ\s+luật|Luật|Hiến\s+pháp)(?=[\s*]+\S)")
_DATE = re.compile(
    r"[\s*,]*(?i:ban\s+hành\s+)?(?i:ngày)[\s*]*(\d{1,2})\s*(?:/|-|\.|tháng)\s*(\d{1,2})\s*(?:/|-|\.|năm)\s*((?:19|20)\d\d)(?!\d)"
)
_YEAR_AFTER = re.compile(r"[\s*]*,?\s*năm\s+((?:19|20)\d\d)(?!\d)")
_OF = re.compile(r"[\s*]*,?\s*(?:của|do)\s+")
_ISSUER_STOP = re.compile(
    r"\svà(?!\s+[A-ZĐ][a-zà-ỹđ])|\svà(?=\s+(?:Nghị|Quyết|Thông|Chỉ|Kế|Công|Văn|Luật|Chương|Đề|Kết|Tờ)\s)"  # `Lao động - Thương binh và Xã hội`
    r"|\s(?i:về|ngày|tại|ban\s+hành|phê\s+duyệt|quy\s+định|hướng\s+dẫn|sửa\s+đổi|thực\s+hiện|triển\s+khai|trên|đối\s+với|theo|nhằm|để|đã|được|V/v|v/v|trong|thì|với|lần|khóa|khoá)(?![\wà-ỹ])"
    r"|,(?!\s*Chủ\s+nhiệm)|[;.:()\[\]\"“”]|\n\s*\n|$"
)
_TITLE_LEAD = re.compile(r"[\s*]*,?\s*(?:(?:về\s+việc|về|V/v|v/v)\s+|(?=(?i:ban\s+hành|phê\s+duyệt|quy\s+định|hướng\s+dẫn|sửa\s+đổi)\s))")
_TITLE_END = re.compile(r";|\.(?:\s|$)|\n\s*\n|\)|:\s*\n|$")


@cache
def _issuer_names() -> list[dict]:
    return sorted(load("issuers.json")["names"], key=lambda e: -len(e["pattern"]))


@cache
def _issuer_prefixes() -> tuple[str, ...]:
    """The folded issuer name patterns (`str.startswith` takes them all at once)."""
    return tuple(fold(e["pattern"]) for e in _issuer_names())


# ---------------------------------------------------------------- fast candidate search
#
# The citation patterns open with a case-insensitive alternation behind a lookbehind, which
# Python's `re` can only try at every position of the text. Every match of such a pattern starts
# where a cheaper search finds a candidate (a literal word in the lower-cased text, a digit before
# a separator), so matching the full pattern only at the candidates, left to right and resuming
# after each match, gives exactly the matches of `finditer`.


@lru_cache(maxsize=8)
def _lowered(text: str) -> str:
    """`text` lower-cased position for position, where `(?i:x)` matches a char its lower case is `x`."""
    low = lowered(text)
    if len(low) != len(text):
        low = text.replace("İ", "i").lower()  # the one letter whose lower case is two chars
    if "ı" in low:
        low = low.replace("ı", "i")  # `re` folds dotless i and long s with i and s
    if "ſ" in low:
        low = low.replace("ſ", "s")
    return low


@cache
def _type_head_rx() -> re.Pattern[str]:
    # What the numbered, short-form and self-reference patterns all open with: a type word after
    # a non-letter, then a number (after an optional `số`) or a self word.
    words = "|".join(_ws(w) for w in load("doctypes.json")["self_words"])
    return re.compile(rf"(?<![\wà-ỹ])(?:{_type_rx()})(?:{_SO}?\s*\d|\s+(?:{words}))")


@cache
def _type_head_low_rx() -> re.Pattern[str]:
    # `_type_head_rx` for the lower-cased text: case-sensitive, no lookbehind, its type words as a
    # trie; it matches wherever `_type_head_rx` does (and a little more: `NÀY`), so `re`'s own search
    # loop finds the candidates, no Python call per type-word-like hit.
    types = trie_pattern(e["word"].lower() for e in doctypes() if not e.get("named"))
    words = trie_pattern(w.lower() for w in load("doctypes.json")["self_words"])
    so = _SO.replace("(?i:s[ốổo])", "s[ốổo]")
    return re.compile(rf"{types}(?:{so}?\s*\d|\s+{words})")


@lru_cache(maxsize=8)
def _type_starts(text: str) -> list[int]:
    """Every position where `_numbered_rx`, `_short_rx` or `_self_rx` can match."""
    match = _type_head_rx().match
    search = _type_head_low_rx().search
    low = _lowered(text)
    out = []
    m = search(low)
    while m:
        p = m.start()
        if match(text, p):
            out.append(p)
        m = search(low, p + 1)  # the next candidate may start inside this one
    return out


def _bare_starts(text: str, lo: int, hi: int) -> list[int]:
    """Where `_BARE` can match: `số`/`sổ` before a number, or a digit run that ends (after a letter
    and spaces) at a separator, as the number of a symbol does."""
    out = [m.start() for m in _SO_NUMBER.finditer(_lowered(text), lo, hi)]
    # In the reversed text: a separator, spaces (one line break at most), a letter, the digits.
    n, rev = len(text), _reversed(text)
    for rx in _NUM_BEFORE_SEP:
        out += [n - m.end() for m in rx.finditer(rev, n - hi, n - lo)]
    out.sort()  # a match holds one separator: the three patterns never find the same start
    return out


@lru_cache(maxsize=8)
def _reversed(text: str) -> str:
    return text[::-1]


# `số`/`sổ` where `_BARE` can open with it: a number follows (the `số` of `một số` does not).
_SO_NUMBER = re.compile(r"s[ốổ]\s*[:.]?\s*\d")
# One pattern per separator: one that opens with a literal lets `re` jump from one to the next
# with a fast string search, where `[/\-–]` would be tested at every position (2.5x slower).
_NUM_BEFORE_SEP = tuple(re.compile(re.escape(sep) + r"[ \t*]*\n?[ \t*]*[a-zA-Z]?\d+") for sep in "/-–")


class _Taken:
    """Spans already claimed: `pos in taken` is `any(a <= pos < b for a, b in spans)`."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.reach: list[int] = []
        top = -1
        for _, b in spans:
            top = max(top, b)
            self.reach.append(top)

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos)
        return i > 0 and self.reach[i - 1] > pos


# ---------------------------------------------------------------- raw scan of a file


@dataclass
class Raw:
    """One citation found in the file text, before it is tied to a document."""

    start: int
    end: int
    rule: str
    type: str | None
    symbol: str | None = None
    number: str | None = None
    year: int | None = None
    date: str | None = None
    issuer: str | None = None
    issuer_province: str | None = None
    title: str | None = None
    short_form: bool = False
    self_ref: bool = False
    inner_of: int | None = None  # start of the amending law whose name holds this law
    extra: dict = field(default_factory=dict)


_LEAD_NUMBER = re.compile(r"\d+[a-z]?")  # the number of a normalised symbol (`30c` of `30c/NQ-CP`)


@lru_cache(maxsize=1 << 14)
def _clean_symbol(raw: str) -> str:
    return normalize_symbol(raw.replace("*", ""))


def _iso(d: str, m: str, y: str) -> str | None:
    di, mi, yi = int(d), int(m), int(y)
    if not (1 <= di <= 31 and 1 <= mi <= 12):
        return None
    return f"{yi:04d}-{mi:02d}-{di:02d}"


def _tail(text: str, pos: int, r: Raw, limit: int) -> int:
    """Read date, `năm YYYY`, issuer and subject after a citation head; return the new end."""
    end = pos
    dm = _DATE.match(text, end, limit)
    if dm:
        r.date = _iso(*dm.groups())
        end = dm.end()
    else:
        ym = _YEAR_AFTER.match(text, end, limit)
        if ym:
            r.extra["year_after"] = int(ym.group(1))
            end = ym.end()
    om = _OF.match(text, end, limit)
    if om:
        stop = _ISSUER_STOP.search(text, om.end(), min(limit, om.end() + 120))
        cand = text[om.end() : stop.start() if stop else om.end()]
        cand = _WS.sub(" ", cand).strip(" *")
        folded = fold(spelling_key(cand))
        if cand and folded.startswith(_issuer_prefixes()):
            r.issuer = spelling_key(cand)
            r.issuer_province = province_in(cand)
            end = om.end() + len(text[om.end() : stop.start() if stop else om.end()].rstrip())
            if not dm:
                dm = _DATE.match(text, end, limit)
                if dm:
                    r.date = _iso(*dm.groups())
                    end = dm.end()
    tm = _TITLE_LEAD.match(text, end, limit)
    if tm:
        lim = min(limit, tm.end() + 400)
        te = _TITLE_END.search(text, tm.end(), lim)
        while te and te.group(0) == ")" and text.count("(", tm.end(), te.start()) > text.count(")", tm.end(), te.start()):
            te = _TITLE_END.search(text, te.end(), lim)  # `(CCHC)` inside the subject
        t = _WS.sub(" ", text[tm.end() : te.start() if te else tm.end()]).strip(" *,")
        if len(t) >= 4:
            r.title = t
    return end


def _numbered(text: str, lo: int, hi: int) -> list[Raw]:
    out = []
    for m in match_at(_numbered_rx(), text, [p for p in _type_starts(text) if lo <= p < hi], hi):
        r = Raw(m.start(), m.end(), "citation.numbered", canonical_type(_WS.sub(" ", m.group("type"))))
        r.symbol = _clean_symbol(m.group("sym"))
        r.extra["sym_start"] = m.start("sym")
        r.end = _tail(text, m.end(), r, hi)
        out.append(r)
    return out


@cache
def _type_before_rx() -> re.Pattern[str]:
    return re.compile(rf"(?:các\s+)?(?P<type>{_type_rx()})(?:\s+(?:của|do)\s+[^;.]{{0,60}}?)?{_SO}?\s*$")


_CLAUSE_BREAK = re.compile(r"\.\s|\n\s*\n")


def _last_before(text: str, typed: Sequence[Raw], starts: Sequence[int], longest: int, s: int) -> Raw | None:
    """The last of `typed` (in text order) that starts before `s` and ends less than 400 chars
    before it, with no sentence or paragraph break in between. Walks back from `s` only as far
    as such a citation can start (none is longer than `longest`)."""
    k = bisect_left(starts, s) - 1
    floor = s - 400 - longest
    while k >= 0 and starts[k] >= floor:
        t = typed[k]
        if s - t.end < 400 and not _CLAUSE_BREAK.search(text, t.end, s):
            return t
        k -= 1
    return None


def _bare(text: str, lo: int, hi: int, taken: list[tuple[int, int]], typed: list[Raw]) -> list[Raw]:
    """Symbols without their own type word: lists (`..., số 48/2013/NĐ-CP và số 92/2017/NĐ-CP`), tables."""
    out = []
    claimed = _Taken(taken)
    typed_starts = [t.start for t in typed]
    longest = max((t.end - t.start for t in typed), default=0)
    for m in match_at(_BARE, text, _bare_starts(text, lo, hi), hi):
        s = m.start("sym")
        if s in claimed:
            continue
        sym = _clean_symbol(m.group("sym"))
        year, tcode, issuers = symbol_parts(sym)
        known = tcode is not None or any(code_scope(c) for c in issuers[:1])
        if not (known and (m.group("so") or tcode or year)):
            continue
        # The type: the code's word, else the nearest type word before it in the same clause.
        ctype = type_by_code().get(tcode) if tcode else None
        prev = _last_before(text, typed, typed_starts, longest, s)
        if prev and (ctype is None or fold(prev.type or "") != fold(ctype) and prev.symbol and symbol_parts(prev.symbol)[1] == tcode):
            ctype = prev.type
        if ctype is None:
            pm = _type_before_rx().search(text[max(lo, s - 200) : s])
            if pm:
                ctype = canonical_type(_WS.sub(" ", pm.group("type")))
        r = Raw(m.start(), m.end(), "citation.bare", ctype or "Văn bản")
        r.symbol = sym
        r.extra["sym_start"] = s
        r.end = _tail(text, m.end(), r, hi)
        out.append(r)
    return out


@cache
def _continuations() -> tuple[str, ...]:
    return tuple(fold(w) for w in load("doctypes.json")["name_continuations"]["entries"])


@cache
def _law_words() -> tuple[frozenset[str], frozenset[tuple[str, str]], frozenset[str], frozenset[str]]:
    """doctypes.json `law_names`: the words that end a law's name in running text (`Luật Đất đai quy
    định`), the two-word stops (`quy` starts `quy phạm` in a name but also `quy định` after one), their
    first words, and the words that cannot open a name (`luật sư`, `Luật này`)."""
    data = load("doctypes.json")["law_names"]
    pairs = frozenset((a, b) for a, b in data["stop_pairs"])
    return frozenset(data["stop_words"]), pairs, frozenset(a for a, _ in pairs), frozenset(data["not_first"])


_WORD = re.compile(r"[\wà-ỹÀ-ỸđĐ&\-–]+|[,;.:()\"“”]|\n\s*\n", re.UNICODE)


def _law_name(text: str, pos: int, hi: int, amending: bool = False) -> tuple[str, int] | None:
    """The name after `Luật` at `pos` and where it ends, or None when this is not a law's name."""
    stop_words, stop_pairs, stop_first, not_first = _law_words()
    words: list[tuple[str, int, int]] = []
    limit = 40 if amending else 16
    for m in _WORD.finditer(text, pos, min(hi, pos + 400)):
        w = m.group(0)
        low = fold(w)
        if w in ";.:()\"“”" or w.startswith("\n"):
            break
        if w == ",":
            nxt = fold(text[m.end() : m.end() + 20].strip())
            if words and any(nxt.startswith(c) for c in _continuations()):
                words.append((w, m.start(), m.end()))
                continue
            break
        if low == "và":
            rest = text[m.end() : m.end() + 30].lstrip(" \t\n*")
            if rest.startswith("Luật") and amending and any(fold(x[0]) == "của" for x in words):
                words.append((w, m.start(), m.end()))
                continue
            if rest[:1].isupper() and not rest.startswith("Luật") and words:
                words.append((w, m.start(), m.end()))
                continue
            break
        if low == "của" and amending:
            words.append((w, m.start(), m.end()))
            continue
        # The next word is read only for the first word of a stop pair (it is no pair otherwise).
        if words and low in stop_first and (low, fold(text[m.end() : m.end() + 12].strip().split(" ")[0])) in stop_pairs \
                and not (low == "thi" and fold(words[-1][0]) == "luật"):
            break
        if low == "về" and words:
            # `Luật Tương trợ tư pháp về dân sự số ...` vs `Luật Giao dịch điện tử về chữ ký số và ...`.
            tail = re.match(r"(?:\s+[\wà-ỹÀ-ỸđĐ]+){1,3}?\s+(?:(?i:số)\s*\d|ngày\s|năm\s)", text[m.end() : m.end() + 60])
            if not tail:
                break
        after_luat = bool(words) and words[-1][0] == "Luật"  # an inner law's first word is never a stop
        if low == "số" and not re.match(r"\s*[:.]?\s*\d", text[m.end() : m.end() + 5]):
            words.append((w, m.start(), m.end()))  # `Luật Tần số vô tuyến điện`: `số` without a number
            continue
        if low in stop_words and words and not after_luat and not (amending and low in {"các", "sửa", "bổ"}):
            # `Luật sửa đổi, bổ sung một số điều của ...`: `số` inside `một số điều`.
            break
        if not words and (low in not_first or not w[:1].isalpha()):
            return None
        words.append((w, m.start(), m.end()))
        if len(words) >= limit:
            break
    while words and (words[-1][0] == "," or fold(words[-1][0]) in stop_words):
        words.pop()
    if not words:
        return None
    first = words[0][0]
    if first[:1].islower() and len(words) < 2:
        return None
    end = words[-1][2]
    return _WS.sub(" ", text[words[0][1] : end]).replace(" ,", ","), end


@cache
def _long_names() -> list[re.Pattern[str]]:
    names = sorted(load("doctypes.json")["long_law_names"]["entries"], key=len, reverse=True)
    return [re.compile(_ws(n).replace(",", r"\s*,"), re.IGNORECASE) for n in names]


def _long_name(text: str, pos: int, hi: int) -> tuple[str, int] | None:
    """A gazetteer law name written whole at `pos` (the `Luật` word): (name without `Luật`, end)."""
    for rx in _long_names():
        m = rx.match(text, pos, hi)
        if m and not text[m.end() : m.end() + 1].isalpha():
            written = _WS.sub(" ", m.group(0)).replace(" ,", ",")
            return written.split(" ", 1)[1], m.end()
    return None


@cache
def _law_aliases() -> dict[str, str]:
    return {fold(e["alias"]): e["name"] for e in load("doctypes.json")["law_aliases"]["entries"]}


@cache
def _abbrev() -> list[tuple[str, str]]:
    return [(e["short"], e["full"]) for e in load("doctypes.json")["abbreviations"]["entries"]]


@cache
def _abbrev_rx() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(rf"(?<![\wà-ỹ]){re.escape(short)}(?![\wà-ỹ])"), full) for short, full in _abbrev()]


@lru_cache(maxsize=1 << 12)
def law_title(kind: str, name: str) -> str:
    """`Luật`, `Tổ chức HĐND và UBND` -> `Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân`."""
    name = spelling_key(name)
    for rx, full in _abbrev_rx():
        name = rx.sub(full, name)
    if kind != "Hiến pháp" and not fold(name).startswith("sửa đổi"):
        name = name[:1].upper() + name[1:]
    title = f"{kind} {name}"
    return _law_aliases().get(fold(title), title)


_LAW_NUMBER = re.compile(rf"{_SO}\s*({SYMBOL})")
_LAW_SYMBOL = re.compile(rf"[\s*]*,?\s*(?i:số)\s*({SYMBOL})")


def _laws(text: str, lo: int, hi: int) -> list[Raw]:
    out: list[Raw] = []
    inner_until = -1
    outer_start = None
    for m in match_at(_LAW, text, find_all(text, ("Bộ", "Luật", "Hiến"), lo, hi), hi):
        kind = _WS.sub(" ", m.group("type"))
        npos = m.end()
        while npos < hi and text[npos] in " \t\n*":
            npos += 1
        amending = fold(text[npos : npos + 12]).startswith("sửa đổi")
        nm = _LAW_NUMBER.match(text, npos, hi)
        if nm:
            # `Luật số 87/2025/QH15`: a law cited by its number alone.
            r = Raw(m.start(), nm.end(), "citation.law_number", kind, symbol=_clean_symbol(nm.group(1)))
            r.end = _tail(text, r.end, r, hi)
            r.title = None
            out.append(r)
            continue
        got = _long_name(text, m.start(), hi) or _law_name(text, npos, hi, amending)
        if not got:
            continue
        name, end = got
        r = Raw(m.start(), end, "citation.law", kind)
        r.title = law_title(kind, name)
        written = f"{kind} {name}"
        if fold(r.title).startswith(fold(written)) and len(r.title) > len(written):
            # A long official name the stop words cut short (gazetteer alias): read the rest too.
            rest = r.title[len(written) :]
            rx = r"\s*" + r"\s+".join(re.escape(w) for w in rest.split())
            em = re.compile(rx, re.IGNORECASE).match(text, end, hi)
            if em:
                end = r.end = em.end()
        if m.start() < inner_until:
            r.inner_of = outer_start  # a law named inside an amending law's name: no date of its own
            r.rule = "citation.law_amended"
        else:
            sm = _LAW_SYMBOL.match(text, end, hi)
            if sm:
                r.symbol = _clean_symbol(sm.group(1))
                end = sm.end()
            r.end = _tail(text, end, r, hi)
            if amending:
                inner_until, outer_start = end, m.start()
        # The subject after a law is not a title: laws keep their name.
        r.title = law_title(kind, name)
        out.append(r)
    return out


def _short_forms(text: str, lo: int, hi: int, taken: list[tuple[int, int]], full: list[Raw]) -> list[Raw]:
    """`Nghị quyết 30c` -> the earlier full `Nghị quyết số 30c/NQ-CP`; `Đề án số 06 của ...` unnumbered."""
    out = []
    claimed = _Taken(taken)
    for m in match_at(_short_rx(), text, [p for p in _type_starts(text) if lo <= p < hi], hi):
        if m.start() in claimed:
            continue
        typ = canonical_type(_WS.sub(" ", m.group("type")))
        num = m.group("num").lower()
        same = [f for f in full if f.symbol and fold(f.type or "") == fold(typ) and (n := _LEAD_NUMBER.match(f.symbol)) and n.group(0) == num]
        if same:
            best = max(same, key=lambda f: (f.date is not None, f.year is not None))
            r = replace(best, start=m.start(), end=m.end(), rule="citation.short_form", short_form=True, extra={})
            out.append(r)
            continue
        # A bare number followed by its issuer names a specific document without a symbol.
        r = Raw(m.start(), m.end(), "citation.numbered_no_symbol", typ)
        end = _tail(text, m.end(), r, hi)
        if r.issuer and m.group(0).lower().find("s") >= 0:
            head = _WS.sub(" ", text[m.start() : m.end()])
            r.title = f"{head[:1].upper()}{head[1:]} của {r.issuer}" + (f" về {r.title}" if r.title else "")
            r.end = end
            r.number = num
            out.append(r)
    return out


_PERIOD = re.compile(r"(?:giai\s+đoạn|năm)\s+(?:19|20)\d\d")


@cache
def _unnumbered_words() -> tuple[frozenset[str], frozenset[str]]:
    """doctypes.json `unnumbered`: the words that end an unnumbered document's name, and the function words
    left out when its name is compared with a numbered citation's title."""
    u = load("doctypes.json")["unnumbered"]
    return frozenset(u["name_stop_words"]), frozenset(u["subject_function_words"])


@cache
def _unnumbered_rx() -> re.Pattern[str]:
    u = load("doctypes.json")["unnumbered"]
    leads = "|".join(_ws(w) for w in u["leads"])
    types = "|".join(_ws(t) for t in sorted(u["types"], key=len, reverse=True))
    return re.compile(rf"(?i:{leads})\s+(?:các\s+)?(?P<type>{types})\s+(?=[\wà-ỹ])")


@cache
def _lead_words() -> tuple[str, ...]:
    """The lower-cased first word of every lead of `_unnumbered_rx` (where its matches start)."""
    return tuple(sorted({w.split()[0].lower() for w in load("doctypes.json")["unnumbered"]["leads"]}))


@cache
def _lead_back_rx() -> re.Pattern[str] | None:
    """`_unnumbered_rx` up to its type word, read backwards: in the reversed text, from just before
    a type word, the spaces, an optional `các` and a lead; it ends where the lead starts. None when
    a lead ends like another one or like `các` (a backward read could then miss a start)."""
    leads = load("doctypes.json")["unnumbered"]["leads"]
    low = [" ".join(w.lower().split()) for w in leads]
    if any(a != b and b.endswith(a) for a in low for b in low) or any(w.endswith("các") for w in low):
        return None

    def back(phrase: str) -> str:
        return r"\s+".join(re.escape(w[::-1]) for w in reversed(phrase.split()))

    return re.compile(rf"\s+(?:{back('các')}\s+)?(?i:{'|'.join(back(w) for w in leads)})")


@cache
def _type_first_words() -> tuple[str, ...]:
    return tuple(sorted({t.split()[0] for t in load("doctypes.json")["unnumbered"]["types"]}))


def _unnumbered_starts(text: str, lo: int, hi: int) -> list[int]:
    """Where `_unnumbered_rx` can match. Its type words (case-sensitive) are much rarer than its
    leads (`về`, `theo`): find them, and read the lead backwards from each."""
    back = _lead_back_rx()
    if back is None:
        return find_all(_lowered(text), _lead_words(), lo, hi)
    rev, n = _reversed(text), len(text)
    out = []
    for t in find_all(text, _type_first_words(), lo, hi):
        m = back.match(rev, n - t)
        if m and n - m.end() >= lo:
            out.append(n - m.end())
    out.sort()
    return out


def _unnumbered(text: str, lo: int, hi: int, taken: list[tuple[int, int]], full: list[Raw]) -> list[Raw]:
    """Specific documents without a number: a lead, a capitalised type word, a name with its period or issuer."""
    issuers = tuple(fold(i) for i in load("doctypes.json")["unnumbered"]["issuers"])
    stop = _unnumbered_words()[0]
    out = []
    claimed = _Taken(taken)
    for m in match_at(_unnumbered_rx(), text, _unnumbered_starts(text, lo, hi), hi):
        s = m.start("type")
        if s in claimed:
            continue
        words: list[re.Match[str]] = []
        for w in _WORD.finditer(text, m.end(), min(hi, m.end() + 300)):
            tok = w.group(0)
            low = fold(tok)
            if tok in ";.:\"“”" or tok.startswith("\n"):
                break
            if tok == "(":
                close = text.find(")", w.end(), w.end() + 12)
                if close < 0 or not text[w.end() : close].isupper():
                    break
                continue  # `(TTHC)`: an abbreviation inside the name
            if tok == ")":
                continue
            if tok == ",":
                nxt = text[w.end() : w.end() + 12].lstrip()
                if len(words) <= 3 and nxt[:1].islower() and fold(nxt.split(" ")[0]) not in stop:
                    continue  # `đào tạo, bồi dưỡng`
                break
            if low in stop and words:
                break
            words.append(w)
            if len(words) >= 25:
                break
        end = words[-1].end() if words else m.end("type")
        name = _WS.sub(" ", text[s:end]).strip()
        folded = fold(spelling_key(name))
        by_issuer = any(f"của {i}" in folded for i in issuers)
        period = _PERIOD.search(name)
        if not (period or by_issuer) or len(name.split()) < 3:
            continue
        if re.search(r"(?i:số)\s*\d", name):
            continue  # the name holds a numbered document: it is that document's subject
        after = text[end : min(hi, end + 60)]
        if re.match(r"[\s,]*(?:(?:được\s+)?(?:ban\s+hành\s+)?(?:kèm\s+)?theo|tại)\s+(?:[\wà-ỹ]+\s+){0,3}?(?i:s[ốổ])\s*\d", after, re.IGNORECASE):
            continue  # `Chương trình X theo Quyết định số 254/...`: the subject of a cited decision
        typ = canonical_type(_WS.sub(" ", m.group("type")))
        if typ in ("Chương trình tổng thể",):
            typ = "Chương trình"
        issuer = None
        im = re.search(r"\s+của\s+((?:" + "|".join(_ws(i) for i in load("doctypes.json")["unnumbered"]["issuers"]) + r").*)$", name)
        if im:
            issuer = im.group(1)
            if len(name[: im.start()].split()) > len(typ.split()):
                name = name[: im.start()]  # the issuer is not part of the name, unless the name is only the type
        if _is_subject_of(name, issuer is not None, full):
            continue
        r = Raw(s, end, "citation.unnumbered", typ)
        r.title = name
        r.issuer = issuer
        ym = re.search(r"năm\s+((?:19|20)\d\d)", name)
        r.year = int(ym.group(1)) if ym and not re.search(r"giai\s+đoạn", name) else None
        out.append(r)
    return out


def _tokens(folded: str) -> set[str]:
    return set(re.findall(r"[\wà-ỹđ\-]+", folded))


def _is_subject_of(name: str, central: bool, full: Sequence[Raw]) -> bool:
    """True when `name` only repeats what a numbered citation in the file issued or approved
    (`Kế hoạch CCHC của UBND tỉnh giai đoạn 2016-2020` = the plan of 68/KH-UBND): every content
    word of the name is in that citation's subject."""
    a = _tokens(_expand(fold(spelling_key(name))))
    function_words = _unnumbered_words()[1]
    for f in full:
        if not (f.symbol and f.title) or (central and symbol_scope(f.symbol) == "local"):
            continue
        b = _tokens(_expand(fold(spelling_key(f.title))))
        if len(a & b) >= 4 and not (a - b - function_words):
            return True
    return False


def _expand(folded: str) -> str:
    return re.sub(r"\((?:cchc|tthc)\)", "", folded).replace("cchc", "cải cách hành chính").replace("tthc", "thủ tục hành chính")


@lru_cache(maxsize=8)
def scan(text: str) -> tuple[Raw, ...]:
    """Every citation in a file's cleaned text, in text order, short forms resolved."""
    lo, hi = 0, len(text)
    typed = _numbered(text, lo, hi)
    taken = [(r.start, r.end) for r in typed]
    laws = _laws(text, lo, hi)
    taken += [(r.start, r.end) for r in laws]
    bare = _bare(text, lo, hi, taken, sorted(typed + [r for r in laws if r.symbol], key=lambda r: r.start))
    taken += [(r.start, r.end) for r in bare]
    selfs = []
    claimed = _Taken(taken)
    for m in match_at(_self_rx(), text, [p for p in _type_starts(text) if lo <= p < hi], hi):
        if m.start() not in claimed:
            selfs.append(Raw(m.start(), m.end(), "citation.self", canonical_type(_WS.sub(" ", m.group("type"))), self_ref=True))
    taken += [(r.start, r.end) for r in selfs]
    full = typed + bare
    shorts = _short_forms(text, lo, hi, taken, full)
    taken += [(r.start, r.end) for r in shorts]
    named = _unnumbered(text, lo, hi, taken, full)
    allr = sorted(typed + laws + bare + selfs + shorts + named, key=lambda r: r.start)
    for r in allr:
        _finish(r)
    _resolve_short(allr)
    return tuple(allr)


def _finish(r: Raw) -> None:
    if r.symbol:
        year, tcode, _ = symbol_parts(r.symbol)
        ya = r.extra.get("year_after")
        if not year and ya and any(e.get("normative") and e.get("code") == tcode for e in doctypes()):
            # `Nghị định số 34/NĐ-CP năm 2016`: the year belongs inside a normative symbol.
            head, rest = r.symbol.split("/", 1)
            r.symbol = f"{head}/{ya}/{rest}"
            year = str(ya)
        num = _LEAD_NUMBER.match(r.symbol)
        r.number = num.group(0) if num else None
        r.year = int(year) if year else (int(r.date[:4]) if r.date else r.extra.get("year_after"))
    elif r.year is None:
        r.year = int(r.date[:4]) if r.date else r.extra.get("year_after")


def _resolve_short(allr: Sequence[Raw]) -> None:
    """A repeated symbol or law name without its date takes the fullest occurrence's fields."""
    numbered_laws: dict[str, Raw] = {}
    for r in allr:
        if r.symbol and r.title and r.rule == "citation.law":
            numbered_laws.setdefault(fold(r.title), r)
    for k, r in enumerate(allr):
        b = numbered_laws.get(fold(r.title or "")) if not r.symbol and r.rule.startswith("citation.law") else None
        # In the subject of an older document (`Nghị định 63/2014 ... Luật Đấu thầu`) the law is an earlier one.
        older = any(p.year and b is not None and b.year and p.year < b.year and r.start - p.end < 250 for p in allr[max(0, k - 3) : k])
        if b is not None and not older and (r.year is None or r.year == b.year):
            # `Luật Cán bộ, công chức` after `Luật Cán bộ, công chức số 22/2008/QH12`: the same law.
            r.symbol, r.year, r.date, r.short_form = b.symbol, b.year, r.date or b.date, True
    best: dict[tuple, Raw] = {}
    for r in allr:
        if r.self_ref:
            continue
        k = ("s", r.symbol) if r.symbol else ("t", fold(r.title or ""))
        cur = best.get(k)
        if cur is None or (r.date and not cur.date) or (r.year and not cur.year):
            best[k] = r
    for r in allr:
        if r.self_ref:
            continue
        k = ("s", r.symbol) if r.symbol else ("t", fold(r.title or ""))
        b = best.get(k)
        if b is None or b is r:
            continue
        if r.year is None and b.year is not None and (not r.symbol or "/" in r.symbol):
            r.year, r.date = b.year, r.date or b.date
            r.issuer = r.issuer or b.issuer
            r.issuer_province = r.issuer_province or b.issuer_province
            r.short_form = True


# ---------------------------------------------------------------- per document


def file_province(ctx: Context) -> str | None:
    """The province of the current document, else of any document in the file."""
    if ctx.doc.province:
        return ctx.doc.province
    return next((d.province for d in ctx.documents if d.province), None)


@lru_cache(maxsize=1 << 14)
def resolve_issuer(issuer: str | None, symbol: str | None, province: str | None) -> str | None:
    """The canonical, province-scoped issuer: `UBND tỉnh` in a Quảng Ngãi plan -> `UBND tỉnh Quảng Ngãi`."""
    if issuer:
        t = spelling_key(issuer)
        ft = fold(t)
        for e in _issuer_names():
            p = fold(e["pattern"])
            if ft.startswith(p):
                canon = e["canonical"]
                if canon in ("Bộ", "Sở"):
                    rest = re.sub(r"^(?:Bộ trưởng|Giám đốc)\s+", "", t)
                    return rest
                if "{province}" in canon:
                    prov = province_in(t) or province
                    return canon.replace("{province}", prov).strip() if prov else canon.replace(" {province}", "")
                return canon
        return t
    if symbol:
        _, _, issuers = symbol_parts(symbol)
        if issuers:
            e = issuer_codes().get(re.sub(r"\d+$", "", issuers[0]))
            if e:
                if e["scope"] == "local":
                    return f"{e['name']} {province}" if province and e["name"].endswith("tỉnh") else e["name"]
                return e["name"]
    return None


@lru_cache(maxsize=1 << 12)
def _own_symbol(symbol: str) -> str:
    # Memoised: a file's documents' symbols come back once per document of the file.
    return normalize_symbol(symbol)


def _own_symbols(documents: Sequence[Document]) -> set[str]:
    return {_own_symbol(d.symbol) for d in documents if d.symbol}


def _like_own(title: str, own_titles: Sequence[str]) -> bool:
    """True when an unnumbered name is the file's own document (its title, with or without the type word)."""
    from rapidfuzz import fuzz

    t = fold(title)
    return any(fuzz.token_set_ratio(t, o) >= 85 for o in own_titles)


_ATTACHED = re.compile(r"(?i:kèm\s+theo)[\s*]*$")


@lru_cache(maxsize=8)
def _scan_starts(text: str) -> list[int]:
    """The starts of `scan(text)`, in order (for bisecting out one document's run)."""
    return [r.start for r in scan(text)]


def extract(ctx: Context) -> Iterator[Citation]:
    """The citations inside the current document (self-references included, marked `self_ref`)."""
    s0, e0 = ctx.body
    text = ctx.text
    own = _own_symbols(ctx.documents)
    province = file_province(ctx)
    own_titles = [fold(d.title) for d in ctx.documents if d.title]
    found = scan(text)
    starts = _scan_starts(text)
    # `found` is in text order: the document's citations are one run of it.
    for r in found[bisect_left(starts, s0) : bisect_left(starts, e0)]:
        if r.rule == "citation.unnumbered" and _like_own(r.title or "", own_titles):
            continue
        self_ref = r.self_ref
        if r.symbol and (r.symbol in own or r.start - s0 < 1500 and _ATTACHED.search(text[max(0, r.start - 40) : r.start])):
            # The file's own document, or the promulgating decision named in the plan's header.
            self_ref = True
        prov = r.issuer_province or province
        yield Citation(
            **ctx.fact_args(r.start, r.end, r.rule),
            type=r.type,
            number=r.number,
            symbol=r.symbol,
            year=r.year,
            date=r.date,
            issuer=r.issuer,
            issuer_resolved=resolve_issuer(r.issuer, r.symbol, prov),
            title=r.title,
            short_form=r.short_form,
            self_ref=self_ref,
        )
