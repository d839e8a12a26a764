"""Syllable tokens of Vietnamese text: their spans, their folded matching keys, and a fast path.

A token is a run of word characters (a syllable, a number, a code) or one punctuation mark
(`TOKEN`); its fold (`fold_syllable`) is its matching key: NFC, lower case, the modern tone
placement, legacy debris (`ñ`) as `đ`. `token_table(text, start, end)` tokenises a span once
(cached: the agency and task extractors read the same body) as parallel sequences. Two ways
give the same tokens: the regex way (`split_tokens`) and, for long spans, a numpy way that
never makes a Python object per token (`np_tokens`); tests/test_tokens.py runs one table of
texts through both.

A reader that wants more per distinct text than its fold (the agency matcher: a repaired
abbreviation, matcher roles) passes an `Annotate` function; each thread keeps one vocabulary
per such function.
"""

from __future__ import annotations

import gc
import re
import threading
import unicodedata
from array import array
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from itertools import accumulate, compress, repeat
from operator import is_
from typing import Any, NamedTuple

from .tones import TONE_MARKS, modern_tone

# (text, fold) -> (its matching norm, its roles as bit flags): what a reader wants of a distinct token text.
Annotate = Callable[[str, str], tuple[str, int]]

TOKEN = re.compile(r"\w+|[^\w\s]")  # a syllable (or any run of word characters) or one punctuation mark


@lru_cache(maxsize=65536)
def fold_syllable(token: str) -> str:
    """A syllable's matching key: NFC, lower case, the modern tone placement (`uỷ` = `ủy`), `ñ`/`ð` as `đ`."""
    return modern_tone(unicodedata.normalize("NFC", token.lower())).replace("ñ", "đ").replace("ð", "đ")


def fold_text(text: str) -> str:
    """A phrase's matching key: its folded syllables joined by single spaces."""
    return " ".join(fold_syllable(t) for t in TOKEN.findall(text))


class Tok(NamedTuple):
    """One syllable or punctuation mark: its span, its text and its folded form."""

    start: int
    end: int
    text: str
    norm: str


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Tok]:
    """Syllables and punctuation of `text[start:end]`, with spans in `text`."""
    return list(_tokenize(text, start, len(text) if end is None else end))


# The same tokens, captured by re.split: [gap, token, gap, token, ..., gap] in one call.
_SPLIT = re.compile(f"({TOKEN.pattern})")


def split_tokens(body: str, start: int) -> tuple[list[int], list[int], list[str]]:
    """The tokens of `body` (starts shifted by `start`, ends, texts): the regex way."""
    parts = _SPLIT.split(body)
    offsets = list(accumulate(map(len, parts), initial=start))  # where each part starts
    return offsets[1:-1:2], offsets[2::2], parts[1::2]


@cache
def _char_classes(np: Any) -> Any:
    """Per BMP code point: 0 whitespace (`\\s`), 1 word character (`\\w`), 2 a one-character token.

    Built with the regex classes themselves, so `np_tokens` splits exactly as `TOKEN` does."""
    chars = "".join(map(chr, range(0x10000)))
    classes = re.sub(r"\s", "\0", re.sub(r"\w", "\1", re.sub(r"[^\w\s]", "\2", chars)))
    return np.frombuffer(classes.encode("latin-1"), dtype=np.uint8)


# Token identity without a Python string per token: each character is given a byte (0 blank,
# 255 a one-character token, 1..253 a word character: a fixed rank for the ASCII and Vietnamese
# letters, the body's other word characters numbered after them), and a token of at most 7
# characters is the uint64 of its bytes, read in one gather at its start and cut to its length
# (exact: no hash, nothing to check character by character). A one-character token's key is its
# code point over a 255 byte; longer tokens (~0.1%) are numbered by their text.
_BLANK, _PUNCT, _OTHER = 0, 255, 254  # bytes of `_char_bytes` besides the word-character ranks
_LONG = 7  # longest token read as its bytes


