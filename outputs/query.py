"""Answer questions over the knowledge base; every answer row carries its document, section and quote.

`vnplan query QUESTION` reads a small, fixed question grammar: no free-form
guessing. The patterns live in `gazetteer/query_grammar.json` (each with
examples that a test matches); they are matched case-insensitively against the
whole question (NFC, whitespace collapsed, a trailing `?` dropped)::

    question  := targets | repealed_by | what_does | who_cites | stale | responsible | search
    targets   := ("which"|"what") ("provinces"|"plans"|"documents") ("target"|"set"|"have") ["a target of"] SPEC
               | ["những"|"các"] ("tỉnh"|"địa phương"|"kế hoạch"|"văn bản") "nào" ["đặt"|"có"|"đề ra"] ("chỉ tiêu"|"mục tiêu") SPEC
               | ("targets" ["for"|"of"] | "chỉ tiêu" ["về"]) SPEC
    SPEC      := [CMP] [NUMBER ["%"|"percent"|"phần trăm"]] INDICATOR
                 [("in"|"of"|"at"|"ở"|"tại"|"của") ["tỉnh"] PROVINCE] [YEAROP YEAR]
    CMP       := "at least"|"tối thiểu"|"ít nhất" (>=) | "more than"|"over"|"trên"|"hơn" (>)
               | "at most"|"tối đa"|"không quá" (<=) | "less than"|"under"|"dưới" (<) | "exactly"|"đúng" (=)
    YEAROP    := "by"|"before"|"đến năm"|"trước năm" (deadline year <= YEAR)
               | "in"|"for"|"năm"|"vào năm"|"trong năm" (deadline year = YEAR)
    repealed_by := ("what"|"which document") ("repealed"|"replaced"|"amended") DOC
               | ("văn bản nào"|"cái gì") ["đã"] ("bãi bỏ"|"thay thế"|"sửa đổi") DOC
               | DOC ("bị"|"đã bị") ("bãi bỏ"|"thay thế"|"sửa đổi") ["bởi"] ["văn bản nào"]
    what_does := "what does" DOC ("repeal"|"replace"|"amend") | DOC ("bãi bỏ"|"thay thế"|"sửa đổi") "văn bản nào"
    who_cites := ("who"|"what"|"which documents") ("cites"|"refers to"|"mentions") DOC
               | ("văn bản nào"|"ai") ("trích dẫn"|"dẫn chiếu"|"viện dẫn"|"căn cứ") DOC
    stale     := "stale citations" | "citations of repealed documents" | "trích dẫn hết hiệu lực"
    responsible := "what is" AGENCY "responsible for" | ("tasks"|"responsibilities") "of" AGENCY
               | AGENCY ("chịu trách nhiệm"|"có nhiệm vụ"|"phụ trách") "gì" | ("nhiệm vụ"|"trách nhiệm") "của" AGENCY
    search    := ("search"|"find"|"tìm"|"tìm kiếm") WORDS
    DOC       := [TYPE ["số"]] SYMBOL [("in"|"of"|"ở"|"tại"|"của") ["tỉnh"] PROVINCE] [["năm"] YEAR]

Without CMP a number matches targets of any comparator; without a number every
value of the indicator matches. INDICATOR is resolved against the `indicators`
table (loaded from `gazetteer/indicators.json`): an exact code
(`online_services_level4`) wins; otherwise both the phrase and every code, name
and alias are folded (lower case, no accents, punctuation to spaces), the
grammar's synonyms are applied (`DVC` -> `dịch vụ công`, `level`/`cấp độ` ->
`mức độ`), and the indicator whose text has the highest token overlap
(Jaccard) wins, provided its numbers (the `4` of level 4) are exactly the
phrase's numbers. When several indicators tie (the indicators file gives
`DVC mức độ 4` both to level 4 and to its 2022 name `toàn trình`), all of them
are asked, and each row names its indicator.
`repealed`/`repeal`/`bãi bỏ` also match `replaces` relations (a replaced
document is repealed too); `replaced` and `amended` match only their own.
DOC symbols are normalised like citations (`205 /QĐ- UBND` -> `205/QĐ-UBND`)
and matched against canonical keys, so `in PROVINCE` and the year pick one
province's `172/QĐ-UBND` among many. PROVINCE is matched without accents
against the provinces the knowledge base knows.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote as urlquote

from vnplan import gazetteer
from vnplan.errors import VnplanError
from vnplan.resolve import slug
from vnplan.text.normalize import normalize_symbol, strip_accents

# Columns every answer ends with, so any row can be traced to its text.
PROVENANCE = ("document", "section", "quote", "doc_id")


@dataclass
class Answer:
    """Rows answering one question, with the columns to show and a line on how it was read."""

    intent: str
    columns: list[str]
    rows: list[dict[str, Any]]
    reading: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- connection


def connect_ro(path: str | Path) -> sqlite3.Connection:
    """Open a knowledge base read-only (URI `mode=ro` plus `PRAGMA query_only`)."""
    p = Path(path)
    if not p.exists():
        raise VnplanError(f"no database at {path}; run `vnplan ingest` first")
    conn = sqlite3.connect(f"file:{urlquote(str(p.resolve()))}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA query_only = 1")
    return conn


def run_sql(path: str | Path, sql: str, params: Sequence[Any] = ()) -> Answer:
    """Run one raw SQL statement read-only; errors become a VnplanError."""
    conn = connect_ro(path)
    try:
        cur = conn.execute(sql, params)
        columns = [d[0] for d in cur.description or ()]
        rows = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
    except sqlite3.Error as exc:
        raise VnplanError(str(exc)) from None
    finally:
        conn.close()
    return Answer("sql", columns, rows)


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    except sqlite3.OperationalError as exc:
        # An old or foreign database lacks a view or table: say so in one line.
        raise VnplanError(f"{exc}; is this a vnplan database? re-run `vnplan ingest` to upgrade it") from None


# ---------------------------------------------------------------- grammar


@cache
def grammar() -> dict[str, Any]:
    """The question grammar data (`gazetteer/query_grammar.json`)."""
    return gazetteer.load("query_grammar.json")


def clean_question(q: str) -> str:
    """NFC, single spaces, no trailing question mark or full stop."""
    q = re.sub(r"\s+", " ", unicodedata.normalize("NFC", q)).strip()
    return q.rstrip("?.!").strip()


@dataclass(frozen=True)
class Parsed:
    """A question read by the grammar: its intent and the named parts it gave."""

    intent: str
    parts: dict[str, str]


def parse(question: str) -> Parsed:
    """Read a question with the grammar, first matching pattern wins; VnplanError if none matches."""
    q = clean_question(question)
    for entry in grammar()["intents"]:
        m = re.fullmatch(entry["pattern"], q, flags=re.IGNORECASE)
        if m:
            parts = {k.rstrip("0123456789"): v for k, v in m.groupdict().items() if v}
            return Parsed(entry["intent"], parts)
    hints = "; ".join(e["examples"][0] for e in grammar()["intents"])
    raise VnplanError(f"cannot read the question {q!r}; ask like: {hints}")


def _phrase_map() -> list[tuple[list[str], list[str]]]:
    """Synonym phrases as token lists, longest first; each canonical phrase maps to itself."""
    pairs: list[tuple[list[str], list[str]]] = []
    for e in grammar()["synonyms"]:
        means = e["means"].split()
        pairs.append((means, means))
        pairs.extend((fold_key(w, synonyms=False).split(), means) for w in e["words"])
    return sorted(pairs, key=lambda p: -len(p[0]))


def fold_key(text: str, synonyms: bool = True) -> str:
    """A matching key: lower case, no accents, punctuation as spaces, grammar synonyms applied."""
    t = strip_accents(unicodedata.normalize("NFC", text)).lower()
    t = re.sub(r"[^a-z0-9]+", " ", t).strip()
    if not synonyms:
        return t
    tokens = t.split()
    out: list[str] = []
    i = 0
    phrases = _phrase_map()
    while i < len(tokens):
        for src, dst in phrases:
            if src and tokens[i : i + len(src)] == src:
                out.extend(dst)
                i += len(src)
                break
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


def _ops(name: str) -> dict[str, str]:
    return {w.lower(): e["op"] for e in grammar()[name] for w in e["words"]}


# ---------------------------------------------------------------- resolving names


def known_provinces(conn: sqlite3.Connection) -> list[str]:
    """Province names the knowledge base knows: of its documents, and of the provinces table."""
    # documents.province is indexed; a promulgated plan's province is its decision's, listed anyway.
    names = [r["province"] for r in _rows(conn, "SELECT DISTINCT province FROM documents WHERE province IS NOT NULL")]
    names += [r["name"] for r in _rows(conn, "SELECT name FROM provinces")]
    return list(dict.fromkeys(names))


def resolve_province(conn: sqlite3.Connection, text: str) -> str | None:
    """The known province a name means (accent- and case-insensitive), or None."""
    want = fold_key(re.sub(r"^(?:tỉnh|province|thành phố|tp\.?)\s+", "", text.strip(), flags=re.I), synonyms=False)
    for name in known_provinces(conn):
        if fold_key(name, synonyms=False) == want:
            return name
    return None


def indicator_candidates(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Indicators with every text they can be asked by: code, names and aliases."""
    out: dict[str, dict[str, Any]] = {}
    for r in _rows(conn, "SELECT id, name, name_vi, aliases FROM indicators"):
        texts = [r["id"].replace("_", " "), r["name"] or "", r["name_vi"] or ""]
        try:
            texts += [a for a in json.loads(r["aliases"] or "[]") if isinstance(a, str)]
        except ValueError:
            pass
        out[r["id"]] = {"id": r["id"], "name": r["name"] or r["id"], "texts": [t for t in texts if t]}
    # Targets may use codes the indicators file does not list (yet): their codes are texts too.
    for r in _rows(conn, "SELECT DISTINCT indicator FROM targets WHERE indicator IS NOT NULL"):
        out.setdefault(r["indicator"], {"id": r["indicator"], "name": r["indicator"],
                                        "texts": [r["indicator"].replace("_", " ")]})
    return list(out.values())


