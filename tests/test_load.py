"""Loading files: every kind of bad input is handled or rejected with a code, never a crash."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vnplan.errors import E_BINARY, E_EMPTY, E_ENCODING, E_TOO_LARGE, E_UNSUPPORTED, Reject
from vnplan.legacy import guess_font_encoding
from vnplan.load import load, load_bytes

TEXT = "Quyết định của Ủy ban nhân dân tỉnh về việc ban hành Kế hoạch cải cách hành chính năm 2022."


def cp1258_bytes(text: str) -> bytes:
    """Text as Windows-1258 writes it: base letters, then tones as combining marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in d[1:] if c in "\u0300\u0301\u0303\u0309\u0323")
        rest = "".join(c for c in d[1:] if c not in tones)
        out.append(unicodedata.normalize("NFC", d[0] + rest) + tones)
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize(("data", "code"), [
    (b"", E_EMPTY),
    (b"   \n\n\t ", E_EMPTY),
    (bytes(range(256)) * 10, E_BINARY),
    (b"\x00\x01\x02\x03" * 1000, E_BINARY),
    ("Quyết định".encode("utf-16-le") * 50, E_BINARY),  # UTF-16 without a BOM: NULs everywhere
])
def test_bad_text_is_rejected(data, code):
    with pytest.raises(Reject) as err:
        load_bytes(data, "txt")
    assert err.value.code == code


def test_windows_1258_is_decoded():
    src = load_bytes(cp1258_bytes(TEXT), "txt")
    assert src.encoding == "cp1258"
    assert src.text == TEXT


def test_tcvn3_is_recognised_and_rejected():
    # `Quyết định` in TCVN3 (ABC): ® is đ, Õ is ế, Þ is ị.
    data = b"Quy\xd5t \xae\xdeinh c\xf1a \xf1y ban nh\xa9n d\xa9n t\xdenh " * 20
    assert guess_font_encoding(data) == "TCVN3"
    with pytest.raises(Reject) as err:
        load_bytes(data, "txt")
    assert err.value.code == E_ENCODING
    assert "TCVN3" in err.value.detail


def test_utf8_cut_mid_character_keeps_the_text_before():
    data = TEXT.encode("utf-8") + "ệ".encode()[:2]
    assert load_bytes(data, "txt").text == TEXT


def test_utf16_with_bom_is_decoded():
    assert load_bytes(TEXT.encode("utf-16"), "txt").text == TEXT


def test_invalid_utf8_in_the_middle_is_rejected():
    data = TEXT.encode("utf-8") + b"\xff\xfe\xfa" + TEXT.encode("utf-8")
    with pytest.raises(Reject) as err:
        load_bytes(data, "txt")
    assert err.value.code == E_ENCODING


def test_unsupported_suffix_is_rejected(tmp_path):
    p = tmp_path / "a.docx"
    p.write_bytes(b"PK")
    with pytest.raises(Reject) as err:
        load(p)
    assert err.value.code == E_UNSUPPORTED


def test_size_limit_is_checked_before_reading(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text(TEXT * 200, encoding="utf-8")
    with pytest.raises(Reject) as err:
        load(p, max_bytes=1000)
    assert err.value.code == E_TOO_LARGE
    assert "MB >" in err.value.detail


def test_a_50_mb_text_file_loads_under_the_default_limit(tmp_path):
    p = tmp_path / "big.txt"
    line = (TEXT + "\n").encode("utf-8")
    with open(p, "wb") as fh:
        fh.write(line * (50_000_000 // len(line) + 1))
    src = load(p)
    assert src.size > 50_000_000
    assert src.text.startswith(TEXT)


def test_sidecar_metadata_is_read(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"loai": "Quyết định"}', encoding="utf-8")
    assert load(tmp_path / "a.txt").meta == {"loai": "Quyết định"}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from(["txt", "md", "html"]))
def test_random_bytes_load_or_reject(data, kind):
    try:
        src = load_bytes(data, kind)
    except Reject as exc:
        assert exc.code.startswith("E")
    else:
        assert isinstance(src.text, str)


@settings(max_examples=30, deadline=None)
@given(st.binary(min_size=1, max_size=2000))
def test_random_bytes_as_pdf_load_or_reject(data):
    try:
        load_bytes(b"%PDF-1.4\n" + data, "pdf")
    except Reject as exc:
        assert exc.code.startswith("E")