@cache
def _char_bytes(np: Any) -> tuple[Any, int]:
    """Per BMP code point its byte (see above; `_OTHER` for a word character without a fixed
    rank), and the number of fixed ranks."""
    cls = _char_classes(np)
    out = np.where(cls == 0, _BLANK, np.where(cls == 2, _PUNCT, _OTHER)).astype(np.uint8)
    base = {"a": "ăâ", "e": "ê", "o": "ôơ", "u": "ư", "i": "", "y": ""}
    letters = [chr(c) for c in range(128) if cls[c] == 1]
    for v, more in base.items():
        for b in v + more:
            letters += [unicodedata.normalize("NFC", x + t) for x in (b, b.upper()) for t in ["", *sorted(TONE_MARKS)]]
    letters += ["đ", "Đ"]
    letters = [c for c in dict.fromkeys(letters) if len(c) == 1 and cls[ord(c)] == 1]
    out[[ord(c) for c in letters]] = np.arange(1, len(letters) + 1)
    return out, len(letters)


def _same_hash(np: Any, h: Any) -> Any:
    """Per item of `h` (uint64), the index of an item with the same value (a hash table in
    numpy: a sort of the whole would cost 5x more). None if some items stay unplaced."""
    n = h.size
    bits = max(10, min(20, (n - 1).bit_length()))
    table = np.empty(1 << bits, dtype=np.intp)  # only slots written below are read
    todo = np.arange(n)
    rep = None
    hb = h
    for mult in _MULTIPLIERS:
        # Multiplicative hashing: the top bits of the product pick the slot. Each slot keeps
        # one of the items falling in it; the others of other values try again with another
        # multiplier.
        slot = (hb * np.uint64(mult)) >> np.uint64(64 - bits)
        slot = slot.astype(np.intp)
        table[slot] = todo
        got = np.take(table, slot)
        miss = np.take(h, got) != hb
        if rep is None:  # the first round places (nearly) every item: no boolean indexing then
            rep = got
            todo = np.flatnonzero(miss)
        else:
            rep[todo] = got
            todo = todo[miss]
        if not todo.size:
            return rep
        hb = np.take(h, todo)
    return None


# Odd 64-bit multipliers for `_same_hash`'s rounds (the golden ratio's, then other odd constants).
_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93,
                0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3)


_MASKS = [(1 << (8 * k)) - 1 for k in range(_LONG + 1)]  # the low k bytes