def match_indicator(phrase: str, candidates: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], float]:
    """The indicators a phrase names: exact code, else the best token overlap with equal numbers (ties: all)."""
    raw = phrase.strip()
    for c in candidates:
        if raw.lower() == c["id"].lower():
            return [c], 1.0
    want = set(fold_key(raw).split())
    want_nums = {t for t in want if t.isdigit()}
    best: dict[str, float] = {}
    for c in candidates:
        for text in c["texts"]:
            have = set(fold_key(text).split())
            if {t for t in have if t.isdigit()} != want_nums or not (want & have) - want_nums:
                continue
            score = len(want & have) / len(want | have)
            if score > best.get(c["id"], 0.0):
                best[c["id"]] = score
    if not best:
        codes = ", ".join(sorted(c["id"] for c in candidates)[:12]) or "none loaded"
        raise VnplanError(f"no indicator matches {raw!r}; known indicators: {codes}")
    top = max(best.values())
    # Equal scores mean the aliases say the phrase names several indicators (`DVC mức độ 4` is
    # level 4 and, since 2022, `toàn trình`): ask for all of them rather than guess one.
    return [c for c in candidates if best.get(c["id"]) == top], top


@dataclass(frozen=True)
class DocRef:
    """A document named in a question: symbol, and optionally its province and year."""

    symbol: str
    province: str | None = None
    year: int | None = None

    def __str__(self) -> str:
        return " ".join(x for x in (self.symbol, self.province, str(self.year) if self.year else None) if x)


