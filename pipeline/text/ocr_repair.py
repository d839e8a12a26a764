"""Repairs for OCR'd text: what Tesseract breaks in the lines the metadata reader needs.

Applied to the text of OCR'd pages only (`vnplan.ocr`), before cleaning, so text from a text
layer never passes here and the metadata reader's rules stay as they are. OCR loses spaces and
diacritics (`NGHỊĐỊNH`, `CỘNGHÒAXÃ HỘICHỦNGHĨA VIỆTNAM`, `QUÓC HỘI`), misreads the number label
(`Só:`, `SỐ:`) and reads letters for digits (`ngày l5`, `UBTVQHI5`, `T1-BKHCN`). Each repair
matches on a line's letters alone, so a lost space or accent does not hide a heading, and writes
back the gazetteer's spelling. Data: gazetteer/ocr_repairs.json (phrases, labels, look-alike
digits, each with examples), the type headings of doc_headings.json and the agency names of
agencies.jsonl.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from rapidfuzz.distance import Levenshtein

from .normalize import strip_accents


@cache
def _data() -> dict:
    from vnplan.gazetteer import load

    return load("ocr_repairs.json")


def letters(s: str) -> tuple[str, list[int]]:
    """The letters of `s` in capitals without accents (`Độc lập -Tự` -> `DOCLAPTU`), and for each
    of them its index in `s`."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(s):
        if ch.isalpha():
            for c in strip_accents(unicodedata.normalize("NFD", ch)).upper():
                if "A" <= c <= "Z":
                    out.append(c)
                    where.append(i)
    return "".join(out), where


@cache
def _headings() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Type headings by their letters (`NGHIDINH` -> `NGHỊ ĐỊNH`), and each heading's type codes."""
    from vnplan.gazetteer import load

    types = load("doc_headings.json")["types"]
    return ({letters(e["heading"])[0]: e["heading"] for e in types},
            {e["heading"]: tuple(e.get("codes") or ()) for e in types})


@cache
def _phrases() -> tuple[tuple[str, str, bool], ...]:
    """(letters, phrase, capitals only) for every letterhead phrase, longest first: the gazetteer's
    phrases (any line of the head), the agencies' names and the issuer bodies in capitals (lines in
    capitals only: a letterhead)."""
    from vnplan.gazetteer import load

    least = _data()["min_phrase_letters"]
    out: dict[str, tuple[str, bool]] = {}
    for e in _data()["phrases"]:
        out[letters(e["phrase"])[0]] = (e["phrase"], False)
    names = [e["name"] for e in load("agencies.jsonl") if e.get("type") == "agency"]
    names += [e["upper"] for e in load("doc_headings.json")["issuer_bodies"]]
    for name in names:
        key = letters(name)[0]
        if len(key) >= least:
            out.setdefault(key, (name.upper(), True))
    return tuple(sorted(((k, p, caps) for k, (p, caps) in out.items()), key=lambda x: -len(x[0])))


@cache
def _known_codes() -> frozenset[str]:
    """Every type and issuer code of the gazetteer, in capitals: a symbol part that is one is left alone."""
    from vnplan.gazetteer import load

    codes = {e.get("code") for e in load("doctypes.json")["entries"]}
    codes |= {e.get("code") for e in load("issuers.json")["codes"]}
    codes |= {c for e in load("doc_headings.json")["types"] for c in e.get("codes") or ()}
    return frozenset(c.upper() for c in codes if c)


@cache
def _labels() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(e["pattern"]), e["label"]) for e in _data()["labels"])


@cache
def _lookalikes() -> tuple[dict[str, str], str]:
    digits = _data()["lookalikes"]["digits"]
    return digits, re.escape("".join(digits))


_EDGE = re.compile(r"^[\W_\d]+|[\W_\d]+$")
_DATE = re.compile(r"(?i)(ngày[ \t]+)(\S{1,2})([ \t]+tháng[ \t]+)(\S{1,2})([ \t]+năm[ \t]+)(\S{4})")
_NUMBERED = re.compile(r"([Ss]ố:[ \t]*)(\S+)")  # the head's `Số: 12/QĐ-UBND`
# Any symbol; its code may open with a zero OCR read for `O` or `Q` (`59/2020/0H14`).
_SYMBOL = re.compile(r"(?<![\w/])\d{1,5}[a-z]?/(?:(?:19|20)\d\d/)?0?[A-ZĐ][A-Za-zĐ0-9|!-]*")


def type_heading(line: str) -> str | None:
    """The type heading a line of OCR'd text is (`NGHỊĐỊNH`, `THÔNG TƯ _` -> the gazetteer's heading),
    or None: the whole line in capitals, by its letters, or one letter off for longer headings."""
    core = _EDGE.sub("", line.strip())
    if not core or len(core) > 40 or any(c.islower() or c.isdigit() for c in core):
        return None
    key = letters(core)[0]
    by_letters = _headings()[0]
    if key in by_letters:
        return by_letters[key]
    if len(key) < 6:
        return None
    near = [h for k, h in by_letters.items() if abs(len(k) - len(key)) <= 1 and Levenshtein.distance(k, key) <= 1]
    return near[0] if len(near) == 1 else None


