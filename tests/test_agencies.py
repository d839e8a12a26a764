"""Agency mentions: table-driven snippets from the seeds, and the seeds themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.extractors.agencies import (
    find_mentions,
    in_recipients,
    recipient_spans,
    repair_abbreviation,
)
from vnplan.models import AgencyMention
from vnplan.run import process_file
from vnplan.text.tokens import fold_syllable

from tests.conftest import SEEDS

ROOT = Path(__file__).resolve().parents[1]

# (snippet as printed in a seed or corpus document, province, expected canonical agencies in order)
CASES = [
    ("Chánh Văn phòng UBND tỉnh; Thủ trưởng các sở, ban, ngành tỉnh;", "Quảng Ngãi", ["Văn phòng UBND tỉnh"]),
    ("Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 52/TTr-SNV", "Sơn La", ["Sở Nội vụ"]),
    ("Chủ tịch UBND các huyện, thành phố chịu trách nhiệm", "Quảng Ngãi", ["UBND cấp huyện"]),
    ("Chủ tịch Ủy ban nhân dân (các) huyện, thị xã, thành phố", "Quảng Nam", ["UBND cấp huyện"]),
    ("UBND các xã, phường, thị trấn", "Quảng Ngãi", ["UBND cấp xã"]),
    ("Uỷ ban nhân dân cấp huyện, cấp xã", "Sơn La", ["UBND cấp huyện", "UBND cấp xã"]),
    ("UBND huyện Lý Sơn chủ trì", "Quảng Ngãi", ["UBND huyện Lý Sơn"]),
    ("Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Chính phủ", "Sơn La", ["Chính phủ"]),
    ("Quyết định số 1441/QĐ-TTg của Thủ tướng Chính phủ", "Sơn La", ["Thủ tướng Chính phủ"]),
    ("Hội nghị Tỉnh ủy lần thứ 6 khóa XIX", "Quảng Ngãi", ["Tỉnh ủy"]),
    ("Kế hoạch hành động của Ban Thường vụ Tỉnh ủy về", "Quảng Ngãi", ["Ban Thường vụ Tỉnh ủy"]),
    ("Nghị quyết số 34/2016/NQ-HĐND của Hội ñồng nhân dân tỉnh", "Quảng Ngãi", ["HĐND tỉnh"]),
    ("Sở KHCN, Sở TT&TT, Sở KH&ĐT", "Quảng Ninh", ["Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư"]),
    ("Trung tâm PV HCC tỉnh; Trung tâm hành chính công tỉnh", "Quảng Ninh", ["Trung tâm Phục vụ hành chính công tỉnh"] * 2),
    ("Đài Phát thanh - Truyền hình Quảng Ngãi, Báo Quảng Ngãi", "Quảng Ngãi", ["Đài Phát thanh và Truyền hình tỉnh", "Báo Quảng Ngãi"]),
    ("Đài phát thanh truyền hình tỉnh, báo Sơn La", "Sơn La", ["Đài Phát thanh và Truyền hình tỉnh", "Báo Sơn La"]),
    ("Cục trưởng Cục Hải quan tỉnh, Cục trưởng Cục thuế tỉnh, Giám đốc Bảo hiểm xã hội tỉnh", "Quảng Ngãi",
     ["Cục Hải quan tỉnh", "Cục Thuế tỉnh", "Bảo hiểm xã hội tỉnh"]),
    ("Đối với các Sở, ngành: Kế hoạch và Đầu tư, Tài nguyên và Môi trường, Xây dựng, Y tế", "Quảng Nam",
     ["Sở Kế hoạch và Đầu tư", "Sở Tài nguyên và Môi trường", "Sở Xây dựng", "Sở Y tế"]),
    ("Giám đốc Sở Nội vụ, Tư pháp và Tài chính", "Quảng Ngãi", ["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính"]),
    ("Ban chỉ đạo CCHC tỉnh", "Lạng Sơn", ["Ban Chỉ đạo cải cách hành chính tỉnh"]),
    ("Ban Chấp hành Trung ương khoá XI", "Lạng Sơn", ["Ban Chấp hành Trung ương Đảng"]),
    ("Mặt trật tổ quốc, các huyện uỷ, thành uỷ và Đảng uỷ Khối các cơ quan tỉnh", "Lạng Sơn",
     ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Huyện ủy", "Đảng ủy Khối các cơ quan tỉnh"]),
    ("UBDN tỉnh", "Quảng Ngãi", ["UBND tỉnh"]),
    ("Sở Lao động-Thương binh và Xã hội", "Quảng Nam", ["Sở Lao động - Thương binh và Xã hội"]),
    # A centrally-run city: `UBND thành phố` is the city's committee.
    ("UBND Thành phố Hà Nội; Thành ủy; HĐND thành phố", "Hà Nội", ["UBND thành phố", "Thành ủy", "HĐND thành phố"]),
    # Not agencies: collectives, activities, places, a province's district-level city elsewhere.
    ("Các sở, ban, ngành; các cơ quan, đơn vị, địa phương; UBND các cấp", "Quảng Ngãi", []),
    ("sau thanh tra, kiểm tra, kiểm toán nhà nước về tài chính", "Quảng Ninh", []),
    ("trên trang Dịch công của tỉnh, Cổng thông tin điện tử của tỉnh", "Quảng Ninh", []),
    ("Số: 205/QĐ-UBND; Nghị quyết số 34/2016/NQ-HĐND", "Quảng Ngãi", []),
    ("tinh giản biên chế; bộ thủ tục hành chính; báo cáo UBND", "Quảng Ngãi", []),
]


@pytest.mark.parametrize(("text", "province", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_find_mentions(text: str, province: str, expected: list[str]) -> None:
    hits = find_mentions(text, province=province)
    assert [h.name for h in hits if not h.collective] == expected
    for h in hits:
        assert text[h.start:h.end].strip() == text[h.start:h.end]


def test_collectives_are_flagged() -> None:
    hits = find_mentions("Các sở, ban, ngành tỉnh; các cơ quan, đơn vị")
    assert len(hits) == 2 and all(h.collective for h in hits)


@pytest.mark.parametrize(("raw", "folded"), [("Uỷ", "ủy"), ("HOÀ", "hòa"), ("hoàn", "hoàn"), ("Hội ñồng", "hội đồng"), ("THUỶ", "thủy")])
def test_fold_syllable(raw: str, folded: str) -> None:
    assert fold_syllable(raw) == folded


def test_repair_abbreviation() -> None:
    assert repair_abbreviation("UBDN") == "ubnd"
    assert repair_abbreviation("UBND") is None  # already known
    assert repair_abbreviation("Sở") is None


def test_recipient_list_is_skipped() -> None:
    text = "Điều 3. Giám đốc Sở Nội vụ thi hành.\nNơi nhận:\n- Bộ Nội vụ;\n- Thường trực Tỉnh ủy;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN"
    spans = recipient_spans(text, 0, len(text))
    assert spans and text[spans[0][0]:spans[0][1]].startswith("Nơi nhận")
    assert "Bộ Nội vụ" in text[spans[0][0]:spans[0][1]] and "Sở Nội vụ" not in text[spans[0][0]:spans[0][1]]
    inside = in_recipients(text, 0, len(text))
    assert inside(text.index("Bộ Nội vụ")) and not inside(text.index("Sở Nội vụ"))
    assert not inside(len(text) - 1) and not in_recipients("Sở Nội vụ thi hành.", 0, 19)(0)


def test_unlabelled_recipient_fragment_after_closing_mark() -> None:
    text = "Quyết định này có hiệu lực kể từ ngày ký./.\n- Bộ Nội vụ;\n- Thường trực Tỉnh uỷ;\nKẾ HOẠCH\n"
    (s, e), = recipient_spans(text, 0, len(text))
    assert "Thường trực" in text[s:e] and "KẾ HOẠCH" not in text[s:e]


@pytest.fixture(scope="module")
def seed000() -> list[AgencyMention]:
    r = process_file(ROOT / "corpus" / "000_086db076c625b478.txt")
    return [f for f in r.facts if isinstance(f, AgencyMention)]


def test_seed_mentions_keep_provenance(seed000: list[AgencyMention]) -> None:
    text = process_file(ROOT / "corpus" / "000_086db076c625b478.txt").cleaned.text
    assert len(seed000) > 50
    for m in seed000:
        assert text[m.start:m.end] == m.quote
        assert m.province == "Quảng Ngãi"
        assert m.rule.startswith("agency.")


def test_seed_agencies_and_collectives(seed000: list[AgencyMention]) -> None:
    names = {m.name for m in seed000 if not m.collective}
    for want in ("Sở Tư pháp", "UBND huyện Lý Sơn", "Báo Quảng Ngãi", "Cục Hải quan tỉnh", "UBND cấp xã"):
        assert want in names
    assert any(m.collective and m.name == "các sở, ban, ngành" for m in seed000)
    assert not any(m.name.startswith("các ") for m in seed000 if not m.collective)


def _spacy_vi():
    """A blank spaCy `vi` pipeline for its vocabulary only (its tokenizer wants pyvi unless told not to)."""
    import spacy

    try:
        return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    except Exception:  # pragma: no cover - older spaCy without the option
        return spacy.blank("xx")


def test_blank_vi_pipeline_needs_pyvi_unless_told_not_to() -> None:
    """Why the matcher tokenises itself: spaCy's `vi` tokenizer wants pyvi by default."""
    import importlib.util

    import spacy

    if importlib.util.find_spec("pyvi") is None:
        with pytest.raises(ImportError):
            spacy.blank("vi")
    assert _spacy_vi().lang in ("vi", "xx")


