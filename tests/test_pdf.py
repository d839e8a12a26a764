"""PDF ingestion: running headers, page numbers, tables, wraps; PDFs without text are rejected."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pytest
from vnplan.clean import clean
from vnplan.errors import E_PDF_BROKEN, E_PDF_NO_TEXT, Reject
from vnplan.load import load, load_bytes

DATA = Path(__file__).resolve().parent / "data" / "pdf"
THONG_TU = DATA / "thong-tu-so-01-2025-tt-bldtbxh-43956.pdf"
NGHI_QUYET = DATA / "nghi-quyet-so-89-2025-ubtvqh15-45738.pdf"


@cache
def loaded(path: Path):
    """The loaded Source and its cleaned text."""
    src = load(path)
    return src, clean(src).text


def make_pdf(objects: list[str], trailer: str = "") -> bytes:
    """A minimal PDF file with the given objects (object 1 is the catalog)."""
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer}>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


PAGE_TREE = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]


def test_gazette_pdf_has_no_running_headers_or_page_numbers():
    src, text = loaded(THONG_TU)
    assert src.kind == "pdf" and src.meta["loai"] == "Thông tư"
    assert "CÔNG BÁO" not in text
    lines = text.split("\n")
    assert not [ln for ln in lines if ln.strip().isdigit()]
    assert "Số: 01/2025/TT-BLĐTBXH" in lines
    assert "Hà Nội, ngày 10 tháng 01 năm 2025" in lines


def test_gazette_pdf_letterhead_columns_do_not_interleave():
    _, text = loaded(THONG_TU)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text.split("\n")
    assert "THƯƠNG BINH CỘNG HÒA" not in text


def test_gazette_pdf_wraps_are_rejoined():
    _, text = loaded(THONG_TU)
    assert ("Căn cứ Nghị định số 115/2015/NĐ-CP ngày 11 tháng 11 năm 2015 của Chính phủ quy định chi tiết "
            "một số điều của Luật Bảo hiểm xã hội về bảo hiểm xã hội bắt buộc") in text
    assert "Điều 2. Điều chỉnh tiền lương tháng đã đóng bảo hiểm xã hội" in text.split("\n")


def test_gazette_pdf_tables_are_rows_and_cells():
    src, text = loaded(THONG_TU)
    assert src.tables, "ruled tables are kept as cells"
    first = src.tables[0]
    assert first[0][:3] == ("Năm", "Trước 1995", "1995")
    assert first[1][:2] == ("Mức điều chỉnh", "5,63")
    lines = text.split("\n")
    assert "Năm | Trước 1995 | 1995 | 1996 | 1997 | 1998 | 1999 | 2000 | 2001 | 2002 | 2003 | 2004" in lines
    assert "Mức điều chỉnh | 5,63 | 4,78 | 4,51 | 4,37 | 4,06 | 3,89 | 3,95 | 3,97 | 3,82 | 3,70 | 3,43" in lines
    # The table's numbers are not also left in the running text.
    assert text.count("5,63") == 1


def test_gazette_pdf_signature_and_layout_table():
    _, text = loaded(NGHI_QUYET)
    lines = text.split("\n")
    assert lines[-3:] == ["TM. ỦY BAN THƯỜNG VỤ QUỐC HỘI", "CHỦ TỊCH", "Trần Thanh Mẫn"]
    assert "CÔNG BÁO" not in text


def test_pdf_without_text_layer_is_rejected():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buf, "PDF")
    with pytest.raises(Reject) as err:
        load_bytes(buf.getvalue(), "pdf")
    assert err.value.code == E_PDF_NO_TEXT
    assert "OCR" in err.value.reason


def test_encrypted_pdf_is_rejected_with_reason():
    enc = "<< /Filter /Standard /V 1 /R 2 /O <" + "11" * 32 + "> /U <" + "22" * 32 + "> /P -4 >>"
    data = make_pdf([*PAGE_TREE, enc], "/Encrypt 4 0 R /ID [<" + "ab" * 16 + "> <" + "ab" * 16 + ">] ")
    with pytest.raises(Reject) as err:
        load_bytes(data, "pdf")
    assert err.value.code == E_PDF_BROKEN
    assert err.value.detail == "encrypted, needs a password"


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_truncated_pdf_is_handled_or_rejected(cut):
    data = THONG_TU.read_bytes()
    data = data[: int(len(data) * cut)]
    try:
        src = load_bytes(data, "pdf")
    except Reject as exc:
        assert exc.code in (E_PDF_BROKEN, E_PDF_NO_TEXT)
    else:
        assert isinstance(src.text, str)


def test_junk_pdf_is_rejected():
    with pytest.raises(Reject) as err:
        load_bytes(b"%PDF-1.4 this is not really a pdf", "pdf")
    assert err.value.code in (E_PDF_BROKEN, E_PDF_NO_TEXT)
