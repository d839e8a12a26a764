"""Typed values passed between the pipeline stages.

load -> Source, clean -> Cleaned, segment -> Document + Section tree,
extract -> Fact subclasses, resolve -> the same facts with keys filled in,
store -> SQLite rows. Every fact keeps the span of its quote in the cleaned
text of its file, so it can be shown in the original through `Cleaned.to_raw`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# ---------------------------------------------------------------- building values fast


def built(cls: type, fields: dict[str, Any]) -> Any:
    """`cls(**fields)` for a frozen dataclass given every field, without its `__init__`.

    A frozen dataclass's `__init__` sets each field through `object.__setattr__`; the stages
    that make tens of thousands of values (sections, removed spans, resolved facts) hand over
    the instance dict whole instead, at half the cost. The result is the same object
    (tests/test_models.py checks it against the plain constructor); use it only where every
    field is given and no field is derived in `__post_init__`."""
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    return obj


def replaced(obj: Any, **changes: Any) -> Any:
    """`dataclasses.replace(obj, **changes)` for a frozen dataclass without derived fields, at a fraction of
    the cost (no `__init__` run field by field)."""
    return built(type(obj), {**obj.__dict__, **changes})


# ---------------------------------------------------------------- load / clean


@dataclass(frozen=True)
class OcrPage:
    """A PDF page whose text was read by OCR: its span in a text and Tesseract's confidence.

    In `Source.ocr_pages` the span indexes the raw text; in `FileResult.ocr_pages`, the cleaned text.
    """

    page: int  # 1-based page number in the PDF
    start: int
    end: int
    confidence: float | None  # mean word confidence, 0-100; None when OCR found no words
    words: int = 0


@dataclass(frozen=True)
class Source:
    """One input file as read from disk: raw text plus where it came from."""

    path: str
    sha256: str
    size: int
    kind: str  # "txt", "md", "html", "pdf"
    text: str
    encoding: str = "utf-8"
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # Tables found by a structural loader (PDF): each a tuple of rows of cells.
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()
    # PDF pages read by OCR, with their spans in `text`.
    ocr_pages: tuple[OcrPage, ...] = ()


@dataclass(frozen=True)
class Removed:
    """A piece of raw text a cleaning step dropped, and which step dropped it."""

    step: str
    raw_start: int
    raw_end: int
    text: str


@dataclass(frozen=True)
class Flag:
    """A remark on a span of cleaned text (e.g. a paragraph truncated at U+FFFD)."""

    kind: str
    start: int
    end: int
    detail: str = ""


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text and, for every cleaned character, its offset in the raw text.

    `offsets` has len(text) + 1 entries; the last one maps the end of the text.
    """

    text: str
    offsets: Sequence[int]  # array("i") in practice: 4 bytes a character
    removed: tuple[Removed, ...] = ()
    flags: tuple[Flag, ...] = ()

    def to_raw(self, pos: int) -> int:
        """Map a position in the cleaned text to a position in the raw text."""
        return self.offsets[pos]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a cleaned span to the raw span that covers it."""
        if end <= start:
            p = self.offsets[start]
            return p, p
        return self.offsets[start], self.offsets[end - 1] + 1


# ---------------------------------------------------------------- segment


@dataclass(frozen=True)
class Scope:
    """Something a heading says about everything under it."""

    kind: str  # "deadline", "period", "agency"
    value: str  # ISO date for deadline, "YYYY-MM-DD/YYYY-MM-DD" for period, agency name
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Section:
    """One node of a document's section tree.

    `start`/`end` cover the heading and the whole body (children included);
    `heading_end` is where the heading line stops.
    """

    path: str  # "II.2.a", "Điều 3", "PL1.2" ...; "" is the document root
    kind: str  # root, part, chapter, item, article, roman, arabic, letter, dash, plus, annex, table, row, para
    label: str  # the marker as printed: "II", "2", "a", "-", ...
    heading: str
    start: int
    heading_end: int
    end: int
    depth: int
    parent: str | None
    scopes: tuple[Scope, ...] = ()
    cells: tuple[str, ...] = ()  # for kind == "row": the table cells


@dataclass(frozen=True)
class Document:
    """One document inside a file (a decision and the plan it promulgates are two)."""

    doc_id: str  # "<file sha256[:16]>:<index>"
    file_sha: str
    index: int
    start: int
    end: int
    type: str | None = None  # "Quyết định", "Kế hoạch", ...
    symbol: str | None = None  # normalised, None when blank
    number: str | None = None
    date: str | None = None  # ISO, or YYYY-MM when the day is blank
    place: str | None = None
    issuer: str | None = None
    province: str | None = None
    title: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    recipients: tuple[str, ...] = ()
    promulgated_by: int | None = None  # index of the promulgating document in the same file
    sections: tuple[Section, ...] = ()
    key: str | None = None  # canonical identity key, see resolve.document_key

    @cached_property
    def _by_path(self) -> dict[str, Section]:
        return {s.path: s for s in self.sections}

    @cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.sections]

    def section_at(self, pos: int) -> Section:
        """The deepest section whose span holds `pos` (the root when none does)."""
        if not self.sections:
            raise ValueError(f"document {self.doc_id} has no sections")
        # Sections nest and are sorted by (start, depth): the last one starting at
        # or before `pos` is the deepest candidate; climb its parents until one holds `pos`.
        i = bisect_right(self._starts, pos) - 1
        cur = self.sections[i] if i >= 0 else None
        by_path = self._by_path
        while cur is not None and not (cur.start <= pos < cur.end):
            cur = by_path.get(cur.parent) if cur.parent is not None else None
        return cur if cur is not None else self.sections[0]

    def ancestors(self, path: str) -> list[Section]:
        """The section at `path` and its ancestors, innermost first."""
        by_path = self._by_path
        out: list[Section] = []
        cur = by_path.get(path)
        while cur is not None:
            out.append(cur)
            cur = by_path.get(cur.parent) if cur.parent is not None else None
        return out


# ---------------------------------------------------------------- facts


@dataclass(frozen=True, kw_only=True)
class Fact:
    """What every extracted fact carries: where it is, what it quotes, who found it."""

    doc_id: str
    section: str
    start: int
    end: int
    quote: str
    rule: str


@dataclass(frozen=True, kw_only=True)
class Citation(Fact):
    """A mention of another document."""

    type: str | None  # full type word: "Nghị định"
    number: str | None = None
    symbol: str | None = None  # normalised
    year: int | None = None
    date: str | None = None
    issuer: str | None = None  # as written
    issuer_resolved: str | None = None  # canonical, province-scoped where it applies
    title: str | None = None
    key: str | None = None  # canonical identity key of the cited document
    short_form: bool = False  # "Nghị quyết 30c" resolved to an earlier full citation
    self_ref: bool = False  # "Quyết định này"


@dataclass(frozen=True, kw_only=True)
class Relation(Fact):
    """A typed link between two documents, with its modality."""

    relation: str  # based_on, implements, promulgates, repeals, replaces, amends, guides, proposed_by
    modality: str  # in_force, planned, reported
    source: str  # symbol, title, or "self"
    target: str
    source_key: str | None = None
    target_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class AgencyMention(Fact):
    """An agency named in the text, resolved to its canonical name."""

    name: str  # canonical, without the province: "Sở Nội vụ"
    agency_id: str | None = None  # gazetteer id
    province: str | None = None  # scope the agency resolves to
    collective: bool = False


@dataclass(frozen=True, kw_only=True)
class Deadline(Fact):
    """A time expression that fixes when something is due."""

    kind: str  # absolute, end_of_year, end_of_month, period, relative, recurring
    due: str | None = None  # ISO date
    period_start: str | None = None
    period_end: str | None = None
    relative: str | None = None  # "5 working days after signing"
    recurring: str | None = None  # "quarterly"


@dataclass(frozen=True, kw_only=True)
class Target(Fact):
    """A number the plan commits to."""

    value: float
    unit: str  # percent, count, days, rank, points, times
    comparator: str = "="
    indicator: str = "other"
    indicator_phrase: str | None = None
    scope: str | None = None
    deadline: str | None = None
    deadline_source: str | None = None  # "own", "heading:<path>", "document"
    baseline: float | None = None
    criterion: str | None = None
    agency: str | None = None


@dataclass(frozen=True, kw_only=True)
class Achievement(Fact):
    """A result the text reports as already reached: the other half of a target."""

    value: float
    unit: str  # percent, count, days, rank, points, times
    of: int | None = None  # for a rank, the size of the field: `xếp thứ 2/63` -> 63
    indicator: str = "other"
    indicator_phrase: str | None = None
    year: int | None = None  # the year the result is for
    as_of: str | None = None  # ISO date it was counted up to, when the text gives one
    province: str | None = None  # whose result it is; None for a national or a unit's own figure
    estimated: bool = False  # `ước đạt`
    change_value: float | None = None  # the change stated beside it: `tăng 0,1 điểm`
    change_unit: str | None = None
    change_direction: str | None = None  # up, down, same
    criterion: str | None = None  # the annex row's code


@dataclass(frozen=True, kw_only=True)
class Task(Fact):
    """A duty: a bullet item or sentence assigned to a lead agency."""

    lead: str | None
    support: tuple[str, ...] = ()
    lead_source: str | None = None  # "heading", "line", "table", "sentence"
    deadline: str | None = None
    deadline_source: str | None = None


@dataclass(frozen=True)
class FileResult:
    """Everything the pipeline made of one file: a pure function's output."""

    source: Source
    cleaned: Cleaned
    documents: tuple[Document, ...]
    facts: tuple[Fact, ...]
    # The pages of `source.ocr_pages`, their spans mapped into the cleaned text.
    ocr_pages: tuple[OcrPage, ...] = ()

    def facts_of(self, kind: type[Fact]) -> list[Fact]:
        """The facts of one class, in text order."""
        return [f for f in self.facts if isinstance(f, kind)]
