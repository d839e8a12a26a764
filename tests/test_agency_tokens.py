"""The numpy tokeniser of the agency matcher splits exactly as the regex one does."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.extractors import agencies

np = agencies._numpy()
pytestmark = pytest.mark.skipif(np is None, reason="numpy not installed")

# Letters, digits, underscores, punctuation, every kind of blank, combining marks, lone
# surrogates and astral characters: all the classes `_TOKEN` tells apart.
_CHARS = st.sampled_from(list("aAđĐủỦyY09_ .,;:-–()/\n\t\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\u0301\u0323")
                         + ["\ud800", "\udc00", "\U0001f600", "\U00010400", "\U0001d7d8", "ñ", "²", "Ⅻ"])


def _both(body: str, start: int = 0):
    starts, ends, texts = agencies._np_tokens(np, body, start)
    return (list(starts), list(ends), texts), agencies._split_tokens(body, start)


@settings(max_examples=400, deadline=None)
@given(st.lists(_CHARS, max_size=60).map("".join), st.integers(0, 1000))
def test_np_tokens_match_regex(body, start):
    got, want = _both(body, start)
    assert got == want


@pytest.mark.parametrize("body", ["", " ", "a", " a ", "tỉnh;", "UBND tỉnh Quảng Ngãi, Sở Nội vụ.",
                                  "x\u0301y  -- (a_b)\n\n1.2.3", "😀a😀 b"])
def test_np_tokens_examples(body):
    got, want = _both(body, 7)
    assert got == want


def test_token_arrays_same_on_long_body():
    body = "Ủy ban nhân dân tỉnh; Sở Tư pháp (chủ trì), UBND huyện Lý Sơn.\n- Bộ Tài chính: 2025/NQ-CP " * 20
    text = "xx" + body + "yy"
    starts, ends, texts, norms, _ = agencies._token_arrays(text, 2, 2 + len(body))
    assert (list(starts), list(ends), texts) == agencies._split_tokens(body, 2)
    assert norms == [agencies.fold_syllable(t) for t in texts]
