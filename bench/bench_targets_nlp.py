"""Targets with and without underthesea: accuracy (target F1, indicator accuracy) and cost (time).

Usage:
    .venv/bin/python bench/bench_targets_nlp.py [--gold tests/gold] [--docs corpus]

For each setting (rules only; rules + underthesea noun-phrase fallback, i.e.
VNPLAN_TARGETS_NLP=1) it runs the whole pipeline on every document that has
a gold file, scores the targets as `vnplan eval` does, and times the targets
extractor and the whole pipeline. It also times underthesea `word_tokenize`
over the same cleaned texts: the pipeline must stay at least 10x faster.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from vnplan.context import Context
from vnplan.evaluate import Report, load_gold, score_kind
from vnplan.extractors import targets
from vnplan.outputs.facts_json import facts_json
from vnplan.run import process_file


def run(gold_dir: Path, docs_dir: Path, nlp: bool) -> dict:
    """Scores and timings for one setting."""
    os.environ["VNPLAN_TARGETS_NLP"] = "1" if nlp else "0"
    report = Report()
    pipeline_s = targets_s = 0.0
    chars = 0
    for gf in sorted(gold_dir.glob("*.json")):
        gold = load_gold(gf)
        t0 = time.perf_counter()
        res = process_file(docs_dir / gold["source"])
        pipeline_s += time.perf_counter() - t0
        chars += len(res.cleaned.text)
        # Time the targets extractor alone (deadlines and all) on the same documents.
        t1 = time.perf_counter()
        for doc in res.documents:
            list(targets.extract(Context(res.source, res.cleaned, res.documents, doc)))
        targets_s += time.perf_counter() - t1
        score_kind("targets", gold.get("targets", []), facts_json(res)["targets"], gf.name, report)
    sc = report.scores["targets"]
    return {"nlp": nlp, "targets_f1": round(sc.f1, 4), "precision": round(sc.precision, 4),
            "recall": round(sc.recall, 4), "indicator_accuracy": round(report.indicator_accuracy, 4),
            "pipeline_s": round(pipeline_s, 3), "targets_s": round(targets_s, 3), "chars": chars}


def tokenize_time(gold_dir: Path, docs_dir: Path) -> float:
    """Seconds underthesea word_tokenize takes over the same cleaned texts."""
    from underthesea import word_tokenize

    word_tokenize("khởi động")  # load the model outside the timing
    total = 0.0
    for gf in sorted(gold_dir.glob("*.json")):
        text = process_file(docs_dir / load_gold(gf)["source"]).cleaned.text
        t0 = time.perf_counter()
        word_tokenize(text)
        total += time.perf_counter() - t0
    return round(total, 3)


def main() -> None:
    """Print one JSON line per setting, then the word_tokenize baseline and the speed ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default="tests/gold")
    ap.add_argument("--docs", default="corpus")
    a = ap.parse_args()
    gold, docs = Path(a.gold), Path(a.docs)
    process_file(docs / load_gold(sorted(gold.glob("*.json"))[0])["source"])  # warm caches
    rows = [run(gold, docs, nlp=False), run(gold, docs, nlp=True)]
    for r in rows:
        print(json.dumps(r))
    tok = tokenize_time(gold, docs)
    print(json.dumps({"underthesea_word_tokenize_s": tok,
                      "speedup_rules_vs_tokenize": round(tok / rows[0]["pipeline_s"], 1),
                      "speedup_nlp_vs_tokenize": round(tok / rows[1]["pipeline_s"], 1)}))


if __name__ == "__main__":
    main()
