"""Agencies: every named state or Party body, resolved to its canonical name (FORMAT.md).

Matching runs over our own syllable tokens (a blank spaCy `vi` pipeline needs
pyvi for its tokenizer, and its whitespace fallback keeps punctuation glued to
syllables: `tỉnh;`). Each token's norm is the syllable folded for case, tone
placement (`uỷ` = `ủy`) and legacy debris (`ñ` = `đ`); abbreviations one edit
away from a known one (`UBDN`) are repaired with rapidfuzz. The aliases are
found with a token trie that gives what a spaCy `PhraseMatcher` (attr ORTH) over
those norms gives: every alias at every token, overlaps included (`_matcher` is
that PhraseMatcher, kept as the reference). The trie is walked only from cue
tokens, those that can start an alias. Aliases, collectives and provinces are
data in `gazetteer/`; the matchers are built once per process.

`find_mentions(text, start, end, province)` is the reusable core (tasks use it);
`extract(ctx)` yields one `AgencyMention` per mention in the document body,
leaving out the `Nơi nhận` recipient list.
"""

from __future__ import annotations

import gc
import os
import re
import threading
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate, compress, repeat
from operator import is_
from typing import Any, NamedTuple

from rapidfuzz.distance import DamerauLevenshtein
from vnplan import gazetteer
from vnplan.context import Context
from vnplan.models import AgencyMention

# ---------------------------------------------------------------- normalising

_TOKEN = re.compile(r"\w+|[^\w\s]")
# A tone mark on the second vowel of a final oa/oe/uy ("hoà", "uỷ") moves to the
# first ("hòa", "ủy"): both placements are in use and mean the same syllable.
_TONES = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_OLD_STYLE = re.compile(r"([oOuU])([aAeEyY])([\u0300\u0301\u0309\u0303\u0323])(?=$|[^\w])")


@lru_cache(maxsize=65536)
def fold_syllable(token: str) -> str:
    """A syllable's matching key: NFC, lower case, tone on the first vowel of final oa/oe/uy, `ñ`/`Ð` as `đ`."""
    s = unicodedata.normalize("NFD", token.lower())
    s = _OLD_STYLE.sub(lambda m: m.group(1) + m.group(3) + m.group(2), s)
    s = unicodedata.normalize("NFC", s)
    return s.replace("ñ", "đ").replace("ð", "đ")


def fold_text(text: str) -> str:
    """A phrase's matching key: its folded syllables joined by single spaces."""
    return " ".join(fold_syllable(t) for t in _TOKEN.findall(text))


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
_SPLIT = re.compile(f"({_TOKEN.pattern})")


def _split_tokens(body: str, start: int) -> tuple[list[int], list[int], list[str]]:
    """The tokens of `body` (starts shifted by `start`, ends, texts): the regex way."""
    parts = _SPLIT.split(body)
    offsets = list(accumulate(map(len, parts), initial=start))  # where each part starts
    return offsets[1:-1:2], offsets[2::2], parts[1::2]


@cache
def _char_classes(np: Any) -> Any:
    """Per BMP code point: 0 whitespace (`\\s`), 1 word character (`\\w`), 2 a one-character token.

    Built with the regex classes themselves, so `_np_tokens` splits exactly as `_TOKEN` does."""
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
            letters += [unicodedata.normalize("NFC", x + t) for x in (b, b.upper()) for t in ["", *sorted(_TONES)]]
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


