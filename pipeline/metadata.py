"""Document metadata from the letterhead, title block, promulgation header and signature.

A Vietnamese document opens with the issuer's letterhead (`ỦY BAN NHÂN DÂN /
TỈNH X`), its number (`Số: 205/QĐ-UBND`), place and date, then the type line
(`QUYẾT ĐỊNH`), the subject, and, for decisions, the authority line that
issues it (`CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X`). It closes with the signature
(`TM. / KT. ... / title / name`) and the recipients (`Nơi nhận:`). A plan
promulgated by a decision has none of these but its header
`(Ban hành kèm theo Quyết định số ... ngày ... của ...)`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from itertools import islice
from typing import Any

import numpy as np

from .gazetteer import load
from .models import Document, Removed, Source
from .text.headings import doc_headings, mostly_upper, opener_pattern, type_headings
from .text.normalize import collapse, normalize_symbol
from .text.tones import modern_tone

# ---------------------------------------------------------------- patterns

_SYM = (r"(?P<num>\d{1,5}(?:\.\d{1,3})?[a-zA-Z]?)?[ \t]*(?P<rest>(?:[/-][ \t]*(?:19|20)\d\d[ \t]*)?[/-][ \t]*[A-ZĐ][A-Za-zĐđ0-9&]*"
        r"(?:[ \t]*[-/][ \t]*[A-ZĐ0-9][A-Za-zĐđ0-9&]*)*)")
_SO = re.compile(r"(?m)(?:^[ \t|*#]*Số[ \t]*:?|(?<![\wÀ-ỹ])[Ss]ố[ \t]*:)[ \t]*(?:\n[ \t|*]*)?" + _SYM)
_DATE_LINE = re.compile(
    r"(?:,|(?<=[a-zà-ỹ]) )[ \t]*ngày[ \t]*(?P<d>\d{1,2})?[ \t]*tháng[ \t]*(?P<m>\d{1,2})?[ \t]*năm[ \t]*(?P<y>(?:19|20)\d\d)")
_DATE_ANY = re.compile(
    r"(?:ngày[ \t\n]*(?P<d>\d{1,2})?[ \t\n]*(?:/|tháng)[ \t\n]*(?P<m>\d{1,2})[ \t\n]*(?:/|năm)[ \t\n]*(?P<y>(?:19|20)\d\d))"
    r"|(?P<d2>\d{1,2})[ \t]*/[ \t]*(?P<m2>\d{1,2})[ \t]*/[ \t]*(?P<y2>(?:19|20)\d\d)")
_HEADER = re.compile(
    r"\(\s*(?:\*\*)?(?:Ban\s+hành\s+)?[Kk]èm\s+theo\s+(?P<type>Quyết\s+định|Nghị\s+quyết|Chỉ\s+thị|Nghị\s+định|Thông\s+tư|"
    r"Kế\s+hoạch|Chương\s+trình)\s+(?:số\s*)?(?P<sym>[^()\n]{0,40}?)\s*(?P<date>ngày\s[^()]{0,40}?)?\s*"
    r"(?:của\s+(?P<by>[^()]{3,120}?))?\s*(?:\*\*)?\)", re.I)
_CAN_CU = re.compile(r"(?m)^[ \t*]*" + opener_pattern() + r"\b")  # a preamble paragraph starts (gazetteer/preamble.json)
_MOTTO_WORDS = re.compile(
    r"(?:CỘNG\s+)?H[OÒ][ÀA]?\s*XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|^\s*CỘNG\s*$|"
    r"Độc\s+lập\s*-\s*Tự\s*d\s*o\s*-\s*Hạnh\s+phúc|Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc|CÔNG\s+BÁO[^\n]*|"
    r"VĂN\s+BẢN\s+QUY\s+PHẠM\s+PHÁP\s+LUẬT|VĂN\s+BẢN\s+PHÁP\s+LUẬT\s+KHÁC|VĂN\s+BẢN\s+HỢP\s+NHẤT\s*-?", re.I)
_BODY_START = re.compile(
    r"^(?:ỦY|UỶ|BAN|SỞ|BỘ|CHÍNH|VĂN|HỘI|CỤC|TỔNG|THỦ|QUỐC|TRUNG|TỈNH ỦY|THÀNH ỦY|ĐẢNG|KIỂM|TÒA|NGÂN|CÔNG AN|ĐẠI HỌC|VIỆN)\b")
# An authority names an office, never a document: a line with a document number, or one that
# opens with the verb `ban hành` (not the noun `Ban`, a board), belongs to the title.
_NOT_AUTHORITY = re.compile(r"\d\s*/|^BAN HÀNH\b|\bSỐ\s+\d")
_VBHN = re.compile(r"(?m)^[ \t|*]*Số[ \t]*:[ \t]*\d+[ \t]*/[ \t]*VBHN")
_VV = re.compile(r"(?m)^[ \t|*]*V/v[ \t.:]*([^\n|]+)")
_PAREN_STOP = re.compile(r"^\(\s*(?:\*\*)?(?:Ban hành|BAN HÀNH|[Kk]èm|KÈM|Đã ký|Dự thảo|DỰ THẢO|Áp dụng|Văn bản|Tiếp theo)")
_AUTHORITY = re.compile(
    r"^(?:CHỦ TỊCH |BỘ TRƯỞNG |THỦ TƯỚNG |GIÁM ĐỐC |TỔNG GIÁM ĐỐC )?(?:ỦY BAN|UỶ BAN|HỘI ĐỒNG|CHÍNH PHỦ|BỘ |SỞ |QUỐC HỘI|"
    r"BAN THƯỜNG VỤ|BAN CHẤP HÀNH|TỈNH ỦY|TỈNH UỶ|THÀNH ỦY|THÀNH UỶ|CHỦ TỊCH NƯỚC)")
_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:[ \t]+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,5}$")


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# ---------------------------------------------------------------- gazetteer views


@cache
def _type_line() -> re.Pattern[str]:
    words = sorted(type_headings(), key=len, reverse=True)
    alts = "|".join(w.replace(" ", r"[ \t]+") for w in words)
    return re.compile(r"(?m)^[ \t]*(?:\*\*)?(" + alts + r")(?:\*\*)?[ \t]*$")


@cache
def _code_types() -> dict[str, str]:
    return {c: e["type"] for e in doc_headings()["types"] for c in e["codes"]}


# A signer title line: `_SIGNER_HEAD`, a title pattern of the gazetteer, `_SIGNER_TAIL`.
_SIGNER_HEAD, _SIGNER_TAIL = r"^(?:(?:TM|KT|TL|TUQ|Q)\.[ \t]*)?(?:", r")[ \t]*$"


@cache
def _signer_re() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(_SIGNER_HEAD + e["pattern"] + _SIGNER_TAIL), e["title"]) for e in doc_headings()["signer_titles"])


@cache
def _signer_alternatives() -> str:
    """The gazetteer's signer title patterns as one alternation (for the unions below)."""
    return "|".join(f"(?:{e['pattern']})" for e in doc_headings()["signer_titles"])