def test_trie_matches_exactly_what_the_spacy_phrasematcher_matches():
    """The runtime alias matcher is a dict trie; spaCy's PhraseMatcher over the same folded
    syllables is the reference it must reproduce (every alias at every token, overlaps included)."""
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc
    from vnplan.extractors import agencies as ag

    nlp = _spacy_vi()

    def doc(norms):
        return Doc(nlp.vocab, words=list(norms) or [""], spaces=[True] * max(1, len(norms)))

    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    for folded in ag.alias_table():
        matcher.add(folded, [doc(folded.split())])
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        toks = ag._match_tokens(text, 0, len(text))
        ours = sorted((k, s, e) for k, s, e in ag._alias_matches(toks.norms, toks.cues))
        spacy_hits = sorted((nlp.vocab.strings[m], s, e) for m, s, e in matcher(doc(toks.norms)))
        assert ours == spacy_hits, path.name


# ---------------------------------------------------------------- the matcher's fast paths against their plain versions

_MATCH_WORDS = st.sampled_from(["Ủy", "ban", "nhân", "dân", "UBND", "UBDN", "tỉnh", "Sở", "Bộ", "bộ", "các", "Tư",
                                "pháp", "Nội", "vụ", "Tài", "chính", "thành", "phố", "Hà", "Nội", "Công", "an",
                                "Hội", "đồng", ",", ":", "và", " ", "\n"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_MATCH_WORDS, min_size=1, max_size=300).map(" ".join))
