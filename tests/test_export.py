"""`vnplan export`: JSONL per document in the `extract --json` shape, and one CSV per table."""

from __future__ import annotations

import csv
import json
from collections import Counter

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vnplan import store
from vnplan.cli import main
from vnplan.models import Citation, Target, Task
from vnplan.outputs.export import load_result
from vnplan.outputs.facts_json import facts_json
from vnplan.outputs.query import connect_ro
from vnplan.run import process_file

from .conftest import SEEDS, run_seed
from .test_store import _doc, kb, result_of  # noqa: F401 - kb is a pytest fixture

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


# ---------------------------------------------------------------- round trip property

WORDS = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạềểễếệ <>&\"'", min_size=1, max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(WORDS, min_size=1, max_size=6), value=st.floats(0, 1e6, allow_nan=False),
       support=st.lists(WORDS, max_size=3), year=st.one_of(st.none(), st.integers(1990, 2030)))
def test_insert_then_read_round_trips(tmp_path, words, value, support, year):
    text = "\n".join(f"- {w}" for w in words) + "\n"

    def build(t, sha):
        d = _doc(t, sha, 0, 0, len(t), [], type="Kế hoạch", date=f"{year}-01-02" if year else None)
        common = {"doc_id": d.doc_id, "section": "", "rule": "r"}
        first = t.index(words[0])
        span = {"start": first, "end": first + len(words[0]), "quote": words[0]}
        return [d], [Citation(**common, **span, type="Quyết định", symbol=None, year=year, title=words[0]),
                     Target(**common, **span, value=value, unit="percent", deadline=f"{year}-12-31" if year else None),
                     Task(**common, **span, lead=words[-1], support=tuple(support))]

    path = tmp_path / f"kb{abs(hash((tuple(words), value))) % 10**9}.sqlite"
    result = result_of("x.txt", text, build)
    store.write_result(store.open_db(path), "x.txt", result, run_id=None)
    back = load_result(connect_ro(path), result.source.sha256)
    assert back.cleaned.text == text
    assert back.documents[0].key == result.documents[0].key
    assert set(back.facts) == set(result.facts)
