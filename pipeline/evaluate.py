"""Score extraction against hand-made gold files (the shape of docs/FORMAT.md, as the gold writes it).

Matching rules (also in README.md):
- documents: type, normalised symbol and date agree;
- citations: normalised symbol, plus year when the symbol has none; unnumbered
  documents (laws by name): type, title (fuzzy, >= 85) and year;
- relations: (relation, from, to); `self` matches `self`, titles match fuzzily;
- targets: value, unit and deadline year;
- agencies: canonical name, case- and tone-folded.
Each gold fact matches at most one predicted fact, and the reverse.

A gold file may hold an `annotated` list naming the kinds it covers (held-out
files annotate only documents and targets); the other kinds of that file are not
scored. Without the list, every kind is scored.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vnplan.outputs.facts_json import facts_json

from .errors import Reject, VnplanError
from .kinds import BY_NAME, SCORED
from .kinds import KINDS as FACT_KINDS
from .run import process_file
from .text.normalize import fold, normalize_symbol

KINDS = ("documents", *SCORED)
# Every kind a gold file may annotate (docs/FORMAT.md); a kind this build does not extract is not scored.
FORMAT_KINDS = ("documents", "citations", "relations", "targets", "agencies", "achievements")


@dataclass
class Score:
    """Counts and the unmatched facts of one kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_pos: list[tuple[str, Any]] = field(default_factory=list)
    false_neg: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted and nothing expected."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        """tp / (tp + fn)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores by kind over a set of documents, plus indicator accuracy on matched targets."""

    scores: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    indicator_right: int = 0
    indicator_total: int = 0
    scored_files: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})

    @property
    def indicator_accuracy(self) -> float:
        """Share of matched targets whose indicator code is right."""
        return self.indicator_right / self.indicator_total if self.indicator_total else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Scores as plain numbers, for JSON output and the floors test."""
        out: dict[str, Any] = {
            k: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                "tp": s.tp, "fp": s.fp, "fn": s.fn}
            for k, s in self.scores.items() if self.scored_files[k]
        }
        out["indicator_accuracy"] = round(self.indicator_accuracy, 4)
        return out


# ---------------------------------------------------------------- matching rules
# Each fact kind's rule lives with the kind (`vnplan.kinds`); documents are scored here.


def match_document(g: dict, p: dict) -> bool:
    """Own documents: type, symbol and date agree."""
    return (
        fold(g.get("type") or "") == fold(p.get("type") or "")
        and _sym(g.get("symbol")) == _sym(p.get("symbol"))
        and (g.get("date") or None) == (p.get("date") or None)
    )


def _sym(s: Any) -> str | None:
    return normalize_symbol(s) if isinstance(s, str) and s.strip() else None


MATCHERS: dict[str, Callable[[Any, Any], bool]] = {
    "documents": match_document, **{k.name: k.match for k in FACT_KINDS if k.match is not None}}


def _label(kind: str, fact: Any) -> str:
    if not isinstance(fact, dict):
        return str(fact)
    if kind == "documents":
        return f"{fact.get('type')} {fact.get('symbol')} {fact.get('date')}"
    return BY_NAME[kind].describe(fact)


def score_kind(kind: str, gold: Sequence[Any], pred: Sequence[Any], name: str, report: Report) -> None:
    """Match one kind of fact one-to-one and add the counts to `report`."""
    matcher = MATCHERS[kind]
    used = [False] * len(pred)
    sc = report.scores[kind]
    for g in gold:
        hit = None
        for i, p in enumerate(pred):
            if not used[i] and matcher(g, p):
                hit = i
                break
        if hit is None:
            sc.fn += 1
            sc.false_neg.append((name, _label(kind, g)))
            continue
        used[hit] = True
        sc.tp += 1
        if kind == "targets":
            report.indicator_total += 1
            report.indicator_right += int(g.get("indicator") == pred[hit].get("indicator"))
    for i, p in enumerate(pred):
        if not used[i]:
            sc.fp += 1
            sc.false_pos.append((name, _label(kind, p)))


# ---------------------------------------------------------------- publisher metadata (.meta.json)


