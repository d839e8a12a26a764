"""Tables in cleaned text: rows of cells with their spans, and what each column holds.

Shared by the targets and achievements extractors (and the cleaner, for the row-number
headers). The cleaner leaves a table as `cell | cell | cell` lines, as cells between lone `|`
lines, or as paragraphs under a `STT` header; `table_runs` finds each, `rows_from_cells` splits
a stream of cells into a header and rows, `header_roles` names each header cell's column
(code, name, unit, max, baseline, target, change, agency) with the `table` cues of
gazetteer/target_cues.json.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from operator import add

from vnplan.gazetteer import load

# The words a table's row-number column is headed with.
TABLE_NUMBER_HEADS = "STT|TT|Số TT|Số thứ tự"


@cache
def table_cues() -> dict[str, re.Pattern[str]]:
    """The `table` cues of gazetteer/target_cues.json (header words of each column role), compiled."""
    raw = load("target_cues.json")["table"]
    return {k: re.compile(v, re.I) for k, v in raw.items() if isinstance(v, str) and k != "description"}


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
# A cell that is one value: `91.14`, `>94,50`, `8,9 (Xếp thứ 15/63)`, `-`.
VALUE_CELL = re.compile(r"^\s*[<>≥≤]?\s*=?\s*[+-]?\d+(?:[.,]\d+)?\s*%?\s*(?:\(.*\))?\s*$|^\s*-\s*$")


def is_code(c: str) -> bool:
    """Whether a cell is a row code: `1`, `1.3.2`, `II`, `3.3 1`."""
    return bool(_CODE.match(c.strip()))


_TWO_LETTERS = re.compile(r"[^\W\d_]{2,}")
# A year on its own (`Năm 2025`, `2025-2030`), not the digits of a code or a number (`VN2000`, `2394627`).
YEAR_20 = re.compile(r"(?<![^\W_])(20\d\d)(?!\d)")


def is_name(c: str) -> bool:
    """Whether a cell holds words (two letters in a row) rather than a value."""
    return bool(_TWO_LETTERS.search(c)) and not VALUE_CELL.match(c)


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
    c = table_cues()

    def val(k: int) -> bool:
        return k < n and bool(VALUE_CELL.match(cells[k].text) or RANK_CELL.search(cells[k].text))

    def value_cell(k: int) -> bool:
        # A number followed by a name is the next row's number, not this row's value.
        return val(k) and not (k + 1 < n and is_name(cells[k + 1].text) and is_code(cells[k].text))

    h0 = next((i for i, x in enumerate(cells) if c["code"].match(x.text)), 0)
    h1 = next((i for i in range(h0 + 1, n) if is_code(cells[i].text) or val(i)), n)
    if h1 < n and val(h1) and h1 - 1 > h0 and not (h1 + 1 < n and is_name(cells[h1 + 1].text)):
        h1 -= 1  # the header's last cell is an uncoded row's name
    header = cells[h0:h1]
    k_vals = sum(r in ("max", "baseline", "target", "change") for r in header_roles(header)) if header else 0
    starts: list[int] = []
    prev: str | None = None
    seen_vals = 0  # values read since the current row's start
    for i in range(h1, n - 1):
        t = cells[i].text
        # Without values right after it, a number only starts a row once the current row has all its values.
        row_full = not starts or seen_vals == 0 or seen_vals >= k_vals
        if is_code(t) and is_name(cells[i + 1].text) and (_follows(prev, t) and row_full or value_cell(i + 2)):
            if starts and i - starts[-1] < 2:
                continue
            starts.append(i)
            prev = t
            seen_vals = 0
            continue
        if starts and val(i):
            seen_vals += 1
        if (i == h1 or not t) and is_name(cells[i + 1].text) and val(i + 2):
            starts.append(i)
            seen_vals = 0
        elif is_name(t) and val(i + 1) and starts and i - starts[-1] > 2 and not is_code(cells[i - 1].text) \
                and re.search(r"[A-ZÀ-ỸĐ]{3,}", t) and t.upper() == t:
            starts.append(i)  # an upper-case total row inside the table
            seen_vals = 0
        elif i == h1 and is_name(t) and val(i + 1):
            starts.append(i)
            seen_vals = 0
    if not starts:
        return header, []
    rows = []
    bounds = starts + [n]
    for a, b in zip(bounds, bounds[1:], strict=False):
        row = cells[a:b]
        if not is_code(row[0].text) and row[0].text:
            row = [Cell("", row[0].start, row[0].start)] + row
        rows.append(row)
    return header, rows


def header_roles(header: list[Cell]) -> list[str]:
    """The role of each header cell's column: code, unit, max, change, target, agency, baseline, name or other."""
    c = table_cues()
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
        years = [(int(m.group(1)), i) for i, h in enumerate(header) if (m := YEAR_20.search(h.text))]
        if years:
            roles[max(years)[1]] = "target"
        elif roles.count("baseline") == 1 and re.match(r"(?:kết quả|giá trị|chỉ tiêu)\b",
                                                       header[roles.index("baseline")].text, re.I):
            # A lone "Kết quả" column in a list of indicators is the expected result.
            roles[roles.index("baseline")] = "target"
    return roles


# The value at the start of a cell: (comparator, number, percent sign).
TABLE_VALUE = re.compile(r"^\s*([<>≥≤]=?)?\s*(\d+(?:[.,]\d+)?)\s*(%)?")
# A rank printed in a cell: `Xếp thứ 15/63`.
RANK_CELL = re.compile(r"(?:xếp|đứng)\s*thứ\s*(\d+)\s*/\s*\d+", re.I)


def vals_in(cells: Sequence[Cell]) -> bool:
    """Whether any of these cells holds a number."""
    return any(TABLE_VALUE.match(x.text) for x in cells)