def _np_token_ids(np: Any, body: str, start: int, vocab: Vocabulary
                  ) -> tuple[Sequence[int], Sequence[int], Any, list[str], list[int]] | None:
    """The tokens of `body` as `split_tokens` finds them, by distinct text: (starts shifted by
    `start`, ends, per token the index of its text in the distinct texts, the distinct texts,
    their ids in `vocab`). None when numpy cannot tell (an
    astral character, too many rare letters). No Python work per token."""
    data = body.encode("utf-16-le", "surrogatepass")
    if len(data) != 2 * len(body):
        return None  # an astral character (two UTF-16 units): rare, the str way
    codes = np.frombuffer(data, dtype="<u2")
    n = codes.size
    table, fixed = _char_bytes(np)
    v = np.empty(n + 8, dtype=np.uint8)  # 8 spare bytes: the key of the last token reads past the end
    np.take(table, codes, out=v[:n])
    v[n:] = 0
    v = v[:n]
    other = np.flatnonzero(v == _OTHER)
    if other.size:  # letters outside the fixed ranks: number them for this body
        chars, which = np.unique(codes[other], return_inverse=True)
        if chars.size > _OTHER - 1 - fixed:
            return None
        v[other] = (fixed + 1 + which).astype(np.uint8)
    tok = v != _BLANK
    word = tok & (v != _PUNCT)
    after_word = np.zeros(n, dtype=bool)
    after_word[1:] = word[:-1]
    before_word = np.zeros(n, dtype=bool)
    before_word[:-1] = word[1:]
    st = np.flatnonzero(tok & ~(word & after_word))
    en = np.flatnonzero(tok & ~(word & before_word))
    en += 1
    lengths = en - st
    # The 8 bytes from each token start (an unaligned uint64 view of the byte array), cut to the length.
    view = np.ndarray((n + 1,), dtype="<u8", buffer=v.base, strides=(1,))
    keys = np.take(view, st)  # np.take: ~2x faster than fancy indexing
    keys &= np.take(np.array(_MASKS, dtype=np.uint64), np.minimum(lengths, _LONG))
    punct = np.flatnonzero(keys == _PUNCT)  # the first byte of a one-character token (other bytes cut)
    # A one-character token: its code point and a 255 byte no word key has.
    keys[punct] = (np.take(codes, np.take(st, punct)).astype(np.uint64) << np.uint64(8)) | np.uint64(_PUNCT)
    long_ = np.flatnonzero(lengths > _LONG)
    if long_.size:
        # Numbered by text, with the top bit set: every other key leaves its top byte 0.
        index: dict[str, int] = {}
        got = [index.setdefault(body[a:b], len(index))
               for a, b in zip(st[long_].tolist(), en[long_].tolist(), strict=True)]
        keys[long_] = np.array(got, dtype=np.uint64) | np.uint64(1 << 63)
    rep = _same_hash(np, keys)
    if rep is None or not np.array_equal(np.take(keys, rep), keys):
        return None
    # Number the representatives in text order.
    is_rep = np.zeros(st.size, dtype=bool)
    is_rep[rep] = True
    firsts = np.flatnonzero(is_rep)
    ids = np.take(np.cumsum(is_rep) - 1, rep)
    rkeys = np.take(keys, firsts)
    # The dict looks keys up by their low bits first, and those are a token's first letters:
    # spread them (an odd multiplier is a bijection mod 2**64, so the keys stay exact).
    vids = vocab.ids(body, (rkeys * np.uint64(_MULTIPLIERS[0])).tolist(), rkeys, np.take(st, firsts),
                     np.take(en, firsts), fixed if other.size else None)
    texts = list(map(vocab.text.__getitem__, vids))
    st += start
    en += start
    # Machine-integer arrays, not lists: no Python int per token to make (and free later);
    # readers only index and bisect them.
    return array("q", st.astype(np.int64).tobytes()), array("q", en.astype(np.int64).tobytes()), ids, texts, vids


class Vocabulary:
    """The token texts met across bodies, numbered: a body's distinct token keys (exact, see
    `_np_token_ids`) mostly recur, and an int lookup is all a known one costs (no slice, no str
    hash, no fold, no role test). Keys with body-numbered bytes (rare letters, long tokens) are not
    kept by key: their entries serve their body only.

    One per thread (`_vocabulary`): ids are handed out in order, and two threads adding at once
    (a Dask worker with several threads) would give one id two texts. A token table keeps the
    vocabulary that numbered it, so a table cached before a reset still reads its own."""

    __slots__ = ("annotate", "by_key", "by_text", "text", "fold", "norm", "role", "fixed")

    def __init__(self, annotate: Annotate) -> None:
        self.annotate = annotate  # (text, fold) -> (matching norm, roles): what the reader wants per text
        self.by_key: dict[int, int] = {}  # key (mixed, see `_np_token_ids`) -> id
        self.by_text: dict[str, int] = {}  # text -> id, for the tokens whose keys are not kept
        self.text: list[str] = []  # per id: the token text,
        self.fold: list[str] = []  # its folded form (`fold_syllable`),
        self.norm: list[str] = []  # the matching norm (the fold, or what `annotate` repairs it to),
        self.role: list[int] = []  # the norm's roles for the reader (`annotate`)
        self.fixed: set[int] = set()  # the ids whose norm is not their fold (a repaired typo)

    def ids(self, body: str, keys: list[int], raw: Any, starts: Any, ends: Any, rare_above: int | None) -> list[int]:
        """The ids of a body's distinct tokens (`keys` their mixed keys, `raw` the keys, spans
        `starts`/`ends` in `body`); `rare_above`: the highest fixed character byte when the body
        has body-numbered letters."""
        vids = list(map(self.by_key.get, keys))
        if None not in vids:
            return vids
        for k in compress(range(len(vids)), map(is_, vids, repeat(None))):  # the unknown keys
            t = body[int(starts[k]):int(ends[k])]
            key = int(raw[k])
            if key >> 63 or rare_above is not None and any(
                    rare_above < (key >> s) & 0xFF < _PUNCT for s in range(0, 64, 8)):
                # A body-numbered key (a one-character token's code bytes may look so too): by text.
                v = self.by_text.get(t)
                if v is not None:
                    vids[k] = v
                    continue
                self.by_text[t] = v = len(self.text)
            else:
                self.by_key[keys[k]] = v = len(self.text)
            vids[k] = v
            f = fold_syllable(t)
            norm, role = self.annotate(t, f)
            self.text.append(t)
            self.fold.append(f)
            self.norm.append(norm)
            self.role.append(role)
            if norm != f:
                self.fixed.add(v)
        return vids