def test_cue_subsets_lose_no_match(body):
    from vnplan.extractors import agencies as ag
    from vnplan.text.tokens import token_table

    token_table.cache_clear()
    toks = ag._match_tokens(body, 0, len(body))
    assert list(ag._alias_matches(toks.norms, toks.alias_at)) == list(ag._alias_matches(toks.norms, toks.cues))
    assert toks.committee_at == [i for i in toks.cues if toks.norms[i] in ("ubnd", "ủy")]
    assert toks.head_at == [i for i in toks.cues if toks.norms[i] in ag._HEADS]
    assert toks.cues == [i for i, n in enumerate(toks.norms) if n in ag._cues()]


def _vocabulary_of_the_matcher():
    from vnplan.extractors import agencies as ag
    from vnplan.text import tokens as tk

    return tk._vocabulary(ag.token_roles)


def test_vocabulary_reset_keeps_answers():
    from vnplan.extractors import agencies as ag
    from vnplan.text.tokens import token_table

    body = "Ủy ban nhân dân tỉnh Quảng Ngãi, Sở Tư pháp; UBDN huyện Lý Sơn. " * 5
    token_table.cache_clear()
    want = ag._match_tokens(body, 0, len(body))
    _vocabulary_of_the_matcher().text.extend([""] * 300_001)
    token_table.cache_clear()
    got = ag._match_tokens(body, 0, len(body))
    assert len(_vocabulary_of_the_matcher().text) < 1000
    assert (got.norms, got.alias_at, got.fixes) == (want.norms, want.alias_at, want.fixes)
    assert got.fixes == {"UBDN": "ubnd"}
    token_table.cache_clear()


def test_vocabulary_reset_does_not_leave_stale_cached_tables():
    # A table cached before the vocabulary resets (another body's tokens overflowed it) must not be
    # read with the new vocabulary's ids.
    from vnplan.extractors import agencies as ag
    from vnplan.text.tokens import token_table

    body = "Ủy ban nhân dân tỉnh Quảng Ngãi, Sở Tư pháp; UBDN huyện Lý Sơn. " * 5
    other = "Sở Nội vụ phối hợp với Sở Tài chính và Ban Dân tộc tỉnh Gia Lai. " * 5
    token_table.cache_clear()
    want = ag._match_tokens(body, 0, len(body))
    _vocabulary_of_the_matcher().text.extend([""] * 300_001)
    ag._match_tokens(other, 0, len(other))  # resets the vocabulary
    got = ag._match_tokens(body, 0, len(body))
    assert (got.norms, got.alias_at, got.committee_at, got.fixes) == (
        want.norms, want.alias_at, want.committee_at, want.fixes)
    token_table.cache_clear()


def test_texts_view_reads_the_text():
    from vnplan.extractors import agencies as ag

    text = "xx Sở Nội vụ, Sở Tư pháp yy"
    toks = ag._match_tokens(text, 3, len(text) - 3)
    assert len(toks.texts) == 7
    assert toks.texts[0] == "Sở" and toks.texts[3] == ","
    assert toks.texts[1:3] == ["Nội", "vụ"]


_LINES = st.sampled_from(["Nơi nhận:", "NƠI NHẬN", "nơi  nhận :", "**Nơi nhận:**", " \t** Nơi\nnhận", "- Lưu: VT",
                          "\n", "\n\n", " ", "\t", "**", "x", "Nơi", "nhận", ":", "- Sở Y tế;", "./.", "\r"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=30).map("".join), st.data())
def test_recipient_labels_are_the_line_start_regex(text, data):
    from vnplan.extractors import agencies as ag

    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    want = [m.span() for m in ag._RECIPIENTS.finditer(text, start, end)]
    assert list(ag._recipient_labels(text, start, end)) == want
