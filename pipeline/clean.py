"""Clean stage: raw text -> cleaned text plus an offset map back to the raw text.

Cleaning is a list of named steps, registered in `STEPS`. Each step takes and
returns a `Tracked` text, which carries, for every character, its offset in the
raw input; edits go through `Tracked.sub`, which keeps that map right. A step
never needs to think about offsets itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .errors import VnplanError
from .models import Cleaned, Flag, Removed, Source

# ---------------------------------------------------------------- offset-tracking text


@dataclass
class Tracked:
    """Text under cleaning, with the raw offset of each character."""

    text: str
    offsets: list[int]  # len(text) + 1 entries
    removed: list[Removed] = field(default_factory=list)
    flags: list[tuple[str, int, int, str]] = field(default_factory=list)

    @classmethod
    def of(cls, raw: str) -> Tracked:
        """Start tracking a raw string: every character maps to itself."""
        return cls(raw, list(range(len(raw) + 1)))

    def sub(
        self,
        pattern: re.Pattern[str],
        repl: str | Callable[[re.Match[str]], str],
        step: str,
        record: bool = False,
    ) -> None:
        """Replace every match of `pattern`, keeping the offset map right.

        Characters of the replacement that equal the matched text's prefix keep
        their own offsets; the others map to the start of the match. With
        `record`, the dropped raw text is kept as a `Removed` entry for
        `vnplan clean --show-removed`.
        """
        out: list[str] = []
        offs: list[int] = []
        pos = 0
        text, offsets = self.text, self.offsets
        changed = False
        for m in pattern.finditer(text):
            s, e = m.span()
            new = repl(m) if callable(repl) else m.expand(repl)
            if new == m.group(0):
                continue
            changed = True
            out.append(text[pos:s])
            offs.extend(offsets[pos:s])
            out.append(new)
            old = m.group(0)
            for i, ch in enumerate(new):
                if i < len(old) and old[i] == ch:
                    offs.append(offsets[s + i])
                elif i < e - s:
                    offs.append(offsets[s + i])
                else:
                    offs.append(offsets[e - 1] if e > s else offsets[s])
            if record and e > s:
                raw_s, raw_e = offsets[s], offsets[e - 1] + 1
                self.removed.append(Removed(step, raw_s, raw_e, old))
            pos = e
        if not changed:
            return
        out.append(text[pos:])
        offs.extend(offsets[pos:])
        self.text = "".join(out)
        self.offsets = offs

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


# ---------------------------------------------------------------- steps


@step("nfc")
def nfc(t: Tracked) -> None:
    """Compose to NFC, one grapheme cluster at a time so offsets stay exact."""
    if unicodedata.is_normalized("NFC", t.text):
        return
    t.sub(re.compile(r".[\u0300-\u036f]+", re.S), lambda m: unicodedata.normalize("NFC", m.group(0)), "nfc")


_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old-style tone on the second vowel of oa/oe/uy at a syllable end: hoà -> hòa, Uỷ -> Ủy.
_TONE_PAIR = re.compile(r"(?<![qQgG])([oO][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?![^\W\d_])")


def _retone(m: re.Match[str]) -> str:
    first, second = m.group(1)[0], m.group(1)[1]
    d = unicodedata.normalize("NFD", second)
    base, tone = d[0], d[1:]
    if not tone or tone[0] not in _TONES:
        return m.group(0)
    return unicodedata.normalize("NFC", first + tone) + base


@step("tone")
def tone(t: Tracked) -> None:
    """One tone-placement convention (the modern one): `hoà` -> `hòa`, `Uỷ` -> `Ủy`."""
    t.sub(_TONE_PAIR, _retone, "tone")


_DEBRIS = re.compile(r"ñ")


@step("legacy_debris")
def legacy_debris(t: Tracked) -> None:
    """Repair debris of legacy encodings: `Hội ñồng` -> `Hội đồng`."""
    t.sub(_DEBRIS, "đ", "legacy_debris")


_MARKUP = re.compile(r"\*\*|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")


@step("markdown")
def markdown(t: Tracked) -> None:
    """Drop `**` and `*` emphasis markers."""
    t.sub(_MARKUP, "", "markdown", record=True)


_SPACES = re.compile(r"[ \t\u00a0\u200b\u3000]+")
_CRLF = re.compile(r"\r\n?")


@step("whitespace")
def whitespace(t: Tracked) -> None:
    """Normalise line ends and runs of spaces; strip spaces at line ends."""
    t.sub(_CRLF, "\n", "whitespace")
    t.sub(_SPACES, " ", "whitespace")
    t.sub(re.compile(r" +\n|\n +"), "\n", "whitespace")
    t.sub(re.compile(r"\n{3,}"), "\n\n", "whitespace")


def _chrome_pattern() -> re.Pattern[str]:
    from vnplan.gazetteer import load_chrome

    lines = [re.escape(x) for x in load_chrome()]
    return re.compile(r"(?m)^[ \t]*(?:" + "|".join(lines) + r")[^\n]*\n?", re.I)


@step("site_chrome")
def site_chrome(t: Tracked) -> None:
    """Drop lines that are portal chrome: loading messages, counters, link lists."""
    t.sub(_chrome_pattern(), "", "site_chrome", record=True)


_TRUNC = re.compile("\ufffd")


@step("truncation")
def truncation(t: Tracked) -> None:
    """Keep a paragraph cut at U+FFFD, but flag it as truncated."""
    for m in _TRUNC.finditer(t.text):
        t.flags.append(("truncated", m.start(), m.end(), "paragraph cut off at U+FFFD"))


_EDGE = re.compile(r"\A\s+|\s+\Z")


@step("strip")
def strip(t: Tracked) -> None:
    """Drop leading and trailing whitespace."""
    t.sub(_EDGE, "", "strip")


DEFAULT_STEPS: tuple[str, ...] = (
    "nfc",
    "whitespace",
    "site_chrome",
    "markdown",
    "legacy_debris",
    "tone",
    "whitespace",
    "strip",
    "truncation",
)


def clean_text(raw: str, steps: Iterable[str] = DEFAULT_STEPS) -> Cleaned:
    """Clean raw text with the named steps; unknown names raise with the valid list."""
    t = Tracked.of(raw)
    for name in steps:
        fn = STEPS.get(name)
        if fn is None:
            raise VnplanError(f"unknown cleaning step {name!r}; known: {', '.join(sorted(STEPS))}")
        fn(t)
    flags = tuple(Flag(k, s, e, d) for k, s, e, d in t.flags)
    return Cleaned(t.text, tuple(t.offsets), tuple(t.removed), flags)


def clean(source: Source, steps: Iterable[str] = DEFAULT_STEPS) -> Cleaned:
    """Clean a loaded Source."""
    return clean_text(source.text, steps)