_VOCABULARY_LIMIT = 300_000  # entries; then a fresh one (numbers and codes are tokens too)
_LOCAL = threading.local()


def _vocabulary(annotate: Annotate) -> Vocabulary:
    """This thread's token vocabulary for `annotate` (a fresh one once it holds `_VOCABULARY_LIMIT` entries)."""
    vocabs = getattr(_LOCAL, "vocabs", None)
    if vocabs is None:
        vocabs = _LOCAL.vocabs = {}
    vocab = vocabs.get(annotate)
    if vocab is None or len(vocab.text) > _VOCABULARY_LIMIT:
        vocab = vocabs[annotate] = Vocabulary(annotate)
    return vocab


def np_tokens(np: Any, body: str, start: int) -> tuple[Sequence[int], Sequence[int], list[str]]:
    """`split_tokens` with numpy (the texts of equal tokens are one string object)."""
    got = _np_token_ids(np, body, start, _vocabulary(plain))
    if got is None:
        return split_tokens(body, start)
    starts, ends, ids, texts, _ = got
    return starts, ends, gather(np, texts, ids)


def gather(np: Any, values: Sequence[Any], ids: Any) -> list[Any]:
    """`[values[i] for i in ids]`, in C: `ids` is a numpy array or a list."""
    if isinstance(ids, list):
        return list(map(values.__getitem__, ids))
    table = np.empty(len(values), dtype=object)
    table[:] = values
    return table[ids].tolist()


@cache
def numpy_or_none() -> Any:
    """numpy when it is installed (it comes with spaCy), else None: the regex way then."""
    try:
        import numpy
    except ImportError:  # pragma: no cover
        return None
    return numpy


class TokenTable(NamedTuple):
    """A span's tokens as parallel sequences, and the same by distinct text."""

    starts: Sequence[int]
    ends: Sequence[int]
    norms: list[str]  # the folded texts
    ids: Any  # per token, the index of its text in `distinct` (a numpy array or a list)
    distinct: list[str]
    folds: list[str]  # the folded form of each distinct text
    vids: list[int] | None = None  # the vocabulary id of each distinct text (numpy tables)
    vocab: Vocabulary | None = None  # the vocabulary of those ids

    # Built on demand: the matchers read a token's text only here and there (`Texts`), and a
    # list of ~10^5 references per body costs as much as the norms.
    @property
    def texts(self) -> list[str]:
        """Each token's text."""
        return gather(None if isinstance(self.ids, list) else numpy_or_none(), self.distinct, self.ids)

    @property
    def fold_of(self) -> dict[str, str]:
        """Distinct text -> folded."""
        return dict(zip(self.distinct, self.folds, strict=True))


