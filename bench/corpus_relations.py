"""Whole-corpus count of citations and relations, with a random sample to check by hand.

Usage: .venv/bin/python bench/corpus_relations.py [FOLDER] [--sample 30] [--seed 0] [--json OUT]

Runs load -> clean -> segment -> citations + relations -> resolve on every file of
FOLDER (default /work/shared/corpus/congbao-txt/) and prints the number of citations
(all mentions, and once per file as `vnplan extract` lists them), distinct cited
documents over the corpus (by canonical key), relations by type and modality, and a
reproducible random sample of relations with their quotes for a precision check.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from vnplan.clean import clean
from vnplan.errors import Reject
from vnplan.extract import extract
from vnplan.kinds import distinct_citations
from vnplan.load import load
from vnplan.models import Citation, FileResult, Relation
from vnplan.resolve import resolve
from vnplan.segment import segment
from vnplan.text.normalize import collapse

DEFAULT = "/work/shared/corpus/congbao-txt/"


def run_file(path: Path) -> FileResult:
    """The citation and relation facts of one file (the other extractors are skipped for speed)."""
    source = load(path)
    cleaned = clean(source)
    docs = segment(source, cleaned)
    facts = extract(source, cleaned, docs, names=["citations", "relations"])
    docs, facts = resolve(docs, facts)
    return FileResult(source, cleaned, tuple(docs), tuple(facts))


def main(argv: list[str] | None = None) -> int:
    """Count, summarise and sample; print a report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=DEFAULT)
    ap.add_argument("--sample", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="write the counts and the sample to this JSON file")
    args = ap.parse_args(argv)
    files = sorted(p for p in Path(args.folder).iterdir() if p.is_file() and p.suffix in (".txt", ".md", ".html", ".pdf"))
    mentions = per_file = 0
    keys: set[str] = set()
    by_type: Counter[str] = Counter()
    by_modality: Counter[tuple[str, str]] = Counter()
    linked = 0
    relations: list[tuple[str, Relation]] = []
    rejected = 0
    t0 = time.monotonic()
    for p in files:
        try:
            res = run_file(p)
        except Reject:
            rejected += 1
            continue
        cites = [f for f in res.facts if isinstance(f, Citation) and not f.self_ref]
        mentions += len(cites)
        distinct = distinct_citations(res, res.facts_of(Citation))
        per_file += len(distinct)
        keys.update(c.key for c in distinct if c.key)
        for r in res.facts:
            if isinstance(r, Relation):
                by_type[r.relation] += 1
                by_modality[(r.relation, r.modality)] += 1
                linked += r.target_key is not None
                relations.append((p.name, r))
    secs = time.monotonic() - t0
    print(f"files: {len(files)} ({rejected} rejected) in {secs:.0f} s")
    print(f"citations: {mentions} mentions, {per_file} per-file distinct, {len(keys)} distinct cited documents (keys)")
    print(f"relations: {len(relations)} ({linked} with a target key)")
    for rel, n in by_type.most_common():
        mods = ", ".join(f"{m} {c}" for (r2, m), c in sorted(by_modality.items()) if r2 == rel)
        print(f"  {rel:12} {n:6}  ({mods})")
    rng = random.Random(args.seed)
    sample = rng.sample(relations, min(args.sample, len(relations)))
    print(f"\nsample of {len(sample)} relations (seed {args.seed}):")
    for i, (name, r) in enumerate(sample, 1):
        print(f"{i:2}. [{r.relation} {r.modality}] {r.source} -> {r.target}\n    {name} @{r.start} ({r.rule}): {collapse(r.quote)[:220]}")
    if args.json:
        out = {
            "files": len(files), "rejected": rejected, "citation_mentions": mentions, "citations_per_file": per_file,
            "distinct_cited_documents": len(keys), "relations": len(relations), "by_type": dict(by_type),
            "sample": [{"file": n, "relation": r.relation, "modality": r.modality, "from": r.source, "to": r.target,
                        "quote": collapse(r.quote), "rule": r.rule} for n, r in sample],
        }
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