def parse_doc_ref(conn: sqlite3.Connection, text: str) -> DocRef:
    """Read `SYMBOL [in PROVINCE] [YEAR]`; VnplanError when the shape or the province is unknown."""
    m = re.fullmatch(grammar()["doc_ref"]["pattern"], text.strip(), flags=re.IGNORECASE)
    if not m:
        raise VnplanError(f"cannot read a document symbol in {text!r}; write it like 172/QĐ-UBND")
    province = None
    if m.group("province"):
        province = resolve_province(conn, m.group("province"))
        if province is None:
            raise VnplanError(f"unknown province {m.group('province')!r}")
    # The Đ typed as D or lower case is still the same symbol.
    symbol = normalize_symbol(m.group("symbol").replace("đ", "Đ"))
    return DocRef(symbol, province, int(m.group("year")) if m.group("year") else None)


def key_clause(column: str, ref: DocRef, province_column: str) -> tuple[str, list[Any]]:
    """SQL matching canonical keys of `ref` (see `vnplan.resolve.document_key`).

    Keys are `61/2018/NĐ-CP` and `vn/2017/846/QĐ-TTg` (national) or
    `quang-ngai/2017/205/QĐ-UBND` (local). A province picks one province's local
    document; a national document has no province, so there it picks the rows of
    documents of that province (`province_column`) instead.
    """
    sql = f"({column} = ? OR {column} LIKE ?)"
    params: list[Any] = [ref.symbol, f"%/{ref.symbol}"]
    if ref.province:
        sql += (f" AND ({column} LIKE ? OR (({column} = ? OR {column} LIKE 'vn/%') AND {province_column} = ?))")
        params += [f"{slug(ref.province)}/%", ref.symbol, ref.province]
    if ref.year:
        sql += f" AND {column} LIKE ?"
        params += [f"%/{ref.year}/%"]
    return sql, params


