"""Each entry of doctypes.json, issuers.json and relation_cues.json is matched by its own examples."""

from __future__ import annotations

import re

import pytest
from vnplan.extractors.citations import code_scope, resolve_issuer, symbol_parts
from vnplan.gazetteer import load
from vnplan.text.normalize import fold

from tests.citation_helpers import citations_of

DOCTYPES = load("doctypes.json")
ISSUERS = load("issuers.json")
CUES = load("relation_cues.json")


def _cases(entries, key):
    return [(e[key], ex) for e in entries for ex in e["examples"]]


@pytest.mark.parametrize(("word", "example"), _cases(DOCTYPES["entries"], "word"))
def test_doctype_examples_are_cited_with_their_type(word, example):
    types = [c.type for c in citations_of(example)]
    assert word in types, (example, types)


@pytest.mark.parametrize(("alias", "example"), _cases(DOCTYPES["law_aliases"]["entries"], "alias"))
def test_law_alias_examples(alias, example):
    name = next(e["name"] for e in DOCTYPES["law_aliases"]["entries"] if e["alias"] == alias)
    assert name in [c.title for c in citations_of(example)]


@pytest.mark.parametrize(("short", "example"), _cases(DOCTYPES["abbreviations"]["entries"], "short"))
def test_abbreviation_examples(short, example):
    full = next(e["full"] for e in DOCTYPES["abbreviations"]["entries"] if e["short"] == short)
    titles = [c.title or "" for c in citations_of(example)]
    assert short in example and any(full in t for t in titles)


@pytest.mark.parametrize(("code", "example"), _cases(ISSUERS["codes"], "code"))
def test_issuer_code_examples(code, example):
    entry = next(e for e in ISSUERS["codes"] if e["code"] == code)
    from vnplan.text.normalize import normalize_symbol

    _, _, issuers = symbol_parts(normalize_symbol(example))
    assert issuers and re.sub(r"\d+$", "", issuers[0]) == code.upper()
    assert code_scope(issuers[0]) == entry["scope"]


@pytest.mark.parametrize("example", ISSUERS["local_code_rule"]["examples"])
def test_local_code_rule_examples(example):
    assert code_scope(example) == "local"


@pytest.mark.parametrize(("pattern", "example"), _cases(ISSUERS["names"], "pattern"))
def test_issuer_name_examples(pattern, example):
    entry = next(e for e in ISSUERS["names"] if e["pattern"] == pattern)
    written = re.sub(r"^của\s+", "", example)
    got = resolve_issuer(written, None, "Quảng Ngãi")
    want = entry["canonical"].replace("{province}", "").strip()
    assert got and fold(got).startswith(fold(want)), (example, got)


@pytest.mark.parametrize(("cue", "example"), _cases(CUES["entries"], "cue"))
def test_relation_cue_examples(cue, example):
    assert re.search(cue.replace(" ", r"\s+"), example, re.IGNORECASE)


@pytest.mark.parametrize("name", ["between_lead", "target_lead", "planned_markers", "in_force_markers", "promulgates", "attached_header",
                                  "quoting_types"])
def test_relation_cue_parts_examples(name):
    part = CUES[name]
    for ex in part["examples"]:
        assert re.search(part["cue"].replace(" ", r"\s+"), ex, re.IGNORECASE), (name, ex)


@pytest.mark.parametrize("example", DOCTYPES["name_continuations"]["examples"])
def test_name_continuation_examples(example):
    assert fold(example) in [fold(c.title or "") for c in citations_of("Căn cứ " + example + " ngày 26 tháng 11 năm 2014;")]


@pytest.mark.parametrize("example", DOCTYPES["long_law_names"]["examples"])
def test_long_law_name_examples(example):
    names = {fold(n) for n in DOCTYPES["long_law_names"]["entries"]}
    assert names & {fold(c.title or "") for c in citations_of(example)}


LAW_NAMES = DOCTYPES["law_names"]


def _law_titles(text):
    return [c.title for c in citations_of(text) if c.type == "Luật"]


@pytest.mark.parametrize("example", LAW_NAMES["not_first_examples"])
def test_law_not_first_examples_open_no_name(example):
    assert _law_titles(example) == []


@pytest.mark.parametrize("word", LAW_NAMES["not_first"])
def test_every_not_first_word_opens_no_name(word):
    titles = _law_titles(f"Theo đó, Luật {word} 12 thuế được bàn.")
    assert not [t for t in titles if fold(t or "").startswith(fold(f"Luật {word}"))], titles


@pytest.mark.parametrize("case", LAW_NAMES["stop_examples"], ids=lambda c: c["name"])
def test_law_stop_examples_end_the_name(case):
    assert _law_titles(case["text"]) == [case["name"]]


@pytest.mark.parametrize("words", [[w] for w in LAW_NAMES["stop_words"]] + LAW_NAMES["stop_pairs"], ids=" ".join)
def test_every_stop_word_and_pair_ends_the_name(words):
    assert _law_titles(f"Theo đó, Luật Đất đai {' '.join(words)} 12 điều khoản.") == ["Luật Đất đai"]


PLAN_TYPES = CUES["plan_types"]


@pytest.mark.parametrize("doc_type", [*PLAN_TYPES["example_planned_in"], *(t.capitalize() for t in PLAN_TYPES["types"])])
def test_a_plan_types_own_repeal_is_planned(doc_type):
    from tests.citation_helpers import relations_of

    got = [(r.relation, r.modality) for r in relations_of(PLAN_TYPES["example"], doc_type=doc_type)]
    assert got == [("repeals", "planned")]


@pytest.mark.parametrize("doc_type", PLAN_TYPES["example_in_force_in"])
def test_a_legal_texts_own_repeal_is_in_force(doc_type):
    from tests.citation_helpers import relations_of

    got = [(r.relation, r.modality) for r in relations_of(PLAN_TYPES["example"], doc_type=doc_type)]
    assert got == [("repeals", "in_force")]


UNNUMBERED = DOCTYPES["unnumbered"]


def _unnumbered_names(text):
    return [c.title for c in citations_of(text) if c.rule == "citation.unnumbered"]


@pytest.mark.parametrize("case", UNNUMBERED["name_stop_examples"], ids=lambda c: c["text"])
def test_unnumbered_name_stop_examples(case):
    assert _unnumbered_names(case["text"]) == [case["name"]]


@pytest.mark.parametrize("word", UNNUMBERED["name_stop_words"])
def test_every_unnumbered_name_stop_word_ends_the_name(word):
    name = "Kế hoạch cải cách hành chính giai đoạn 2021 - 2025"
    assert _unnumbered_names(f"Thực hiện {name} {word} nhiều nội dung khác.") == [name]


@pytest.mark.parametrize("case", UNNUMBERED["subject_examples"], ids=lambda c: c["symbol"])
def test_unnumbered_subject_examples(case):
    from types import SimpleNamespace

    from vnplan.extractors.citations import _is_subject_of

    assert _is_subject_of(case["name"], False, [SimpleNamespace(symbol=case["symbol"], title=case["title"])])
