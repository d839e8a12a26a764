"""Clean stage: raw text -> cleaned text plus an offset map back to the raw text.

Cleaning is a list of named steps, registered in `STEPS`. Each step takes a
`Tracked` text, which carries, for every character, its offset in the raw
input; edits go through `Tracked.sub` or `Tracked.apply`, which keep that map
right. A step never needs to think about offsets itself.

The output contract the later stages rely on: one paragraph per line (hard
wraps rejoined), headings and list markers at line starts, table rows as one
line `cell | cell | cell`, no markup, NFC with the modern tone placement.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate, chain

from .errors import VnplanError
from .gazetteer import load
from .models import Cleaned, Flag, Removed, Source, built
from .text.headings import opener_pattern, structure_pattern
from .text.tables import TABLE_NUMBER_HEADS
from .text.tones import TONED_SECONDS, retone_pair

# ---------------------------------------------------------------- offset-tracking text

Edit = tuple[int, int, str]  # replace text[start:end] with the string


def _offsets(n: int, base: int = 0) -> array:
    """The identity map base, base+1, ..., base+n as a compact int array (4 bytes a character)."""
    code = "i" if base + n < 2**31 - 1 else "q"
    try:
        import numpy  # faster to build; optional

        out = array(code)
        dtype = numpy.int32 if code == "i" else numpy.int64
        out.frombytes(memoryview(numpy.arange(base, base + n + 1, dtype=dtype)).cast("B"))
        return out
    except ImportError:
        return array(code, range(base, base + n + 1))


def _removed(step: str, raw_start: int, raw_end: int, text: str) -> Removed:
    """`Removed(step, raw_start, raw_end, text)` (`models.built`: markdown and cells make tens of thousands)."""
    return built(Removed, {"step": step, "raw_start": raw_start, "raw_end": raw_end, "text": text})


def _removed_all(step: str, offsets: array, text: str, spans: list[tuple[int, int]]) -> list[Removed]:
    """`[_removed(step, offsets[s], offsets[e - 1] + 1, text[s:e]) for s, e in spans]`."""
    return [built(Removed, {"step": step, "raw_start": offsets[s], "raw_end": offsets[e - 1] + 1, "text": text[s:e]})
            for s, e in spans]


@dataclass
class Tracked:
    """Text under cleaning, with the raw offset of each character."""

    text: str
    offsets: array  # len(text) + 1 entries, non-decreasing
    removed: list[Removed] = field(default_factory=list)
    flags: list[tuple[str, int, int, str]] = field(default_factory=list)
    # (text, its code points as a numpy array[, their `_kinds`]), kept by the numpy steps for the next one while
    # `text` is that very string (see `_codes_of`).
    codes_of: tuple | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, raw: str, base: int = 0) -> Tracked:
        """Start tracking a raw string (found at `base` in the raw input): every character maps to itself."""
        return cls(raw, _offsets(len(raw), base))

    def apply(self, edits: Iterable[Edit], step: str, record: bool = False) -> None:
        """Apply sorted, non-overlapping edits, keeping the offset map right.

        The i-th character of a replacement maps to the i-th character of the
        text it replaces (so equal prefixes keep their own offsets); characters
        beyond the replaced length map to its last character. With `record`,
        the dropped raw text is kept as a `Removed` entry.
        """
        text, offsets = self.text, self.offsets
        # Byte slices of a view copy nothing until appended.
        view, w = memoryview(offsets).cast("B"), offsets.itemsize
        out: list[str] = []
        offs = array(offsets.typecode)
        put, put_offsets = out.append, offs.frombytes
        pos = 0
        # The map is copied in runs: old[copied:] is not yet in `offs`. An edit that keeps the length keeps the
        # map as it is, so it copies nothing (and if no edit changes the length, the map stays the same array).
        copied, resized = 0, False
        for s, e, new in edits:
            if s < pos or text[s:e] == new:
                continue
            put(text[pos:s])
            put(new)
            pos = e
            n = len(new)
            if n == e - s:
                continue
            k = n if n < e - s else e - s
            # The kept text before the edit and the first k replaced characters: one run of the map.
            put_offsets(view[copied * w : (s + k) * w])
            copied, resized = e, True
            if n > k:
                fill = offsets[e - 1] if e > s else offsets[s]
                offs.extend(array(offsets.typecode, [fill]) * (n - k))
            if record and n < e - s:
                self.removed.append(_removed(step, offsets[s], offsets[e - 1] + 1, text[s:e]))
        if not out:
            return
        out.append(text[pos:])
        if resized:
            offs.frombytes(view[copied * w :])
            self.offsets = offs
        view.release()
        self.text = "".join(out)

    def sub(
        self,
        pattern: re.Pattern[str],
        repl: str | Callable[[re.Match[str]], str],
        step: str,
        record: bool = False,
    ) -> None:
        """Replace every match of `pattern`, keeping the offset map right."""
        if callable(repl):
            fn = repl
        elif "\\" in repl:
            fn = lambda m: m.expand(repl)  # noqa: E731 - a template with group references
        elif not repl:
            self.delete([m.span() for m in pattern.finditer(self.text)], step, record)
            return
        else:
            fn = lambda m: repl  # noqa: E731 - a constant replacement
        self.apply(((m.start(), m.end(), fn(m)) for m in pattern.finditer(self.text)), step, record)

    def delete(self, spans: list[tuple[int, int]], step: str, record: bool = False) -> None:
        """`apply` of the edits `(s, e, "")` for sorted, non-overlapping `spans`.

        Many deletions (markdown drops tens of thousands of `**`) are made at once on the code points: a kept
        character keeps its offset, as in `apply`, and the text and map are rebuilt in one pass each.
        """
        np = _numpy(self)
        if np is None or 300 * len(spans) < len(self.text):  # (few: `apply`'s loop costs less than a pass)
            self.apply([(s, e, "") for s, e in spans], step, record)
            return
        spans = [span for span in spans if span[0] < span[1]]
        if not spans:
            return
        text, offsets = self.text, self.offsets
        if record:
            self.removed.extend(_removed_all(step, offsets, text, spans))
        codes = _codes_of(np, self)
        bounds = np.fromiter(chain.from_iterable(spans), dtype=np.intp, count=2 * len(spans))
        starts, ends = bounds[0::2], bounds[1::2]
        # The positions of all dropped characters: each span's start repeated over its length, plus 0, 1, ... within.
        lengths = ends - starts
        within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        keep = np.ones(len(codes), dtype=bool)
        keep[np.repeat(starts, lengths) + within] = False
        _rebuild(np, self, codes, keep)

    def map_chars(self, fn: Callable[[str], str]) -> None:
        """Apply a length-preserving character mapping."""
        new = "".join(fn(ch) for ch in self.text)
        assert len(new) == len(self.text)
        self.text = new


Step = Callable[[Tracked], None]
STEPS: dict[str, Step] = {}


def step(name: str) -> Callable[[Step], Step]:
    """Register a cleaning step under a name."""

    def inner(fn: Step) -> Step:
        if name in STEPS:
            raise ValueError(f"cleaning step {name!r} registered twice")
        STEPS[name] = fn
        return fn

    return inner


# ---------------------------------------------------------------- pattern guards

_CATEGORY_CLASS = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_WORD": r"\w",
                   "CATEGORY_NOT_WORD": r"\W", "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S"}


def _first_class(pattern: str, flags: int = 0) -> str | None:
    """The inside of a character class that the first character of every match of `pattern` is in, or None
    (the pattern can match the empty string, or starts with something this does not work out)."""
    try:
        from re import _constants as sre  # (private modules: any surprise means no class)
        from re import _parser

        tree = _parser.parse(pattern, flags)
    except Exception:
        return None
    items: list[str] = []

    def can_be_empty(seq) -> bool:  # adds the first characters of `seq` to `items`
        for op, av in seq:
            if op is sre.LITERAL:
                items.append(re.escape(chr(av)))
                return False
            if op is sre.IN:
                for o, a in av:
                    if o is sre.LITERAL:
                        items.append(re.escape(chr(a)))
                    elif o is sre.RANGE:
                        items.append(re.escape(chr(a[0])) + "-" + re.escape(chr(a[1])))
                    elif o is sre.CATEGORY and str(a) in _CATEGORY_CLASS:
                        items.append(_CATEGORY_CLASS[str(a)])
                    else:  # a negated class, ...
                        raise LookupError
                return False
            if op is sre.BRANCH:
                if not any([can_be_empty(alt) for alt in av[1]]):  # (a list: every alternative adds its own)
                    return False
            elif op is sre.SUBPATTERN:
                if av[1] or av[2]:  # local flags
                    raise LookupError
                if not can_be_empty(av[3]):
                    return False
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
                if not can_be_empty(av[2]) and av[0] > 0:
                    return False
            elif op is sre.ATOMIC_GROUP:
                if not can_be_empty(av):
                    return False
            elif op not in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # (zero-width: the next item decides)
                raise LookupError
        return True

    try:
        if can_be_empty(tree):
            return None
    except LookupError:
        return None
    return "".join(dict.fromkeys(items))


def _guarded(pattern: str, flags: int = 0, lead: str = "") -> re.Pattern[str]:
    """`re.compile(lead + pattern, flags)` for a pattern with no top-level `|`, with a lookahead for the
    characters a match of `pattern` can start with after `lead`.

    Matching an alternation tries each alternative in turn (with `re.I`, none fails at once); where the next
    character cannot start any of them, the lookahead fails on one class test instead.
    """
    cls = _first_class(pattern, flags)
    if cls is not None:
        try:
            return re.compile(f"{lead}(?=[{cls}])(?:{pattern})", flags)
        except re.error:
            pass
    return re.compile(lead + pattern, flags)


# ---------------------------------------------------------------- cue data


@cache
def _chrome(kind: str) -> tuple[str, ...]:
    return tuple(e["pattern"] for e in load("chrome.json")["entries"] if e.get("kind", "line") == kind)


@cache
def _wrap_words() -> frozenset[str]:
    return frozenset(e["word"].split()[-1] for e in load("wrap_cues.json")["entries"])


@cache
def _caps_bigrams() -> frozenset[str]:
    return frozenset(e["pair"] for e in load("wrap_cues.json").get("caps_bigrams", []))


# ---------------------------------------------------------------- character-level steps


@step("nfc")
def nfc(t: Tracked) -> None:
    """Compose to NFC, one grapheme cluster at a time so offsets stay exact."""
    if unicodedata.is_normalized("NFC", t.text):
        return
    t.sub(re.compile(r".[\u0300-\u036f]+", re.S), lambda m: unicodedata.normalize("NFC", m.group(0)), "nfc")


# Old-style tone on the second vowel of oa/oe/uy at a syllable end (`vnplan.text.tones`): find the toned
# second vowel first (much faster than a pattern that starts with a lookbehind).
# (The lookbehind comes after the toned vowel, so the engine skips ahead by that character class.)
_TONED_VOWELS = TONED_SECONDS
_TONE_PAIR = re.compile(f"[{_TONED_VOWELS}](?<=[oOuU][{_TONED_VOWELS}])(?![^\\W\\d_])")
_LETTER = re.compile(r"[^\W\d_]")


@step("tone")
def tone(t: Tracked) -> None:
    """One tone-placement convention (the modern one): `hoà` -> `hòa`, `Uỷ` -> `Ủy`."""
    # The match is the second vowel; the edit covers the pair so both characters change.
    text = t.text
    np = _numpy(t)
    if np is None:
        ends = [m.start() for m in _TONE_PAIR.finditer(text)]
    else:
        # `_TONE_PAIR`'s first two tests on every character at once; the few places left get its last one.
        kinds = _kinds(np, t)
        at = np.flatnonzero(((kinds[1:] & _TONED) != 0) & ((kinds[:-1] & _O_U) != 0)) + 1
        ends = [s for s in at.tolist() if not _LETTER.match(text, s + 1)]
    edits = []
    for s in ends:
        new = retone_pair(text, s)
        if new != text[s - 1 : s + 1]:
            edits.append((s - 1, s + 1, new))
    t.apply(edits, "tone")


# Characters that only appear in Vietnamese text as debris of a legacy-font conversion.
_DEBRIS = {"ñ": "đ", "Ñ": "Đ", "Ð": "Đ", "ð": "đ"}
_DEBRIS_RE = re.compile(r"[ñÑÐð]")


def _debris(m: re.Match[str]) -> str:
    s, e, text = m.start(), m.end(), m.string
    before = text[s - 1 : s]
    after = text[e : e + 1]
    # Only inside a word (or a symbol such as `QÐ-UBND`): a lone `ñ` may be Spanish. (Not `after in "-/"`:
    # the empty string at the end of the text is in every string, and cleaning again would differ.)
    if before.isalpha() or after.isalpha() or (m.group(0) == "Ð" and after in ("-", "/")):
        return _DEBRIS[m.group(0)]
    return m.group(0)


@step("legacy_debris")
def legacy_debris(t: Tracked) -> None:
    """Repair debris of legacy encodings: `Hội ñồng` -> `Hội đồng`, `QÐ` -> `QĐ`."""
    if _has_any(t.text, "ñÑÐð"):
        t.sub(_DEBRIS_RE, _debris, "legacy_debris")


# The emphasis markers to drop: runs of two or more, and a single `*` that opens emphasis (before a non-space,
# not after a word character) or closes it (after a non-space, not before a word character); `* Ghi chú`
# (a bullet) and `a * b` stay. (One pattern with a constant replacement: no Python call for each `*`.)
_STARS = re.compile(r"\*(?:\*+|(?<!\w\*)(?=\S)|(?<=\S\*)(?!\w))")  # (the lookbehinds come after the `*`: see _TONE_PAIR)
# `^#` as a lookbehind after the `#`. Line ends are every break the whitespace step later turns into `\n`
# (it runs after this step), so `#\r\n` is a heading mark here as `#\n` would be: cleaning stays idempotent.
_BREAKS = r"\n\r\x0b\x0c\x85\u2028\u2029"  # (escapes, read by re)
_HEADING_MARK = re.compile(rf"#(?<![^{_BREAKS}]#)#{{0,5}}(?:[ \t]+|(?=[{_BREAKS}])|\Z)")


@step("control")
def control(t: Tracked) -> None:
    """Drop control and zero-width joiner characters first, so no later step sees `#\x1f` as text."""
    if _has_any(t.text, _CONTROL_CHARS):
        t.sub(_CONTROL, "", "whitespace", record=True)


@step("markdown")
def markdown(t: Tracked) -> None:
    """Drop `**` and `*` emphasis markers and `#` heading marks."""
    if "*" in t.text:
        t.sub(_STARS, "", "markdown", record=True)
    if "#" in t.text:
        t.sub(_HEADING_MARK, "", "markdown", record=True)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200c\u200d\u2060]+")
_CRLF = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_WS = r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]"
# Only runs that need a change: two or more spaces, or any other kind of space.
_SPACES = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]" + _WS + "*| " + _WS + "+")
# Literal first characters let the regex engine skip ahead fast.
_TRAILING_SPACE = re.compile(r" +(?=\n)| +\Z")
_LEADING_SPACE = re.compile(r"\n +|\A +")
_BLANKS = re.compile(r"\n{3,}")


def _has_any(text: str, chars: str) -> bool:
    # `in` on str is a C-speed search; a regex scan costs ~10x more on big files.
    return any(c in text for c in chars)


_CONTROL_CHARS = "".join(map(chr, [*range(0, 9), *range(14, 32), 0x7F, 0x200C, 0x200D, 0x2060]))
_ODD_SPACES = "\t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"


@step("whitespace")
def whitespace(t: Tracked) -> None:
    """Normalise line ends and runs of spaces; strip spaces at line edges; at most one blank line."""
    np = _numpy(t)
    if np is not None:
        _whitespace_arrays(np, t)
        return
    if _has_any(t.text, "\r\u2028\u2029\x0b\x0c\x85"):
        t.sub(_CRLF, "\n", "whitespace")
    if _has_any(t.text, _CONTROL_CHARS):  # (the characters `_CONTROL` drops)
        t.sub(_CONTROL, "", "whitespace", record=True)
    if "  " in t.text or _has_any(t.text, _ODD_SPACES):
        t.sub(_SPACES, " ", "whitespace")
    _edge_spaces(t)
    blank_lines(t)


# Character kinds for the numpy steps (bit flags; `_kinds`): whitespace's, and tone's toned vowels and o/u.
_BREAK, _CTRL, _ODD, _SPACE, _TONED, _O_U = 1, 2, 4, 8, 16, 32


@cache
def _kind_table(np):  # -> a numpy lookup table of the kind bits of each code point (1.1 MB)
    table = np.zeros(0x110000, dtype=np.uint8)
    for chars, kind in (("\r\u2028\u2029\x0b\x0c\x85", _BREAK), (_CONTROL_CHARS, _CTRL), (_ODD_SPACES, _ODD), (" ", _SPACE),
                        (_TONED_VOWELS, _TONED), ("oOuU", _O_U)):
        for c in chars:
            table[ord(c)] |= kind
    return table


def _kinds(np, t: Tracked):  # -> the kind bits of each character of `t.text`
    codes = _codes_of(np, t)
    cached = t.codes_of
    if len(cached) < 3:
        t.codes_of = cached = (*cached, _kind_table(np).take(codes))  # (take: twice as fast as [codes])
    return cached[2]


def _whitespace_arrays(np, t: Tracked) -> None:
    """The whitespace step on arrays: the same edits as the regex path, in the same order, with the text
    decoded and the offset map rebuilt once at the end instead of after each edit.

    Each part keeps some characters (`keep`) and may change some; a kept character keeps its offset.
    """
    codes = _codes_of(np, t)
    kinds = _kinds(np, t)
    present = int(np.bitwise_or.reduce(kinds)) if len(kinds) else 0
    body = np.frombuffer(t.offsets, dtype=np.dtype(t.offsets.typecode))[:-1]  # the offset of each character
    changed = False
    if present & _BREAK:
        # `\r\n?` and the other breaks become `\n`; the `\n` of a `\r\n` goes (the `\n` keeps the `\r`'s offset).
        cr = codes == 13
        keep = ~((codes == 10) & np.concatenate(([False], cr[:-1])))
        brk = (kinds & _BREAK) != 0
        codes, kinds = codes.copy(), kinds.copy()
        codes[brk], kinds[brk] = 10, 0
        codes, kinds, body = codes[keep], kinds[keep], body[keep]
        changed = True
    if present & _CTRL:  # (rare: the `control` step has dropped them already)
        if changed:
            _set_arrays(np, t, codes, body)
        t.sub(_CONTROL, "", "whitespace", record=True)
        codes = _codes_of(np, t)
        kinds = _kinds(np, t)
        body = np.frombuffer(t.offsets, dtype=np.dtype(t.offsets.typecode))[:-1]
        changed = False
    space = codes == 32
    if present & _ODD or (space[1:] & space[:-1]).any():
        # `_SPACES` matches each whole run of spaces that is longer than one or starts with another kind of
        # space; the run becomes one " " that keeps its first character's offset.
        ws = (kinds & (_ODD | _SPACE)) != 0
        inner = ws[1:] & ws[:-1]  # ws[1:] after another space: the other spaces of a run go
        start = ws.copy()
        start[1:] &= ~inner
        change = start & ~space
        change[:-1] |= start[:-1] & ws[1:]  # a run of two or more always changes
        keep = np.ones(len(ws), dtype=bool)
        keep[1:] = ~inner
        codes, kinds = codes.copy(), kinds.copy()
        codes[change], kinds[change] = 32, _SPACE
        codes, kinds, body = codes[keep], kinds[keep], body[keep]
        changed = True
    if len(codes):
        # `_edge_spaces`: every run of spaces is now one space; it goes when a line break or an edge of the text
        # is next to it. Then `blank_lines`: the first two line breaks of each run stay, the rest go. Both are
        # worked out on the positions of the line breaks (a few in a hundred characters), and dropped at once.
        n = len(codes)
        nl = np.flatnonzero(codes == 10)
        # The spaces before and after line breaks are two sorted runs (a space between two breaks is in both):
        # a stable sort merges them in linear time, and equal neighbours go (np.unique hashes every one).
        before = nl[nl > 0] - 1
        after = nl[nl < n - 1] + 1
        edges = np.array([0, n - 1], dtype=nl.dtype)
        spaces = np.concatenate((edges[:1], before[codes[before] == 32], after[codes[after] == 32], edges[1:]))
        spaces = spaces[codes[spaces] == 32]  # (the text's edges are spaces here only if they are spaces)
        spaces.sort(kind="stable")
        if len(spaces) > 1:
            spaces = spaces[np.concatenate(([True], spaces[1:] != spaces[:-1]))]
        # Line break k after the edge spaces go: it is third in a row if break k - 2 is two characters before.
        moved = nl - np.searchsorted(spaces, nl) if len(spaces) else nl
        third = nl[2:][(moved[2:] - moved[:-2]) == 2]
        if len(spaces) or len(third):
            keep = np.ones(n, dtype=bool)
            keep[spaces] = False
            keep[third] = False
            codes, kinds, body = codes[keep], kinds[keep], body[keep]
            changed = True
    if changed:
        _set_arrays(np, t, codes, body)
        t.codes_of = (t.text, codes, kinds)


def _set_arrays(np, t: Tracked, codes, body) -> None:
    """Set `t` to the characters `codes` with the offsets `body` (the end offset stays)."""
    t.text = str(codes, "utf-32-le", "surrogatepass")
    offsets = t.offsets
    out = array(offsets.typecode)
    out.frombytes(memoryview(np.ascontiguousarray(body)).cast("B"))
    out.append(offsets[-1])
    t.offsets = out
    t.codes_of = (t.text, codes)


def _codes_of(np, t: Tracked):  # -> a numpy array
    """`_codes(np, t.text)`, reused while the text is the one they were made for."""
    cached = t.codes_of
    if cached is not None and cached[0] is t.text:
        return cached[1]
    codes = _codes(np, t.text)
    t.codes_of = (t.text, codes)
    return codes


def _numpy_module():  # -> the numpy module, or None
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def _numpy(t: Tracked):  # -> the numpy module, or None
    """numpy, when it is installed and the offset map has its usual shape (else the regex steps run)."""
    np = _numpy_module()
    return np if np is not None and len(t.offsets) == len(t.text) + 1 else None


def _codes(np, text: str):  # -> a numpy array
    """The code points of `text` as a numpy array (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _rebuild(np, t: Tracked, codes, keep) -> None:
    """Set `t` to the kept characters of `codes`, each with the offset of the character it stands for.

    (Callers call it only when something changes. The arrays' buffers go to the decoder and to `frombytes`
    directly, with no intermediate bytes copies.)
    """
    kept = codes[keep]
    t.text = str(kept, "utf-32-le", "surrogatepass")
    t.codes_of = (t.text, kept)
    offsets = t.offsets
    out = array(offsets.typecode)
    out.frombytes(memoryview(np.frombuffer(offsets, dtype=np.dtype(offsets.typecode))[:-1][keep]).cast("B"))
    out.append(offsets[-1])
    t.offsets = out


def _edge_spaces(t: Tracked) -> None:
    """Strip spaces at line ends, then at line starts (the regex path of whitespace; see `_whitespace_arrays`)."""
    text = t.text
    if " \n" in text or text.endswith(" "):
        t.sub(_TRAILING_SPACE, "", "whitespace")
    if text.startswith(" ") or "\n " in text:
        t.sub(_LEADING_SPACE, lambda m: "\n" if m.group(0)[0] == "\n" else "", "whitespace")


@step("blank_lines")
def blank_lines(t: Tracked) -> None:
    """At most one blank line in a row."""
    if "\n\n\n" in t.text:
        np = _numpy(t)
        if np is None:
            t.sub(_BLANKS, "\n\n", "whitespace")
            return
        # `_BLANKS` -> "\n\n": the first two line breaks of each run stay (with their offsets), the rest go.
        codes = _codes_of(np, t)
        nl = codes == 10
        drop = np.zeros(len(codes), dtype=bool)
        drop[2:] = nl[2:] & nl[1:-1] & nl[:-2]
        _rebuild(np, t, codes, ~drop)


_TRUNC = re.compile("\ufffd")


@step("truncation")
def truncation(t: Tracked) -> None:
    """Keep a paragraph cut at U+FFFD, but flag it as truncated."""
    for m in _TRUNC.finditer(t.text):
        t.flags.append(("truncated", m.start(), m.end(), "paragraph cut off at U+FFFD"))


@step("strip")
def strip(t: Tracked) -> None:
    """Drop leading and trailing whitespace."""
    text = t.text
    head = len(text) - len(text.lstrip())
    tail = len(text.rstrip())
    edits = [(0, head, "")] if head else []
    if tail < len(text) and tail >= head:
        edits.append((tail, len(text), ""))
    t.apply(edits, "strip")


# ---------------------------------------------------------------- chrome and page furniture


@cache
def _line_chrome_re() -> re.Pattern[str]:
    return re.compile(r"(?m)^[ \t]*(?:" + "|".join(_chrome("line")) + r")[^\n]*(?:\n|\Z)", re.I)


@cache
def _after_break(pat: re.Pattern[str]) -> re.Pattern[str]:
    """For a pattern `(?m)^X`: `(?m)\nX`, which matches at p - 1 where `pat` matches at a line start p > 0.
    Searching for it is faster (the engine skips ahead to line breaks instead of trying every position)."""
    assert pat.pattern.startswith("(?m)^")
    return _guarded(pat.pattern[len("(?m)^"):], pat.flags, "(?m)\n")


def _line_search_start(pat: re.Pattern[str], text: str) -> int:
    """Where `pat.search(text)` starts for a pattern `(?m)^X` (-1: no match)."""
    if pat.match(text):
        return 0
    m = _after_break(pat).search(text)
    return m.start() + 1 if m else -1


def _line_spans(pat: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """The spans of `pat.finditer(text)` for a pattern `(?m)^X` that never matches the empty string.

    Found with `_after_break(pat)`: a match of it at a line break stands for a match of `pat` just after it
    (the search may start on the line break that ends the previous match: that one is still a line start).
    """
    spans = []
    m = pat.match(text)
    if m:
        spans.append(m.span())
    pos = m.end() if m else 0
    search = _after_break(pat).search
    while (m := search(text, max(pos - 1, 0))) is not None:
        pos = m.end()
        spans.append((m.start() + 1, pos))
    return spans


@step("site_chrome")
def site_chrome(t: Tracked) -> None:
    """Drop lines that are portal chrome: loading messages, counters, link lists."""
    t.apply([(s, e, "") for s, e in _line_spans(_line_chrome_re(), t.text)], "site_chrome", record=True)


@cache
def _required_literal(pattern: str) -> str:
    """The longest run of literal characters that every match of `pattern` (compiled without re.I) holds, or ""
    when none is worked out (then the pattern is never ruled out by it)."""
    try:
        from re import _constants as sre  # (private modules: any surprise means no literal)
        from re import _parser

        tree = _parser.parse(pattern)
        if tree.state.flags & re.IGNORECASE:
            return ""
        runs, run = [], []

        def walk(seq) -> None:  # the top-level items in order, through groups without local flags
            for op, av in seq:
                if op is sre.LITERAL:
                    run.append(chr(av))
                elif op is sre.SUBPATTERN and not av[1] and not av[2]:
                    walk(av[3])
                else:
                    runs.append("".join(run))
                    run.clear()

        walk(tree)
        runs.append("".join(run))
    except Exception:
        return ""
    return max(runs, key=len)


def _possible(alternatives: tuple[str, ...], text: str) -> tuple[str, ...]:
    """The alternatives whose required literal (`_required_literal`) is in `text`: the only ones that can match
    anywhere in it. (A `str` search costs a fraction of a regex trying the alternative at every line start.)"""
    return tuple(a for a in alternatives if _required_literal(a) in text)


@cache
def _running_re(alternatives: tuple[str, ...] | None = None) -> re.Pattern[str]:
    # A running header, the page number printed under it, and the blank lines around.
    alternatives = _chrome("running") if alternatives is None else alternatives
    return re.compile(
        r"(?m)^[ \t]*(?:" + "|".join(alternatives) + r")[ \t]*(?:\n[ \t]*\d{1,4}[ \t]*(?=\n|\Z))?(?:\n[ \t]*(?=\n))*\n?"
    )


@step("running_headers")
def running_headers(t: Tracked) -> None:
    """Drop gazette running headers (`CÔNG BÁO/Số .../Ngày ...`), their page numbers and signing stamps."""
    # Only the header forms that can occur in this text are looked for (none: no scan).
    possible = _possible(_chrome("running"), t.text)
    if possible:
        t.apply([(s, e, "") for s, e in _line_spans(_running_re(possible), t.text)], "running_headers", record=True)


@cache
def _tail_re(alternatives: tuple[str, ...] | None = None) -> re.Pattern[str]:
    return re.compile(r"(?m)^(?:" + "|".join(_chrome("tail") if alternatives is None else alternatives) + r")")


@cache
def _tail_groups(alternatives: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The panel forms searched together: those whose first characters are worked out in one pattern (its guard
    is their union), each other one on its own (one with no guard would make the engine try all at every line)."""
    guarded = tuple(a for a in alternatives if _first_class(a) is not None)
    return ((guarded,) if guarded else ()) + tuple((a,) for a in alternatives if a not in guarded)


@step("site_tail")
def site_tail(t: Tracked) -> None:
    """Drop everything from a portal's related-documents panel to the end."""
    # `_line_search_start(_tail_re(), text)` is the first line start where any panel form matches: the least of
    # the first ones of groups of the forms (`_tail_groups`), searched only for the forms that can occur here.
    text = t.text
    start = -1
    for group in _tail_groups(_possible(_chrome("tail"), text)):
        found = _line_search_start(_tail_re(group), text)
        if found >= 0 and (start < 0 or found < start):
            start = found
    if start > 0:
        t.apply([(start, len(text), "")], "site_tail", record=True)


_FOOTER_WINDOW = 4000
_SIGNATURE = re.compile(r"\b(?:TM|KT|TL|TUQ|Q)\.|CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|THỦ TƯỚNG|BÍ THƯ|CHÁNH")


@cache
def _footer_res() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(r"^[ \t]*(?:" + p + ")", re.I) for p in _chrome("footer"))


@cache
def _footer_any() -> re.Pattern[str]:
    return re.compile(r"[ \t]*(?:" + "|".join(_chrome("footer")) + ")", re.I)


def _is_caps(line: str) -> bool:
    letters = sum(map(str.isalpha, line))
    return letters >= 2 and sum(map(str.isupper, line)) >= 0.9 * letters


@step("portal_footer")
def portal_footer(t: Tracked) -> None:
    """Drop a portal footer (owner, address, phone, e-mail, designer) that runs to the end of the text."""
    # Repeat until none is left, so that a second cleaning finds nothing more to drop.
    for _ in range(5):
        if not _drop_footer(t):
            return


def _drop_footer(t: Tracked) -> bool:
    text = t.text
    base = max(0, len(text) - _FOOTER_WINDOW)
    base = text.find("\n", base) + 1 if base else 0
    lines = text[base:].split("\n")
    starts, pos = [], base
    for ln in lines:
        starts.append(pos)
        pos += len(ln) + 1
    kinds: set[int] = set()
    first = None
    # Walk up from the end while lines are footer lines (or blank).
    for i in range(len(lines) - 1, -1, -1):
        ln = lines[i]
        if not ln.strip(" |"):
            continue
        hit = next((k for k, r in enumerate(_footer_res()) if r.match(ln)), None)
        if hit is None:
            break
        kinds.add(hit)
        first = i
    if first is None or len(kinds) < 2:
        return False
    # The site owner's name usually heads the footer: one capitalised line, not a signature.
    j = first - 1
    while j >= 0 and not lines[j].strip(" |"):
        j -= 1
    if j >= 0 and _is_caps(lines[j]) and not _SIGNATURE.search(lines[j]):
        first = j
    t.apply([(starts[first], len(text), "")], "portal_footer", record=True)
    return True


_MOTTO = re.compile(r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM")
_HEAD_WINDOW = 12000
_NUMBER_CELL = re.compile(r"Số\s*:")
_RULE_LINE = re.compile(r"^[-_=.*~– ]{3,}$")
# Lines that show the dropped head holds document content, not site chrome.
_CONTENT_LINE = re.compile(
    r"(?m)^(?:Điều \d+\s*[.:]|" + opener_pattern("basis") + r" |QUYẾT ĐỊNH:?$|Chương [IVXLC\d]+|Số\s*:)"
)


@step("letterhead")
def letterhead(t: Tracked) -> None:
    """Drop what comes before a document's letterhead (portal title, attribute panel).

    The letterhead is found by the national motto; the issuer cell before it
    (capitalised lines, rule lines, blank lines) belongs to the document.
    """
    text = t.text
    m = _MOTTO.search(text, 0, _HEAD_WINDOW)
    if m is None:
        return
    start = text.rfind("\n", 0, m.start()) + 1
    while start > 0:
        prev_start = text.rfind("\n", 0, start - 1) + 1
        line = text[prev_start : start - 1].strip()
        if line and not (_is_caps(line) or _RULE_LINE.match(line) or line == "|" or _NUMBER_CELL.match(line)):
            # The value of a `Số:` cell printed on its own line (`Không số`, `205/KH-UBND`).
            above = text[text.rfind("\n", 0, max(prev_start - 1, 0)) + 1 : max(prev_start - 1, 0)].strip()
            if not (len(line) <= 30 and re.match(r"Số\s*:?$", above)):
                break
        start = prev_start
    # Skip the blank lines and cell separators we walked over, and those before the motto on its own line
    # (`|\t|CỘNG HÒA ...`: all of that prefix goes at once, or a second cleaning would find a `|` left).
    while start < m.start() and text[start] in "\n| \t":
        start += 1
    head = text[:start]
    if start == 0 or not head.strip() or _CONTENT_LINE.search(head):
        return
    t.apply([(0, start, "")], "letterhead", record=True)


# ---------------------------------------------------------------- tables flattened to `|` lines

# `(?m)^` written as a lookbehind after the literal (`^\|` == `\|(?<![^\n]\|)`), so the engine skips ahead to `|`.
_PIPE_LINE = re.compile(r"\|(?<![^\n]\|)(?=\n|\Z)")
# Blank lines before or after a lone `|` (literal prefixes keep these scans fast).
_PIPE_BLANKS_BEFORE = re.compile(r"\n\n+(?=\|(?:\n|\Z))")
_PIPE_BLANKS_AFTER = re.compile(r"\|(?<![^\n]\|)\n\n+")
_HEADER_CELL = re.compile(rf"(?i)^(?:{TABLE_NUMBER_HEADS})$")
_ROW_NO = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,3}\.?|[IVXLC]{1,5}\.?|[A-ZĐ]\.?|[a-zđ]\)?)$")


