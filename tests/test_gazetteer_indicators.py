"""The indicator taxonomy and the target cue words: every entry's examples must match that entry."""

from __future__ import annotations

import re

import pytest
from vnplan.gazetteer import load
from vnplan.text.indicators import classify, find_indicators
from vnplan.text.numbers import comparator_of

FORMAT_CODES = {
    "online_services_level3", "online_services_level4", "online_services_full", "online_services_partial",
    "online_services", "par_index", "sipas", "papi", "pci", "satisfaction", "on_time_processing",
    "processing_time_reduction", "compliance_cost_reduction", "one_stop", "one_stop_modern", "e_documents",
    "e_office", "legal_docs_quality", "staff_reduction", "staff_standards", "job_positions", "iso_9001",
    "online_tax", "investment_online", "business_registration_time", "org_review", "autonomy", "training", "other",
}
ENTRIES = load("indicators.json")["entries"]
CUES = load("target_cues.json")


def test_codes_are_the_format_list() -> None:
    codes = [e["code"] for e in ENTRIES]
    assert len(codes) == len(set(codes))
    assert FORMAT_CODES <= set(codes)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e["code"] != "other"], ids=lambda e: e["code"])
def test_entry_is_complete(entry: dict) -> None:
    assert entry["name_vi"] and entry["name_en"] and entry["aliases"] and entry["patterns"]
    assert len(entry["examples"]) >= 1
    for p in entry["patterns"]:
        re.compile(p)


@pytest.mark.parametrize(("code", "example"), [(e["code"], x) for e in ENTRIES for x in e["examples"]])
def test_examples_classify_to_their_entry(code: str, example: str) -> None:
    got, phrase = classify(example.lower())
    assert got == code
    assert phrase or code == "other"  # the catch-all's examples are phrases no indicator claims


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.get("equivalent")], ids=lambda e: e["code"])
def test_level_names_linked_across_decree_42(entry: dict) -> None:
    other = next(e for e in ENTRIES if e["code"] == entry["equivalent"])
    assert other["equivalent"] == entry["code"]


def test_query_aliases() -> None:
    """The query helper finds "40 DVC level 4" through these aliases."""
    level4 = next(e for e in ENTRIES if e["code"] == "online_services_level4")
    for alias in ("DVC mức độ 4", "dịch vụ công trực tuyến mức độ 4", "level 4 online services"):
        assert alias in level4["aliases"]
    abbrs = {a for e in ENTRIES for a in e["abbreviations"]}
    assert {"DVC", "DVCTT", "TTHC", "CCHC", "PAR INDEX", "SIPAS", "PAPI", "PCI"} <= abbrs


def test_group_entries_found_together() -> None:
    text = "chỉ số cải cách hành chính (par index), chỉ số sipas, chỉ số papi thuộc nhóm 10"
    assert list(dict.fromkeys(h.code for h in find_indicators(text))) == ["par_index", "sipas", "papi"]


@pytest.mark.parametrize("entry", CUES["comparators"]["entries"], ids=lambda e: e["comparator"] + e["pattern"][:12])
def test_comparator_examples(entry: dict) -> None:
    for ex in entry["examples"]:
        got = comparator_of("", ex) if entry.get("after") else comparator_of(ex, "")
        assert got == entry["comparator"], ex


@pytest.mark.parametrize("section", ["scopes", "non_target"])
def test_cue_entry_examples(section: str) -> None:
    for e in CUES[section]["entries"]:
        for ex in e["examples"]:
            assert re.search(e["pattern"], ex, re.I), (e["pattern"], ex)


@pytest.mark.parametrize("section", ["achieved", "future", "background_headings", "target_verbs"])
def test_cue_pattern_examples(section: str) -> None:
    for ex in CUES[section]["examples"]:
        assert re.search(CUES[section]["pattern"], ex, re.I | re.M), ex


def test_achieved_counter_examples() -> None:
    assert not any(re.search(CUES["achieved"]["pattern"], ex) for ex in CUES["achieved"]["counter_examples"])


def test_increase_after_examples() -> None:
    assert all(re.search(CUES["increase"]["after"], ex) for ex in CUES["increase"]["after_examples"])


def test_plan_signal_examples() -> None:
    sig = CUES["plan_signals"]
    assert all(re.search(sig["pattern"], ex, re.I) for ex in sig["examples"])
    assert all(re.search(sig["heading"], ex, re.I) for ex in sig["heading_examples"])
    assert all(re.search(sig["rule_title"], ex, re.I) for ex in sig["rule_title_examples"])


@pytest.mark.parametrize("group", ["units", "table"])
def test_unit_and_table_examples(group: str) -> None:
    data = CUES[group]
    for key, ex in data["examples"].items():
        assert re.search(data[key], ex, re.I), (key, ex)


@pytest.mark.parametrize(("code", "example"), [(e["code"], x) for e in ENTRIES for x in e.get("not_examples", [])])
def test_not_examples_stay_out_of_their_entry(code: str, example: str) -> None:
    assert classify(example.lower())[0] != code


@pytest.mark.parametrize("case", load("target_cues.json")["measure_stop_words"]["examples"], ids=lambda c: c["text"])
def test_measure_stop_word_examples(case: dict) -> None:
    from types import SimpleNamespace

    from vnplan.extractors.targets import _measure_words

    text = case["text"]
    target = SimpleNamespace(start=0, end=len(text), value=case["value"])
    assert _measure_words(SimpleNamespace(text=text), target) == case["measure"]
