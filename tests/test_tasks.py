"""Tasks: lead and supporting agencies and deadlines, checked by hand against the seeds."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.models import Task
from vnplan.run import process_file

ROOT = Path(__file__).resolve().parents[1]


@cache
def seed_tasks(stem: str) -> tuple[list[Task], str]:
    """The tasks of one seed and its cleaned text (one pipeline run per seed)."""
    r = process_file(ROOT / "corpus" / f"{stem}.txt")
    return [f for f in r.facts if isinstance(f, Task)], r.cleaned.text


def _task(stem: str, snippet: str) -> Task:
    tasks, _ = seed_tasks(stem)
    found = [t for t in tasks if snippet in " ".join(t.quote.split())]
    assert found, f"no task quotes {snippet!r}"
    return found[0]


Q, S, L, N, M = ("000_086db076c625b478", "001_18f7b25e1cbcdd3b", "002_0a96fbe08980cc41",
                 "003_4fd5dceadbfd37ff", "004_8cc8be50616e6dd8")

# (seed, snippet of the task as printed, lead agency written by hand from reading the document)
LEADS = [
    # Quảng Ngãi: items under `x) Nhiệm vụ và trách nhiệm của <agency>:` headings.
    (Q, "Kịp thời thể chế hóa và tổ chức triển khai thực hiện", "Sở Tư pháp"),
    (Q, "Chủ trì, phối hợp Sở Nội vụ kiểm tra việc tổ chức thực hiện Chỉ thị", "Sở Tư pháp"),
    (Q, "Quy trình giải quyết TTHC theo cơ chế", "Sở Nội vụ"),
    (Q, "Chỉ đạo, hướng dẫn việc rà soát, sắp xếp, kiện toàn tổ chức bộ máy", "Sở Nội vụ"),
    (Q, "Tham mưu xây dựng chính quyền điện tử theo Nghị quyết 36a/NQ-CP", "Sở Thông tin và Truyền thông"),
    (Q, "Triển khai vận hành ISO hành chính", "Sở Khoa học và Công nghệ"),
    (Q, "UBND huyện Lý Sơn chủ trì, phối hợp với các cơ quan liên quan", "UBND huyện Lý Sơn"),
    (Q, "UBND các huyện, thành phố còn lại chủ trì", "UBND cấp huyện"),
    (Q, "Trình Chủ tịch UBND tỉnh công bố chuẩn hóa TTHC", "các sở, ban, ngành"),
    # `b) Nhiệm vụ và trách nhiệm của Sở Nội vụ:` over one unmarked paragraph.
    (Q, "Chủ trì, phối hợp với các cơ quan liên quan xây dựng, trình cấp có thẩm quyền Đề án thành lập Trung tâm", "Sở Nội vụ"),
    (Q, "Chủ trì, phối hợp với các cơ quan liên quan, tham mưu UBND tỉnh cơ chế huy động", "Sở Kế hoạch và Đầu tư"),
    # Sơn La: `N. <agency> có trách nhiệm` headings and sentences.
    (S, "Chủ trì trong việc lập dự toán ngân sách trình Trung ương", "Sở Tài chính"),
    (S, "Chủ trì phối hợp với Sở Tài chính, Sở Nội vụ xây dựng kế hoạch", "Sở Kế hoạch và Đầu tư"),
    (S, "Tổ chức tập huấn, bồi dưỡng nghiệp vụ cho cán bộ, công chức", "Sở Nội vụ"),
    (S, "Hàng năm Sở Tài chính tham mưu cho Ủy ban nhân dân tỉnh", "Sở Tài chính"),
    # Lạng Sơn: `III. TỔ CHỨC THỰC HIỆN` items that open with their subject, and a heading's items.
    (L, "Các thành viên Ban chỉ đạo CCHC tỉnh theo dõi", "Ban Chỉ đạo cải cách hành chính tỉnh"),
    (L, "Sở Nội vụ (cơ quan thường trực công tác CCHC của tỉnh) theo dõi", "Sở Nội vụ"),
    (L, "Phân công, bố trí nhân sự cho triển khai công tác CCHC", "các sở, ban, ngành"),
    # Quảng Ninh: `a) Nội dung triển khai` tasks led by the sibling `b) Đơn vị chủ trì:` line.
    (N, "Thực hiện tuyên truyền về CCHC theo Kế hoạch số 50/KH-UBND", "Sở Nội vụ"),
    (N, "Triển khai kịp thời Quyết định số 174/QĐ-UBND", "Sở Tư pháp"),
    (N, "Giao Sở Tư pháp chủ trì tham mưu cho UBND tỉnh", "Sở Tư pháp"),
    (N, "Giao Văn phòng UBND tỉnh, Trung tâm", "Văn phòng UBND tỉnh"),
    (N, "Rà soát, quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức", "Sở Nội vụ"),
    (N, "Tiếp tục triển khai các giải pháp thực hiện có hiệu quả chế độ tự chủ tài chính", "Sở Tài chính"),
    (N, "Tham mưu ban hành các chính sách thu hút đầu tư", "Sở Kế hoạch và Đầu tư"),
    (N, "Cung cấp đầy đủ, kịp thời thông tin để người dân, tổ chức biết", "Trung tâm Phục vụ hành chính công tỉnh"),
    # Quảng Ninh annex I: the `Cơ quan chủ trì tham mưu` column.
    (N, "Xử lý các vấn đề phát hiện qua kiểm tra", "Sở Nội vụ"),
    (N, "Thực hiện các hoạt động về theo dõi thi hành pháp luật", "Sở Tư pháp"),
    # Quảng Nam: sentences in `III. TỔ CHỨC THỰC HIỆN`; the task list of II names nobody.
    (M, "Sở Nội vụ chủ trì theo dõi, đôn đốc việc triển khai", "Sở Nội vụ"),
    (M, "Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Nội vụ", "Sở Thông tin và Truyền thông"),
    (M, "Triển khai thực hiện các quy định về tiêu chuẩn chức danh lãnh đạo", None),
]


@pytest.mark.parametrize(("stem", "snippet", "lead"), LEADS, ids=[f"{s[:3]}:{q[:30]}" for s, q, _ in LEADS])
def test_task_lead(stem: str, snippet: str, lead: str | None) -> None:
    assert _task(stem, snippet).lead == lead


@pytest.mark.parametrize(
    ("stem", "snippet", "support"),
    [
        (Q, "Chủ trì, phối hợp Sở Nội vụ kiểm tra việc tổ chức thực hiện Chỉ thị", "Sở Nội vụ"),
        (Q, "UBND các huyện, thành phố còn lại chủ trì", "Sở Thông tin và Truyền thông"),
        (S, "Chủ trì phối hợp với Sở Tài chính, Sở Nội vụ xây dựng kế hoạch", "Sở Tài chính"),
        (N, "Thực hiện tuyên truyền về CCHC theo Kế hoạch số 50/KH-UBND", "Trung tâm Truyền thông tỉnh"),
        (M, "Sở Thông tin và Truyền thông chủ trì, phối hợp với Sở Nội vụ", "Báo Quảng Nam"),
    ],
)
def test_task_support(stem: str, snippet: str, support: str) -> None:
    assert support in _task(stem, snippet).support


@pytest.mark.parametrize(
    ("stem", "snippet", "source"),
    [
        (Q, "Kịp thời thể chế hóa và tổ chức triển khai thực hiện", "heading"),
        (Q, "UBND huyện Lý Sơn chủ trì", "sentence"),
        (N, "Triển khai kịp thời Quyết định số 174/QĐ-UBND", "line"),
        (N, "Xử lý các vấn đề phát hiện qua kiểm tra", "table"),
    ],
)
def test_lead_source(stem: str, snippet: str, source: str) -> None:
    assert _task(stem, snippet).lead_source == source


@pytest.mark.parametrize(
    ("stem", "snippet", "deadline", "source"),
    [
        # Own date in the item.
        (Q, "Thiết lập tổng đài hành chính công của tỉnh", "2017-12-31", "own"),
        # Nothing in the item or its headings: the plan's period 2016 - 2020.
        (Q, "Triển khai vận hành ISO hành chính", "2020-12-31", "document"),
        # A yearly plan (2018, 2022) gives the end of that year.
        (L, "Tổ chức đánh giá kết quả sau đào tạo, bồi dưỡng", "2018-12-31", "document"),
        (N, "Triển khai kịp thời Quyết định số 174/QĐ-UBND", "2022-12-31", "document"),
    ],
)
def test_task_deadline(stem: str, snippet: str, deadline: str, source: str) -> None:
    t = _task(stem, snippet)
    assert (t.deadline, t.deadline_source) == (deadline, source)


@pytest.mark.parametrize("stem", [Q, S, L, N, M])
def test_tasks_keep_provenance_and_skip_labels(stem: str) -> None:
    tasks, text = seed_tasks(stem)
    assert tasks
    for t in tasks:
        assert text[t.start:t.end] == t.quote
        assert t.rule.startswith("task.")
        assert not t.quote.lstrip("- ").startswith(("Đơn vị chủ trì", "Đơn vị phối hợp"))
        assert t.lead not in t.support


def test_headings_and_targets_are_not_tasks() -> None:
    tasks, _ = seed_tasks(Q)
    quotes = [" ".join(t.quote.split()) for t in tasks]
    assert not any(q.startswith("a) Nhiệm vụ và trách nhiệm của Sở Tư pháp") for q in quotes)
    assert not any("Khai thuế qua mạng 100%" in q for q in quotes)  # a target under `Chỉ tiêu`


# A 2025-style plan whose scraper re-wrapped the `Đơn vị chủ trì:` lines into the task paragraph
# (wording from a Quảng Trị plan in shared/corpus/tvpl-2025).
REWRAPPED = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG TRỊ
KẾ HOẠCH
Triển khai công tác xây dựng pháp luật năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao chất lượng xây dựng pháp luật.
II. NHIỆM VỤ
1. Tập huấn
- Tổ chức tập huấn, bồi dưỡng kiến thức cho công chức. Đơn vị chủ trì tham mưu thực hiện: Sở Tư pháp. Đơn vị phối hợp thực hiện: Sở Nội vụ. Thời gian thực hiện: trong năm 2026.
- Cập nhật Cơ sở dữ liệu quốc gia về pháp luật. Đơn vị chủ trì: Sở Khoa học và Công nghệ.
III. TỔ CHỨC THỰC HIỆN
1. Sở Tài chính chủ trì, phối hợp với Sở Nội vụ bố trí kinh phí.
2. UBND các xã, phường tăng cường công tác lãnh đạo.
"""