def _row_starts(text: str, cells: list[tuple[int, int]], head: int, n: int) -> list[int]:
    """Indices of the cells that start rows, for a table of `n` columns whose header starts at `head`.

    A row starts with a row number (`1`, `1.2`, `II`, `a`); a row with an extra
    empty cell shifts the rest by one. Anything else (merged cells) ends the
    table, so cells are never glued into rows they do not belong to.
    """

    def is_no(k: int) -> bool:
        return k < len(cells) and bool(_ROW_NO.match(text[cells[k][0] : cells[k][1]].strip()))

    def near(q: int, after: int) -> int | None:
        if is_no(q):
            return q
        # An empty cell printed twice shifts the row by one.
        if is_no(q + 1) and any(cells[k][0] > cells[k][1] for k in range(after, q)):
            return q + 1
        return None

    rows = [head]
    while True:
        q = rows[-1] + n
        found = near(q, rows[-1])
        if found is None and q < len(cells) and near(q + n, q) is not None:
            found = q  # one row with a misprinted number (`3.3` / `1`) between two good ones
        if found is None:
            return rows
        rows.append(found)


def _table_edits(text: str, pipes: list[int]) -> tuple[list[Edit], set[int]]:
    """Edits that turn `STT`-headed runs of `|`-separated cells into one line per row."""
    edits: list[Edit] = []
    used: set[int] = set()
    # Cell i spans from after pipe i-1 (or text start) to pipe i.
    bounds = [0] + [p + 2 for p in pipes]
    cells = [(bounds[i], pipes[i] - 1) for i in range(len(pipes))]  # [start, end) without the "\n"
    i = 0
    while i < len(cells):
        s, e = cells[i]
        last_nl = text.rfind("\n", s, e)
        if last_nl < 0 < s:
            # `text[0:e]` holds the `|` before this cell, so it never strips to a header word: skip that slice.
            i += 1
            continue
        head_line = text[last_nl + 1 : e].strip()
        if not _HEADER_CELL.match(head_line):
            i += 1
            continue
        # Header cells are labels; the first row number after them gives the column count.
        n = next((k for k in range(2, 16) if i + k < len(cells)
                  and _ROW_NO.match(text[cells[i + k][0] : cells[i + k][1]].strip())), 0)
        best = _row_starts(text, cells, i, n) if n else []
        if len(best) < 3:  # the header and at least two rows
            i += 1
            continue
        n = best[1] - best[0]
        starts = set(best)
        last = min(best[-1] + n, len(cells))  # cells i .. last-1 form the table
        for k in range(i, last):
            cs, ce = cells[k]
            if k == i:
                cs = last_nl + 1
            # Line breaks inside a cell become spaces (same length, so offsets stay exact).
            j = text.find("\n", cs, ce)
            while j >= 0:
                edits.append((j, j + 1, " "))
                j = text.find("\n", j + 1, ce)
            p = pipes[k]
            used.add(k)
            empty = cells[k][0] > cells[k][1]  # this pipe's "\n" was taken by the previous edit
            if k + 1 in starts or k + 1 == last:
                edits.append((p, p + 2, "\n" if empty else ""))  # end of row: keep one line break
            else:
                edits.append((p, p + 2, "| ") if empty else (p - 1, p + 2, " | "))
        i = last
    return edits, used