@cache
def _signer_any() -> re.Pattern[str] | None:
    """The union of the `_signer_re` patterns: where it does not match, none of them does.

    (Their shared head and tail are written once, around the alternatives: the same strings match, and
    a line that matches none is rejected three times faster than by trying each whole pattern in turn.)"""
    try:
        return re.compile(_SIGNER_HEAD + _signer_alternatives() + _SIGNER_TAIL)
    except re.error:  # patterns that cannot share one regex (a group name used twice): no shortcut
        return None


def _signer_title(s: str) -> str | None:
    """The title of the first `_signer_re` pattern that matches `s`."""
    union = _signer_any()
    if union is not None and union.match(s) is None:
        return None
    return next((t for pat, t in _signer_re() if pat.match(s)), None)


@cache
def _signer_suffix_re() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(r"(?:^|\s)(?:" + e["pattern"] + r")[ \t]*$"), e["title"]) for e in doc_headings()["signer_titles"])


@cache
def _signer_prefix_re() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(_SIGNER_HEAD + e["pattern"] + r")\s+\S"), e["title"]) for e in doc_headings()["signer_titles"])


@cache
def _rank_re() -> re.Pattern[str]:
    return re.compile(doc_headings()["signer_ranks"]["pattern"])


@cache
def _provinces() -> dict[str, str]:
    """Folded province name -> name as written, old and new units."""
    data = load("provinces.json")
    out = {}
    for part in ("old", "new"):
        for e in data.get(part, []):
            out[modern_tone(e["name"]).lower()] = e["name"]
    return out


@cache
def _proper_phrases() -> tuple[str, ...]:
    phrases = [e["phrase"] for e in doc_headings()["proper_phrases"]]
    phrases += [e["name"] for e in load("provinces.json").get("old", [])]
    phrases += [e["name"] for e in load("provinces.json").get("new", [])]
    return tuple(sorted(set(phrases), key=len, reverse=True))


@cache
def _abbrevs() -> frozenset[str]:
    return frozenset(doc_headings()["abbreviations"]["words"])


# ---------------------------------------------------------------- small readers


@cache
def _mixed_codes() -> tuple[str, ...]:
    return tuple(c for e in doc_headings()["types"] for c in e["codes"] if c != c.upper())


def norm_symbol(raw: str) -> str:
    """`normalize_symbol`, keeping type codes that are written in mixed case (`131/CTr-UBND`, `52/TTr-SNV`)."""
    s = normalize_symbol(raw)
    for code in _mixed_codes():
        if code in raw:
            s = _mixed_code_re(code).sub(code, s)
    return s


@cache
def _mixed_code_re(code: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-ZĐ])" + re.escape(code.upper()) + r"(?![A-ZĐ])")


def parse_date(s: str) -> str | None:
    """`13 /3/2017`, `ngày 09 tháng 02 năm 2012`, `ngày tháng 11 năm 2021` -> ISO (YYYY-MM when the day is blank)."""
    m = _DATE_ANY.search(s)
    if not m:
        return None
    if m.group("y"):
        d, mo, y = m.group("d"), m.group("m"), m.group("y")
    else:
        d, mo, y = m.group("d2"), m.group("m2"), m.group("y2")
    return _iso(d, mo, y)


def _iso(d: str | None, mo: str | None, y: str) -> str | None:
    if not mo:
        return f"{int(y):04d}"
    if not 1 <= int(mo) <= 12:
        return None
    if not d:
        return f"{int(y):04d}-{int(mo):02d}"
    if not 1 <= int(d) <= 31:
        return None
    return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"


def read_symbol(s: str) -> tuple[str | None, str | None, int, int] | None:
    """The first `Số: ...` in `s`: (number, normalised symbol, start, end); symbol None when the number is blank."""
    m = _SO.search(s)
    if not m:
        return None
    num = m.group("num")
    rest = m.group("rest")
    if not num:
        return None, None, m.start(), m.end()
    return num, norm_symbol(num + rest), m.start(), m.end()


_UBND = re.compile(r"(?i)ủy\s+ban\s+nhân\s+dân")
_HDND = re.compile(r"(?i)hội\s+đồng\s+nhân\s+dân")
_PLACE_TAIL = re.compile(r"(?i)^(.*?)\b(tỉnh|thành phố)\s+(.+)$")


@cache
def _signer_titles_longest_first() -> tuple[str, ...]:
    return tuple(sorted((e["title"].lower() for e in doc_headings()["signer_titles"]), key=len, reverse=True))


@cache
def _org_words() -> frozenset[str]:
    """doc_headings.json `organisation_words`: the words that open an organisation's name (`Bộ`, `Chi cục`)."""
    return frozenset(doc_headings()["organisation_words"]["words"])


