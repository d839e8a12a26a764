"""Questions into filters: what `vnplan query "..."` asks, as the same `Filters` the explicit commands build.

A question is folded first (`fold_chars`: lower case, no accents, `đ` -> `d`, one
character for one), so the grammar's patterns (`gazetteer/query_grammar.json`) are
plain ASCII and a question reads the same with or without diacritics; every part
the grammar names is then cut from the question as typed. A question has a form
(what is asked: targets, a pivot table of targets, documents, relations or citations
in one direction, stale citations, an agency's tasks, a search) and filters read
from its end one after another (a period, a deadline, an issue year, a province,
an issuer). Nothing is guessed: a part the grammar cannot place is an error that
names it, never a filter silently dropped. The users' guide is docs/QUESTIONS.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from functools import cache
from typing import Any

from rapidfuzz import fuzz, process
from vnplan import gazetteer
from vnplan.errors import VnplanError
from vnplan.text.normalize import normalize_symbol, strip_accents

YEAR = r"(?:19|20)[0-9]{2}"
# What a question can ask; `vnplan.outputs.query.ASKERS` answers each.
ASKS = ("targets", "pivot", "documents", "relations", "stale", "tasks", "search", "progress")


@dataclass(frozen=True)
class Filters:
    """What a question asks, as filters that compose; the explicit commands build the same value.

    Document-side filters (province, year, doctype, issuer) apply to the documents that
    answer: the targets' documents, the citing or acting documents, the tasks' documents.
    """

    ask: str
    direction: str | None = None  # relations: "to" (what acts on `doc`) or "from" (what `doc` acts on)
    relations: tuple[str, ...] = ()  # relation kinds asked; "cites" is a citation, not a relation row
    doc: str | None = None  # a document as named: symbol, law name or title, with its own scope
    province: str | None = None  # canonical name (gazetteer), old or new
    years: tuple[int, int] | None = None  # issue year of the answering documents, inclusive range
    deadline: tuple[str, int] | None = None  # targets: ("=", 2025), ("<=", 2020), ("<", 2020)
    doctype: str | None = None  # canonical Vietnamese type word
    issuer: str | None = None  # as asked; a province name or an issuing body
    indicator: str | None = None  # as asked: code, alias or plain name
    value: tuple[str, float] | None = None  # targets committing to `op value`: (">=", 90.0)
    unit: str | None = None
    comparator: str | None = None  # the target's own stated comparator
    agency: str | None = None
    role: str | None = None  # tasks: lead or support
    modality: str | None = None  # relations: in_force, planned, reported
    words: str | None = None  # search

    def parts(self) -> dict[str, Any]:
        """The filters that are set, by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if getattr(self, f.name) not in (None, ()) and f.name != "ask"}


# ---------------------------------------------------------------- folding


@cache
def _fold_char(ch: str) -> str:
    out = strip_accents(ch).lower()
    return out if len(out) == 1 else ch.lower()[:1] or ch


def fold_chars(text: str) -> str:
    """Lower case without accents, `đ` -> `d`, one character for each character of `text`."""
    return "".join(map(_fold_char, text))


def clean_question(q: str) -> str:
    """NFC, single spaces, no trailing question mark, full stop or exclamation mark."""
    q = re.sub(r"\s+", " ", unicodedata.normalize("NFC", q)).strip()
    return q.rstrip("?.!").strip()


def fold_key(text: str, synonyms: bool = True) -> str:
    """A matching key: folded, punctuation as spaces, the grammar's synonyms applied (`DVC` -> `dich vu cong`)."""
    t = re.sub(r"[^a-z0-9]+", " ", fold_chars(unicodedata.normalize("NFC", text))).strip()
    if not synonyms:
        return t
    tokens = t.split()
    out: list[str] = []
    i = 0
    phrases = _phrase_map()
    while i < len(tokens):
        for src, dst in phrases:
            if src and tuple(tokens[i : i + len(src)]) == src:
                out.extend(dst)
                i += len(src)
                break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


# ---------------------------------------------------------------- grammar data


@cache
def grammar() -> dict[str, Any]:
    """The question grammar data (`gazetteer/query_grammar.json`)."""
    return gazetteer.load("query_grammar.json")


@cache
def _phrase_map() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    pairs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for e in grammar()["synonyms"]:
        means = tuple(e["means"].split())
        pairs.append((means, means))
        pairs.extend((tuple(fold_key(w, synonyms=False).split()), means) for w in e["words"])
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", " ") for w in sorted(set(words), key=lambda w: (-len(w), w)))