def _np_token_ids(np: Any, body: str, start: int, vocab: _Vocabulary | None = None
                  ) -> tuple[Sequence[int], Sequence[int], Any, list[str], list[int]] | None:
    """The tokens of `body` as `_split_tokens` finds them, by distinct text: (starts shifted by
    `start`, ends, per token the index of its text in the distinct texts, the distinct texts,
    their ids in `vocab`, by default this thread's vocabulary). None when numpy cannot tell (an
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
    vocab = vocab or _vocabulary()
    vids = vocab.ids(body, (rkeys * np.uint64(_MULTIPLIERS[0])).tolist(), rkeys, np.take(st, firsts),
                     np.take(en, firsts), fixed if other.size else None)
    texts = list(map(vocab.text.__getitem__, vids))
    st += start
    en += start
    # Machine-integer arrays, not lists: no Python int per token to make (and free later);
    # readers only index and bisect them.
    return array("q", st.astype(np.int64).tobytes()), array("q", en.astype(np.int64).tobytes()), ids, texts, vids


class _Vocabulary:
    """The token texts met across bodies, numbered: a body's distinct token keys (exact, see
    `_np_token_ids`) mostly recur, and an int lookup is all a known one costs (no slice, no str
    hash, no fold, no role test). Keys with body-numbered bytes (rare letters, long tokens) are not
    kept by key: their entries serve their body only.

    One per thread (`_vocabulary`): ids are handed out in order, and two threads adding at once
    (a Dask worker with several threads) would give one id two texts. A token table keeps the
    vocabulary that numbered it, so a table cached before a reset still reads its own."""

    __slots__ = ("by_key", "by_text", "text", "fold", "norm", "role", "fixed")

    def __init__(self) -> None:
        self.by_key: dict[int, int] = {}  # key (mixed, see `_np_token_ids`) -> id
        self.by_text: dict[str, int] = {}  # text -> id, for the tokens whose keys are not kept
        self.text: list[str] = []  # per id: the token text,
        self.fold: list[str] = []  # its folded form (`fold_syllable`),
        self.norm: list[str] = []  # the matching norm (the fold, or the abbreviation a typo repairs to),
        self.role: list[int] = []  # the norm's matcher roles (`_role`)
        self.fixed: set[int] = set()  # the ids whose text is a repaired abbreviation typo

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
            fix = repair_abbreviation(t) if t.isupper() else None
            norm = f if fix is None else fix
            self.text.append(t)
            self.fold.append(f)
            self.norm.append(norm)
            self.role.append(_role(norm))
            if fix is not None:
                self.fixed.add(v)
        return vids


_VOCABULARY_LIMIT = 300_000  # entries; then a fresh one (numbers and codes are tokens too)
_LOCAL = threading.local()


def _vocabulary() -> _Vocabulary:
    """This thread's token vocabulary (a fresh one once it holds `_VOCABULARY_LIMIT` entries)."""
    vocab = getattr(_LOCAL, "vocab", None)
    if vocab is None or len(vocab.text) > _VOCABULARY_LIMIT:
        vocab = _LOCAL.vocab = _Vocabulary()
    return vocab


def _np_tokens(np: Any, body: str, start: int) -> tuple[Sequence[int], Sequence[int], list[str]]:
    """`_split_tokens` with numpy (the texts of equal tokens are one string object)."""
    got = _np_token_ids(np, body, start)
    if got is None:
        return _split_tokens(body, start)
    starts, ends, ids, texts, _ = got
    return starts, ends, _gather(np, texts, ids)


def _gather(np: Any, values: Sequence[Any], ids: Any) -> list[Any]:
    """`[values[i] for i in ids]`, in C: `ids` is a numpy array or a list."""
    if isinstance(ids, list):
        return list(map(values.__getitem__, ids))
    table = np.empty(len(values), dtype=object)
    table[:] = values
    return table[ids].tolist()


@cache
def _numpy() -> Any:
    """numpy when it is installed (it comes with spaCy), else None: the regex way then."""
    try:
        import numpy
    except ImportError:  # pragma: no cover
        return None
    return numpy


class _TokenTable(NamedTuple):
    """A span's tokens as parallel sequences, and the same by distinct text."""

    starts: Sequence[int]
    ends: Sequence[int]
    norms: list[str]  # the folded texts
    ids: Any  # per token, the index of its text in `distinct` (a numpy array or a list)
    distinct: list[str]
    folds: list[str]  # the folded form of each distinct text
    vids: list[int] | None = None  # the vocabulary id of each distinct text (numpy tables)
    vocab: _Vocabulary | None = None  # the vocabulary of those ids

    # Built on demand: the matchers read a token's text only here and there (`_Texts`), and a
    # list of ~10^5 references per body costs as much as the norms.
    @property
    def texts(self) -> list[str]:
        """Each token's text."""
        return _gather(None if isinstance(self.ids, list) else _numpy(), self.distinct, self.ids)

    @property
    def fold_of(self) -> dict[str, str]:
        """Distinct text -> folded."""
        return dict(zip(self.distinct, self.folds, strict=True))


class _Texts:
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


@lru_cache(maxsize=8)
def _token_table(text: str, start: int, end: int) -> _TokenTable:
    """The tokens of `text[start:end]`.

    Cached: the agency and task extractors tokenise the same document body. The
    agency matcher works on these lists; only `tokenize` builds `Tok` tuples.
    """
    body = text[start:end]
    np = _numpy() if len(body) > 200 else None  # a short span: numpy's set-up costs more than it saves
    vocab = _vocabulary() if np is not None else None
    got = _np_token_ids(np, body, start, vocab) if np is not None else None
    if got is not None:
        starts, ends, ids, distinct, vids = got
        folds = list(map(vocab.fold.__getitem__, vids))
    else:
        np = vids = vocab = None
        starts, ends, texts = _split_tokens(body, start)
        distinct = list(dict.fromkeys(texts))
        index = {t: i for i, t in enumerate(distinct)}
        ids = list(map(index.__getitem__, texts))
        # A body repeats its few hundred distinct syllables: fold each once.
        folds = _folds(distinct)
    return _TokenTable(starts, ends, _gather(np, folds, ids), ids, distinct, folds, vids, vocab)


