"""gazetteer/preamble.json: each opener's examples open a preamble paragraph, for every reader of its role."""

from __future__ import annotations

import re

import pytest
from vnplan import gazetteer
from vnplan.text.headings import opener_pattern, preamble_openers

OPENERS = gazetteer.load("preamble.json")["openers"]


@pytest.mark.parametrize(("entry", "example"), [(e, x) for e in OPENERS for x in e["examples"]],
                         ids=lambda v: v["phrase"] if isinstance(v, dict) else v[:30])
def test_example_opens_with_its_phrase_and_role(entry: dict, example: str) -> None:
    assert example.startswith(entry["phrase"])
    assert re.match(opener_pattern(entry["role"]), example)
    assert re.match(opener_pattern(), example)


def test_roles_select_their_openers() -> None:
    assert set(preamble_openers("basis")) == {"Căn cứ"}
    assert "Thực hiện" not in preamble_openers("basis", "proposal")
    assert set(preamble_openers()) == {e["phrase"] for e in OPENERS}


def test_a_basis_line_is_no_commitment() -> None:
    """The targets extractor reads no target on a basis or proposal line (its numbers report, never commit)."""
    from vnplan.run import process_bytes

    text = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 1/KH-UBND\nKẾ HOẠCH\nCải cách hành chính năm 2025\n"
            "Xét Tờ trình số 12/TTr-SNV của Sở Nội vụ đề nghị đạt 95% hồ sơ đúng hạn;\n"
            "1. Mục tiêu\n- Đến năm 2025, 90% hồ sơ được giải quyết đúng hạn.\n").encode()
    from vnplan.models import Target

    values = [f.value for f in process_bytes(text, "txt").facts if isinstance(f, Target)]
    assert values == [90]
