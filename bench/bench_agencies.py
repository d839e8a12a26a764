"""Agency matching with and without underthesea word segmentation: F1 against the gold, and time.

Usage:  .venv/bin/python bench/bench_agencies.py [--gold tests/gold] [--docs corpus] [--repeat 3]

For each mode it runs the whole pipeline over the gold documents (agency F1 from
`vnplan.evaluate`), then times the agency extractor alone on the already cleaned
and segmented documents. It also times underthesea `word_tokenize` over the same
cleaned text, the yardstick of the house rule: the whole pipeline must stay at
least 10x faster than word_tokenize over the same text. Times are CPU seconds
(`time.process_time`), so a busy machine does not distort the comparison.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from vnplan.context import Context
from vnplan.evaluate import Report, evaluate, score_kind
from vnplan.extractors import agencies, tasks
from vnplan.outputs.facts_json import facts_json
from vnplan.run import process_file


def _agency_time(results: list[Any], repeat: int) -> tuple[float, float]:
    """Best-of-`repeat` CPU seconds of the agency extractor, and of the task extractor after it."""
    best_a = best_t = float("inf")
    for _ in range(repeat):
        ta = tt = 0.0
        for r in results:
            for d in r.documents:
                ctx = Context(r.source, r.cleaned, r.documents, d)
                ctx.prior["deadlines"] = [f for f in r.facts if f.doc_id == d.doc_id and type(f).__name__ == "Deadline"]
                t0 = time.process_time()
                ctx.prior["agencies"] = list(agencies.extract(ctx))
                t1 = time.process_time()
                list(tasks.extract(ctx))
                ta, tt = ta + t1 - t0, tt + time.process_time() - t1
        best_a, best_t = min(best_a, ta), min(best_t, tt)
    return best_a, best_t


def run(gold: Path, docs: Path, repeat: int) -> dict[str, dict[str, float]]:
    """F1 and timings per mode ("off", "on")."""
    files = sorted(docs / p.with_suffix(".txt").name for p in gold.glob("*.json"))
    for f in files:  # build matchers and load gazetteers outside the timings
        process_file(f)
    out: dict[str, dict[str, float]] = {}
    for mode in ("off", "on"):
        os.environ[agencies.WORDSEG_ENV] = "1" if mode == "on" else "0"
        t0 = time.process_time()
        results = [process_file(f) for f in files]
        pipeline_s = time.process_time() - t0
        report = Report()
        import json

        for f, r in zip(files, results, strict=True):
            g = json.loads((gold / f.with_suffix(".json").name).read_text(encoding="utf-8"))
            score_kind("agencies", g.get("agencies", []), facts_json(r)["agencies"], f.name, report)
        s = report.scores["agencies"]
        ag_s, task_s = _agency_time(results, repeat)
        out[mode] = {"precision": s.precision, "recall": s.recall, "f1": s.f1,
                     "pipeline_s": pipeline_s, "agencies_s": ag_s, "tasks_s": task_s}
    os.environ.pop(agencies.WORDSEG_ENV, None)
    assert abs(out["off"]["f1"] - evaluate(gold, docs).scores["agencies"].f1) < 1e-9

    from underthesea import word_tokenize

    texts = [r.cleaned.text for r in results]
    word_tokenize("khởi động")  # load the model outside the timing
    t0 = time.process_time()
    for t in texts:
        word_tokenize(t)
    out["underthesea"] = {"word_tokenize_s": time.process_time() - t0, "chars": float(sum(map(len, texts)))}
    return out


def main() -> None:
    """Print the comparison table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default="tests/gold", type=Path)
    ap.add_argument("--docs", default="corpus", type=Path)
    ap.add_argument("--repeat", default=3, type=int)
    a = ap.parse_args()
    res = run(a.gold, a.docs, a.repeat)
    ut = res["underthesea"]
    print(f"{'word segmentation':<18} {'P':>6} {'R':>6} {'F1':>6} {'pipeline s':>11} {'agencies s':>11} "
          f"{'tasks s':>8}  (CPU)")
    for mode in ("off", "on"):
        r = res[mode]
        print(f"{mode:<18} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} "
              f"{r['pipeline_s']:11.3f} {r['agencies_s']:11.3f} {r['tasks_s']:8.3f}")
    print(f"underthesea word_tokenize over the same {int(ut['chars'])} chars: {ut['word_tokenize_s']:.3f} s; "
          f"pipeline (off) is {ut['word_tokenize_s'] / res['off']['pipeline_s']:.1f}x faster; "
          f"agencies + tasks {ut['word_tokenize_s'] / (res['off']['agencies_s'] + res['off']['tasks_s']):.1f}x")


if __name__ == "__main__":
    main()
