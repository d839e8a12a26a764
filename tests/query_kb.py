"""A larger test knowledge base for the question suite: make_kb's four files, plus a second copy of a
document from another source, a Hà Giang plan of 2024 and a Tuyên Quang plan issued after the 2025
merger, and three central documents that amend, guide and replace a decree over time."""

from __future__ import annotations

from pathlib import Path

from vnplan import store
from vnplan.models import AgencyMention, Citation, Relation, Target, Task

from .test_store import FILES, _args, _doc, make_kb, result_of

HG_15 = """ỦY BAN NHÂN DÂN TỈNH HÀ GIANG
Số: 15/KH-UBND
Hà Giang, ngày 01 tháng 02 năm 2024
KẾ HOẠCH
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;
Thực hiện Quyết định số 2270/QĐ-TTg ngày 01/10/2023 của Thủ tướng Chính phủ.
- Đến năm 2025, tỷ lệ hài lòng của người dân đạt 90%.
- Sở Nội vụ chủ trì theo dõi, đánh giá mức độ hài lòng.
"""

TQ_300 = """ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG
Số: 300/KH-UBND
Tuyên Quang, ngày 10 tháng 9 năm 2025
KẾ HOẠCH
Thực hiện Quyết định số 2270/QĐ-TTg ngày 01/10/2023 của Thủ tướng Chính phủ.
- Đến năm 2030, mức độ hài lòng đạt trên 95%.
"""

ND_107 = """CHÍNH PHỦ
Số: 107/2021/NĐ-CP
Hà Nội, ngày 06 tháng 12 năm 2021
NGHỊ ĐỊNH
Sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ.
"""

TT_01 = """VĂN PHÒNG CHÍNH PHỦ
Số: 01/2023/TT-VPCP
Hà Nội, ngày 05 tháng 01 năm 2023
THÔNG TƯ
Hướng dẫn thi hành Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ.
"""

ND_118 = """CHÍNH PHỦ
Số: 118/2025/NĐ-CP
Hà Nội, ngày 09 tháng 6 năm 2025
NGHỊ ĐỊNH
Nghị định này thay thế Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ.
"""


def build_hg15(text: str, sha: str):
    """Hà Giang 2024: implements 2270/QĐ-TTg, based on a law by its name, satisfaction 90% by 2025."""
    d0 = _doc(text, sha, 0, 0, len(text), [("-1", "dash", "- Đến năm 2025"), ("-2", "dash", "- Sở Nội vụ")],
              type="Kế hoạch", symbol="15/KH-UBND", number="15", date="2024-02-01", province="Hà Giang",
              issuer="UBND tỉnh Hà Giang", title="Nâng cao mức độ hài lòng")
    law = "Luật Tổ chức chính quyền địa phương ngày 19/6/2015"
    return [d0], [
        Citation(**_args(d0, text, law, "t"), type="Luật", year=2015, date="2015-06-19",
                 title="Luật Tổ chức chính quyền địa phương"),
        Relation(**_args(d0, text, "Căn cứ " + law, "t"), relation="based_on", modality="in_force", source="self",
                 target="Luật Tổ chức chính quyền địa phương"),
        Citation(**_args(d0, text, "Quyết định số 2270/QĐ-TTg ngày 01/10/2023", "t"), type="Quyết định",
                 symbol="2270/QĐ-TTg", number="2270", year=2023, date="2023-10-01", issuer="Thủ tướng Chính phủ"),
        Relation(**_args(d0, text, "Thực hiện Quyết định số 2270/QĐ-TTg", "t"), relation="implements",
                 modality="in_force", source="self", target="2270/QĐ-TTg"),
        Target(**_args(d0, text, "tỷ lệ hài lòng của người dân đạt 90%", "t"), value=90.0, unit="percent",
               indicator="satisfaction", deadline="2025-12-31"),
        AgencyMention(**_args(d0, text, "Sở Nội vụ", "t"), name="Sở Nội vụ"),
        Task(**_args(d0, text, "Sở Nội vụ chủ trì theo dõi, đánh giá mức độ hài lòng.", "t"), lead="Sở Nội vụ",
             lead_source="sentence"),
    ]


