"""`vnplan export`: JSONL per document in the `extract --json` shape, and one CSV per table."""

from __future__ import annotations

import csv
import json
from collections import Counter

from click.testing import CliRunner
from vnplan import store
from vnplan.cli import main
from vnplan.outputs.facts_json import facts_json
from vnplan.run import process_file

from .conftest import SEEDS, run_seed
from .test_store import kb  # noqa: F401 - pytest fixture

KINDS = ("documents", "citations", "relations", "targets", "agency_mentions", "tasks")


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_export_writes_one_line_per_document_and_csv_per_table(kb, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", "--db", str(kb), "--out", str(out)])
    assert result.exit_code == 0, result.output
    recs = read_jsonl(out / "facts.jsonl")
    assert len(recs) == 5
    by_doc = {r["documents"][0]["doc_id"]: r for r in recs}
    plan = next(r for r in recs if r["documents"][0]["type"] == "Kế hoạch" and r["path"] == "qn/205.txt")
    assert [t["quote"] for t in plan["targets"]] == [
        "40 dịch vụ hành chính công cấp tỉnh được cung cấp trực tuyến mức độ 4", "đạt trên 90%"]
    assert plan["agencies"] == ["Sở Nội vụ", "Sở Tư pháp"]
    assert plan["tasks"][0]["support"] == ["Sở Tư pháp"]
    assert plan["documents"][0]["promulgated_by"] == 0
    for doc_id, rec in by_doc.items():
        assert all(x["doc_id"] == doc_id for k in KINDS[1:] for x in rec[k])
        assert {"format_version", "source", "sha256", *KINDS, "agencies"} <= set(rec)
    names = {p.name for p in (out / "tables").iterdir()}
    assert {"documents.csv", "targets.csv", "citations.csv", "relations.csv", "indicators.csv"} <= names
    assert not any(n.startswith(("sections_fts", "_")) for n in names)
    rows = list(csv.DictReader(open(out / "tables" / "targets.csv", encoding="utf-8")))
    assert len(rows) == 4 and {"id", "doc_id", "section", "start", "end", "quote", "value"} <= set(rows[0])
    assert "targets.csv" in result.output or "tables/targets.csv: 4 rows" in result.output


def test_export_matches_extract_json_for_a_seed(tmp_path):
    seed = SEEDS[0]
    db = tmp_path / "kb.sqlite"
    store.write_result(store.open_db(db), str(seed), run_seed(seed.name), run_id=None)
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["export", "--db", str(db), "--out", str(out)]).exit_code == 0
    recs = read_jsonl(out / "facts.jsonl")
    want = facts_json(process_file(seed))  # a fresh run, not the stored one
    assert len(recs) == len(want["documents"])

    def bag(items):
        return Counter(json.dumps(x, sort_keys=True, ensure_ascii=False) for x in items)

    for kind in KINDS:
        got = [x for r in recs for x in r[kind]]
        assert bag(got) == bag(want[kind]), kind
    assert all(r["source"] == want["source"] and r["sha256"] == want["sha256"] for r in recs)
