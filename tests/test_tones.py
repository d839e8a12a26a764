"""The one tone-placement rule (`vnplan.text.tones`): modern placement on a final oa/oe/uy.

Cleaning rewrites the text with it (`retone_pair`, offset-tracked) and every matching key
folds with it (`modern_tone`, `spelling_key`, `fold_syllable`): all must agree.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.clean import clean_text
from vnplan.text.tokens import fold_syllable
from vnplan.text.tones import OLD_TO_NEW, modern_tone, spelling_key

# Letters that matter to the rule: o/u/y/a/e with and without tones, q/g, word and non-word neighbours.
_ALPHABET = "oOuUqQgGaAeEyYàáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ ._-1×÷\u0300İ\u212aĐđ"

EXAMPLES = [
    ("Thanh Hoá", "Thanh Hóa"), ("THANH HOÁ", "THANH HÓA"), ("hoà bình", "hòa bình"), ("Uỷ ban", "Ủy ban"),
    ("thuỷ_", "thuỷ_"), ("hoàn", "hoàn"), ("khoẻ.", "khỏe."), ("quý", "quý"), ("quỳ", "quỳ"), ("toán", "toán"),
    ("Hoà", "Hòa"), ("", ""),
]


def _plain(s: str) -> str:
    """The rule with the pairs' own alternation (one alternative a pair)."""
    return re.sub("(?:" + "|".join(map(re.escape, OLD_TO_NEW)) + ")(?![\\wÀ-ỹ])",
                  lambda m: m.group(0) if m.string[m.start() - 1:m.start()] in "qQgG" and m.start() else
                  OLD_TO_NEW[m.group(0)], s)


@pytest.mark.parametrize(("old", "new"), EXAMPLES)
def test_modern_tone_examples(old: str, new: str) -> None:
    assert modern_tone(old) == new
    assert len(modern_tone(old)) == len(old)


@given(st.text(alphabet=_ALPHABET, max_size=30))
@settings(max_examples=400, deadline=None)
def test_per_letter_pattern_equals_the_pairs_alternation(s: str) -> None:
    assert modern_tone(s) == _plain(s)


@pytest.mark.parametrize(("old", "new"), [(o, n) for o, n in EXAMPLES if o and not o.endswith("_")])
def test_cleaning_and_matching_keys_agree(old: str, new: str) -> None:
    assert clean_text(old, ["tone"]).text == new
    assert spelling_key(old) == new
    assert " ".join(fold_syllable(w) for w in old.split()) == new.lower()


def test_spelling_key_repairs_legacy_debris() -> None:
    assert spelling_key("Hội ñồng nhân dân tỉnh Thanh Hoá") == "Hội đồng nhân dân tỉnh Thanh Hóa"