def candidate_keys(conn: sqlite3.Connection, ref: DocRef) -> list[str]:
    """Every key the KB holds for the symbol, found through the indexed symbol columns.

    Matching keys with `LIKE '%/SYMBOL'` would scan every citation; symbols are
    stored normalised, so the indexes on `documents.symbol` and `citations.symbol`
    find the few keys, and the fact tables are then read by their key indexes.
    """
    keys = {ref.symbol}
    for sql in ("SELECT DISTINCT key FROM documents WHERE symbol = ? AND key IS NOT NULL",
                "SELECT DISTINCT key FROM citations WHERE symbol = ? AND key IS NOT NULL"):
        keys.update(r["key"] for r in _rows(conn, sql, [ref.symbol]))
    return sorted(keys)


def _in(column: str, values: Sequence[Any]) -> str:
    return f"{column} IN ({','.join('?' * len(values))})"


def _label_of(key_sql: str) -> str:
    """SQL for the label of one ingested document with a key: a document ingested twice
    (from two sources) must not repeat every answer row, so no join on the key."""
    return (f"(SELECT COALESCE(x.type || ' ' || x.symbol, x.type || ': ' || x.title, x.doc_id) FROM documents x "
            f"WHERE x.key = {key_sql} ORDER BY x.doc_id LIMIT 1)")


# ---------------------------------------------------------------- intents

# A replaced document is repealed too, so asking what repealed X also finds what replaced it.
_REPEALS, _REPLACES, _AMENDS = ("repeals", "replaces"), ("replaces",), ("amends",)
_REL = {"repealed": _REPEALS, "replaced": _REPLACES, "amended": _AMENDS, "repeal": _REPEALS,
        "replace": _REPLACES, "amend": _AMENDS, "bãi bỏ": _REPEALS, "thay thế": _REPLACES, "sửa đổi": _AMENDS}
_MODALITY_ORDER = "CASE r.modality WHEN 'in_force' THEN 0 WHEN 'planned' THEN 1 ELSE 2 END"


