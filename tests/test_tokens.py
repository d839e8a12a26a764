"""Syllable tokens (`vnplan.text.tokens`): one table of texts through both ways of tokenising.

The regex way (`split_tokens`) is the definition; the numpy way (`np_tokens`, and the
token table built on it for long spans) must give exactly the same tokens, as eyecite runs
one test table through each of its tokenizers. Its byte keys, hash table and per-thread
vocabulary are checked on their own below.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.text import tokens as tk

np = tk.numpy_or_none()
needs_numpy = pytest.mark.skipif(np is None, reason="numpy not installed")


def _regex_way(body, start):
    return tk.split_tokens(body, start)


def _numpy_way(body, start):
    starts, ends, texts = tk.np_tokens(np, body, start)
    return list(starts), list(ends), texts


def _table_way(body, start):
    text = "x" * start + body
    tk.token_table.cache_clear()
    tt = tk.token_table(text, start, start + len(body))
    return list(tt.starts), list(tt.ends), tt.texts


WAYS = [pytest.param(_numpy_way, id="numpy", marks=needs_numpy), pytest.param(_table_way, id="table")]

# The table: letters, digits, underscores, punctuation, every kind of blank, combining marks,
# astral characters, rare letters; short bodies (regex path of the table) and long ones (numpy path).
TEXTS = ["", " ", "a", " a ", "tỉnh;", "UBND tỉnh Quảng Ngãi, Sở Nội vụ.", "x\u0301y  -- (a_b)\n\n1.2.3", "😀a😀 b",
         "Ủy ban nhân dân tỉnh; Sở Tư pháp (chủ trì), UBND huyện Lý Sơn.\n- Bộ Tài chính: 2025/NQ-CP " * 20,
         " ".join(chr(c) for c in range(0x4E00, 0x4E00 + 80)) + " Sở Tư pháp" * 20,  # many rare letters
         "Sở Tư pháp 😀 UBND tỉnh " * 20,  # astral characters
         " ".join(chr(c) for c in range(0x21, 0x7F)) * 3 + " x" * 100]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("body", TEXTS)
def test_every_way_tokenises_as_the_regex(way, body):
    assert way(body, 7) == _regex_way(body, 7)


# Every class `TOKEN` tells apart, for random bodies.
_CHARS = st.sampled_from(list("aAđĐủỦyY09_ .,;:-–()/\n\t\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\u0301\u0323")
                         + ["\ud800", "\udc00", "\U0001f600", "\U00010400", "\U0001d7d8", "ñ", "²", "Ⅻ"])
_PARTS = st.sampled_from(["Ủy", "ban", "UBND", "UBDN", "tỉnh", "Sở", "nghiêng", "nghiêngg", "abcdefgh",
                          "abcdefg", "ñ", "ñam", "Ð", "ß", "Ωmega", "ж", "ки", "中文", "\uc8ff", "\uc8c8", "×",
                          "●", "\u0301", "x\u0301", "2025", "20252025", "a_b", ";", ",", ":", "(", ".", "–", "“",
                          "\n", " ", "  ", "\t"])


@needs_numpy
@settings(max_examples=300, deadline=None)
@given(st.lists(_CHARS, max_size=60).map("".join), st.integers(0, 1000))
def test_numpy_way_on_random_characters(body, start):
    assert _numpy_way(body, start) == _regex_way(body, start)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PARTS, min_size=60, max_size=400).map("".join))
def test_token_table_on_random_bodies(body):
    text = "ab" + body + "cd"
    tk.token_table.cache_clear()
    tt = tk.token_table(text, 2, 2 + len(body))
    starts, ends, texts = _regex_way(body, 2)
    assert (list(tt.starts), list(tt.ends), tt.texts) == (starts, ends, texts)
    assert tt.norms == [tk.fold_syllable(t) for t in texts]
    assert [tt.distinct[i] for i in tt.ids] == texts
    assert tt.folds == [tk.fold_syllable(t) for t in tt.distinct]
    assert len(set(tt.distinct)) == len(tt.distinct)


@pytest.mark.parametrize("raw,folded", [("UỶ", "ủy"), ("hoà", "hòa"), ("Hoá", "hóa"), ("quý", "quý"),
                                        ("ñồng", "đồng"), ("Ð", "đ"), ("ho\u0300a", "hòa")])
def test_fold_syllable(raw, folded):
    assert tk.fold_syllable(raw) == folded


# ---------------------------------------------------------------- the numpy way's own parts


def _check_ids(body):
    vocab = tk._vocabulary(tk.plain)
    got = tk._np_token_ids(np, body, 5, vocab)
    assert got is not None
    starts, ends, ids, texts, vids = got
    want_starts, want_ends, want_texts = _regex_way(body, 5)
    assert (list(starts), list(ends)) == (want_starts, want_ends)
    assert [texts[i] for i in ids.tolist()] == want_texts
    assert len(set(texts)) == len(texts)
    assert [vocab.text[v] for v in vids] == texts
    assert [vocab.fold[v] for v in vids] == [tk.fold_syllable(t) for t in texts]


@needs_numpy
@settings(max_examples=300, deadline=None)
@given(st.lists(_PARTS, min_size=1, max_size=200).map("".join))
def test_byte_keys_are_exact(body):
    _check_ids(body)


@needs_numpy
@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(_PARTS, min_size=1, max_size=80).map("".join), min_size=2, max_size=6))
def test_vocabulary_serves_bodies_with_other_rare_letters(bodies):
    # Each body numbers its rare letters its own way: a kept key must mean one text everywhere.
    for body in bodies + bodies[::-1]:
        _check_ids(body)


@needs_numpy
@pytest.mark.parametrize("body", [" ".join(chr(c) for c in range(0x4E00, 0x4E00 + 80)) + " Sở Tư pháp" * 20,
                                  "Sở Tư pháp 😀 UBND tỉnh " * 20])
def test_numpy_declines_what_it_cannot_tell(body):
    assert tk._np_token_ids(np, body, 0, tk._vocabulary(tk.plain)) is None


@needs_numpy
@pytest.mark.parametrize("n,values", [(1, 1), (50, 3), (5000, 40), (20000, 20000)])
def test_same_hash_points_to_an_equal_value(n, values):
    rng = np.random.default_rng(n)
    # Values that share their low bits force several rounds of the table.
    h = (rng.integers(0, values, n).astype(np.uint64) << np.uint64(20)) * np.uint64(3)
    rep = tk._same_hash(np, h)
    assert rep is not None and (h[rep] == h).all()


@needs_numpy
def test_same_hash_places_small_values():
    # A one-character token hashes to its code point: many small values must not exhaust the rounds.
    h = np.tile(np.arange(40, 400, dtype=np.uint64), 5)
    rep = tk._same_hash(np, h)
    assert rep is not None and (h[rep] == h).all()
    # Values that differ only in their top bits (each round's window alone would not tell them apart).
    h = np.tile(np.arange(64, dtype=np.uint64) << np.uint64(57), 20)
    rep = tk._same_hash(np, h)
    assert rep is not None and (h[rep] == h).all()


@needs_numpy
def test_a_hash_collision_falls_back_to_the_regex_way(monkeypatch):
    body = "Sở Tư pháp, Sở Nội vụ; UBND tỉnh Quảng Ngãi. " * 10
    # Every token "collides": the check against the representative must refuse the ids.
    monkeypatch.setattr(tk, "_same_hash", lambda np_, h: np_.zeros(h.size, dtype=np_.intp))
    assert tk._np_token_ids(np, body, 0, tk._vocabulary(tk.plain)) is None
    assert tk._np_token_ids(np, "ab cd " * 50, 0, tk._vocabulary(tk.plain)) is None
    assert _table_way(body, 0) == _regex_way(body, 0)
    tk.token_table.cache_clear()


@needs_numpy
def test_threads_keep_their_own_vocabulary():
    # Ids are handed out in order: threads adding tokens at once (a Dask worker with several
    # threads) must not give one id two texts. Forced task switches make the race likely.
    import sys
    from concurrent.futures import ThreadPoolExecutor

    bodies = [" ".join(f"Sở{k}x{i} ban{i} UBND tỉnh{k}" for i in range(60)) for k in range(16)]

    def tokens(body):
        tk.token_table.cache_clear()
        tt = tk.token_table(body, 0, len(body))
        return tt.texts, tt.norms

    want = [(_regex_way(b, 0)[2], [tk.fold_syllable(t) for t in _regex_way(b, 0)[2]]) for b in bodies]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(tokens, bodies * 4))
    finally:
        sys.setswitchinterval(old)
    assert got == want * 4


@settings(max_examples=150, deadline=None)
@given(st.lists(_PARTS, min_size=1, max_size=300).map("".join), st.data())
def test_tokens_before_is_bisect(body, data):
    from bisect import bisect_left

    text = "ab" + body + "cd"
    tk.token_table.cache_clear()
    tk.tokens_before.cache_clear()
    start, end = 2, 2 + len(body)
    starts = tk.token_table(text, start, end).starts
    before = tk.tokens_before(text, start, end)
    for _ in range(20):
        pos = data.draw(st.integers(start, end))
        assert before[pos - start] == bisect_left(starts, pos)