@pytest.mark.parametrize(
    ("snippet", "lead", "support", "source", "deadline", "deadline_source"),
    [
        ("Tổ chức tập huấn", "Sở Tư pháp", ("Sở Nội vụ",), "line", "2026-12-31", "own"),
        # The sibling's `Thời gian thực hiện` is inside the sibling's paragraph: not inherited.
        ("Cập nhật Cơ sở dữ liệu", "Sở Khoa học và Công nghệ", (), "line", "2026-12-31", "document"),
        ("Sở Tài chính chủ trì", "Sở Tài chính", ("Sở Nội vụ",), "sentence", "2026-12-31", "document"),
        ("UBND các xã, phường tăng cường", "UBND cấp xã", (), "sentence", "2026-12-31", "document"),
    ],
)
def test_rewrapped_labels(snippet: str, lead: str, support: tuple[str, ...], source: str,
                          deadline: str, deadline_source: str) -> None:
    from vnplan.run import process_bytes

    r = process_bytes(REWRAPPED.encode("utf-8"), "txt")
    t = next(f for f in r.facts if isinstance(f, Task) and snippet in f.quote)
    assert (t.lead, t.support, t.lead_source) == (lead, support, source)
    assert (t.deadline, t.deadline_source) == (deadline, deadline_source)
    assert not any(isinstance(f, Task) and "MỤC ĐÍCH" in f.quote for f in r.facts)