def format_issuer(raw: str) -> str:
    """`ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI` -> `UBND tỉnh Quảng Ngãi`; `Chủ tịch Ủy ban nhân dân tỉnh Sơn La` -> `Chủ tịch UBND tỉnh Sơn La`."""
    s = modern_tone(collapse(raw)).strip(" ,.;:|")
    s = _UBND.sub("UBND", s)
    s = _HDND.sub("HĐND", s)
    if not mostly_upper(s.replace("UBND", "").replace("HĐND", "")):
        return s[:1].upper() + s[1:]  # written in mixed case: keep it as written
    m = _PLACE_TAIL.match(s)
    tail = ""
    if m:
        s, kind, place = m.group(1), m.group(2), m.group(3)
        tail = f"{kind.lower()} {_province_case(place)}"
    toks = s.split()
    low = [t.lower() for t in toks]
    words: list[str] = []
    i = 0
    # A position first (`BỘ TRƯỞNG BỘ ...`, `CHỦ TỊCH UBND ...`): only its first word takes a capital.
    for t in _signer_titles_longest_first():
        n = len(t.split())
        if low[:n] == t.split():
            words.append(t[:1].upper() + t[1:])
            i = n
            break
    # In an organisation's name each coordinated part starts with a capital: `Bộ Lao động - Thương binh và Xã hội`.
    cap_next, in_org = True, False
    org_words = _org_words()
    for t, w in zip(toks[i:], low[i:], strict=True):
        if t in ("UBND", "HĐND") or t in _abbrevs():
            words.append(t)
            cap_next = False
            continue
        words.append(w[:1].upper() + w[1:] if cap_next else w)
        pair = f"{low[i + len(words) - 2] if len(words) >= 2 else ''} {w}".strip()
        if w in org_words or pair in org_words:
            in_org, cap_next = True, True
        else:
            cap_next = in_org and (w in ("và", "-", "–") or t.endswith(","))
    out = " ".join(words + ([tail] if tail else []))
    out = _restore_phrases(out)
    return out[:1].upper() + out[1:]


def _province_case(place: str) -> str:
    place = place.strip(" ,.;:)")
    key = modern_tone(place).lower()
    if key in _provinces():
        return _provinces()[key]
    return " ".join(w[:1].upper() + w[1:].lower() if w != "-" else w for w in place.split())


def province_of(issuer: str | None) -> str | None:
    """`UBND tỉnh Quảng Ngãi` -> `Quảng Ngãi` (a known province only)."""
    if not issuer:
        return None
    m = re.search(r"(?:tỉnh|thành phố)\s+(.+)$", issuer)
    if not m:
        return None
    key = modern_tone(m.group(1)).lower().strip()
    return _provinces().get(key)


# ---------------------------------------------------------------- title casing


def _restore_phrases(s: str) -> str:
    """Give gazetteer proper phrases (`Tỉnh ủy`, `Chính phủ`, province names) their capitals."""
    folded = modern_tone(s).lower()
    chars = list(s)
    taken = [False] * len(s)  # a longer phrase already decided these letters (`Ủy ban Thường vụ` over `Ban Thường vụ`)
    for ph, key in _phrase_keys():
        if key not in folded:
            continue
        n = len(key)
        for at in _whole_word_starts(key, folded):
            if any(taken[at:at + n]):
                continue
            taken[at:at + n] = [True] * n
            for k, ch in enumerate(ph):
                c = chars[at + k]
                chars[at + k] = c.upper() if ch.isupper() else c.lower()
    return "".join(chars)


@cache
def _phrase_keys() -> tuple[tuple[str, str], ...]:
    """Each proper phrase with its folded key."""
    return tuple((ph, modern_tone(ph).lower()) for ph in _proper_phrases())


def _is_word_char(c: str) -> bool:
    r"""`re.match(r"[\wÀ-ỹ]", c)` for one character (`\w` is `str.isalnum` or `_`)."""
    return c.isalnum() or c == "_" or "À" <= c <= "ỹ"


def _whole_word_starts(key: str, s: str) -> list[int]:
    r"""Where `(?<![\wÀ-ỹ])key(?![\wÀ-ỹ])` matches in `s` (`finditer`: left to right, not overlapping),
    found with `str.find`. (A pattern per key cost a compile of its two big classes, ~3 ms, the first time
    each key turned up in a process: ~0.2 s per worker.)"""
    out: list[int] = []
    if not key:
        return out  # (an empty key changes no letter wherever it matches)
    n, end_of_s = len(key), len(s)
    pos = s.find(key)
    while pos >= 0:
        end = pos + n
        if (pos == 0 or not _is_word_char(s[pos - 1])) and (end == end_of_s or not _is_word_char(s[end])):
            out.append(pos)
            pos = s.find(key, end)
        else:
            pos = s.find(key, pos + 1)
    return out


_SENT_START = re.compile(r"(?:^|[.:;!?(\-+*\n]\s*|\d[.)]\s+|[a-zđ]\)\s+)$")


def _body_capitals(body: str) -> dict[str, bool]:
    """Words that the mixed-case body always writes with a capital (outside sentence starts), seen at least twice."""
    caps: dict[str, list[int]] = {}
    for line in body.split("\n"):
        if mostly_upper(line):
            continue
        for m in re.finditer(r"[A-Za-zÀ-ỹĐđ]+", line):
            w = m.group(0)
            if len(w) < 2 or _SENT_START.search(line[max(0, m.start() - 4):m.start()]) or m.start() == 0:
                continue
            c = caps.setdefault(modern_tone(w).lower(), [0, 0])
            c[0 if w[:1].isupper() else 1] += 1
    return {k: v[0] >= 2 and v[1] == 0 and not all(ch.isupper() for ch in k) for k, v in caps.items()}


# Proper nouns of a title show up early in its body; scanning further only costs time on long codes.
_CASING_WINDOW = 40_000
_WORD = re.compile(r"[A-Za-zÀ-ỹĐđ]+")


def _body_runs(body: str) -> dict[str, str]:
    """Runs of two or more capitalised words in the mixed-case body (`Phạm Minh Chính`, `Bộ Nội`), folded -> as written."""
    runs: dict[str, str] = {}
    for line in body.split("\n"):
        if mostly_upper(line):
            continue
        words = list(_WORD.finditer(line))
        i = 0
        while i < len(words):
            j = i
            while (j < len(words) and words[j].group(0)[:1].isupper() and not words[j].group(0).isupper()
                   and (j == i or line[words[j - 1].end():words[j].start()] == " ")):
                j += 1
            k = i
            if j > i and (words[i].start() == 0 or _SENT_START.search(line[max(0, words[i].start() - 4):words[i].start()])):
                k = i + 1  # a sentence start says nothing about the first word
            if j - k >= 2:
                run = " ".join(w.group(0) for w in words[k:j])
                runs.setdefault(modern_tone(run).lower(), run)
            i = max(j, i + 1)
    # Keep a run only where the body mostly writes those words that way (`Chính Phủ` once against `Chính phủ`).
    mixed = " ".join(collapse(line) for line in body.split("\n") if not mostly_upper(line))
    folded = modern_tone(mixed).lower()
    return {k: v for k, v in runs.items() if 2 * mixed.count(v) >= folded.count(k)}