@step("cells")
def cells(t: Tracked) -> None:
    """Rebuild `|`-flattened tables: `STT`-headed tables become `cell | cell` rows; other cells become paragraphs.

    Scraped pages flatten table cells into blocks separated by lone `|` lines.
    A lone `|` otherwise separates letterhead cells, which must stay apart, so
    it becomes a blank line.
    """
    if not _PIPE_LINE.search(t.text):
        return
    # Blank lines around a cell separator carry no meaning.
    t.sub(_PIPE_BLANKS_BEFORE, "\n", "cells")
    t.sub(_PIPE_BLANKS_AFTER, "|\n", "cells")
    text = t.text
    pipes = [m.start() for m in _PIPE_LINE.finditer(text)]
    # A pipe at the very end or start has no "\n" on one side; pad the indices we need.
    pipes = [p for p in pipes if p > 0 and p + 1 < len(text)] if len(text) > 1 else []
    edits, used = _table_edits(text, pipes) if pipes else ([], set())
    for k, p in enumerate(pipes):
        if k not in used:
            edits.append((p, p + 1, ""))
    edits.sort()
    t.apply(edits, "cells", record=True)
    # Pipes at the edges of the text (what `\A\|(?=\n)|(?<=\n)\|\Z|\A\|\Z` matches, without scanning the text).
    text = t.text
    edges = []
    if text.startswith("|") and (len(text) == 1 or text[1] == "\n"):
        edges.append((0, 1, ""))
    if len(text) >= 2 and text.endswith("\n|"):
        edges.append((len(text) - 1, len(text), ""))
    t.apply(edges, "cells", record=True)
    if " \n" in t.text or t.text.endswith(" "):  # a row that ends with an empty cell
        t.sub(_TRAILING_SPACE, "", "cells")