def slug(s: str) -> str:
    """A publisher's slug of a text: no accents, `đ` -> `d`, lower case, `-` between runs of letters and digits."""
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D").lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def publisher_type(loai: str) -> str:
    """A publisher's `loai` as vnplan's type word: a full word as it is, a type code (`NQ`, `VB HN`) as
    the type whose heading carries it (doc_headings.json)."""
    from vnplan.gazetteer import load

    code = re.sub(r"\W", "", loai).upper()
    for e in load("doc_headings.json")["types"]:
        if code in (c.upper() for c in e.get("codes") or ()):
            return e["type"]
    return loai


def publisher_agreement(doc: dict[str, Any], meta: dict[str, Any]) -> dict[str, bool | None]:
    """Whether a document (FORMAT.md shape) agrees with its publisher's `.meta.json` on the symbol
    (`so_hieu`, a slug or the symbol as written), the type (`loai`) and the year (`nam`); None where
    the publisher leaves a field out (`nam` 0)."""
    symbol = doc.get("symbol") or ""
    out: dict[str, bool | None] = {
        "symbol": bool(symbol) and f"-{slug(symbol)}-" in f"-{slug(meta.get('so_hieu') or '')}-",
        "type": fold(doc.get("type") or "") == fold(publisher_type(meta.get("loai") or "")),
        "year": None,
    }
    if meta.get("nam"):
        year = (doc.get("date") or "")[:4] or (re.search(r"/((?:19|20)\d\d)/", symbol) or [None, None])[1]
        out["year"] = str(meta["nam"]) == str(year)
    return out


def load_gold(path: Path) -> dict[str, Any]:
    """Read one gold file; raise VnplanError naming the file when it is unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise VnplanError(f"cannot read gold file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise VnplanError(f"gold file {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k, []), list) for k in KINDS):
        raise VnplanError(f"gold file {path} does not have the FORMAT.md shape (lists of {', '.join(KINDS)})")
    unknown = set(data.get("annotated") or ()) - set(KINDS) - set(FORMAT_KINDS)
    if unknown:
        raise VnplanError(f"gold file {path} names unknown kinds in `annotated`: {', '.join(sorted(unknown))}")
    return data


def evaluate(gold_dir: str | Path, docs_dir: str | Path) -> Report:
    """Run the pipeline on every document that has a gold file, and score it."""
    gold_dir, docs_dir = Path(gold_dir), Path(docs_dir)
    if not gold_dir.is_dir():
        raise VnplanError(f"gold directory not found: {gold_dir}")
    if not docs_dir.is_dir():
        raise VnplanError(f"documents directory not found: {docs_dir}")
    gold_files = sorted(p for p in gold_dir.glob("*.json"))
    if not gold_files:
        raise VnplanError(f"no gold files (*.json) in {gold_dir}")
    report = Report()
    for gf in gold_files:
        gold = load_gold(gf)
        src = gold.get("source") or gf.with_suffix(".txt").name
        doc_path = docs_dir / src
        if not doc_path.is_file():
            raise VnplanError(f"document {src} named by gold file {gf.name} not found in {docs_dir}")
        try:
            pred = facts_json(process_file(doc_path))
        except Reject as exc:
            raise VnplanError(f"document {doc_path} was rejected: {exc}") from None
        for kind in [k for k in gold.get("annotated") or KINDS if k in KINDS]:
            report.scored_files[kind] += 1
            score_kind(kind, gold.get(kind, []), pred.get(kind, []), src, report)
    return report


def format_report(report: Report, verbose: bool = False) -> str:
    """A readable table of the scores, with the unmatched facts when verbose."""
    lines = [f"{'kind':<11} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for kind, s in report.scores.items():
        if not report.scored_files[kind]:
            lines.append(f"{kind:<11} {'(not annotated)':>20}")
            continue
        lines.append(f"{kind:<11} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:5d} {s.fp:5d} {s.fn:5d}")
    lines.append(f"indicator accuracy on matched targets: {report.indicator_accuracy:.3f} "
                 f"({report.indicator_right}/{report.indicator_total})")
    if verbose:
        for kind, s in report.scores.items():
            for name, label in s.false_pos:
                lines.append(f"FP {kind:<10} {name}: {label}")
            for name, label in s.false_neg:
                lines.append(f"FN {kind:<10} {name}: {label}")
    return "\n".join(lines)
