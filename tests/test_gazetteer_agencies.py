"""The agency, collective, province and duty-cue gazetteers: every example matches its entry."""

from __future__ import annotations

import pytest
from vnplan import gazetteer
from vnplan.extractors.agencies import entries, find_mentions
from vnplan.text.provinces import canonical_province, is_central_city, province_after_2025
from vnplan.text.tokens import fold_text

AGENCY_ROWS = [r for r in gazetteer.load("agencies.jsonl") if r.get("type") == "agency"]
VARIANT_ROWS = [r for r in gazetteer.load("agencies.jsonl") if r.get("type") == "variant"]
COLLECTIVES = gazetteer.load("collectives.json")["entries"]
PROVINCES = gazetteer.load("provinces.json")


def _province_for(row: dict) -> str:
    # City-only names (UBND thành phố, Thành ủy) only resolve in a centrally-run city's document.
    return "Hà Nội" if row.get("city_only") else "Quảng Ngãi"


@pytest.mark.parametrize("row", AGENCY_ROWS, ids=[r["id"] for r in AGENCY_ROWS])
def test_agency_examples_resolve_to_their_entry(row: dict) -> None:
    assert row["examples"], f"{row['id']} has no examples"
    for ex in row["examples"]:
        hits = [h for h in find_mentions(ex, province=_province_for(row)) if not h.collective]
        assert any(h.agency_id == row["id"] for h in hits), (ex, [(h.agency_id, h.name) for h in hits])


def test_agency_ids_unique_and_names_canonical() -> None:
    ids = [r["id"] for r in AGENCY_ROWS]
    assert len(ids) == len(set(ids))
    assert set(entries()) == set(ids)
    for r in AGENCY_ROWS:
        # Canonical names spell departments out (FORMAT.md): no `&` abbreviations.
        assert "&" not in r["name"], r["name"]


@pytest.mark.parametrize("row", VARIANT_ROWS, ids=[r["from"] for r in VARIANT_ROWS])
def test_variant_examples_match_an_agency(row: dict) -> None:
    for ex in row["examples"]:
        assert [h for h in find_mentions(ex) if not h.collective], ex


@pytest.mark.parametrize("row", COLLECTIVES, ids=[c["id"] for c in COLLECTIVES])
def test_collective_examples_are_collectives(row: dict) -> None:
    for ex in row["examples"]:
        hits = find_mentions(ex, province="Quảng Ngãi")
        assert hits and all(h.collective for h in hits), (ex, hits)
        assert hits[0].agency_id == row["id"]


def test_provinces_counts_and_mapping() -> None:
    old, new = PROVINCES["old"], PROVINCES["new"]
    assert len(old) == 63 and len({p["name"] for p in old}) == 63
    assert len(new) == 34 and len({p["name"] for p in new}) == 34
    new_names = {p["name"] for p in new}
    assert all(p["new"] in new_names for p in old)
    # merged_from and old->new agree, and every old province lands in exactly one new one.
    merged = sorted(o for p in new for o in p["merged_from"])
    assert merged == sorted(p["name"] for p in old)
    for p in new:
        for o in p["merged_from"]:
            assert next(x for x in old if x["name"] == o)["new"] == p["name"]


def test_new_provinces_agree_with_vietnam_provinces_package() -> None:
    vp = pytest.importorskip("vietnam_provinces")
    pkg = {fold_text(p.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")) for p in vp.Province.iter_all()}
    ours = {fold_text(p["name"]) for p in PROVINCES["new"]}
    assert ours == pkg


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Quảng Nam", "Đà Nẵng"),
        ("tỉnh Quảng Ngãi", "Quảng Ngãi"),
        ("Kon Tum", "Quảng Ngãi"),
        ("Thừa Thiên Huế", "Huế"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Sơn La", "Sơn La"),
        ("Quảng Ninh", "Quảng Ninh"),
        ("Lạng Sơn", "Lạng Sơn"),
        ("Hà Giang", "Tuyên Quang"),
        ("Hoà Bình", "Phú Thọ"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Nam Định", "Ninh Bình"),
        ("Bạc Liêu", "Cà Mau"),
        ("Atlantis", None),
        (None, None),
    ],
)
def test_province_after_2025(old: str | None, new: str | None) -> None:
    assert province_after_2025(old) == new


def test_central_cities() -> None:
    assert is_central_city("Hà Nội") and is_central_city("Huế") and is_central_city("Thừa Thiên Huế") is False
    assert canonical_province("Đăk Lăk") == "Đắk Lắk"


def test_duty_cue_examples_contain_a_pattern() -> None:
    cues = gazetteer.load("duty_cues.json")
    for name, group in cues.items():
        if not isinstance(group, dict):
            continue
        pats = [fold_text(p) for p in group["patterns"]]
        for ex in group["examples"]:
            assert any(p in fold_text(ex) for p in pats), (name, ex)