def snap_phrases(line: str) -> str:
    """Letterhead phrases in a line, written as the gazetteer spells them (matched by their letters)."""
    key, where = letters(line)
    capitals = not any(c.islower() for c in line)
    for phrase_key, phrase, caps_only in _phrases():
        if caps_only and not capitals:
            continue
        at = key.find(phrase_key)
        if at < 0:
            continue
        a, b = where[at], where[at + len(phrase_key) - 1] + 1
        if line[a:b] == phrase:
            continue
        # A space where OCR glued the phrase to a neighbouring word.
        left = " " if a > 0 and line[a - 1].isalpha() else ""
        right = " " if b < len(line) and line[b].isalpha() else ""
        line = line[:a] + left + phrase + right + line[b:]
        key, where = letters(line)
    return line


def fix_labels(line: str) -> str:
    """`Só:`, `SỐ:`, `Sô;` before a number -> `Số:` (the case of its first letter kept)."""
    for rx, label in _labels():
        line = rx.sub(lambda m, label=label: (label if m.group(0)[0].isupper() else label[0].lower() + label[1:]),
                      line)
    return line


def _digits(token: str, alone: bool = False) -> str:
    """A number OCR read with look-alike letters (`l5`, `3l`) as digits, if it has a real digit or
    stands `alone` in a frame that holds only numbers; other tokens as they are."""
    table, _ = _lookalikes()
    if not alone and not any(c.isdigit() for c in token):
        return token
    out = "".join(table.get(c, c) for c in token)
    return out if out.isdigit() else token


@cache
def _termed_codes() -> frozenset[str]:
    """Issuer codes a term number follows in a symbol (`QH15`, `UBTVQH15`), as their examples show."""
    from vnplan.gazetteer import load

    return frozenset(e["code"].upper() for e in load("issuers.json")["codes"]
                     if any(re.search(re.escape(e["code"]) + r"\d+$", ex) for ex in e.get("examples") or ()))


def _term(symbol: str) -> str:
    """The issuer code and term number ending a symbol as OCR misreads them (`UBTVQHI5`, `OQH15`,
    `0H14`): look-alike letters in the number as digits, and a code the gazetteer does not know, one
    letter off exactly one code that takes a term number, as that code."""
    _, chars = _lookalikes()
    tail = re.search(rf"(?<=[A-Z])[0-9{chars}]+$", symbol)
    if tail is None:
        return symbol
    symbol = symbol[: tail.start()] + _digits(tail.group(0))
    m = re.search(r"(?<=[/-])([A-Z0]+)(\d{1,2})$", symbol)
    if m and m.group(1).upper() not in _known_codes():
        code = m.group(1).replace("0", "O")
        near = [c for c in _termed_codes() if Levenshtein.distance(c, code) <= 1]
        if len(near) == 1:
            symbol = symbol[: m.start()] + near[0] + m.group(2)
    return symbol


def fix_digits(line: str) -> str:
    """Look-alike letters inside the numbers of a date (`ngày l5 tháng l2 năm 2024`) and in the
    issuer's term number at the end of a symbol (`113/2025/QHI5`)."""
    line = _DATE.sub(lambda m: "".join((m.group(1), _digits(m.group(2), True), m.group(3), _digits(m.group(4), True),
                                        m.group(5), _digits(m.group(6)))), line)
    return _SYMBOL.sub(lambda m: _term(m.group(0)), line)


def fix_number(line: str) -> str:
    """Look-alike letters in the number of the head's `Số:` symbol (`Số: l5/2024/...`)."""
    _, chars = _lookalikes()

    def number(m: re.Match[str]) -> str:
        head = re.match(rf"[0-9{chars}]+", m.group(2))
        sym = _digits(head.group(0)) + m.group(2)[head.end():] if head else m.group(2)
        return m.group(1) + _term(sym)

    return _NUMBERED.sub(number, line)


def fix_type_code(line: str, heading: str | None) -> str:
    """The type code of a `Số:` symbol one letter off its heading's code (`T1` under `THÔNG TƯ`) ->
    that code; a code the gazetteer knows is left as written."""
    codes = _headings()[1].get(heading or "", ())
    if not codes:
        return line

    def symbol(m: re.Match[str]) -> str:
        parts = re.match(r"(\d+[a-z]?/(?:\d{4}/)?)([^/\-\s]+)(.*)$", m.group(2))
        if not parts or parts.group(2).upper() in _known_codes():
            return m.group(0)
        code = parts.group(2)
        near = [c for c in codes if len(c) == len(code) and Levenshtein.distance(c.upper(), code.upper()) <= 1]
        return m.group(1) + parts.group(1) + near[0] + parts.group(3) if len(near) == 1 else m.group(0)

    return _NUMBERED.sub(symbol, line)


def repair_ocr_text(text: str) -> str:
    """One OCR'd page's text mended: in its head (first lines) type headings, letterhead phrases, the
    `Số:` number and the symbol's type code; everywhere the number label and look-alike digits."""
    lines = text.split("\n")
    head = range(min(len(lines), _data()["head_lines"]))
    headings: dict[int, str] = {}
    for i in head:
        h = type_heading(lines[i])
        if h is not None:
            lines[i] = headings[i] = h
    for i, line in enumerate(lines):
        if i in headings:
            continue
        line = fix_digits(fix_labels(line))
        if i < len(head):
            below = next((headings[j] for j in sorted(headings) if j > i), None)
            line = fix_type_code(fix_number(snap_phrases(line)), below)
        lines[i] = line
    return "\n".join(lines)