# ---------------------------------------------------------------- rewrapping hard-wrapped lines

# A line that starts one of these is a real line start, never a continuation.
_LINE_START = _guarded(
    r"(?:" + structure_pattern("article") + r"\s+\d+[a-z]?\s*[.:]"
    r"|" + structure_pattern("chapter", "item", "part") + r"\s+(?:[IVXLC]+|\d+|thứ)\b"
    r"|PHỤ\s+LỤC|Phụ\s+lục\s+(?:[IVXLC]+|\d+|số)\b"
    r"|[IVXLC]{1,5}\s*[.)\-–/]\s"
    r"|\d{1,2}(?:\.\d{1,2}){0,3}\s*[.)]\s|\d{1,2}(?:\.\d{1,2}){1,3}\s"
    r"|[a-zđ]\s*\)\s?"
    r"|[-–—•+*]"
    r"|\(?(?:Ban hành\s+)?[Kk]èm theo\b"
    r"|" + opener_pattern("basis", "proposal") + r"|(?:Nơi nhận|Kính gửi|Số\s*:|V/v|TM\.|KT\.|TL\.|TUQ\.|Q\.)"
    r"|\|)"
)
_TWO_WORDS = re.compile(r"([^\W\d_]{2,})[,:]?\s+([^\W\d_]{2,})")
_TYPE_WORDS = frozenset({"LUẬT", "STT", "TT"})
_TERMINAL = ".;:!?\ufffd"
_WORD_END = re.compile(r"(\w+)$")
_WORD_START = re.compile(r"\w+")