def _token_arrays(text: str, start: int, end: int) -> tuple[Sequence[int], Sequence[int], list[str], list[str],
                                                            dict[str, str]]:
    """The tokens of `text[start:end]` as parallel sequences (starts, ends, texts, folded texts),
    and the folded form of each distinct token text."""
    tt = _token_table(text, start, end)
    return tt.starts, tt.ends, tt.texts, tt.norms, tt.fold_of


@lru_cache(maxsize=8)
def _tokens_before(text: str, start: int, end: int) -> Sequence[int]:
    """For each offset `start + k` (k from 0 to `end - start`), how many tokens of `text[start:end]`
    start before it: `bisect_left(starts, start + k)` as one index (the task extractor asks that
    ~10^5 times a file, and a bisect over an `array` boxes an int at every probe)."""
    starts = _token_table(text, start, end).starts
    np = _numpy() if end - start > 200 else None
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
        starts, ends, texts, folded, _ = _token_arrays(text, start, end)
        return tuple(map(tuple.__new__, repeat(Tok), zip(starts, ends, texts, folded, strict=True)))
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------- gazetteer


@dataclass(frozen=True)
class Entry:
    """One agency of the gazetteer."""

    id: str
    name: str
    kind: str
    scope: str
    family: str | None = None
    stems: tuple[str, ...] = ()
    city_only: bool = False
    capitalized: bool = False  # the name is also a common phrase (`kiểm toán nhà nước`)
    not_after: tuple[str, ...] = ()  # folded words that make the name a place, not an actor


class Hit(NamedTuple):
    """A matched mention: span, canonical name, gazetteer id, and whether it is a collective.

    A named tuple (immutable like the frozen dataclass it was, ~4x cheaper to make: a body's
    alias walk makes ~10^2-10^3 of them, most dropped as overlaps)."""

    start: int
    end: int
    name: str
    agency_id: str | None
    rule: str
    collective: bool = False


def _expand(alias: str, variants: Sequence[dict[str, Any]]) -> set[str]:
    """`alias` with every abbreviation spelled every listed way (`UBND` -> `Ủy ban nhân dân`)."""
    out = {alias}
    for v in variants:
        frm = v["from"]
        for a in list(out):
            if frm in a:
                out.update(a.replace(frm, to) for to in v["to"])
    return out


@cache
def provinces() -> dict[str, Any]:
    """The province data: `old` (63, with `new`), `new` (34, with `merged_from`)."""
    return gazetteer.load("provinces.json")


@cache
def _province_names() -> dict[str, str]:
    """Folded spelling -> canonical name, for every old and new province and alias."""
    out: dict[str, str] = {}
    data = provinces()
    for p in data["old"]:
        for n in [p["name"], *p.get("aliases", [])]:
            out[fold_text(n)] = p["name"]
    for p in data["new"]:
        out.setdefault(fold_text(p["name"]), p["name"])
    return out


def _bare_province(name: str) -> str:
    s = re.sub(r"^\s*(tỉnh|thành phố|tp\.?)\s+", "", name.strip(), flags=re.I)
    return s


@lru_cache(maxsize=4096)  # asked per document and per named committee, of few distinct names
def canonical_province(name: str | None) -> str | None:
    """The canonical spelling of a province name (`tỉnh Thanh Hoá` -> `Thanh Hóa`), or None."""
    if not name:
        return None
    return _province_names().get(fold_text(_bare_province(name)))


def province_after_2025(old_name: str | None) -> str | None:
    """The province that holds `old_name` since 1 July 2025 (Resolution 202/2025/QH15), or None."""
    canon = canonical_province(old_name)
    if canon is None:
        return None
    data = provinces()
    for p in data["old"]:
        if p["name"] == canon:
            return p["new"]
    for p in data["new"]:
        if p["name"] == canon:
            return p["name"]
    return None


@lru_cache(maxsize=1024)
def is_central_city(province: str | None) -> bool:
    """Whether a province name is a centrally-run city, before or after 2025."""
    canon = canonical_province(province)
    data = provinces()
    return any(p["name"] == canon and p["kind"] == "thành phố" for p in data["old"] + data["new"])


@cache
def entries() -> dict[str, Entry]:
    """The agencies of `agencies.jsonl` by id."""
    out = {}
    for r in gazetteer.load("agencies.jsonl"):
        if r.get("type") != "agency":
            continue
        out[r["id"]] = Entry(r["id"], r["name"], r["kind"], r["scope"], r.get("family"),
                             tuple(r.get("stems", ())), bool(r.get("city_only")),
                             bool(r.get("capitalized")), tuple(fold_text(w) for w in r.get("not_after", ())))
    return out