def ask_repealed_by(conn: sqlite3.Connection, parts: dict[str, str]) -> Answer:
    """What repealed (replaced, amended) a document: in-force relations first, planned ones marked."""
    ref = parse_doc_ref(conn, parts["doc"])
    rel = _REL[parts["rel"].lower()]
    keys = candidate_keys(conn, ref)
    where, params = key_clause("r.target_key", ref, "d.province")
    where, params = f"{_in('r.target_key', keys)} AND {where}", [*keys, *params]
    rows = _rows(conn, f"""
        SELECT CASE r.source WHEN 'self' THEN d.label
                    ELSE COALESCE({_label_of("r.source_key")}, r.source) END AS answer,
               d.province, r.relation, r.modality, r.target_key AS target, d.label AS document,
               r.section, r.quote, r.doc_id
        FROM relations r JOIN documents_view d ON d.doc_id = r.doc_id
        WHERE {_in('r.relation', rel)} AND {where}
        ORDER BY {_MODALITY_ORDER}, d.date""", [*rel, *params])
    verbs = " or ".join(x.removesuffix("s") for x in rel)
    return Answer("repealed_by", ["answer", "province", "relation", "modality", "target", *PROVENANCE], rows,
                  f"documents that {verbs} {ref}")


def ask_what_does(conn: sqlite3.Connection, parts: dict[str, str]) -> Answer:
    """What a document repeals (replaces, amends), from relations whose source is it."""
    ref = parse_doc_ref(conn, parts["doc"])
    rel = _REL[parts["rel"].lower()]
    keys = candidate_keys(conn, ref)
    where, params = key_clause("r.source_key", ref, "d.province")
    where, params = f"{_in('r.source_key', keys)} AND {where}", [*keys, *params]
    rows = _rows(conn, f"""
        SELECT COALESCE({_label_of("r.target_key")}, r.target) AS answer, r.target_key AS target, d.province,
               r.relation, r.modality, d.label AS document, r.section, r.quote, r.doc_id
        FROM relations r JOIN documents_view d ON d.doc_id = r.doc_id
        WHERE {_in('r.relation', rel)} AND {where}
        ORDER BY {_MODALITY_ORDER}, r.start""", [*rel, *params])
    return Answer("what_does", ["answer", "target", "province", "relation", "modality", *PROVENANCE], rows,
                  f"what {ref} {' or '.join(rel)}")


def ask_who_cites(conn: sqlite3.Connection, parts: dict[str, str]) -> Answer:
    """Documents citing a document, its first citation in each."""
    ref = parse_doc_ref(conn, parts["doc"])
    keys = candidate_keys(conn, ref)
    where, params = key_clause("c.key", ref, "d.province")
    where, params = f"{_in('c.key', keys)} AND {where}", [*keys, *params]
    rows = _rows(conn, f"""
        SELECT d.label AS answer, d.province, c.key AS cited, d.label AS document, c.section, c.quote,
               c.doc_id, MIN(c.start) AS start
        FROM citations c JOIN documents_view d ON d.doc_id = c.doc_id
        WHERE c.self_ref = 0 AND {where} AND d.key IS NOT c.key
        GROUP BY c.doc_id ORDER BY d.province, d.date""", params)
    return Answer("who_cites", ["answer", "province", "cited", *PROVENANCE], rows, f"documents citing {ref}")


def ask_stale(conn: sqlite3.Connection, parts: dict[str, str]) -> Answer:
    """Citations of documents the knowledge base knows were repealed or replaced."""
    rows = _rows(conn, """
        SELECT cited_symbol AS answer, cited_key, status, by_document, province, citing_document AS document,
               section, quote, doc_id
        FROM stale_citations""")
    # One row per section, however often it repeats the citation. Grouped here, not in SQL: a
    # GROUP BY over the view makes SQLite build a throwaway index over every citation.
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        seen.setdefault((r["doc_id"], r["section"], r["cited_key"]), r)
    rows = sorted(seen.values(), key=lambda r: (r["province"] or "", r["document"] or "", r["section"] or ""))
    return Answer("stale", ["answer", "status", "by_document", "province", *PROVENANCE], rows,
                  "citations of repealed or replaced documents")