# The title needs the body's casing only for its own words. `_BodyCasing` answers for those words alone,
# with the same answers `_body_capitals` and `_body_runs` give, by searching a folded copy of the mixed-case
# lines instead of reading every word of the body. That copy lines up character for character with the body
# whenever folding and lower-casing keep every letter a single letter of the word class (always, in practice);
# otherwise the whole-body readers above are used.
_WORD_CHARS = "A-Za-zÀ-ỹ"  # the class of `_WORD` (Đ and đ lie inside À-ỹ)


def _ranges(chars: list[str]) -> str:
    """A regex character class body for the characters."""
    out, codes, i = [], sorted(map(ord, chars)), 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        out.append(re.escape(chr(codes[i])) + ("-" + re.escape(chr(codes[j])) if j > i else ""))
        i = j + 1
    return "".join(out)


@cache
def _casing_tables() -> tuple[frozenset[str], re.Pattern[str], re.Pattern[str]]:
    """Word-class letters; the characters that break the folded copy's alignment; runs of capitalised words."""
    letters = [chr(c) for c in (*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x1EFA))]
    word = frozenset(letters)
    upper = [c for c in letters if c.isupper()]  # `w[:1].isupper()`
    # `w.isupper()` is False as soon as one letter is lower or title case: `(c + "A").isupper()` says which.
    lower = [c for c in letters if not (c + "A").isupper()]
    lower_set = frozenset(lower)
    bad = {c for c in letters if len(c.lower()) != 1 or c.lower() not in word}
    bad |= set(upper) & lower_set
    bad.add("Σ")  # its lower case depends on what follows
    # Outside the class, but lower-cased into it (the Kelvin sign) or into two characters. (No character above
    # U+1FFFF has a lower case.) Lower-casing them all at once lines up unless one becomes two characters.
    others = re.sub(f"[{_WORD_CHARS}]+", "", "".join(map(chr, range(0x20000))))
    lowered = others.lower()
    if len(lowered) == len(others):
        bad.update(others[m.start()] for m in re.finditer(f"[{_WORD_CHARS}]", lowered))
    else:
        bad.update(c for c in others if len(c.lower()) != 1 or c.lower() in word)
    guard = re.compile("[" + _ranges(sorted(bad)) + "\U00020000-\U0010FFFF]")
    not_lower = [c for c in letters if c not in lower_set]
    cap = f"[{_ranges(upper)}][{_ranges(not_lower)}]*[{_ranges(lower)}][{_WORD_CHARS}]*"
    # Two or more capitalised, not all-capital words, one space apart: a run as `_body_runs` reads it.
    # (The look-behind for a word start comes after the first letter, `[A-Z...](?<![word].)`: a pattern that
    # opens with a character class lets the engine skip ahead to the capitals.)
    first, more = cap.split("]", 1)
    chain = re.compile(f"{first}](?<![{_WORD_CHARS}].){more}(?: {cap})+")
    return word, guard, chain


