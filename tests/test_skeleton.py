"""End to end: a seed file goes through every stage into the database."""

from __future__ import annotations

import json
import re
from dataclasses import fields

import sqlite_utils
from click.testing import CliRunner
from vnplan.cli import main
from vnplan.models import Fact

from .conftest import CORPUS, SEEDS


def test_every_fact_span_slices_back_to_its_quote(seed_result):
    text = seed_result.cleaned.text
    assert seed_result.facts, "a seed yields facts"
    for f in seed_result.facts:
        assert text[f.start : f.end] == f.quote, f
        assert f.doc_id and f.rule


def test_facts_carry_provenance_fields():
    names = {f.name for f in fields(Fact)}
    assert {"doc_id", "section", "start", "end", "quote", "rule"} <= names


def test_seed_goes_to_rows(tmp_path):
    db_path = tmp_path / "kb.sqlite"
    result = CliRunner().invoke(main, ["ingest", str(SEEDS[0]), "--db", str(db_path), "--silent"])
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(db_path)
    assert db["files"].count == 1
    assert db["documents"].count == 2
    assert db["citations"].count > 5
    symbols = {r["symbol"] for r in db.query("select symbol from citations")}
    assert "172/QĐ-UBND" in symbols
    assert "documents: 2" in result.output


FORMAT_FIELDS = {
    "documents": {"type", "symbol", "date", "issuer", "province", "signer", "signer_title", "title"},
    "citations": {"type", "symbol", "year", "date", "issuer", "title", "as_written"},
    "relations": {"from", "to", "relation", "modality", "as_written"},
    "targets": {"value", "unit", "comparator", "indicator", "scope", "deadline", "baseline", "criterion", "quote"},
}
EXTRA = {"doc_id", "section", "start", "end", "rule"}


def test_extract_json_has_every_format_field():
    result = CliRunner().invoke(main, ["extract", str(SEEDS[0]), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for kind in ("documents", "citations", "relations", "targets", "agencies"):
        assert kind in data
    for kind, names in FORMAT_FIELDS.items():
        for item in data[kind]:
            assert names <= set(item), (kind, names - set(item))
            if kind != "documents":
                assert EXTRA <= set(item)
    assert all(isinstance(a, str) for a in data["agencies"])


def test_bad_file_is_rejected_and_good_ones_ingested(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text((CORPUS / SEEDS[1].name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 10)
    db_path = tmp_path / "kb.sqlite"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db_path), "--silent", "-j", "2"])
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(db_path)
    assert [r["path"] for r in db.query("select path from files")] == [str(folder / "good.txt")]
    rejects = {r["path"].rsplit("/", 1)[-1]: r for r in db.query("select * from rejects")}
    assert set(rejects) == {"empty.txt", "junk.pdf", "binary.txt"}
    assert rejects["empty.txt"]["code"] == "E001"
    assert rejects["binary.txt"]["code"] == "E002"
    assert rejects["junk.pdf"]["code"] == "E005"
    assert re.search(r"rejected: .*empty.txt: E001 file is empty", result.output)
