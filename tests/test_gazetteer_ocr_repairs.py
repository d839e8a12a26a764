"""Each example of ocr_repairs.json is repaired as it says; every type heading survives OCR's lost
spaces and accents; prose outside a page's head is left alone."""

from __future__ import annotations

import pytest
from vnplan.gazetteer import load
from vnplan.text.ocr_repair import letters, repair_ocr_text, type_heading

REPAIRS = load("ocr_repairs.json")


def _examples() -> list[tuple[str, str]]:
    out = [tuple(x) for e in REPAIRS["phrases"] + REPAIRS["labels"] for x in e["examples"]]
    for key in ("organisation_examples", "heading_examples"):
        out += [tuple(x) for x in REPAIRS[key]]
    out += [tuple(x) for key in ("examples", "code_examples") for x in REPAIRS["lookalikes"][key]]
    return out


@pytest.mark.parametrize(("read", "repaired"), _examples())
def test_repair_examples(read, repaired):
    assert repair_ocr_text(read) == repaired


@pytest.mark.parametrize("heading", [e["heading"] for e in load("doc_headings.json")["types"]])
def test_every_type_heading_survives_lost_spaces_and_accents(heading):
    from vnplan.text.normalize import strip_accents

    assert type_heading(heading.replace(" ", "")) == heading
    assert type_heading(strip_accents(heading)) == heading
    assert type_heading(f"— {heading} _") == heading


def test_type_headings_are_told_apart_by_their_letters():
    keys = [letters(e["heading"])[0] for e in load("doc_headings.json")["types"]]
    assert len(keys) == len(set(keys))


def test_repairs_leave_body_prose_alone():
    body = "Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;\nQuy định chi tiết một số điều về sổ tay 12 trang."
    assert repair_ocr_text(body) == body