def test_provisions_of_a_decree_are_tasks_only_when_someone_leads() -> None:
    from vnplan.run import process_bytes

    text = """CHÍNH PHỦ
Số: 74/2025/NĐ-CP
NGHỊ ĐỊNH
Quy định về một số nội dung
Điều 1. Phạm vi điều chỉnh
1. Nghị định này quy định về thủ tục.
Điều 5. Trách nhiệm thi hành
1. Thực hiện công khai thủ tục hành chính theo quy định.
2. Bộ Nội vụ chủ trì, phối hợp với Bộ Tư pháp hướng dẫn thi hành Nghị định này.
"""
    tasks = [f for f in process_bytes(text.encode("utf-8"), "txt").facts if isinstance(f, Task)]
    assert [(t.lead, t.support) for t in tasks] == [("Bộ Nội vụ", ("Bộ Tư pháp",))]


def test_tasks_take_the_agencies_answer_even_when_it_is_none(monkeypatch):
    """Agencies found nothing (its only names sit in the `Nơi nhận` list, which it skips): tasks must not
    search the body again, recipients included."""
    import vnplan.extractors.tasks as tasks_mod
    from vnplan.models import AgencyMention
    from vnplan.run import process_bytes

    def no_second_search(*args, **kwargs):
        raise AssertionError("tasks searched for agencies again")

    monkeypatch.setattr(tasks_mod, "find_mentions", no_second_search)
    text = ("KẾ HOẠCH\nTriển khai công tác năm 2025\nI. NHIỆM VỤ\n"
            "1. Tổ chức tập huấn cho cán bộ, hoàn thành trước ngày 30/6/2025.\n"
            "2. Rà soát quy trình, báo cáo kết quả trước ngày 31/12/2025.\n"
            "Nơi nhận:\n- Sở Nội vụ;\n- Sở Tài chính;\n- Lưu: VT.\n")
    r = process_bytes(text.encode(), "txt")
    assert not [f for f in r.facts if isinstance(f, AgencyMention)]
    tasks = [f for f in r.facts if isinstance(f, Task)]
    assert len(tasks) == 2 and all(t.lead is None for t in tasks)