@cache
def verbs() -> dict[str, str]:
    """Every relation verb form (folded) -> its relation."""
    return {w: e["relation"] for e in grammar()["relations"] for w in e["words"]}


@cache
def nouns() -> dict[str, str | None]:
    """Every document noun (folded) -> its doctype, None for the generic ones."""
    out: dict[str, str | None] = {w: None for w in grammar()["nouns"]["words"]}
    for e in grammar()["doctypes"]:
        out.update({w: e["type"] for w in e["words"]})
    return out


def expand(pattern: str) -> str:
    """A grammar pattern with its placeholders filled in."""
    return (pattern.replace("{VERB}", _alternation(list(verbs())))
            .replace("{NOUN}", _alternation(list(nouns()))).replace("{YEAR}", YEAR))


@cache
def _forms() -> tuple[tuple[re.Pattern[str], dict[str, Any]], ...]:
    return tuple((re.compile(expand(f["pattern"])), f) for f in grammar()["forms"])


@cache
def _clause(name: str) -> re.Pattern[str]:
    # Anchored at the end, after a space or at the start.
    return re.compile(r"(?:^|(?<= ))(?:" + expand(grammar()["clauses"][name]["pattern"]) + r")$")


def _ops(name: str) -> dict[str, str]:
    return {w: e["op"] for e in grammar()[name] for w in e["words"]}


def _units() -> dict[str, str]:
    return {w: e["unit"] for e in grammar()["units"] for w in e["words"]}


# ---------------------------------------------------------------- provinces


@dataclass(frozen=True)
class Province:
    """A province as asked: its canonical name, and what it covers across the 2025 merger."""

    name: str
    olds: tuple[str, ...]  # pre-2025 provinces whose documents it covers
    new: str | None  # the province it is part of since the merger
    is_new: bool  # the name is one of the 34 provinces since 1 July 2025


@cache
def provinces() -> dict[str, Province]:
    """Every province name the gazetteer knows (old, new, aliases), folded -> Province."""
    data = gazetteer.load("provinces.json")
    new_names = {e["name"]: tuple(e.get("merged_from") or [e["name"]]) for e in data["new"]}
    out: dict[str, Province] = {}
    for e in data["old"]:
        name = e["name"]
        if name in new_names:
            p = Province(name, tuple(dict.fromkeys([*new_names[name], name])), name, True)
        else:
            p = Province(name, (name,), e.get("new"), False)
        for alias in (name, *(e.get("aliases") or [])):
            out[fold_key(alias, synonyms=False)] = p
    for name, merged in new_names.items():
        out.setdefault(fold_key(name, synonyms=False), Province(name, tuple(dict.fromkeys([*merged, name])), name, True))
    # `Hồ Chí Minh` is also written `TP. Hồ Chí Minh`, `Thừa Thiên Huế` also `Huế`.
    return out


def merger_date() -> str:
    """When the 63 provinces became 34 (ISO date)."""
    return gazetteer.load("provinces.json")["effective"]


def find_province(text: str) -> Province | None:
    """The province a name means (any case, with or without accents, `tỉnh`/`thành phố` ignored), or None."""
    key = fold_key(re.sub(r"^(?:tỉnh|tinh|province|thành phố|thanh pho|city|tp\.?)\s+", "", text.strip(), flags=re.I),
                   synonyms=False)
    return provinces().get(key)


def province_name(text: str) -> str:
    """The canonical name of a province; VnplanError naming the nearest ones when unknown."""
    p = find_province(text)
    if p is None:
        near = process.extract(fold_key(text, synonyms=False), list(provinces()), scorer=fuzz.ratio, limit=3)
        names = ", ".join(dict.fromkeys(provinces()[k].name for k, _s, _i in near))
        raise VnplanError(f"unknown province {text.strip()!r}; nearest: {names}")
    return p.name


def doctype_name(text: str) -> str:
    """The canonical Vietnamese type word of a document type asked in English or Vietnamese."""
    want = fold_key(text, synonyms=False)
    for e in grammar()["doctypes"]:
        if want in {fold_key(w, synonyms=False) for w in [*e["words"], e["type"]]}:
            return e["type"]
    for e in gazetteer.load("doctypes.json")["entries"]:
        if want == fold_key(e["word"], synonyms=False):
            return e["word"]
    known = ", ".join(e["words"][-1] for e in grammar()["doctypes"])
    raise VnplanError(f"unknown document type {text.strip()!r}; known: {known}")


# ---------------------------------------------------------------- reading a question


def _cut(q: str, m: re.Match[str], group: str) -> str | None:
    return q[m.start(group) : m.end(group)].strip() if m.group(group) else None