def build_tq300(text: str, sha: str):
    """Tuyên Quang after the merger (it took in Hà Giang): implements 2270/QĐ-TTg, satisfaction > 95% by 2030."""
    d0 = _doc(text, sha, 0, 0, len(text), [("-1", "dash", "- Đến năm 2030")], type="Kế hoạch",
              symbol="300/KH-UBND", number="300", date="2025-09-10", province="Tuyên Quang",
              issuer="UBND tỉnh Tuyên Quang", title="Cải cách hành chính")
    return [d0], [
        Citation(**_args(d0, text, "Quyết định số 2270/QĐ-TTg ngày 01/10/2023", "t"), type="Quyết định",
                 symbol="2270/QĐ-TTg", number="2270", year=2023, date="2023-10-01", issuer="Thủ tướng Chính phủ"),
        Relation(**_args(d0, text, "Thực hiện Quyết định số 2270/QĐ-TTg", "t"), relation="implements",
                 modality="in_force", source="self", target="2270/QĐ-TTg"),
        Target(**_args(d0, text, "mức độ hài lòng đạt trên 95%", "t"), value=95.0, unit="percent", comparator=">",
               indicator="satisfaction", deadline="2030-12-31"),
    ]


def _central(type_: str, symbol: str, date: str, issuer: str, relation: str, modality: str, cue: str):
    def build(text: str, sha: str):
        d0 = _doc(text, sha, 0, 0, len(text), [], type=type_, symbol=symbol, number=symbol.split("/")[0],
                  date=date, issuer=issuer, title=cue)
        quote = "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018"
        return [d0], [
            Citation(**_args(d0, text, quote, "t"), type="Nghị định", symbol="61/2018/NĐ-CP", number="61", year=2018,
                     date="2018-04-23", issuer="Chính phủ"),
            Relation(**_args(d0, text, cue, "t"), relation=relation, modality=modality, source="self",
                     target="61/2018/NĐ-CP"),
        ]
    return build


EXTRA = (
    ("other/172-congbao.txt", FILES[1][1] + "Nguồn: công báo\n", FILES[1][2]),  # the same decision, a second source
    ("hg/15.txt", HG_15, build_hg15),
    ("tq/300.txt", TQ_300, build_tq300),
    ("vn/107.txt", ND_107, _central("Nghị định", "107/2021/NĐ-CP", "2021-12-06", "Chính phủ", "amends", "in_force",
                                    "Sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP")),
    ("vn/01.txt", TT_01, _central("Thông tư", "01/2023/TT-VPCP", "2023-01-05", "Văn phòng Chính phủ", "guides",
                                  "in_force", "Hướng dẫn thi hành Nghị định số 61/2018/NĐ-CP")),
    ("vn/118.txt", ND_118, _central("Nghị định", "118/2025/NĐ-CP", "2025-06-09", "Chính phủ", "replaces", "in_force",
                                    "thay thế Nghị định số 61/2018/NĐ-CP")),
)

INDICATORS_MORE = [
    {"id": "sipas", "name": "Satisfaction Index of Public Administrative Services (SIPAS)", "name_vi": None,
     "unit": None, "aliases": '["Chỉ số SIPAS", "SIPAS", "chỉ số hài lòng về sự phục vụ hành chính"]', "data": "{}"},
]


def make_big_kb(path: Path) -> Path:
    """make_kb's knowledge base with the EXTRA files."""
    make_kb(path)
    db = store.sqlite_utils.Database(path)
    for name, text, build in EXTRA:
        store.write_result(db, name, result_of(name, text, build), run_id=None)
    store.index_pending(db)
    db["indicators"].insert_all(INDICATORS_MORE, pk="id", replace=True)
    db.close()
    return path