class Texts:
    """The token texts of a span, read from the text by index or slice (no list per token)."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str, starts: Sequence[int], ends: Sequence[int]) -> None:
        self.text, self.starts, self.ends = text, starts, ends

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self.text[s:e] for s, e in zip(self.starts[i], self.ends[i], strict=True)]
        return self.text[self.starts[i]:self.ends[i]]


_FOLDED: dict[str, str] = {}  # fold_syllable by plain dict (a body's few thousand texts recur across bodies)


def _folds(texts: list[str]) -> list[str]:
    """`[fold_syllable(t) for t in texts]`."""
    out = list(map(_FOLDED.get, texts))
    if None in out:
        if len(_FOLDED) > 200_000:  # bounded: numbers and codes are texts too
            _FOLDED.clear()
        out = [_FOLDED.setdefault(t, fold_syllable(t)) if f is None else f
               for t, f in zip(texts, out, strict=True)]
    return out


def plain(text: str, fold: str) -> tuple[str, int]:
    """The default `Annotate`: a token's norm is its fold, and it has no roles."""
    return fold, 0


@lru_cache(maxsize=8)
def token_table(text: str, start: int, end: int, annotate: Annotate = plain) -> TokenTable:
    """The tokens of `text[start:end]`; with numpy, numbered in this thread's vocabulary for `annotate`.

    Cached: the agency and task extractors tokenise the same document body (pass the same
    `annotate` to share the table). The agency matcher works on these lists; only `tokenize`
    builds `Tok` tuples.
    """
    body = text[start:end]
    np = numpy_or_none() if len(body) > 200 else None  # a short span: numpy's set-up costs more than it saves
    vocab = _vocabulary(annotate) if np is not None else None
    got = _np_token_ids(np, body, start, vocab) if np is not None else None
    if got is not None:
        starts, ends, ids, distinct, vids = got
        folds = list(map(vocab.fold.__getitem__, vids))
    else:
        np = vids = vocab = None
        starts, ends, texts = split_tokens(body, start)
        distinct = list(dict.fromkeys(texts))
        index = {t: i for i, t in enumerate(distinct)}
        ids = list(map(index.__getitem__, texts))
        # A body repeats its few hundred distinct syllables: fold each once.
        folds = _folds(distinct)
    return TokenTable(starts, ends, gather(np, folds, ids), ids, distinct, folds, vids, vocab)


def token_arrays(text: str, start: int, end: int) -> tuple[Sequence[int], Sequence[int], list[str], list[str],
                                                           dict[str, str]]:
    """The tokens of `text[start:end]` as parallel sequences (starts, ends, texts, folded texts),
    and the folded form of each distinct token text."""
    tt = token_table(text, start, end)
    return tt.starts, tt.ends, tt.texts, tt.norms, tt.fold_of


@lru_cache(maxsize=8)
def tokens_before(text: str, start: int, end: int, annotate: Annotate = plain) -> Sequence[int]:
    """For each offset `start + k` (k from 0 to `end - start`), how many tokens of `text[start:end]`
    start before it: `bisect_left(starts, start + k)` as one index (the task extractor asks that
    ~10^5 times a file, and a bisect over an `array` boxes an int at every probe)."""
    starts = token_table(text, start, end, annotate).starts
    np = numpy_or_none() if end - start > 200 else None
    if np is None:
        marks = [0] * (end - start + 1)
        for s in starts:
            marks[s - start + 1] = 1
        return list(accumulate(marks))
    marks = np.zeros(end - start + 1, dtype=np.int32)
    marks[np.asarray(starts, dtype=np.int64) - (start - 1)] = 1
    return array("i", np.cumsum(marks, dtype=np.int32).tobytes())


@lru_cache(maxsize=8)
def _tokenize(text: str, start: int, end: int) -> tuple[Tok, ...]:
    # tuple.__new__ over zip builds the named tuples without a Python call per token, and
    # the collector is held off meanwhile: a body's ~10^5 new tuples would otherwise set off
    # many collections of everything alive.
    enabled = gc.isenabled()
    gc.disable()
    try:
        starts, ends, texts, folded, _ = token_arrays(text, start, end)
        return tuple(map(tuple.__new__, repeat(Tok), zip(starts, ends, texts, folded, strict=True)))
    finally:
        if enabled:
            gc.enable()
