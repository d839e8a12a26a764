"""Scanned PDFs: OCR where Tesseract is installed, an actionable E004 where it is not.

The scanned fixture is the first page of a real gazette PDF rasterised at 200 dpi into an
image-only PDF by bench/make_scanned_fixture.py (as bench/bench_ocr.py makes its scans), beside
the same page as published (text layer) and the publisher's `.meta.json`. Expected symbol, type
and year come from the `.meta.json`, date and issuer from the text page. Tests that run Tesseract
skip where it is not installed, and fail instead under VNPLAN_REQUIRE_OCR=1 (set by .ci/run).
"""

from __future__ import annotations

import io
import json
import os
import stat
from functools import cache
from pathlib import Path

import pytest
from vnplan import ocr, ocr_engine
from vnplan.errors import E_PDF_NO_TEXT, E_TIMEOUT, Reject
from vnplan.evaluate import publisher_agreement
from vnplan.load import load_bytes
from vnplan.outputs.facts_json import facts_json
from vnplan.run import process_bytes, process_file

DATA = Path(__file__).resolve().parent / "data" / "pdf"
NAME = "thong-tu-so-27-2026-tt-bkhcn-469693"
SCAN = DATA / "scanned" / f"{NAME}.pdf"
TEXT = DATA / "scanned" / f"{NAME}.text.pdf"
META = json.loads((DATA / "scanned" / f"{NAME}.meta.json").read_text(encoding="utf-8"))
OTHER = DATA / "nghi-quyet-so-89-2025-ubtvqh15-45738.pdf"  # a text PDF of another document
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie"


def need_ocr() -> None:
    """Skip where Tesseract with Vietnamese data is missing, unless the run requires OCR (CI)."""
    why = ocr_engine.unavailable()
    if why is None:
        return
    if os.environ.get("VNPLAN_REQUIRE_OCR") == "1":
        pytest.fail(f"VNPLAN_REQUIRE_OCR=1 but {why}")
    pytest.skip(why)


@cache
def scanned():
    """The fixture through the whole pipeline (one OCR run shared by the tests)."""
    return process_file(SCAN)


# ---------------------------------------------------------------- OCR where Tesseract is installed


def test_scanned_fixture_has_no_text_layer():
    import pdfplumber

    with pdfplumber.open(SCAN) as pdf:
        assert len(pdf.pages) == 1
        assert not (pdf.pages[0].extract_text() or "").strip()
        assert pdf.pages[0].images


def test_scan_metadata_agrees_with_publisher():
    need_ocr()
    doc = facts_json(scanned())["documents"][0]
    agree = publisher_agreement(doc, META)
    assert agree == {"symbol": True, "type": True, "year": True}, (doc, META)


def test_scan_issuer_and_date_match_the_text_layer():
    need_ocr()
    ref = process_file(TEXT).documents[0]
    got = scanned().documents[0]
    assert (got.issuer, got.date) == (ref.issuer, ref.date)


def test_facts_from_ocr_carry_the_flag_and_the_page_confidence():
    need_ocr()
    out = facts_json(scanned())
    (page,) = out["ocr_pages"]
    assert page["page"] == 1 and page["words"] > 100 and 50 < page["confidence"] <= 100
    assert page["start"] == 0 and page["end"] == len(scanned().cleaned.text)
    spanned = [f for key in ("documents", "citations", "relations", "agency_mentions")
               for f in out[key]]
    assert len(spanned) > 5
    assert all(f["ocr"] is True and f["ocr_confidence"] == page["confidence"] for f in spanned)


def test_text_layer_facts_carry_no_ocr_fields():
    out = facts_json(process_file(TEXT))
    assert "ocr_pages" not in out
    assert not any("ocr" in f for key in ("documents", "citations", "relations") for f in out[key])