@cache
def _variants() -> tuple[dict[str, Any], ...]:
    return tuple(r for r in gazetteer.load("agencies.jsonl") if r.get("type") == "variant")


@cache
def alias_table() -> dict[str, tuple[str, str, bool]]:
    """Folded surface form -> (agency or collective id, canonical name, collective?)."""
    table: dict[str, tuple[str, str, bool]] = {}
    variants = _variants()
    prov = sorted(set(_province_names().values()))
    for r in gazetteer.load("agencies.jsonl"):
        if r.get("type") != "agency":
            continue
        forms = {r["name"], *r.get("aliases", [])}
        for form in forms:
            for f in _expand(form, variants):
                if "{province}" in f:
                    for p in prov:
                        table.setdefault(fold_text(f.replace("{province}", p)),
                                         (r["id"], r["name"].replace("{province}", p), False))
                else:
                    table.setdefault(fold_text(f), (r["id"], r["name"], False))
    for c in gazetteer.load("collectives.json")["entries"]:
        for form in [c["name"], *c["patterns"]]:
            for f in _expand(form, variants):
                # A collective wins a tie with an agency alias of the same words.
                table[fold_text(f)] = (c["id"], c["name"], True)
    return table


@cache
def _list_families() -> dict[str, str]:
    """Collective id -> family whose stems may follow it after a colon."""
    return {c["id"]: c["list_family"] for c in gazetteer.load("collectives.json")["entries"] if c.get("list_family")}


@cache
def _stems() -> dict[str, dict[tuple[str, ...], str]]:
    """family -> folded stem tokens -> agency id (`so` -> (`tư`, `pháp`) -> `so_tu_phap`)."""
    out: dict[str, dict[tuple[str, ...], str]] = {}
    for e in entries().values():
        if e.family:
            for s in e.stems:
                out.setdefault(e.family, {})[tuple(fold_text(s).split())] = e.id
    return out


@cache
def _abbreviations() -> tuple[str, ...]:
    """Folded all-capital syllables of the aliases (`ubnd`, `hđnd`, `khcn`), for typo repair."""
    out: set[str] = set()
    for r in gazetteer.load("agencies.jsonl"):
        forms = [r.get("name", ""), *r.get("aliases", []), r.get("from", ""), *r.get("to", [])]
        for form in forms:
            for t in _TOKEN.findall(form):
                if len(t) >= 3 and t.isalpha() and t.isupper():
                    out.add(fold_syllable(t))
    return tuple(sorted(out))


@cache
def _known_norms() -> frozenset[str]:
    return frozenset(t for k in alias_table() for t in k.split())


@cache
def repair_abbreviation(token: str) -> str | None:
    """An all-capital token one transposition/edit from a known abbreviation (`UBDN` -> `ubnd`), else None."""
    if len(token) < 4 or not token.isalpha() or not token.isupper():
        return None
    low = fold_syllable(token)
    if low in _known_norms():
        return None
    best = [a for a in _abbreviations() if len(a) == len(low) and DamerauLevenshtein.distance(low, a) == 1]
    return best[0] if len(best) == 1 else None


@cache
def _nlp() -> Any:
    import spacy

    try:
        # The Vietnamese blank pipeline needs pyvi unless told not to; we only use its vocab.
        return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    except Exception:  # pragma: no cover - older spaCy without the option
        return spacy.blank("xx")


def _doc(norms: Sequence[str]) -> Any:
    """A Doc whose words are the folded syllables (offsets stay in our own Tok list)."""
    from spacy.tokens import Doc

    return Doc(_nlp().vocab, words=list(norms) or [""], spaces=[True] * max(1, len(norms)))


@cache
def _matcher() -> Any:
    """The PhraseMatcher over every alias and collective pattern: the reference `_trie` matching reproduces."""
    from spacy.matcher import PhraseMatcher

    nlp = _nlp()
    m = PhraseMatcher(nlp.vocab, attr="ORTH")
    for folded in alias_table():
        m.add(folded, [_doc(folded.split())])
    return m


@cache
def _trie() -> dict[str | None, Any]:
    """The aliases as a token trie: norm -> child node; key None holds the folded alias ending there."""
    root: dict[str | None, Any] = {}
    for folded in alias_table():
        words = folded.split()
        if not words:
            continue
        node = root
        for w in words:
            node = node.setdefault(w, {})
        node[None] = folded
    return root


