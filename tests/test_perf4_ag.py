"""The token table of the agency matcher: numpy ids by hash are exact, and equal the str way."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.extractors import agencies

np = agencies._numpy()
pytestmark = pytest.mark.skipif(np is None, reason="numpy not installed")

_WORDS = st.sampled_from(["Ủy", "ban", "UBND", "UBDN", "tỉnh", "Sở", "sở", "Tư", "pháp", "hoà", "hòa", "ñ", "2025",
                          "😀", "a_b", ";", ",", ":", "(", ")", ".", "-", "–", "\n", " ", "  ", "\t", "x\u0301"])


def _str_way(text, start, end):
    starts, ends, texts = agencies._split_tokens(text[start:end], start)
    return starts, ends, texts, [agencies.fold_syllable(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, min_size=60, max_size=400).map("".join))
def test_token_table_equals_the_str_way(body):
    text = "ab" + body + "cd"
    agencies._token_table.cache_clear()
    tt = agencies._token_table(text, 2, 2 + len(body))
    starts, ends, texts, norms = _str_way(text, 2, 2 + len(body))
    assert (list(tt.starts), list(tt.ends), tt.texts, tt.norms) == (starts, ends, texts, norms)
    assert [tt.distinct[i] for i in tt.ids] == texts
    assert tt.folds == [agencies.fold_syllable(t) for t in tt.distinct]
    assert len(set(tt.distinct)) == len(tt.distinct)


@pytest.mark.parametrize("n,values", [(1, 1), (50, 3), (5000, 40), (20000, 20000)])
def test_same_hash_points_to_an_equal_value(n, values):
    rng = np.random.default_rng(n)
    # Values that share their low bits force several rounds of the table.
    h = (rng.integers(0, values, n).astype(np.uint64) << np.uint64(20)) * np.uint64(3)
    rep = agencies._same_hash(np, h)
    assert rep is not None and (h[rep] == h).all()


def test_a_hash_collision_falls_back_to_the_str_way(monkeypatch):
    body = "Sở Tư pháp, Sở Nội vụ; UBND tỉnh Quảng Ngãi. " * 10
    # Every token "collides": the check against the representative must refuse the ids.
    monkeypatch.setattr(agencies, "_same_hash", lambda np_, h: np_.zeros(h.size, dtype=np_.intp))
    assert agencies._np_token_ids(np, body, 0) is None
    assert agencies._np_token_ids(np, "ab cd " * 50, 0) is None  # same lengths, other characters
    agencies._token_table.cache_clear()
    tt = agencies._token_table(body, 0, len(body))
    starts, ends, texts, norms = _str_way(body, 0, len(body))
    assert (list(tt.starts), list(tt.ends), tt.texts, tt.norms) == (starts, ends, texts, norms)
    agencies._token_table.cache_clear()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Ủy", "ban", "nhân", "dân", "UBND", "UBDN", "tỉnh", "Sở", "Bộ", "bộ", "các", "Tư",
                                 "pháp", "Nội", "vụ", "Tài", "chính", "thành", "phố", "Hà", "Nội", "Công", "an",
                                 "Hội", "đồng", ",", ":", "và", " ", "\n"]),
                min_size=1, max_size=300).map(" ".join))
def test_cue_subsets_lose_no_match(body):
    agencies._token_table.cache_clear()
    toks = agencies._match_tokens(body, 0, len(body))
    assert list(agencies._alias_matches(toks.norms, toks.alias_at)) == \
        list(agencies._alias_matches(toks.norms, toks.cues))
    assert toks.committee_at == [i for i in toks.cues if toks.norms[i] in ("ubnd", "ủy")]
    assert toks.head_at == [i for i in toks.cues if toks.norms[i] in agencies._HEADS]
    assert toks.cues == [i for i, n in enumerate(toks.norms) if n in agencies._cues()]


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=300).map("".join), st.data())
def test_token_lookup_is_bisect(body, data):
    from bisect import bisect_left

    from vnplan.extractors.tasks import _Body

    text = "ab" + body + "cd"
    agencies._token_table.cache_clear()
    agencies._tokens_before.cache_clear()
    start, end = 2, 2 + len(body)
    tt = agencies._token_table(text, start, end)
    b = _Body(tt.starts, tt.ends, [], [], tt.norms)
    b.before, b.base = agencies._tokens_before(text, start, end), start
    n = len(tt.starts)
    for _ in range(20):
        pos = data.draw(st.integers(-3, len(text) + 3))
        lo = data.draw(st.integers(0, n))
        hi = data.draw(st.integers(lo, n))
        assert b.tok(pos) == bisect_left(tt.starts, pos)
        assert b.tok(pos, lo, hi) == bisect_left(tt.starts, pos, lo, hi)
        assert b.tok_range(pos, pos + 5) == (bisect_left(tt.starts, pos), bisect_left(tt.starts, pos + 5))


def test_same_hash_places_small_values():
    # A one-character token hashes to its code point: many small values must not exhaust the rounds.
    h = np.tile(np.arange(40, 400, dtype=np.uint64), 5)
    rep = agencies._same_hash(np, h)
    assert rep is not None and (h[rep] == h).all()
    # Values that differ only in their top bits (each round's window alone would not tell them apart).
    h = np.tile(np.arange(64, dtype=np.uint64) << np.uint64(57), 20)
    rep = agencies._same_hash(np, h)
    assert rep is not None and (h[rep] == h).all()
    body = " ".join(chr(c) for c in range(0x21, 0x7F)) * 3 + " x" * 100
    assert agencies._np_token_ids(np, body, 0) is not None


_LINES = st.sampled_from(["Nơi nhận:", "NƠI NHẬN", "nơi  nhận :", "**Nơi nhận:**", " \t** Nơi\nnhận", "- Lưu: VT",
                          "\n", "\n\n", " ", "\t", "**", "x", "Nơi", "nhận", ":", "- Sở Y tế;", "./.", "\r"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=30).map("".join), st.data())
def test_recipient_labels_are_the_line_start_regex(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    want = [m.span() for m in agencies._RECIPIENTS.finditer(text, start, end)]
    assert list(agencies._recipient_labels(text, start, end)) == want