def _last_word(line: str) -> str:
    """`_WORD_END.search(line[-30:]).group(1)` (or ""): the leading word of the reversed tail, reversed back."""
    tail = line[-30:]
    word = tail[tail.rfind(" ") + 1 :]
    if word.isalnum():  # (the common case: `\w` is `isalnum()` or `_`, and a space or the tail's start is before it)
        return word
    if "\n" in tail:  # (`$` also matches before a final line break; rewrap's lines have none)
        m = _WORD_END.search(tail)
        return m.group(1) if m else ""
    m = _WORD_START.match(tail[::-1])
    return m.group(0)[::-1] if m else ""
# `... khoản 2` / `Điều 12, khoản 4 ...`: a reference to an article, not an article heading.
_REF_START = re.compile(r"Điều \d+[a-z]?(?![.:\d\w])")
_REF_END = re.compile(r"\b(?:Điều|khoản|điểm|Khoản|Điểm|Chương|Mục) \d+[a-zđ]?$")
_SYMBOL_CUT = re.compile(r"[A-ZĐ]-$")
# Only the type words, no number: the test must give the same answer on a line's first
# physical piece (`Nghị quyết`) and on the whole line (`Nghị quyết số 66-NQ/TW`).
_DOC_TYPE_START = re.compile(
    r"(?:Nghị quyết|Nghị định|Quyết định|Kế hoạch|Chương trình|Thông tư|Chỉ thị|Luật|Công văn|Đề án|Tờ trình|Hướng dẫn)\b"
)


