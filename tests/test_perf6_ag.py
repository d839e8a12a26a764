"""The byte-key token table and its vocabulary across bodies: the same tokens as the regex way."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.extractors import agencies

np = agencies._numpy()
pytestmark = pytest.mark.skipif(np is None, reason="numpy not installed")

# Fixed-rank letters, rare letters (body-numbered; Hangul too), one-character tokens whose code
# bytes look like rare letters (×, ●: 0xD7, 0xCF above the fixed ranks), long tokens, and tokens
# of 7/8 letters.
_PARTS = st.sampled_from(["Ủy", "ban", "UBND", "UBDN", "tỉnh", "Sở", "nghiêng", "nghiêngg", "abcdefgh",
                          "abcdefg", "ñ", "ñam", "Ð", "ß", "Ωmega", "ж", "ки", "中文", "\uc8ff", "\uc8c8", "×",
                          "●", "\u0301", "x\u0301", "2025", "20252025", "a_b", ";", ",", ":", "(", ".", "–", "“",
                          "\n", " ", "  ", "\t"])


def _check(body):
    got = agencies._np_token_ids(np, body, 5)
    assert got is not None
    starts, ends, ids, texts, vids = got
    want_starts, want_ends, want_texts = agencies._split_tokens(body, 5)
    assert (list(starts), list(ends)) == (want_starts, want_ends)
    assert [texts[i] for i in ids.tolist()] == want_texts
    assert len(set(texts)) == len(texts)
    vocab = agencies._vocabulary()
    assert [vocab.text[v] for v in vids] == texts
    assert [vocab.fold[v] for v in vids] == [agencies.fold_syllable(t) for t in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(_PARTS, min_size=1, max_size=200).map("".join))
def test_byte_keys_equal_the_regex_way(body):
    _check(body)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(_PARTS, min_size=1, max_size=80).map("".join), min_size=2, max_size=6))
def test_vocabulary_serves_bodies_with_other_rare_letters(bodies):
    # Each body numbers its rare letters its own way: a kept key must mean one text everywhere.
    for body in bodies + bodies[::-1]:
        _check(body)


def test_many_rare_letters_fall_back_to_the_str_way():
    body = " ".join(chr(c) for c in range(0x4E00, 0x4E00 + 80)) + " Sở Tư pháp" * 20
    assert agencies._np_token_ids(np, body, 0) is None
    agencies._token_table.cache_clear()
    tt = agencies._token_table(body, 0, len(body))
    starts, ends, texts = agencies._split_tokens(body, 0)
    assert (list(tt.starts), list(tt.ends), tt.texts) == (starts, ends, texts)
    agencies._token_table.cache_clear()


def test_astral_characters_fall_back_to_the_str_way():
    body = "Sở Tư pháp 😀 UBND tỉnh " * 20
    assert agencies._np_token_ids(np, body, 0) is None


def test_vocabulary_reset_keeps_answers():
    body = "Ủy ban nhân dân tỉnh Quảng Ngãi, Sở Tư pháp; UBDN huyện Lý Sơn. " * 5
    agencies._token_table.cache_clear()
    want = agencies._match_tokens(body, 0, len(body))
    agencies._vocabulary().text.extend([""] * 300_001)
    agencies._token_table.cache_clear()
    got = agencies._match_tokens(body, 0, len(body))
    assert len(agencies._vocabulary().text) < 1000
    assert (got.norms, got.alias_at, got.fixes) == (want.norms, want.alias_at, want.fixes)
    assert got.fixes == {"UBDN": "ubnd"}
    agencies._token_table.cache_clear()


def test_texts_view_reads_the_text():
    text = "xx Sở Nội vụ, Sở Tư pháp yy"
    toks = agencies._match_tokens(text, 3, len(text) - 3)
    assert len(toks.texts) == 7
    assert toks.texts[0] == "Sở" and toks.texts[3] == ","
    assert toks.texts[1:3] == ["Nội", "vụ"]


def test_vocabulary_reset_does_not_leave_stale_cached_tables():
    # A table cached before the vocabulary resets (another body's tokens overflowed it) must not be
    # read with the new vocabulary's ids.
    body = "Ủy ban nhân dân tỉnh Quảng Ngãi, Sở Tư pháp; UBDN huyện Lý Sơn. " * 5
    other = "Sở Nội vụ phối hợp với Sở Tài chính và Ban Dân tộc tỉnh Gia Lai. " * 5
    agencies._token_table.cache_clear()
    want = agencies._match_tokens(body, 0, len(body))
    agencies._vocabulary().text.extend([""] * 300_001)
    agencies._match_tokens(other, 0, len(other))  # resets the vocabulary
    got = agencies._match_tokens(body, 0, len(body))
    assert (got.norms, got.alias_at, got.committee_at, got.fixes) == (
        want.norms, want.alias_at, want.committee_at, want.fixes)
    agencies._token_table.cache_clear()


def test_threads_keep_their_own_vocabulary():
    # Ids are handed out in order: threads adding tokens at once (a Dask worker with several
    # threads) must not give one id two texts. Forced task switches make the race likely.
    import sys
    from concurrent.futures import ThreadPoolExecutor

    bodies = [" ".join(f"Sở{k}x{i} ban{i} UBND tỉnh{k}" for i in range(60)) for k in range(16)]

    def tokens(body):
        agencies._token_table.cache_clear()
        tt = agencies._token_table(body, 0, len(body))
        return tt.texts, tt.norms

    want = [(agencies._split_tokens(b, 0)[2], [agencies.fold_syllable(t) for t in agencies._split_tokens(b, 0)[2]])
            for b in bodies]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(tokens, bodies * 4))
    finally:
        sys.setswitchinterval(old)
    assert got == want * 4