def test_an_agency_after_a_not_subject_word_never_leads() -> None:
    """duty_cues.json `not_subject_before`: each example, as an item of a plan, has no lead (the agency in it
    follows `cho`, `của`, `với` ... and a lead verb, so without the cue it would lead)."""
    from vnplan.gazetteer import load
    from vnplan.run import process_bytes

    group = load("duty_cues.json")["not_subject_before"]
    # The extractor reads single words only (the token before the agency): a longer entry would be ignored.
    assert all(len(p.split()) == 1 for p in group["patterns"]), group["patterns"]
    examples = group["examples"]
    text = "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\nKẾ HOẠCH\nCải cách hành chính năm 2026\nI. NHIỆM VỤ\n" + "".join(
        f"{i}. {ex}\n" for i, ex in enumerate(examples, 1))
    tasks = [f for f in process_bytes(text.encode("utf-8"), "txt").facts if isinstance(f, Task)]
    assert len(tasks) == len(examples)
    assert [t.lead for t in tasks] == [None] * len(examples)


# ---------------------------------------------------------------- the token lookup against bisect

_LOOKUP_WORDS = st.sampled_from(["Ủy", "ban", "UBND", "UBDN", "tỉnh", "Sở", "sở", "Tư", "pháp", "hoà", "hòa", "ñ",
                                 "2025", "😀", "a_b", ";", ",", ":", "(", ")", ".", "-", "–", "\n", " ", "  ", "\t"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_LOOKUP_WORDS, min_size=1, max_size=300).map("".join), st.data())
def test_token_lookup_is_bisect(body, data):
    from bisect import bisect_left

    from vnplan.extractors.agencies import token_roles
    from vnplan.extractors.tasks import _Body
    from vnplan.text.tokens import token_table, tokens_before

    text = "ab" + body + "cd"
    token_table.cache_clear()
    tokens_before.cache_clear()
    start, end = 2, 2 + len(body)
    tt = token_table(text, start, end, token_roles)
    b = _Body(tt.starts, tt.ends, [], [], tt.norms)
    b.before, b.base = tokens_before(text, start, end, token_roles), start
    n = len(tt.starts)
    for _ in range(20):
        pos = data.draw(st.integers(-3, len(text) + 3))
        lo = data.draw(st.integers(0, n))
        hi = data.draw(st.integers(lo, n))
        assert b.tok(pos) == bisect_left(tt.starts, pos)
        assert b.tok(pos, lo, hi) == bisect_left(tt.starts, pos, lo, hi)
        assert b.tok_range(pos, pos + 5) == (bisect_left(tt.starts, pos), bisect_left(tt.starts, pos + 5))