def _line_start(line: str) -> bool:
    """Whether a line starts a heading, list item, letterhead or title line."""
    if _LINE_START.match(line):
        return True
    if line[1:2].islower():  # (then the first word is not upper case, or is no two-letter word)
        return False
    m = _TWO_WORDS.match(line)  # two capitalised words: a title or letterhead line
    return bool(m) and m.group(1).isupper() and m.group(2).isupper()


# What `_LINE_START` can match on a line that starts lower case (after opening quotes): `a)`, `(kèm theo`.
_LOWER_LINE_START = re.compile(r"[a-zđ]\s*\)|\(?kèm theo\b")


def _lower_line_start(line: str) -> bool:
    """`_line_start(line)` for a line that `_starts_lower` (two capitalised words never start it)."""
    # A letter after the first character rules out both forms unless the line starts with `k` or `(`.
    if line[1:2].isalpha() and line[0] not in "k(":
        return False
    return bool(_LOWER_LINE_START.match(line))


def _is_rule(line: str) -> bool:
    return bool(_RULE_LINE.match(line)) or " | " in line or line.endswith("|")


def _starts_lower(line: str) -> bool:
    c = line.lstrip("(\"'“‘")[:1]
    return c.isalpha() and c.islower()


_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))


@cache
def _hard_re() -> re.Pattern[str]:
    """`_RULE_LINE` or `_footer_any()`, in one match (neither has a cased character to fold in the rule part)."""
    return _guarded(r"(?:[-_=.*~– ]{3,}$|[ \t]*(?:" + "|".join(_chrome("footer")) + "))", re.I)


