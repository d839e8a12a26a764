"""gazetteer/doc_headings.json: each structure word's examples open a section of its kind."""

from __future__ import annotations

import pytest
from vnplan import gazetteer
from vnplan.segment import match_marker

STRUCTURE = gazetteer.load("doc_headings.json")["structure"]


@pytest.mark.parametrize(("kind", "line"), [(e["kind"], x) for e in STRUCTURE for x in e["examples"]])
def test_structure_examples_open_their_kind(kind: str, line: str) -> None:
    got = match_marker(line)
    assert got is not None and got[0] == kind