def _mixed_lines(body: str) -> str:
    """`"\\n".join(ln for ln in body.split("\\n") if len(ln) < 3 or not mostly_upper(ln))`: the body without
    its capitalised lines. `mostly_upper` is asked only about the lines its quick exit would not answer
    (found with numpy: ASCII a-z more than a fifth of a line's first 160 characters says False), a
    sixth of them; the few capitalised lines are cut out of the body."""
    a = np.frombuffer(body.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    n = len(a)
    if n != len(body):  # (characters beyond U+FFFF take two code units: positions would not line up)
        return "\n".join(ln for ln in body.split("\n") if len(ln) < 3 or not mostly_upper(ln))
    breaks = np.flatnonzero(a == 10)
    starts = np.empty(len(breaks) + 1, np.int64)
    starts[0], starts[1:] = 0, breaks + 1
    ends = np.empty(len(breaks) + 1, np.int64)
    ends[:-1], ends[-1] = breaks, n
    stop = np.minimum(ends, starts + 160)
    ascii_lower = np.zeros(n + 1, np.int32)  # ascii_lower[i]: ASCII a-z among the first i characters
    np.cumsum((a - np.uint16(97)) < 26, out=ascii_lower[1:])
    # (A line of fewer than three characters has fewer than three letters: never mostly upper.)
    ask = np.flatnonzero((5 * (ascii_lower[stop] - ascii_lower[starts]) <= stop - starts) & (ends - starts >= 3))
    kept: list[str] = []
    start = 0  # the first line neither kept nor dropped yet
    for ls, le in zip(starts[ask].tolist(), ends[ask].tolist(), strict=True):
        if mostly_upper(body[ls:le]):
            if ls > start:
                kept.append(body[start:ls - 1])  # the lines before this one
            start = le + 1
    if start == 0:
        return body
    if start <= n:
        kept.append(body[start:])
    return "\n".join(kept)


class _BodyCasing:
    """The casing statistics of a body, computed for the words asked about."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.mixed = _mixed_lines(body)
        self.folded = modern_tone(self.mixed).lower()
        word, guard, _ = _casing_tables()
        self.fast = len(self.folded) == len(self.mixed) and guard.search(self.mixed) is None
        self._caps: dict[str, bool] | None = None
        self._memo: dict[str, bool] = {}
        self._joined: tuple[str, str] | None = None

    def capital(self, key: str) -> bool:
        """`_body_capitals(body).get(key)`, as a truth value."""
        if not self.fast:
            if self._caps is None:
                self._caps = _body_capitals(self.body)
            return bool(self._caps.get(key))
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._capital(key)
        return hit

    def _capital(self, key: str) -> bool:
        word = _casing_tables()[0]
        if len(key) < 2 or not all(ch in word for ch in key):
            return False  # no word of the body folds to it
        mixed, folded, n = self.mixed, self.folded, len(key)
        up = 0
        pos = folded.find(key)
        while pos >= 0:
            end = pos + n
            if (pos == 0 or mixed[pos - 1] not in word) and (end == len(mixed) or mixed[end] not in word):
                ls = mixed.rfind("\n", 0, pos) + 1
                if pos != ls and not _SENT_START.search(mixed[max(ls, pos - 4):pos]):
                    if not mixed[pos].isupper():
                        return False
                    up += 1
            pos = folded.find(key, pos + 1)
        return up >= 2 and not all(ch.isupper() for ch in key)

    def runs(self, title_folded: str) -> dict[str, str]:
        """`_body_runs(body)`, keeping only the runs found in `title_folded` (the others change nothing)."""
        if not self.fast:
            return {k: v for k, v in _body_runs(self.body).items() if k in title_folded}
        mixed, folded = self.mixed, self.folded
        runs: dict[str, str] = {}
        for m in _casing_tables()[2].finditer(mixed):
            a, b = m.span()
            # Whichever the key, it holds the run's words after the first: most runs are not in the title.
            if folded[mixed.index(" ", a, b) + 1:b] not in title_folded:
                continue
            ls = mixed.rfind("\n", 0, a) + 1
            if a == ls or _SENT_START.search(mixed[max(ls, a - 4):a]):
                a = mixed.index(" ", a, b) + 1  # a sentence start says nothing about the first word
                if " " not in mixed[a:b]:
                    continue
            key = folded[a:b]
            if key in title_folded:
                runs.setdefault(key, mixed[a:b])
        if not runs:
            return runs
        if self._joined is None:
            # `" ".join(collapse(line) for line in self.lines)`, in C (`**` never straddles a line break).
            mixed = self.mixed
            joined = mixed.replace("\n", " ")
            if (joined.isprintable() and "  " not in mixed and " \n" not in mixed and "\n " not in mixed
                    and "**" not in mixed and mixed[:1] != " " and mixed[-1:] != " "):
                # Every line is collapsed already (no `**`, no white space but single inner spaces: all other
                # white space is unprintable): that is the lines joined by spaces, and the fold lines up.
                # (An empty line is collapsed too: a body that ends with a line break ends with a space either way.)
                self._joined = (joined, folded.replace("\n", " "))
            else:
                joined = " ".join(map(" ".join, map(str.split, mixed.replace("**", "").split("\n"))))
                self._joined = (joined, modern_tone(joined).lower())
        joined, joined_folded = self._joined
        return {k: v for k, v in runs.items() if 2 * joined.count(v) >= joined_folded.count(k)}


@lru_cache(maxsize=4)
def _body_casing(body: str) -> _BodyCasing:
    return _BodyCasing(body)


def _apply_runs(s: str, runs: dict[str, str]) -> str:
    """Copy the casing of body runs onto the same words in `s`, longest runs first."""
    folded = modern_tone(s).lower()
    chars = list(s)
    for key in sorted(runs, key=len, reverse=True):
        if key not in folded:
            continue
        for at in _whole_word_starts(key, folded):
            for k, ch in enumerate(runs[key]):
                if ch.isupper():
                    chars[at + k] = chars[at + k].upper()
    return "".join(chars)


def sentence_case(title: str, body: str = "") -> str:
    """An all-capitals title in sentence case, with proper nouns and symbols restored."""
    title = collapse(title).strip(" .;:")
    if not title:
        return title
    if not mostly_upper(title):
        return title[:1].upper() + title[1:]
    body = body[:_CASING_WINDOW]
    casing = _body_casing(body) if body else None
    out: list[str] = []
    for tok in title.split(" "):
        core = tok.strip("(),.;:\"“”")
        if any(ch.isdigit() for ch in core) or "/" in core:
            if _SYMBOL_START.match(core) and _TWO_CAPS.search(core):
                tok = tok.replace(core, norm_symbol(core))
            out.append(tok)
            continue
        if core in _abbrevs() or (tok.startswith("(") and tok.endswith(")") and core.isupper() and len(core) <= 8):
            out.append(tok)
            continue
        low = tok.lower()
        if casing is not None and casing.capital(modern_tone(core).lower()):
            low = low.replace(core.lower(), core[:1] + core[1:].lower(), 1)
        out.append(low)
    s = " ".join(out)
    if casing is not None:
        s = _apply_runs(s, casing.runs(modern_tone(s).lower()))
    s = _restore_phrases(s)
    # A type word naming a document (`Nghị quyết số`, `ban hành Kế hoạch`) is capitalised.
    for word, pat in _type_word_res():
        if word in s:  # (each pattern matches only where its word is)
            s = pat.sub(_capitalise_match, s)
    return s[:1].upper() + s[1:]


_SYMBOL_START = re.compile(r"^\d+[A-Za-z]?[/-]")
_TWO_CAPS = re.compile(r"[A-ZĐ]{2}")


def _capitalise_match(m: re.Match[str]) -> str:
    return m.group(0)[:1].upper() + m.group(0)[1:]


@cache
def _type_word_res() -> tuple[tuple[str, re.Pattern[str]], ...]:
    types = [t.lower() for t in type_headings().values()]
    return tuple((t, re.compile(r"(?:(?<=ban hành )|(?<=phê duyệt )|(?<=^))" + re.escape(t) + r"(?![\wÀ-ỹ])"
                            r"|" + re.escape(t) + r"(?=\s+(?:số\s|\d))")
                 ) for t in sorted(types, key=len, reverse=True))


# ---------------------------------------------------------------- the reader


def _lines(s: str, base: int = 0) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for line in s.split("\n"):
        out.append((base + pos, base + pos + len(line), line))
        pos += len(line) + 1
    return out


# Capitalised lines that are not a letterhead: list items (`13. XÂY DỰNG ĐẢNG ...` in a page of
# slogans) and an annex's caption (`BAN HÀNH KÈM THEO QUYẾT ĐỊNH SỐ ...`).
_NOT_LETTERHEAD = re.compile(r"(?i)^(?:\d{1,3}[.)][ \t]|[IVXL]{1,5}\.[ \t]|(?:ban[ \t]+hành[ \t]+)?kèm[ \t]+theo\b)")


def _letterhead_issuer(head: str) -> str | None:
    """The issuing body named in the letterhead cells before the number line."""
    parts: list[str] = []
    repeat = False
    for _, _, line in _lines(head):
        s = _MOTTO_WORDS.sub(" ", line.replace("|", " ").replace("*", " "))
        s = re.sub(r"[-_=]{2,}", " ", s)
        s = collapse(s)
        if not s:
            continue
        if re.match(r"(?i)^(?:[\wÀ-ỹ]+\s){0,3}số\s*:|^số\b|.*,\s*ngày", s):
            break
        if not (mostly_upper(s) or s.isupper()) or len(s) > 90 or _NOT_LETTERHEAD.match(s):
            parts = []  # chrome, a title or a numbered/annex line before the letterhead: start over
            continue
        if parts and _BODY_START.match(s) and not re.match(r"^(?:TỈNH|THÀNH PHỐ|HUYỆN)\b", s) and len(" ".join(parts)) > 3:
            if collapse(" ".join(parts)).endswith(("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "BỘ",
                                                   "BAN", "SỞ")):
                parts.append(s)
                continue
            if s == collapse(" ".join(parts)) or collapse(" ".join(parts)).startswith(s):
                repeat = True
                continue  # the running header repeats the letterhead
            parts = [s]  # the lower line of a two-level letterhead is the issuer
            continue
        if repeat and s in collapse(" ".join(parts)):
            continue  # the rest of the repeated letterhead (`BỘ LAO ĐỘNG - THƯƠNG BINH / VÀ XÃ HỘI`)
        repeat = False
        parts.append(s)
    if not parts:
        return None
    joined = collapse(" ".join(parts))
    # Words split across cells (`ỦY / BAN NHÂN DÂN`) join back with the space collapse gives them.
    return joined if len(joined) >= 4 else None


def _authority_line(after_title: str) -> str | None:
    """The capitalised line that enacts a decision (`ỦY BAN NHÂN DÂN TỈNH X`), before its `Căn cứ` lines."""
    cc = _CAN_CU.search(after_title)
    zone = after_title[:cc.start()] if cc else after_title[:600]
    for _, _, line in _lines(zone):
        s = collapse(line.replace("*", ""))
        if _NOT_AUTHORITY.search(s):
            continue  # a wrapped title's line (`BAN HÀNH KÈM THEO QUYẾT ĐỊNH SỐ 55/2014/...`): it names a document
        if s and mostly_upper(s) and _BODY_START.match(s) and len(s) <= 120:
            return s
        if s.startswith("CHỦ TỊCH") or s.startswith("BỘ TRƯỞNG") or s.startswith("THỦ TƯỚNG"):
            return s
    return None


def _title_lines(text: str, start: int, limit: int) -> tuple[int, int] | None:
    """The span of the subject lines that follow a type line."""
    pos = start
    first = last = None
    for ls, le, line in _lines(text[start:limit], start):
        s = line.strip().strip("*").strip()
        if not s or set(s) <= set("-_|=*"):
            if first is not None:
                break
            continue
        if (_PAREN_STOP.match(s) or _CAN_CU.match(s) or re.match(r"^(?:Điều|Chương|Phần)\s+\w+[.:]?|^[IVX]+[.\-]\s", s)
                or s.endswith(":") and s.upper() == s):
            break
        if (first is not None and sum(c.isalpha() for c in s) >= 3
                and mostly_upper(s) != mostly_upper(text[first:last])):
            break  # the authority line after a mixed-case subject, or the body after a capitalised one
        if first is not None and mostly_upper(s) and _AUTHORITY.match(s) and len(s) < 90:
            break
        if first is None:
            first = ls + (len(line) - len(line.lstrip()))
        last = le
        pos = le
        if last - first > 600:
            break
    del pos
    return (first, last) if first is not None else None


def read_metadata(text: str, doc: Document, docs: list[Document], source: Source,
                  removed: tuple[Removed, ...] = ()) -> dict[str, Any]:
    """Type, symbol, date, place, issuer, province, title, signer and recipients of one document.

    `removed` are the pieces cleaning dropped: a letterhead it took for a running header still names
    the first document's number and issuer.
    """
    s0, e0 = doc.start, doc.end
    body = text[s0:e0]
    out: dict[str, Any] = {}
    tm = _type_line().search(body, 0, min(len(body), 5000))
    type_at = s0 + tm.start() if tm else None
    if tm:
        out["type"] = type_headings()[collapse(tm.group(1))]
    letter_end = type_at if type_at is not None else min(e0, s0 + 2500)
    letterhead = text[s0:letter_end]
    promulgated = doc.promulgated_by is not None

    # Number and symbol.
    sym = read_symbol(letterhead[-2500:]) if letterhead else None
    if sym is None and not promulgated:
        # A consolidated text carries its number in the authentication block after the text (`Số: 22/VBHN-BTC`).
        vb = _VBHN.search(body)
        if vb is not None:
            sym = read_symbol(body[vb.start():vb.end() + 40])
            if sym is not None:
                out["type"] = "Văn bản hợp nhất"
                dm = _DATE_LINE.search(body, vb.end(), vb.end() + 200)
                if dm:
                    out["date"] = _iso(dm.group("d"), dm.group("m"), dm.group("y"))
    dropped_head = ""
    if sym is None and doc.index == 0:
        dropped_head = "\n".join(r.text for r in removed if r.raw_start < 3000 and _SO.search(r.text))
        sym = read_symbol(dropped_head) if dropped_head else None
    if sym is not None:
        out["number"], out["symbol"] = sym[0], sym[1]
    # Place and date.
    if "date" not in out:
        dm = _DATE_LINE.search(letterhead[-2500:]) if letterhead else None
        if dm:
            seg = letterhead[-2500:]
            out["date"] = _iso(dm.group("d"), dm.group("m"), dm.group("y"))
            place = _place_before(seg, dm.start())
            if place:
                out["place"] = place
    if "date" not in out and not promulgated:
        # A law is dated by its passing: `Luật này đã được Quốc hội ... thông qua ngày 13 tháng 11 năm 2020.`
        pm = re.search(r"thông qua ngày[ \t\n]*(\d{1,2})[ \t\n]*tháng[ \t\n]*(\d{1,2})[ \t\n]*năm[ \t\n]*((?:19|20)\d\d)", body)
        if pm:
            out["date"] = _iso(pm.group(1), pm.group(2), pm.group(3))
    # A running title `Thông tư số 102/2018/TT-BTC ngày ...` when the head has no type line or number.
    if not promulgated and ("symbol" not in out or "type" not in out):
        _running_title(body[:1500], out)
    if out.get("symbol") and "VBHN" in out["symbol"]:
        out["type"] = "Văn bản hợp nhất"
    if "type" not in out and not promulgated:
        # An official letter has no type line: `V/v <subject>` under its number, `Kính gửi:` before the text.
        vv = _VV.search(letterhead or "")
        if vv or re.search(r"(?m)^[ \t*]*Kính gửi\s*:", body[:3000]):
            out["type"] = "Công văn"
            if vv:
                out["title"] = sentence_case(vv.group(1), body)
    if "type" not in out and out.get("symbol"):
        code = re.split(r"[-/]", out["symbol"].split("/", 1)[-1])
        for c in code:
            if c in _code_types():
                out["type"] = _code_types()[c]
                break

    # Title and the promulgation header.
    title_span = None
    after_title = type_at
    if tm:
        hdr_limit = min(e0, tm.end() + s0 + 1500)
        title_span = _title_lines(text, s0 + tm.end(), hdr_limit)
        if title_span:
            out["title"] = sentence_case(text[title_span[0]:title_span[1]], body)
            after_title = title_span[1]
            # `CHƯƠNG TRÌNH / Hành động thực hiện ...`: the type word runs on into the subject line.
            hm = re.match(r"(?i)^hành động\s+(?=\S)", out["title"])
            if hm and out.get("type") in ("Chương trình", "Kế hoạch"):
                out["type"] += " hành động"
                rest = out["title"][hm.end():]
                out["title"] = rest[:1].upper() + rest[1:]
    if promulgated:
        hm = _HEADER.search(text, s0, min(e0, s0 + 3000))
        if hm:
            header: dict[str, Any] = {}
            raw_sym = collapse(hm.group("sym") or "")
            sm = re.match(r"(\d{1,5}[a-zA-Z]?)?\s*((?:[/-]\s*\d{4}\s*)?[/-]\s*[A-ZĐ][\w&\-/ ]*)", raw_sym)
            if sm and sm.group(1):
                header["number"] = sm.group(1)
                header["symbol"] = norm_symbol(sm.group(1) + sm.group(2))
            if hm.group("date"):
                header["date"] = parse_date(hm.group("date"))
            if hm.group("by"):
                header["issuer"] = format_issuer(hm.group("by"))
                header["province"] = province_of(header["issuer"])
            out["_header"] = header
            for k in ("date", "issuer", "province"):
                if header.get(k):
                    out[k] = header[k]
            if hm.start() > s0 and after_title is not None:
                after_title = max(after_title, hm.end())

    # Issuer and province.
    if "issuer" not in out:
        auth = _authority_line(text[after_title:min(e0, after_title + 1500)]) if after_title is not None else None
        lh = _letterhead_issuer(letterhead) if letterhead else None
        lh = lh or (_letterhead_issuer(dropped_head.strip()) if dropped_head else None)
        raw = auth or lh
        if raw is None:
            sig = re.search(r"(?m)^[ \t]*TM\.[ \t]*\n?[ \t]*([^\n]+)$", body)
            raw = sig.group(1) if sig else None
            if raw and lh is None and not re.search(r"(?i)tỉnh|thành phố|bộ|chính phủ", raw):
                raw = None
        if raw:
            out["issuer"] = format_issuer(raw)
            # `CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH`: the authority line leaves the province to the letterhead.
            tail = re.search(r"(?i)\b(tỉnh|thành phố)$", out["issuer"])
            known = province_of(format_issuer(lh)) if lh else None
            known = known or _provinces().get(modern_tone(out.get("place") or "").lower())
            if tail and known:
                out["issuer"] = f"{out['issuer'][:tail.start()]}{tail.group(1).lower()} {known}"
    if out.get("issuer"):
        out["province"] = province_of(out["issuer"]) or out.get("province")
    if not out.get("province") and out.get("place") and re.search(r"UBND|HĐND|ủy$", out.get("issuer") or ""):
        out["province"] = _provinces().get(modern_tone(out["place"]).lower())

    # Signature and recipients.
    signer, title = _signature(body)
    if title:
        out["signer_title"] = title
        out["signer"] = signer
    rec = _recipients(body)
    if rec:
        out["recipients"] = rec
    return out


def _place_before(seg: str, comma: int) -> str | None:
    """The place named before `, ngày ...` (it may wrap onto the previous line in scraped tables)."""
    ls = seg.rfind("\n", 0, comma) + 1
    line = seg[ls:comma]
    sm = _SO.search(line)
    if sm:
        line = line[sm.end():]
    line = line.replace("|", " ").replace("*", " ").strip()
    words = line.split()
    if len(words) == 1 and ls > 0:
        ps = seg.rfind("\n", 0, ls - 1) + 1
        prev = seg[ps:ls - 1].strip()
        if prev and len(prev.split()) <= 5 and prev[:1].isupper() and not re.search(r"[\d:/]", prev):
            words = prev.split() + words
    place = " ".join(words[-6:])
    if not place or re.search(r"\d", place) or not place[:1].isupper():
        return None
    return place


def _running_title(head: str, out: dict[str, Any]) -> None:
    """`Thông tư số 102/2018/TT-BTC ngày 14 tháng 11 năm 2018` heading a gazette continuation page."""
    types = sorted(type_headings().values(), key=len, reverse=True)
    alts = "|".join(re.escape(t) for t in types)
    m = re.search(r"(?m)^[ \t]*(" + alts + r")\s+số\s*" + _SYM + r"(?:\s+ngày\s+([^\n]{0,40}))?", head)
    if not m:
        return
    out.setdefault("type", m.group(1))
    if m.group("num"):
        out.setdefault("number", m.group("num"))
        out.setdefault("symbol", norm_symbol(m.group("num") + m.group("rest")))
    if m.group(m.lastindex) and "date" not in out:
        d = parse_date("ngày " + m.group(m.lastindex))
        if d:
            out["date"] = d


# A signature for someone else opens with one of these (`TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`).
_SIGN_FOR_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.")
# What `_signature` strips off a line's start (`.strip().strip("*").strip()`), without leaving the line.
_LINE_LEAD = r"[^\S\n]*\**[^\S\n]*"


@cache
def _signature_line_res() -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """Where a line can start that `_signature` may take a title from (or that makes the next line such a
    one): its stripped text opens with `TM.`/`KT.`/... or with a signer title (the union's head and
    alternatives without its line end; a superset, each line found is checked as before). The first pattern
    finds them at the line break before them, the second tries the body's first line. None when the
    patterns cannot be joined."""
    head = _SIGNER_HEAD.removeprefix("^")
    sign_for = "|".join(map(re.escape, _SIGN_FOR_PREFIXES))
    opens = _LINE_LEAD + "(?:" + sign_for + "|" + head + _signer_alternatives() + "))"
    try:
        # (A literal `\n` first lets the engine jump from line break to line break; the look-ahead
        # consumes nothing, so every line is tried.)
        return re.compile(r"\n(?=" + opens + ")"), re.compile(opens)
    except re.error:
        return None


def _signature(body: str) -> tuple[str | None, str | None]:
    """The signer's name and title from the last signature block (`KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name`)."""
    # A line reads as `line.strip().strip("*").strip()` (without `*` in the body, one strip).
    star, n = "*" in body, len(body)

    def stripped(a: int, b: int) -> str:
        s = body[a:b].strip()
        return s.strip("*").strip() if star else s

    def lines_from(p: int) -> Iterator[str]:
        """The lines from the one that starts at `p` to the end of the body."""
        while True:
            e = body.find("\n", p)
            if e < 0:
                yield stripped(p, n)
                return
            yield stripped(p, e)
            p = e + 1

    # Only three kinds of line can give a title: one a title pattern matches, one that opens with
    # `TM.`/`KT.`/..., and the first non-blank line after such a line (every other line has no title and
    # no `TM.` line before it). They are found with one pattern over the body instead of splitting and
    # stripping its ~50k lines (a gazette) and trying each: a few hundred lines, read where they are.
    res = _signature_line_res()
    if res is None:
        starts = [0] + [m.end() for m in re.finditer("\n", body)]  # every line
    else:
        starts = [m.end() for m in res[0].finditer(body)]
        if res[1].match(body):
            starts.insert(0, 0)
        more = []
        for p in starts:
            e = body.find("\n", p)
            if e >= 0 and stripped(p, e).startswith(_SIGN_FOR_PREFIXES):
                q = e + 1  # the first non-blank line after it
                while True:
                    e = body.find("\n", q)
                    if stripped(q, e if e >= 0 else n) or e < 0:
                        break
                    q = e + 1
                more.append(q)
        if more:
            starts = sorted(set(starts).union(more))
    best: tuple[str | None, str | None] = (None, None)
    for p in starts:
        e = body.find("\n", p)
        if e < 0:
            e = n
        s = stripped(p, e)
        if not s or len(s) > 60:
            continue
        prev, q = "", p  # the last non-blank line before this one
        while q > 0 and not prev:
            r = body.rfind("\n", 0, q - 1) + 1
            prev, q = stripped(r, q - 1), r
        title, unit = _line_title(s, prev)
        if title is None:
            continue
        name = _signer_name(lambda e=e: lines_from(e + 1) if e < n else iter(()), unit)
        if unit and name is None:
            continue
        if name or best[0] is None:
            best = (name, title)
    return best


def _line_title(s: str, prev: str) -> tuple[str | None, bool]:
    """The signer title a (stripped) line gives, `prev` the non-blank line above it; and whether the title
    runs on with its unit (`TRƯỞNG BAN BAN CHÍNH SÁCH,`: then only with a name under it)."""
    title = _signer_title(s)
    if title is not None:
        return title, False
    after_tm = prev.startswith(_SIGN_FOR_PREFIXES)
    if (after_tm or s.startswith(_SIGN_FOR_PREFIXES)) and mostly_upper(s):
        # `TM. ỦY BAN NHÂN / DÂN CHỦ TỊCH`, `TM. CHÍNH PHỦ THỦ TƯỚNG`: a signature line that ends with the title.
        title = next((t for pat, t in _signer_suffix_re() if pat.search(s)), None)
        if title is None and after_tm:
            title = next((t for pat, t in _signer_prefix_re() if pat.match(s)), None)
            return title, title is not None
    return title, False


def _signer_name(after_title: Callable[[], Iterator[str]], unit: bool) -> str | None:
    """The signer's name among the first lines under the title line (`after_title()` gives them afresh,
    stripped); `unit`: the title ran on with its unit, so capital lines before the name are skipped."""
    for nxt in islice(after_title(), 5):
        if not nxt or (nxt.startswith("(") and nxt.endswith(")")) or set(nxt) <= set("|-_"):
            continue
        if _signer_title(nxt) is not None:
            return None
        if unit and mostly_upper(nxt) and len(nxt) < 60:
            continue
        name = _rank_re().sub("", nxt)
        if not _NAME.match(name):
            return None
        rest = after_title()
        for line in rest:
            if line.endswith(name):
                break
        after = next(rest, "")  # the line after the first that ends with the name
        # `Lê Hải / Hòa`: a name wrapped onto a line of its own.
        if re.fullmatch(r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]+", after) and len(name.split()) <= 3:
            return f"{name} {after}"
        return name
    return None


_RECIPIENTS_TAIL = re.compile(r"Nơi nhận\s*:?")


_FILED = re.compile(r"(?i)^lưu\b")  # `Lưu: VT, ...` ends the recipients


def _recipients(body: str) -> tuple[str, ...]:
    """The items of the `Nơi nhận:` list, without `Lưu: ...`."""
    if "Nơi nhận" not in body:
        return ()  # (the scan below needs it)
    # The last `Nơi nhận` with only spaces and `*` before it on its line.
    end = len(body)
    while True:
        at = body.rfind("Nơi nhận", 0, end)
        if at < 0:
            return ()
        if not body[body.rfind("\n", 0, at) + 1:at].strip(" \t*"):
            break
        end = at + len("Nơi nhận") - 1
    m = _RECIPIENTS_TAIL.match(body, at)
    out: list[str] = []
    for line in body[m.end():m.end() + 3000].split("\n"):
        s = line.strip()
        if not s:
            continue
        if not s.startswith(("-", "+", "–")):
            if out:
                break
            continue
        item = s.lstrip("-+– ").rstrip(" ;,.")
        if _FILED.match(item):
            break
        if item:
            out.append(item)
    return tuple(out)
