"""gazetteer/deadline_cues.json: every example reads as the deadline its entry says."""

from __future__ import annotations

import pytest
from vnplan import gazetteer
from vnplan.text.dates import find_deadlines, parse_deadline

CUES = gazetteer.load("deadline_cues.json")
# The kind of TimeExpr each expression gives.
KIND = {"year": "end_of_year", "by_date": "absolute", "before_date": "absolute", "month": "end_of_month",
        "quarter": "end_of_month", "period": "period"}


@pytest.mark.parametrize(("name", "example"), [(n, x) for n, e in CUES["expressions"].items() for x in e["examples"]])
def test_expression_examples_parse_whole(name: str, example: str) -> None:
    te = parse_deadline(example)
    assert te is not None and te.kind == KIND[name]
    assert example[te.start:te.end].strip() == example.strip()


@pytest.mark.parametrize("entry", CUES["recurrence"], ids=lambda e: e["word"])
def test_recurrence_examples(entry: dict) -> None:
    for example in entry["examples"]:
        (te,) = find_deadlines(example)
        assert te.kind == "recurring" and te.recurring == entry["means"]


@pytest.mark.parametrize("entry", CUES["events"], ids=lambda e: e["phrase"])
def test_event_examples(entry: dict) -> None:
    for example in entry["examples"]:
        te = parse_deadline(example)
        assert te is not None and te.kind == "relative" and te.relative.endswith("after " + entry["means"])