def ask_responsible(conn: sqlite3.Connection, parts: dict[str, str]) -> Answer:
    """An agency's tasks (as lead or support) with their deadlines."""
    name = parts["agency"].strip()
    want = fold_key(name, synonyms=False)
    for r in _rows(conn, "SELECT name, aliases FROM agencies WHERE aliases IS NOT NULL AND aliases != '[]'"):
        # `Sở TT&TT` asks for `Sở Thông tin và Truyền thông`: the agencies table knows the aliases.
        if any(isinstance(a, str) and fold_key(a, synonyms=False) == want for a in json.loads(r["aliases"])):
            want = fold_key(r["name"], synonyms=False)
            break
    agencies = [r["agency"] for r in _rows(conn, "SELECT DISTINCT agency FROM responsibilities_view")]
    exact = [a for a in agencies if fold_key(a, synonyms=False) == want]
    chosen = exact or [a for a in agencies if want and want in fold_key(a, synonyms=False)]
    rows: list[dict[str, Any]] = []
    if chosen:
        marks = ",".join("?" * len(chosen))
        rows = _rows(conn, f"""
            SELECT agency AS answer, role, deadline, province, document, section, quote, doc_id
            FROM responsibilities_view WHERE agency IN ({marks})
            ORDER BY role, deadline IS NULL, deadline, province, doc_id, section""", chosen)
    return Answer("responsible", ["answer", "role", "deadline", "province", *PROVENANCE], rows,
                  f"tasks of {', '.join(chosen) or name}")


def fts_queries(words: str) -> list[str]:
    """FTS5 queries for the words, tried in turn: the exact phrase, then all words anywhere.

    Words are quoted tokens, so FTS operators typed by a user (`OR`, `NEAR`, `*`) are plain words.
    """
    tokens = re.findall(r"\w+", unicodedata.normalize("NFC", words))
    if not tokens:
        raise VnplanError("search needs at least one word")
    every = " ".join(f'"{t}"' for t in tokens)
    return [every] if len(tokens) == 1 else ['"' + " ".join(tokens) + '"', every]


def ask_search(conn: sqlite3.Connection, parts: dict[str, str]) -> Answer:
    """Full-text search over section text, with a snippet around the match."""
    rows: list[dict[str, Any]] = []
    for q in fts_queries(parts["words"]):
        rows = _rows(conn, """
            SELECT d.province, d.label AS document, s.path AS section,
                   snippet(sections_fts, 1, '[', ']', '…', 16) AS quote, s.doc_id
            FROM sections_fts JOIN sections s ON s.rowid = sections_fts.rowid
            JOIN documents_view d ON d.doc_id = s.doc_id
            WHERE sections_fts MATCH ? ORDER BY rank LIMIT 50""", [q])
        if rows:
            break
    return Answer("search", ["province", *PROVENANCE], rows, f"sections matching {q}")


def parse_target_spec(conn: sqlite3.Connection, spec: str) -> dict[str, Any]:
    """Read SPEC: comparator, value, unit, indicator phrase, province and deadline year."""
    m = re.fullmatch(grammar()["target_spec"]["pattern"], spec.strip(), flags=re.IGNORECASE)
    if not m:
        raise VnplanError(f"cannot read the target {spec!r}; write it like: 40 DVC level 4 in Quảng Ngãi by 2020")
    out: dict[str, Any] = {"indicator": m.group("indicator"), "province": None}
    if m.group("province"):
        out["province"] = resolve_province(conn, m.group("province"))
        if out["province"] is None:
            # `của` and `of` also occur inside indicator names: not a province after all.
            out["indicator"] = spec[m.start("indicator") : m.end("province")]
    cmp = m.group("cmp")
    out["comparator"] = _ops("comparators")[cmp.lower()] if cmp else None
    out["value"] = float(m.group("value").replace(",", ".")) if m.group("value") else None
    out["unit"] = "percent" if m.group("unit") else None
    out["year"] = int(m.group("year")) if m.group("year") else None
    out["year_op"] = _ops("year_ops")[m.group("yearop").lower()] if m.group("yearop") else None
    return out