def test_mixed_pdf_reads_only_its_scanned_page_by_ocr():
    need_ocr()
    import pypdfium2

    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(pypdfium2.PdfDocument(str(OTHER)), [1])
    mixed.import_pages(pypdfium2.PdfDocument(str(SCAN)), [0])
    buf = io.BytesIO()
    mixed.save(buf)
    src = load_bytes(buf.getvalue(), "pdf")
    (page,) = src.ocr_pages
    assert page.page == 2
    first = src.text.split("\f")[0]
    assert src.text[page.start:page.end] == src.text.split("\f")[1]
    assert first.strip() and first in src.text[: page.start]
    res = process_bytes(buf.getvalue(), "pdf")
    (cpage,) = res.ocr_pages
    out = facts_json(res)
    spanned = [f for key in ("documents", "citations", "relations", "agency_mentions", "tasks") for f in out[key]]
    on_scan = [f for f in spanned if f["start"] >= cpage.start]
    on_text = [f for f in spanned if f["end"] <= cpage.start]
    assert on_scan and on_text
    assert all(f["ocr"] is True for f in on_scan) and not any("ocr" in f for f in on_text)


def test_ingest_keeps_the_ocr_pages_and_export_carries_the_flags(tmp_path):
    need_ocr()
    from vnplan.ingest import ingest
    from vnplan.outputs.export import export
    from vnplan.store import open_db

    summary = ingest([SCAN], tmp_path / "kb.sqlite", jobs=1)
    assert summary.ingested == 1 and not summary.rejected
    db = open_db(tmp_path / "kb.sqlite")
    rows = list(db.query("SELECT page, start, end, confidence, words FROM ocr_pages"))
    assert len(rows) == 1 and rows[0]["page"] == 1 and rows[0]["confidence"] > 50
    export(tmp_path / "kb.sqlite", tmp_path / "out")
    (rec,) = [json.loads(line) for line in (tmp_path / "out" / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rec["ocr_pages"][0]["page"] == 1
    assert rec["documents"][0]["ocr"] is True and all(c["ocr"] for c in rec["citations"])


# ---------------------------------------------------------------- without OCR: E004 with the apt command


@pytest.fixture
def fake_tesseract(tmp_path, monkeypatch):
    """A `tesseract` on PATH that knows only the languages given, and a fresh engine probe."""

    def make(langs: str | None) -> None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir(exist_ok=True)
        if langs is not None:
            exe = bin_dir / "tesseract"
            exe.write_text("#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'tesseract 5.0.0'; "
                           f"else printf 'List of available languages (1):\\n{langs}\\n'; fi\n")
            exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setenv("PATH", str(bin_dir))
        ocr_engine.probe.cache_clear()

    yield make
    ocr_engine.probe.cache_clear()


def test_without_tesseract_a_scan_is_rejected_with_the_apt_command(fake_tesseract):
    fake_tesseract(None)
    with pytest.raises(Reject) as err:
        load_bytes(SCAN.read_bytes(), "pdf")
    assert err.value.code == E_PDF_NO_TEXT
    assert INSTALL in err.value.reason and "1 page (1)" in err.value.reason


def test_without_vietnamese_data_a_scan_is_rejected_with_the_apt_command(fake_tesseract):
    fake_tesseract("eng")
    assert ocr_engine.engine() is None
    with pytest.raises(Reject) as err:
        load_bytes(SCAN.read_bytes(), "pdf")
    assert err.value.code == E_PDF_NO_TEXT
    assert "Vietnamese" in err.value.reason and INSTALL in err.value.reason


def test_without_tesseract_text_pdfs_still_load(fake_tesseract):
    fake_tesseract(None)
    assert "THÔNG TƯ" in load_bytes(TEXT.read_bytes(), "pdf").text


def test_the_ocr_engine_is_part_of_the_pipeline_fingerprint(fake_tesseract):
    from vnplan import version

    version.fingerprint.cache_clear()
    try:
        fake_tesseract(None)
        without = version.fingerprint()
        version.fingerprint.cache_clear()
        fake_tesseract("vie")
        assert ocr_engine.engine() == "tesseract 5.0.0 vie"
        assert version.fingerprint() != without
    finally:
        version.fingerprint.cache_clear()


def test_ocr_past_the_time_limit_rejects_the_file_e010():
    need_ocr()
    with ocr.time_limit(1e-9), pytest.raises(Reject) as err:
        load_bytes(SCAN.read_bytes(), "pdf")
    assert err.value.code == E_TIMEOUT
    assert "OCR read 0 of 1 page" in err.value.reason


def test_page_list_names_pages_as_readers_count_them():
    assert ocr.page_list([0, 1, 2, 6, 8, 9]) == "1-3, 7, 9-10"