def _lower_counts(t: Tracked) -> list[int]:
    """For the lines of `t.text.split("\n")`: entry i is how many ASCII a-z letters lines[:i] hold."""
    text = t.text
    np = _numpy(t)
    if np is None:
        # In UTF-8 the bytes of a-z stand only for themselves.
        b = text.encode("utf-8", "surrogatepass")
        per_line = map(operator.sub, map(len, b.split(b"\n")), map(len, b.translate(None, _ASCII_LOWER).split(b"\n")))
        return list(accumulate(per_line, initial=0))
    codes = _codes_of(np, t)
    if not len(codes):
        return [0, 0]
    # Per line: the a-z letters from its start to the next line's start (its "\n" is no letter). A False after
    # the end keeps the last start in range; an empty line's segment is its "\n" alone, so it sums to 0.
    low = np.append((codes - np.uint32(97)) < 26, False)  # (codes below `a` wrap round to large numbers)
    starts = np.concatenate(([0], np.flatnonzero(codes == 10) + 1))
    return [0, *np.cumsum(np.add.reduceat(low, starts, dtype=np.int64)).tolist()]


class _Para:
    """What rewrap needs to know about the paragraph built so far: rewrap's `lines[start : end + 1]`.

    (A plain class with slots: rewrap makes one per paragraph, and a dataclass `__init__` costs more.)
    """

    __slots__ = ("line", "single", "first", "lines", "lows", "start", "end", "chars", "counted", "letters", "upper",
                 "known", "rule")

    def __init__(self, lines: list[str], lows: list[int], i: int) -> None:
        line = lines[i]
        self.line = line  # its last 60 characters
        self.single = " " not in line and line.rstrip(".").isalpha()  # one word only
        self.first = line  # its first line
        self.lines = lines
        self.lows = lows  # `_lower_counts(lines)`
        self.start = self.end = i  # its first and last line
        self.chars = len(line)
        # Letters are counted only when `caps` asks: lines[counted:] are not yet in `letters`/`upper` (blank
        # lines in between count nothing).
        self.counted = i
        self.letters = self.upper = 0
        self.known: bool | None = None  # the answer of `caps` until the paragraph grows
        self.rule: bool | None = None  # the answer of `hard`, once asked

    def hard(self) -> bool:
        """Capitalised title, rule line or table row (decided on its first line)."""
        if self.rule is None:
            # Footer lines stay apart so that portal_footer finds them again on a second pass.
            first = self.first
            self.rule = ("|" in first and (" | " in first or first.endswith("|"))) or bool(_hard_re().match(first))
        return self.rule

    def caps(self) -> bool:
        if self.known is None:
            self.known = self._caps()
        return self.known

    def _caps(self) -> bool:
        stop = self.end + 1
        if 10 * (self.lows[stop] - self.lows[self.start]) > self.chars:
            return False  # more than a tenth of the letters are lower case (prose): no need to count
        if self.counted < stop:
            for piece in self.lines[self.counted : stop]:
                # map() over str methods runs in C.
                self.letters += sum(map(str.isalpha, piece))
                self.upper += sum(map(str.isupper, piece))
            self.counted = stop
        return self.letters >= 2 and self.upper >= 0.9 * self.letters

    def extend(self, j: int) -> None:
        """Add line j of rewrap's lines."""
        # Keep the end of the whole paragraph: a second cleaning sees it as one line.
        line = self.lines[j]
        self.line = (self.line + " " + line)[-60:]
        self.single = False
        self.end = j
        self.chars += len(line)
        self.known = None


def _spans_motto(line: str, nxt: str) -> bool:
    """Whether the national motto runs across the end of `line` into `nxt`."""
    m = _MOTTO.search(line[-40:] + " " + nxt[:40])
    return bool(m) and m.start() < len(line[-40:]) < m.end()


_QUOTE_OPEN = "(\"'“‘"


def _join(cur: _Para, j: int, gap: bool) -> bool:
    """Whether line j of rewrap's lines continues the paragraph `cur` (across a blank line when `gap`)."""
    line = cur.line
    nxt = cur.lines[j]
    if not line or nxt[0] == "|":
        return False
    end = line[-1]
    # _starts_lower(nxt), once.
    c = nxt[0]
    if c in _QUOTE_OPEN:
        c = nxt.lstrip(_QUOTE_OPEN)[:1]
    lower = c.isalpha() and c.islower()
    single = cur.single
    if end in _TERMINAL and not single and not lower:
        return False  # the common case, decided before any pattern runs
    if (not gap and single and line.upper() not in _TYPE_WORDS and nxt[0].isalpha()
            and not _LINE_START.match(nxt)):
        return True  # a letterhead or date cut after its first word: `ỦY` / `BAN NHÂN DÂN`
    last = None  # _last_word(line), once needed
    # (A line that starts lower case is never upper case.)
    if not gap and not lower and nxt.isupper() and cur.caps() and not cur.hard():
        last = _last_word(line)
        if (last.lower() in _wrap_words() or _spans_motto(line, nxt)
                or f"{last} {nxt.split(' ', 1)[0]}" in _caps_bigrams()):
            return True  # a capitalised heading wrapped after a joining word: `NỘI DUNG VÀ` / `TRÁCH NHIỆM`
    rule = cur.rule
    if rule is None:
        rule = cur.hard()
    if rule:
        return False
    caps = cur.known
    if caps is None:
        # `cur.caps()`, its first test inline (see rewrap).
        if 10 * (cur.lows[cur.end + 1] - cur.lows[cur.start]) > cur.chars:
            caps = cur.known = False
        else:
            caps = cur.caps()
    if caps:
        return False
    if lower:
        if _lower_line_start(nxt):
            return False
        return not gap or end not in _TERMINAL
    if _line_start(nxt):
        return False
    if end in _TERMINAL:
        return False
    # (`_REF_END` ends in a digit or a digit and a letter, `_SYMBOL_CUT` in `-`: tested only where they can.)
    if not gap and (nxt[0].isdigit() or _REF_START.match(nxt)
                    or ((end.isdigit() or line[-2:-1].isdigit()) and _REF_END.search(line[-30:]))
                    or (end == "-" and _SYMBOL_CUT.search(line) and nxt[:1].isupper())):
        return True
    if end == "," or line.endswith((" -", " –")):
        return not gap
    if last is None:
        last = _last_word(line)
    if last in _wrap_words():
        return True
    # A line cut before a document named by its type: `... thực hiện` / `Nghị quyết số ...`.
    # (No length test: a second cleaning sees the joined line, and must decide the same.)
    # The following line is added for a type word cut in two (`Kế` / `hoạch`).
    if gap or not end.isalnum():
        return False
    if _DOC_TYPE_START.match(nxt):
        return True
    lines = cur.lines
    return " " not in nxt and j + 1 < len(lines) and bool(_DOC_TYPE_START.match(nxt + " " + lines[j + 1]))