@cache
def _cues() -> frozenset[str]:
    """Norms a match can start at: first words of the aliases, `ubnd`/`ủy` and the list heads."""
    return frozenset(_trie()) | _COMMITTEE_WORDS | set(_HEADS)


# ---------------------------------------------------------------- matching strategies


def first_longest(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits, longest first, then leftmost (spaCy's filter_spans)."""
    if not hits:
        return []
    base = min(h.start for h in hits)
    taken = bytearray(max(h.end for h in hits) - base)
    chosen: list[Hit] = []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if any(taken[h.start - base:h.end - base]):
            continue
        chosen.append(h)
        taken[h.start - base:h.end - base] = b"\x01" * (h.end - h.start)
    return sorted(chosen, key=lambda h: h.start)


_LIST_SEP = {",", "và"}
_HEADS = {"sở": "so", "bộ": "bo"}
_COMMITTEE_WORDS = frozenset({"ubnd", "ủy"})  # where a people's committee name can start


def _stem_at(norms: Sequence[str], i: int, family: str) -> tuple[int, str] | None:
    """The longest stem of `family` starting at token i: (end index, agency id)."""
    table = _stems().get(family, {})
    best = None
    for n in range(1, 9):
        key = tuple(norms[i:i + n])
        if len(key) < n:
            break
        if key in table:
            best = (i + n, table[key])
    return best


def coordinated(toks: _Tokens, hits: list[Hit]) -> list[Hit]:
    """Bodies listed after one head: `Sở Nội vụ, Tư pháp` / `các Sở: Y tế, Xây dựng` / `UBND cấp huyện, cấp xã`."""
    ents = entries()
    starts_, ends_, texts, norms = toks.starts, toks.ends, toks.texts, toks.norms
    n = len(texts)
    if not n:
        return []
    base = starts_[0]
    covered = bytearray(ends_[-1] - base + 1)
    for h in hits:
        covered[h.start - base:h.end - base] = b"\x01" * (h.end - h.start)
    by_end = {h.end: h for h in hits if not h.collective}
    starts: list[tuple[int, str, bool]] = []  # (token index, family, separator needed first)
    coll_end = {h.end: h for h in hits if h.collective}
    lists = _list_families()
    # Only tokens that end a hit of a family or a collective with a list family, or are a head
    # word, can open a list: visit those, in token order (`hits` do not overlap: one hit an end).
    at = {bisect_left(ends_, h.end) for h in hits
          if (h.agency_id in lists if h.collective else h.agency_id in ents and ents[h.agency_id].family)}
    at.update(toks.head_at)
    for i in sorted(at):
        e_i = ends_[i]
        h = by_end.get(e_i)
        if h is not None and h.agency_id in ents and ents[h.agency_id].family:
            starts.append((i + 1, ents[h.agency_id].family or "", True))
        c = coll_end.get(e_i)
        if c is not None and c.agency_id in lists and i + 1 < n and texts[i + 1] == ":":
            starts.append((i + 2, lists[c.agency_id], False))
        fam = _HEADS.get(norms[i])
        if fam and (texts[i][0].isupper() or (i and norms[i - 1] == "các")) \
                and not covered[starts_[i] - base]:
            j = i + 1
            if j < n and texts[j] == ":":
                j += 1
            starts.append((j, fam, False))
    out: list[Hit] = []
    for i, fam, need_sep in starts:
        j, first = i, True
        while j < n:
            k, seps = j, 0
            while k < n and norms[k] in _LIST_SEP and seps < 2:
                k, seps = k + 1, seps + 1
            if seps == 0 and (need_sep or not first):
                break
            if k < n and _HEADS.get(norms[k]) == fam:
                k += 1  # "Sở Nội vụ, Sở Tư pháp": the head repeated
            got = _stem_at(norms, k, fam) if k < n else None
            if got is None or (fam != "ubnd" and not texts[k][:1].isupper()):
                break
            end, aid = got
            s, e = starts_[k], ends_[end - 1]
            if not any(covered[s - base:e - base]):
                out.append(Hit(s, e, ents[aid].name, aid, f"agency.list.{fam}"))
                covered[s - base:e - base] = b"\x01" * (e - s)
            j, first = end, False
    return out


# Units a committee is named with; the commune level stays after the 2025 reform abolished districts.
_PLACE_UNITS = (("huyện",), ("thị", "xã"), ("thành", "phố"), ("quận",), ("xã",), ("phường",), ("thị", "trấn"),
                ("đặc", "khu"))
_COMMITTEE = ["ủy", "ban", "nhân", "dân"]


def named_committees(toks: _Tokens, province: str | None, text: str) -> list[Hit]:
    """`UBND huyện Lý Sơn`: a district-level committee named with its place (kept as a name)."""
    out: list[Hit] = []
    starts, ends, texts, norms = toks.starts, toks.ends, toks.texts, toks.norms
    n = len(texts)
    for i in toks.committee_at:
        if norms[i] == "ubnd":
            j = i + 1
        elif norms[i] == "ủy" and norms[i:i + 4] == _COMMITTEE:
            j = i + 4
        else:
            continue
        for unit in _PLACE_UNITS:
            if tuple(norms[j:j + len(unit)]) != unit:
                continue
            k = j + len(unit)
            m = k
            # A place name is 1-3 capitalised syllables on the same line as its unit.
            while m < n and m - k < 3 and texts[m][:1].isupper() and texts[m].isalpha() \
                    and not texts[m].isupper() and "\n" not in text[ends[m - 1]:starts[m]]:
                m += 1
            if m == k:
                break
            place = " ".join(texts[k:m])
            unit_txt = " ".join(unit)
            if unit == ("thành", "phố") and province and canonical_province(place) == canonical_province(province):
                name, aid = "UBND thành phố", "ubnd_tp"
            elif canonical_province(place) and unit == ("thành", "phố") and is_central_city(place):
                name, aid = "UBND thành phố", "ubnd_tp"
            else:
                name, aid = f"UBND {unit_txt} {place}", "ubnd_named"
            out.append(Hit(starts[i], ends[m - 1], name, aid, "agency.named_committee"))
            break
    return out


def _after_place_word(norms: Sequence[str], i: int, words: tuple[str, ...]) -> bool:
    """Whether a word of `words` precedes token i in the same clause (`trên trang ..., Cổng ...`)."""
    for k in range(i - 1, max(-1, i - 13), -1):
        if norms[k] in (";", ".", ":", "(", ")"):
            return False
        if norms[k] in words:
            return True
    return False


class _Tokens(NamedTuple):
    """The tokens of a span as parallel lists, with the matching norms and the cue token indices."""

    starts: Sequence[int]
    ends: Sequence[int]
    texts: Sequence[str]  # a `_Texts`
    norms: list[str]  # folded, with abbreviation typos repaired
    cues: list[int]  # indices of tokens that can open an alias, a named committee or a list
    fixes: dict[str, str]  # token text -> the abbreviation it is a typo of
    # The cues by use (each a subset of `cues`, in order): alias starts whose next token can
    # continue an alias (or that are one-word aliases), `ubnd`/`ủy`, the list heads.
    alias_at: list[int] = []
    committee_at: list[int] = []
    head_at: list[int] = []


@cache
def _second_words() -> frozenset[str]:
    """The norms that are the second word of some alias."""
    return frozenset(w for node in _trie().values() for w in node if w is not None)


# The roles of a folded token text, as bits (see `_match_tokens`).
_R_ALIAS, _R_ONE_WORD, _R_SECOND, _R_COMMITTEE, _R_HEAD = 1, 2, 4, 8, 16


_ROLES: dict[str, int] = {}  # folded text -> its roles, across bodies (a body's few thousand texts recur)


def _role(f: str) -> int:
    """The matcher roles of a folded text (remembered in `_ROLES`)."""
    r = _ROLES.get(f)
    if r is not None:
        return r
    root = _trie()
    r = (((_R_ALIAS | (_R_ONE_WORD if None in root[f] else 0)) if f in root else 0)
         | (_R_SECOND if f in _second_words() else 0) | (_R_COMMITTEE if f in _COMMITTEE_WORDS else 0)
         | (_R_HEAD if f in _HEADS else 0))
    if len(_ROLES) > 200_000:  # bounded: numbers and codes are texts too
        _ROLES.clear()
    _ROLES[f] = r
    return r


def _match_tokens(text: str, start: int, end: int) -> _Tokens:
    tt = _token_table(text, start, end)
    norms, folds, vids, vocab = tt.norms, tt.folds, tt.vids, tt.vocab
    np = _numpy()
    if vids is not None:
        # The vocabulary knows each text's repair and roles.
        fixed = vocab.fixed.intersection(vids) if vocab.fixed else ()
        fixes = {vocab.text[v]: vocab.norm[v] for v in fixed}
        if fixes:
            norms = _gather(np, list(map(vocab.norm.__getitem__, vids)), tt.ids)
        role = list(map(vocab.role.__getitem__, vids))
    else:
        # Only an all-capital token can be a mistyped abbreviation; check each distinct text once.
        fixes = {t: r for t in filter(str.isupper, tt.distinct) if (r := repair_abbreviation(t)) is not None}
        if fixes:
            # Copies: the cached lists are shared with `tokenize` and the task extractor.
            folds = [fixes.get(t, f) for t, f in zip(tt.distinct, folds, strict=True)]
            norms = _gather(np, folds, tt.ids)
        # Each distinct text's roles, then each token's: the cue lists without a Python step per token.
        role = list(map(_ROLES.get, folds))
        if None in role:
            role = [_role(f) if r is None else r for f, r in zip(folds, role, strict=True)]
    cue_roles = _R_ALIAS | _R_COMMITTEE | _R_HEAD  # as `_cues()`
    ids = tt.ids
    if isinstance(ids, list):
        roles = list(map(role.__getitem__, ids))
        nxt = roles[1:] + [0]
        cues = [i for i, r in enumerate(roles) if r & cue_roles]
        alias_at = [i for i in cues if roles[i] & _R_ALIAS and (roles[i] & _R_ONE_WORD or nxt[i] & _R_SECOND)]
        committee_at = [i for i in cues if roles[i] & _R_COMMITTEE]
        head_at = [i for i in cues if roles[i] & _R_HEAD]
    else:
        roles = np.take(np.array(role, dtype=np.uint8), ids)
        nxt = np.zeros_like(roles)
        nxt[:-1] = roles[1:]
        cues = np.flatnonzero(roles & cue_roles).tolist()
        # A walk from a cue whose next token is no alias's second word ends at once (unless the
        # cue alone is an alias): skip those.
        alias_at = np.flatnonzero((roles & _R_ALIAS).astype(bool)
                                  & ((roles & _R_ONE_WORD).astype(bool) | (nxt & _R_SECOND).astype(bool))).tolist()
        committee_at = np.flatnonzero(roles & _R_COMMITTEE).tolist()
        head_at = np.flatnonzero(roles & _R_HEAD).tolist()
    return _Tokens(tt.starts, tt.ends, _Texts(text, tt.starts, tt.ends), norms, cues, fixes, alias_at, committee_at,
                   head_at)


def _alias_matches(norms: Sequence[str], cues: Sequence[int]) -> Iterator[tuple[str, int, int]]:
    """(folded alias, start, end) for every alias at every token, overlaps included (as PhraseMatcher)."""
    root = _trie()
    n = len(norms)
    for i in cues:
        node = root.get(norms[i])
        j = i + 1
        while node is not None:
            key = node.get(None)
            if key is not None:
                yield key, i, j
            if j >= n:
                break
            node = node.get(norms[j])
            j += 1


def find_mentions(text: str, start: int = 0, end: int | None = None,
                  province: str | None = None) -> list[Hit]:
    """Agency and collective mentions in `text[start:end]`, non-overlapping, in text order."""
    toks = _match_tokens(text, start, len(text) if end is None else end)
    if not toks.texts:
        return []
    starts, ends, texts, norms = toks.starts, toks.ends, toks.texts, toks.norms
    table = alias_table()
    city = is_central_city(province)
    ents = entries()
    fixes = toks.fixes
    hits: list[Hit] = []
    for folded, s, e in _alias_matches(norms, toks.alias_at):
        aid, name, coll = table[folded]
        ent = ents.get(aid)
        if not coll and ent is not None and (
                (ent.city_only and not city)
                or (ent.capitalized and not texts[s][:1].isupper())
                or (ent.not_after and _after_place_word(norms, s, ent.not_after))):
            continue
        rule = "agency.collective" if coll else (
            "agency.fuzzy" if fixes and any(texts[k] in fixes for k in range(s, e))
            else "agency.alias")
        hits.append(Hit(starts[s], ends[e - 1], name, aid, rule, coll))
    hits.extend(named_committees(toks, province, text))
    hits = first_longest(hits)
    more = coordinated(toks, hits)
    if more:  # (`hits` alone are already non-overlapping and in order: first_longest keeps them as they are)
        hits = first_longest(hits + more)
    return hits


# ---------------------------------------------------------------- optional word segmentation

WORDSEG_ENV = "VNPLAN_AGENCY_WORDSEG"


def wordseg_enabled() -> bool:
    """Whether underthesea word segmentation filters matches (off by default; see bench/bench_agencies.py)."""
    return os.environ.get(WORDSEG_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def word_bounds(text: str, start: int, end: int) -> set[int]:
    """Offsets where underthesea's words start or end in `text[start:end]`."""
    from underthesea import word_tokenize

    bounds = {start, end}
    pos = start
    for w in word_tokenize(text[start:end]):
        first = w.split()[0] if w.split() else w
        i = text.find(first, pos, end)
        if i < 0:
            continue
        j = i
        for syl in w.split():
            k = text.find(syl, j, end)
            if k < 0:
                break
            j = k + len(syl)
        bounds.update((i, j))
        pos = j
    return bounds


def word_aligned(text: str, hits: list[Hit]) -> list[Hit]:
    """Hits whose edges fall on word edges of their line (underthesea run on that line only)."""
    out = []
    cache: dict[tuple[int, int], set[int]] = {}
    for h in hits:
        if h.collective or h.rule != "agency.alias":
            out.append(h)
            continue
        ls = text.rfind("\n", 0, h.start) + 1
        le = text.find("\n", h.end)
        le = len(text) if le < 0 else le
        b = cache.get((ls, le))
        if b is None:
            b = cache[(ls, le)] = word_bounds(text, ls, le)
        if h.start in b and h.end in b:
            out.append(h)
    return out


# ---------------------------------------------------------------- the document


_RECIPIENTS = re.compile(r"^[ \t]*(?:\*\*)?\s*Nơi\s+nhận\s*:?", re.I | re.M)
# The same after the newline that opens its line: a pattern with a literal first character is
# only tried at those characters (`^` under re.M is tried at every position, 4x slower).
_RECIPIENTS_NL = re.compile(r"\n[ \t]*(?:\*\*)?\s*(?i:Nơi\s+nhận\s*:?)")


_CLOSING = re.compile(r"\./\.[ \t]*\n")


def _recipient_labels(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The spans of `_RECIPIENTS.finditer(text, start, end)`."""
    pos = start
    if pos == 0:  # `^` also matches at the text's start
        m = _RECIPIENTS.match(text, 0, end)
        if m:
            yield m.span()
            pos = m.end()
    while pos < end:
        # The line may start at `pos` itself: look from the newline before it.
        m = _RECIPIENTS_NL.search(text, max(pos - 1, 0), end)
        if m is None:
            return
        yield m.start() + 1, m.end()
        pos = m.end()


def recipient_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of `Nơi nhận:` recipient lists (up to the `Lưu` line or the end of the dash lines)."""
    return list(_recipient_spans(text, start, end))


def in_recipients(text: str, start: int, end: int) -> Callable[[int], bool]:
    """Whether a position of `text[start:end]` lies in one of its `recipient_spans`. Most positions
    lie outside the lists' outer bounds: two comparisons rule them out."""
    spans = _recipient_spans(text, start, end)
    if not spans:
        return lambda pos: False
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    return lambda pos: lo <= pos < hi and any(a <= pos < b for a, b in spans)


_FILED_LINE = re.compile(r"^[-–+•]?\s*Lưu\b", re.I)  # `- Lưu: VT, ...` closes the recipient list


@lru_cache(maxsize=8)
def _recipient_spans(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    # Cached: the agency and task extractors both skip the recipient lists of the same body.
    out = []
    for label_start, pos in _recipient_labels(text, start, end):
        stop = end
        lines_seen = 0
        while pos < end:
            nl = text.find("\n", pos, end)
            le = end if nl < 0 else nl
            line = text[pos:le].strip().strip("*").strip()
            lines_seen += 1
            if _FILED_LINE.match(line):
                stop = le
                break
            if lines_seen > 40:
                stop = le
                break
            pos = le + 1
        out.append((label_start, stop))
    # A list of `- ...;` lines right after a body's closing `./.` is a recipient
    # list whose `Nơi nhận:` label was lost in scraping.
    for m in _CLOSING.finditer(text, start, end):
        pos = m.end()
        first = pos
        while pos < end:
            nl = text.find("\n", pos, end)
            le = end if nl < 0 else nl
            line = text[pos:le].strip()
            if not (line.startswith(("-", "–", "+")) and line.rstrip(".").endswith((";", ",", ":"))):
                break
            pos = le + 1
        if pos > first:
            out.append((first, pos))
    return tuple(out)


def document_province(ctx: Context) -> str | None:
    """The province the current document belongs to (its own, else its file's)."""
    if ctx.doc.province:
        return ctx.doc.province
    if ctx.doc.promulgated_by is not None:
        for d in ctx.documents:
            if d.index == ctx.doc.promulgated_by and d.province:
                return d.province
    for d in ctx.documents:
        if d.province:
            return d.province
    return None


def extract(ctx: Context) -> Iterator[AgencyMention]:
    """Every agency (and collective) mention in the document body, outside the recipient list."""
    s0, e0 = ctx.body
    province = document_province(ctx)
    skipped = in_recipients(ctx.text, s0, e0)
    hits = find_mentions(ctx.text, s0, e0, province)
    if wordseg_enabled():
        hits = word_aligned(ctx.text, hits)
    for h in hits:
        if skipped(h.start):
            continue
        yield AgencyMention(**ctx.fact_args(h.start, h.end, h.rule), name=h.name,
                            agency_id=h.agency_id, province=province, collective=h.collective)