def _year_range(y1: str, y2: str) -> tuple[int, int]:
    a, b = int(y1), int(y2)
    if a > b:
        raise VnplanError(f"the period {a}-{b} ends before it starts")
    return a, b


def read_clauses(text: str, ask: str, allow: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """Read filter clauses from the end of `text` (as typed) while one matches; returns what is left and them.

    At each step the longest clause that matches the end wins (`issued by Hà Tĩnh`
    over `Hà Tĩnh`). A clause a filter already took is not read twice.
    """
    out: dict[str, Any] = {}
    rest = text.strip()
    while rest:
        f = fold_chars(rest)
        best: tuple[int, str, re.Match[str]] | None = None
        for name in allow:
            if name in out or (name == "issued" and "years" in out) or (name == "year" and "years" in out):
                continue
            m = _place_match(f) if name == "place" else _clause(name).search(f)
            if m is None:
                continue
            if name == "issuer" and _issuer_of(rest[m.start("issuer") : m.end("issuer")]) is None:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), name, m)
        if best is None:
            break
        start, name, m = best
        clause = rest[start:]
        if name == "period":
            out["years"] = _year_range(m.group("y1"), m.group("y2"))
        elif name == "deadline":
            out["deadline"] = (_ops("deadline_ops")[m.group("op")], int(m.group("y")))
        elif name == "issued":
            out["years"] = (int(m.group("y")), int(m.group("y")))
        elif name == "year":
            y = int(m.group("y"))
            if ask in ("targets", "pivot"):
                out["deadline"] = ("=", y)
            else:
                out["years"] = (y, y)
        elif name == "place":
            out["province"] = m.province  # type: ignore[attr-defined]
        elif name == "issuer":
            out["issuer"] = _issuer_of(clause[m.start("issuer") - start : m.end("issuer") - start])
        rest = rest[:start].rstrip(" ,;")
    return rest, out


@dataclass(frozen=True)
class _PlaceMatch:
    """A place clause found at the end of a folded text (a province the gazetteer knows); read like a match."""

    at: int
    province: str
    marker: str | None

    def start(self, group: int | str = 0) -> int:
        """Where the clause starts (as `re.Match.start`)."""
        return self.at


@cache
def _place_pattern() -> re.Pattern[str]:
    names = _alternation(list(provinces()))
    return re.compile(r"(?:^|(?<= ))(?:" + grammar()["clauses"]["place"]["pattern"].replace(
        "{PLACE}", f"(?P<place>{names})") + r")$")


def _place_match(folded: str) -> _PlaceMatch | None:
    m = _place_pattern().search(re.sub(r"[^a-z0-9&/ -]", " ", folded))
    if m is None:
        return None
    return _PlaceMatch(m.start(), provinces()[m.group("place")].name, m.group("marker"))


def _issuer_of(text: str) -> str | None:
    """A known issuer (a province, or an issuing body of gazetteer/issuers.json) named by `text`, or None."""
    t = text.strip()
    p = find_province(t)
    if p is not None:
        return p.name
    want = fold_key(t, synonyms=False)
    if not want:
        return None
    data = gazetteer.load("issuers.json")
    for e in data["codes"]:
        if want in (fold_key(e["code"], synonyms=False), fold_key(e["name"], synonyms=False)):
            return e["name"]
    # A local body with its province: `UBND tỉnh Hà Tĩnh`, `Sở Nội vụ tỉnh Quảng Ngãi`.
    m = re.fullmatch(r"(.+?) (?:tinh|thanh pho|tp) (.+)", want)
    if m and find_province(m.group(2)) is not None and re.search(r"[a-z]", m.group(1)):
        return t
    if re.fullmatch(r"(?:ubnd|hdnd|uy ban nhan dan|hoi dong nhan dan|tinh uy|so \w+(?: \w+)*)", want):
        return t
    return None


def unknown_place(text: str) -> str | None:
    """A capitalised name after `in`/`tại`/`ở` at the end of `text` that is no known province, or None.

    Lower-case words after `tại` belong to what is asked (`tại bộ phận một cửa`); a
    capitalised name is meant as a place, and asking for an unknown place is an error,
    not a filter to drop.
    """
    m = re.search(r"(?:^| )(?:in|at|ở|tại|o|tai) (?:tỉnh |tinh |province )?((?:[A-ZĐÀ-Ỹ][\w'-]*)(?: [A-ZĐÀ-Ỹ][\w'-]*)*)$",
                  text.strip())
    if m and find_province(m.group(1)) is None:
        return m.group(1)
    return None