@step("rewrap")
def rewrap(t: Tracked) -> None:
    """Rejoin hard-wrapped lines into one paragraph per line, keeping real line starts.

    Also rejoins a sentence cut by a page break (`báo cáo Ủy` / blank line /
    `ban nhân dân tỉnh`). Decisions look at the paragraph built so far and the
    start of the next line only, so cleaning twice changes nothing.
    """
    lines = t.text.split("\n")
    count = len(lines)
    if count < 2:
        return
    edits: list[Edit] = []
    joins: list[int] = []  # the single line breaks that become a space (the common join: see `_join_lines`)
    lows = _lower_counts(t)
    wrap_words = _wrap_words()
    cur = _Para(lines, lows, 0)
    pos = len(lines[0])  # the "\n" after the current line
    i = 1
    while i < count:
        j = i
        while j < count and not lines[j]:
            j += 1
        if j == count:
            break
        nxt_start = pos + 1 + (j - i)
        # The two common outcomes of `_join`, decided here in the same order (no call, no `_LINE_START` run
        # for most lines); anything else goes to `_join`.
        line = cur.line
        nxt = lines[j]
        c = nxt[0]
        if not line or c == "|":
            join = False
        elif cur.single:
            join = _join(cur, j, j > i)
        else:
            if c in _QUOTE_OPEN:
                c = nxt.lstrip(_QUOTE_OPEN)[:1]
            if not (c.isalpha() and c.islower()):
                if line[-1] in _TERMINAL:
                    join = False
                elif j > i and _last_word(line) not in wrap_words:
                    join = False  # across a blank line `_join` joins such a line only after a wrap word
                else:
                    join = _join(cur, j, j > i)
            else:
                rule = cur.rule
                if rule is None:
                    rule = cur.hard()
                caps = cur.known
                if caps is None and not rule:
                    # `cur.caps()`, its first test inline (it decides most paragraphs: prose is not capitalised).
                    if 10 * (lows[cur.end + 1] - lows[cur.start]) > cur.chars:
                        caps = cur.known = False
                    else:
                        caps = cur.caps()
                join = (not rule and not caps and not _lower_line_start(nxt)
                        and (j == i or line[-1] not in _TERMINAL))
        if join:
            # A symbol cut at its hyphen (`68/2026/NĐ-` / `CP`) closes up without a space.
            glue = " "
            if cur.line[-1] == "-" and _SYMBOL_CUT.search(cur.line) and lines[j][:1].isupper():
                glue = ""
            if glue == " " and nxt_start == pos + 1:
                joins.append(pos)
            else:
                edits.append((pos, nxt_start, glue))
            cur.extend(j)
        else:
            cur = _Para(lines, lows, j)
        pos = nxt_start + len(lines[j])
        i = j + 1
        # (`hard` only when the next line may continue: it starts lower case, so it is not blank.)
        if join and i < count and lines[i][:1].islower() and not (cur.rule if cur.rule is not None else cur.hard()):
            # The lines right after that start lower case (no quote, no blank line before) continue the
            # paragraph, as `_join` decides, while it is clearly not capitalised (the first test of `_Para._caps`)
            # and they open no list item (`_lower_line_start`): joined here with less work a line.
            start, chars, k = cur.start, cur.chars, i
            while k < count:
                nxt = lines[k]
                c = nxt[:1]
                if not (c.islower() and c.isalpha()) or 10 * (lows[k] - lows[start]) <= chars:
                    break
                if (not nxt[1:2].isalpha() or c == "k") and _LOWER_LINE_START.match(nxt):
                    break
                joins.append(pos)
                chars += len(nxt)
                pos += 1 + len(nxt)
                k += 1
            if k > i:
                cur.line = (cur.line + " " + " ".join(lines[i:k]))[-60:]  # (what `_Para.extend` keeps)
                cur.end, cur.chars, cur.known = k - 1, chars, None
                i = k
    _join_lines(t, joins, edits)


def _join_lines(t: Tracked, joins: list[int], edits: list[Edit]) -> None:
    """`t.apply` of the edits `(p, p + 1, " ")` for p in `joins` and of `edits` (both in text order), for rewrap.

    A line break that becomes a space keeps the length and the offset map, so those (most of rewrap's edits)
    are set on the code points at once instead of one by one in `apply`.
    """
    np = _numpy(t)
    if joins and np is not None:
        codes = _codes_of(np, t).copy()
        codes[joins] = 32
        t.text = str(codes, "utf-32-le", "surrogatepass")
        t.codes_of = (t.text, codes)
    elif joins:
        edits = sorted(edits + [(p, p + 1, " ") for p in joins])
    t.apply(edits, "rewrap")


_HYPHEN = re.compile(r"-\n(?<=[a-z]-\n)(?=[a-z]+\b)")  # (literal first: the engine skips ahead to `-`)


@step("dehyphenate")
def dehyphenate(t: Tracked) -> None:
    """Rejoin a foreign word hyphenated across a line end (`infor-` / `mation`)."""
    if "-\n" in t.text:
        t.sub(_HYPHEN, "", "dehyphenate")


# ---------------------------------------------------------------- the pipeline

DEFAULT_STEPS: tuple[str, ...] = (
    "nfc",
    "control",
    "markdown",
    "whitespace",
    "legacy_debris",
    "tone",
    "running_headers",
    "site_chrome",
    "site_tail",
    "portal_footer",
    "letterhead",
    "cells",
    "blank_lines",
    "dehyphenate",
    "rewrap",
    "blank_lines",
    "strip",
    "truncation",
)


def check_steps(steps: Iterable[str]) -> list[Step]:
    """The step functions for names; an unknown name raises with the list of valid ones."""
    out = []
    for name in steps:
        fn = STEPS.get(name)
        if fn is None:
            raise VnplanError(f"unknown cleaning step {name!r}; known: {', '.join(sorted(STEPS))}")
        out.append(fn)
    return out


# Texts longer than this are cleaned in pieces cut at blank lines, so that the
# transient copies of a 50 MB file stay small; steps that look at the whole
# document run where they apply (letterhead on the first piece, footer on the last).
CHUNK_CHARS = 4_000_000


def _clean_piece(raw: str, fns: list[Step], base: int = 0) -> Tracked:
    t = Tracked.of(raw, base)
    for fn in fns:
        fn(t)
    return t


def clean_text(raw: str, steps: Iterable[str] = DEFAULT_STEPS, chunk_chars: int = CHUNK_CHARS) -> Cleaned:
    """Clean raw text with the named steps; unknown names raise with the valid list."""
    names = list(steps)
    fns = check_steps(names)
    if len(raw) <= chunk_chars:
        t = _clean_piece(raw, fns)
        flags = tuple(Flag(k, s, e, d) for k, s, e, d in t.flags)
        return Cleaned(t.text, t.offsets, tuple(t.removed), flags)  # type: ignore[arg-type]
    cuts = [0]
    while len(raw) - cuts[-1] > chunk_chars:
        cut = raw.find("\n\n", cuts[-1] + chunk_chars)
        # Not where a sentence goes on after the blank line (a page break): rewrap would join it.
        while cut >= 0 and raw[cut + 2 : cut + 3].islower():
            cut = raw.find("\n\n", cut + 2)
        if cut < 0:
            break
        cuts.append(cut + 2)
    cuts.append(len(raw))
    texts: list[str] = []
    offsets = array("i" if len(raw) < 2**31 - 1 else "q")
    removed: list[Removed] = []
    flags: list[Flag] = []
    size = 0
    for k, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
        piece_fns = [fn for name, fn in zip(names, fns, strict=True)
                     if not (name == "letterhead" and k > 0) and not (name == "portal_footer" and b < len(raw))]
        t = _clean_piece(raw[a:b], piece_fns, a)
        removed.extend(t.removed)
        if t.text:
            if texts:
                texts.append("\n\n")  # the blank line the text was cut at
                offsets.extend((a - 2, a - 1))
                size += 2
            flags.extend(Flag(kind, s + size, e + size, d) for kind, s, e, d in t.flags)
            texts.append(t.text)
            offsets.frombytes(memoryview(t.offsets).cast("B")[: -t.offsets.itemsize])
            size += len(t.text)
        if any(r.step == "site_tail" for r in t.removed) and b < len(raw):
            removed.append(Removed("site_tail", b, len(raw), raw[b:]))
            break
    else:
        b = len(raw)
    offsets.append(b if texts else 0)
    return Cleaned("".join(texts), offsets, tuple(removed), tuple(flags))  # type: ignore[arg-type]


def clean(source: Source, steps: Iterable[str] = DEFAULT_STEPS) -> Cleaned:
    """Clean a loaded Source."""
    return clean_text(source.text, steps)
