"""Agencies: every named state or Party body, resolved to its canonical name (FORMAT.md).

Matching runs over our own syllable tokens (a blank spaCy `vi` pipeline needs
pyvi for its tokenizer, and its whitespace fallback keeps punctuation glued to
syllables: `tỉnh;`). Each token's norm is the syllable folded for case, tone
placement (`uỷ` = `ủy`) and legacy debris (`ñ` = `đ`); abbreviations one edit
away from a known one (`UBDN`) are repaired with rapidfuzz. The aliases are
found with a token trie that gives what a spaCy `PhraseMatcher` (attr ORTH) over
those norms gives: every alias at every token, overlaps included (tests/test_agencies.py
builds that PhraseMatcher as the reference). The trie is walked only from cue
tokens, those that can start an alias. Aliases, collectives and provinces are
data in `gazetteer/`; the matchers are built once per process.

`find_mentions(text, start, end, province)` is the reusable core (tasks use it);
`extract(ctx)` yields one `AgencyMention` per mention in the document body,
leaving out the `Nơi nhận` recipient list.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from rapidfuzz.distance import DamerauLevenshtein
from vnplan import gazetteer
from vnplan.context import Context
from vnplan.models import AgencyMention
from vnplan.text.provinces import canonical_province, is_central_city, province_names
from vnplan.text.tokens import (
    TOKEN,
    Texts,
    fold_syllable,
    fold_text,
    gather,
    numpy_or_none,
    token_table,
)

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
    prov = sorted(set(province_names().values()))
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
            for t in TOKEN.findall(form):
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
    texts: Sequence[str]  # a `Texts`
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


def token_roles(text: str, fold: str) -> tuple[str, int]:
    """The matching norm of a token text (its fold, or the abbreviation a typo of one repairs to: `UBDN`)
    and its matcher roles: the `Annotate` the agency and task extractors tokenise with."""
    fix = repair_abbreviation(text) if text.isupper() else None
    norm = fold if fix is None else fix
    return norm, _role(norm)


def _match_tokens(text: str, start: int, end: int) -> _Tokens:
    tt = token_table(text, start, end, token_roles)
    norms, folds, vids, vocab = tt.norms, tt.folds, tt.vids, tt.vocab
    np = numpy_or_none()
    if vids is not None:
        # The vocabulary knows each text's repair and roles.
        fixed = vocab.fixed.intersection(vids) if vocab.fixed else ()
        fixes = {vocab.text[v]: vocab.norm[v] for v in fixed}
        if fixes:
            norms = gather(np, list(map(vocab.norm.__getitem__, vids)), tt.ids)
        role = list(map(vocab.role.__getitem__, vids))
    else:
        # Only an all-capital token can be a mistyped abbreviation; check each distinct text once.
        fixes = {t: r for t in filter(str.isupper, tt.distinct) if (r := repair_abbreviation(t)) is not None}
        if fixes:
            # Copies: the cached lists are shared with `tokenize` and the task extractor.
            folds = [fixes.get(t, f) for t, f in zip(tt.distinct, folds, strict=True)]
            norms = gather(np, folds, tt.ids)
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
    return _Tokens(tt.starts, tt.ends, Texts(text, tt.starts, tt.ends), norms, cues, fixes, alias_at, committee_at,
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