def parse_value(spec: str) -> tuple[str, dict[str, Any]]:
    """Take the asked value out of a target description: `at least 90% satisfaction` -> (`satisfaction`, value).

    A number counts as the value when it has a comparator or a unit, or when it opens
    the description (`40 DVC level 4`); the `4` of `level 4` stays in the indicator.
    """
    f = fold_chars(spec)
    pat = re.compile(r"(?:^|(?<= ))(?:" + grammar()["target_value"]["pattern"] + r")(?=$| |,)")
    chosen = None
    for m in pat.finditer(f):
        if m.group("cmp") or m.group("unit") or m.start() == 0:
            chosen = m
            break
    if chosen is None:
        return spec.strip(), {}
    out: dict[str, Any] = {}
    value = float(chosen.group("value").replace(",", "."))
    op = _ops("comparators")[chosen.group("cmp")] if chosen.group("cmp") else None
    out["value"] = (op or "", value)
    if chosen.group("unit"):
        out["unit"] = _units()[chosen.group("unit")]
    rest = (spec[: chosen.start()] + " " + spec[chosen.end() :]).strip()
    return re.sub(r"\s+", " ", rest), out


def _strip_lead(text: str) -> str:
    return re.sub(r"^(?:for|of|on|about|a target of|ve|về|cho|của|cua)\s+", "", text.strip(), flags=re.I)


def parse(question: str) -> Filters:
    """Read a question into Filters; VnplanError with three nearby examples when no form reads it."""
    q = clean_question(question)
    f = fold_chars(q)
    for pattern, form in _forms():
        m = pattern.fullmatch(f)
        if m is None:
            continue
        return _build(q, m, form)
    raise VnplanError(f"cannot read the question {q!r}; questions like it that can be asked:\n"
                      + "\n".join(f"  {ex}" for ex in nearby_examples(q)))


def nearby_examples(q: str, n: int = 3) -> list[str]:
    """The grammar's examples closest to a question (rapidfuzz over folded words), one per form."""
    examples = [(ex, i) for i, form in enumerate(grammar()["forms"]) for ex in form["examples"]]
    scored = sorted(examples, key=lambda e: -fuzz.token_set_ratio(fold_key(q), fold_key(e[0])))
    out: list[str] = []
    seen: set[str] = set()
    for ex, i in scored:
        ask = grammar()["forms"][i]["ask"]
        if ask in seen:
            continue
        seen.add(ask)
        out.append(ex)
        if len(out) == n:
            break
    return out


def _build(q: str, m: re.Match[str], form: dict[str, Any]) -> Filters:
    ask = form["ask"]
    parts = {k: _cut(q, m, k) for k in m.groupdict() if m.group(k)}
    kw: dict[str, Any] = {}
    if parts.get("noun"):
        doctype = nouns()[fold_chars(parts["noun"]).lower()]
        if doctype:
            kw["doctype"] = doctype
    if ask in ("targets", "pivot"):
        spec = _strip_lead(parts.get("spec") or "")
        rest, clauses = read_clauses(spec, ask, ("period", "deadline", "issued", "year", "place", "issuer"))
        bad = unknown_place(rest)
        if bad:
            raise VnplanError(f"unknown province {bad!r}")
        rest, value = parse_value(_strip_lead(rest))
        kw.update(clauses)
        if "value" in value:
            op, v = value["value"]
            kw["value"] = (op or "", v)
        if "unit" in value:
            kw["unit"] = value["unit"]
        indicator = _strip_lead(rest).strip(" ,")
        if indicator:
            kw["indicator"] = indicator
        elif ask == "pivot":
            raise VnplanError("a table of targets by province and year needs an indicator: "
                              "targets by province and year for satisfaction")
        return canonical(Filters(ask, **kw))
    if ask == "progress":
        rest, clauses = read_clauses(_strip_lead(parts.get("spec") or ""), ask, ("place",))
        bad = unknown_place(rest)
        if bad:
            raise VnplanError(f"unknown province {bad!r}")
        indicator = _strip_lead(rest).strip(" ,")
        if not indicator:
            raise VnplanError("committed vs achieved needs an indicator: committed vs achieved PAR INDEX in Quảng Ninh")
        return canonical(Filters("progress", indicator=indicator, **clauses))
    if ask == "relations":
        kw["direction"] = form["direction"]
        if parts.get("verb"):
            kw["relations"] = (verbs()[fold_chars(parts["verb"])],)
        doc, clauses = read_clauses(parts["doc"], ask, ("issued", "issuer"))
        kw.update(clauses)
        kw["doc"] = doc
        return canonical(Filters("relations", **kw))
    if ask == "tasks":
        agency, clauses = read_clauses(parts["agency"], ask, ("place",))
        rest, more = read_clauses(parts.get("rest") or "", ask, ("period", "issued", "year", "place", "issuer"))
        _no_leftover(rest)
        for k, v in more.items():
            if k in clauses and clauses[k] != v:
                raise VnplanError(f"two provinces asked: {clauses[k]} and {v}")
        kw.update({**clauses, **more, "agency": agency})
        return canonical(Filters("tasks", **kw))
    if ask == "search":
        # Only a place after `in`/`tại`/`ở` filters a search; other words are searched for.
        words = parts["words"]
        pm = _place_match(fold_chars(words))
        if pm is not None and pm.marker in grammar()["clauses"]["strong_place_markers"] and words[: pm.start()].strip():
            kw["province"] = pm.province
            words = words[: pm.start()]
        return canonical(Filters("search", words=words.strip(), **kw))
    # documents, stale
    rest, clauses = read_clauses(parts.get("rest") or "", ask, ("period", "issued", "year", "place", "issuer"))
    _no_leftover(rest)
    kw.update(clauses)
    return canonical(Filters(ask, **kw))