def ask_targets(conn: sqlite3.Connection, parts: dict[str, str]) -> Answer:
    """Targets by indicator, value, comparator, province and deadline year."""
    spec = parse_target_spec(conn, parts["spec"])
    inds, score = match_indicator(spec["indicator"], indicator_candidates(conn))
    codes = [i["id"] for i in inds]
    where, params = [f"indicator IN ({','.join('?' * len(codes))})"], list(codes)
    if spec["value"] is not None:
        where.append("ABS(value - ?) < 1e-9")
        params.append(spec["value"])
    if spec["comparator"]:
        where.append("comparator = ?")
        params.append(spec["comparator"])
    if spec["unit"]:
        where.append("unit = ?")
        params.append(spec["unit"])
    if spec["province"]:
        where.append("province = ?")
        params.append(spec["province"])
    if spec["year"]:
        where.append(f"deadline_year {spec['year_op'] or '='} ?")
        params.append(spec["year"])
    rows = _rows(conn, f"""
        SELECT province AS answer, province_new, indicator, comparator, value, unit, scope, deadline,
               document, section, quote, doc_id
        FROM targets_view WHERE {' AND '.join(where)}
        ORDER BY province, deadline, value""", params)
    for r in rows:
        if r["value"] is not None and float(r["value"]).is_integer():
            r["value"] = int(r["value"])
    reading = "indicator " + " or ".join(f"{i['id']} ({i['name']})" for i in inds) + f", matched {score:.2f}"
    return Answer("targets", ["answer", "indicator", "comparator", "value", "unit", "scope", "deadline",
                              *PROVENANCE], rows, reading, {"indicators": codes, **spec})


INTENTS = {
    "targets": ask_targets,
    "repealed_by": ask_repealed_by,
    "what_does": ask_what_does,
    "who_cites": ask_who_cites,
    "stale": ask_stale,
    "responsible": ask_responsible,
    "search": ask_search,
}


def answer(db_path: str | Path, question: str) -> Answer:
    """Answer one question from the grammar over the knowledge base at `db_path`."""
    parsed = parse(question)
    conn = connect_ro(db_path)
    try:
        return INTENTS[parsed.intent](conn, parsed.parts)
    finally:
        conn.close()


# ---------------------------------------------------------------- output


def to_json(ans: Answer) -> str:
    """The answer as JSON: the reading and the rows (all columns)."""
    return json.dumps({"intent": ans.intent, "reading": ans.reading, "columns": ans.columns, "rows": ans.rows},
                      ensure_ascii=False, indent=1, default=str)


def to_csv(ans: Answer) -> str:
    """The answer's rows as CSV, the shown columns first."""
    cols = list(dict.fromkeys([*ans.columns, *(k for r in ans.rows for k in r)]))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(ans.rows)
    return buf.getvalue()


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return re.sub(r"\s+", " ", str(v))


def format_table(ans: Answer, width: int = 48) -> str:
    """A readable plain-text table; long cells wrap instead of being cut, so quotes stay whole."""
    cols = ans.columns
    cells = [[textwrap.wrap(_cell(r.get(c)), width) or [""] for c in cols] for r in ans.rows]
    widths = [max([len(c), *(len(line) for row in cells for line in row[i])]) for i, c in enumerate(cols)]
    lines = []
    if ans.reading:
        lines.append(f"# {ans.reading}")
    lines.append("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        for k in range(max(len(c) for c in row)):
            lines.append("  ".join((c[k] if k < len(c) else "").ljust(w)
                                   for c, w in zip(row, widths, strict=True)).rstrip())
    lines.append(f"({len(ans.rows)} row{'s' if len(ans.rows) != 1 else ''})")
    return "\n".join(lines)