def _no_leftover(rest: str) -> None:
    if rest.strip():
        bad = unknown_place(rest)
        if bad:
            raise VnplanError(f"unknown province {bad!r}")
        raise VnplanError(f"cannot read {rest.strip()!r} in the question; filters are a province, a year or "
                          "period, `issued by` a body (see docs/QUESTIONS.md)")


def canonical(f: Filters) -> Filters:
    """Canonical filter values, however they were asked: an issuer that names a province is the province."""
    if f.issuer and find_province(f.issuer) is not None:
        p = find_province(f.issuer).name  # type: ignore[union-attr]
        if f.province and f.province != p:
            raise VnplanError(f"two provinces asked: {f.province} and {p}")
        f = replace(f, province=p, issuer=None)
    if f.doc:
        f = replace(f, doc=f.doc.strip())
    return f


# ---------------------------------------------------------------- documents named in a question


@dataclass(frozen=True)
class DocRef:
    """A document named in a question: a symbol, or a type and title; and the province and year that scope it."""

    symbol: str | None = None
    type: str | None = None
    title: str | None = None
    province: str | None = None
    year: int | None = None

    def __str__(self) -> str:
        what = self.symbol or self.title
        return " ".join(x for x in (what, self.province and f"in {self.province}", str(self.year) if self.year else None)
                        if x)


@cache
def _doc_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    g = grammar()["doc_ref"]
    scope = expand(g["scope"])
    return re.compile(g["symbol"] + scope), re.compile(g["title"] + scope)


def parse_doc_ref(text: str) -> DocRef:
    """Read `SYMBOL [in PROVINCE] [YEAR]` or `TYPE TITLE [năm YEAR]`; VnplanError when neither shape fits."""
    t = clean_question(text)
    f = fold_chars(t)
    sym_pat, title_pat = _doc_patterns()
    m = sym_pat.fullmatch(f)
    if m:
        symbol = restore_codes(normalize_symbol(t[m.start("symbol") : m.end("symbol")]))
        return DocRef(symbol=symbol, province=_scope_province(t, m), year=int(m.group("year")) if m.group("year") else None)
    m = title_pat.fullmatch(f)
    if m:
        type_word = t[m.start("type") : m.end("type")]
        title = t[m.start("type") : m.end("title")]
        return DocRef(type=doctype_name(type_word), title=title, province=_scope_province(t, m),
                      year=int(m.group("year")) if m.group("year") else None)
    raise VnplanError(f"cannot read a document in {t!r}; name it by symbol (172/QĐ-UBND) or by type and title "
                      "(Luật Ban hành văn bản quy phạm pháp luật)")


@cache
def _codes() -> dict[str, str]:
    """Type and issuer codes of symbols, folded (`QD`) -> as official symbols write them (`QĐ`)."""
    codes = [e.get("code") for e in gazetteer.load("doctypes.json")["entries"]]
    codes += [e.get("code") for e in gazetteer.load("issuers.json")["codes"]]
    return {fold_chars(c).upper(): c for c in codes if c}


def restore_codes(symbol: str) -> str:
    """A symbol typed without diacritics with its codes restored: `172/QD-UBND` -> `172/QĐ-UBND`."""
    return re.sub(r"[A-Za-zĐđ]{2,}", lambda w: _codes().get(fold_chars(w.group(0)).upper(), w.group(0)), symbol)


def _scope_province(t: str, m: re.Match[str]) -> str | None:
    if not m.group("province"):
        return None
    return province_name(t[m.start("province") : m.end("province")])
