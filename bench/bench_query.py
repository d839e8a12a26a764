"""Query latency on a big knowledge base: targets-by-indicator and who-cites-X, p50/p95.

Builds a database of about `--docs` documents by copying the fact rows of a
real ingested database with SQL, rewriting ids (doc_id, file_sha, fact ids) so
every copy is a distinct document, then times:

* raw SQL equivalent to what `vnplan query` runs:
  `targets JOIN documents WHERE indicator=? AND value=?` and
  `citations JOIN documents WHERE symbol=?`;
* `vnplan.outputs.query.answer()` end to end (question parsing, indicator and
  province matching, the views), when that module exists.

Symbols and keys are copied unchanged, so each copy cites the same documents:
result sets are `copies` times larger than in a real corpus of that size,
a pessimistic case for the latency of fetching answers.

    .venv/bin/python bench/bench_query.py --base /tmp/corpus.sqlite --docs 100000 --out /tmp/big.sqlite
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

# Tables copied per replica, and the columns holding ids that must stay distinct.
REPLICATED = ("documents", "citations", "targets", "relations")
ID_COLUMNS = {"doc_id", "file_sha", "id", "promulgated_by"}


def build(base: Path, out: Path, docs: int) -> dict:
    """Copy `base` to `out` and replicate its fact rows until it holds about `docs` documents."""
    t0 = time.monotonic()
    shutil.copy(base, out)
    for ext in ("-wal", "-shm"):
        Path(str(out) + ext).unlink(missing_ok=True)
    con = sqlite3.connect(out)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    n_base = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    copies = max(0, -(-docs // n_base) - 1)  # ceil(docs / n_base) - 1 more copies
    cols = {t: [r[1] for r in con.execute(f"PRAGMA table_info([{t}])")] for t in REPLICATED}
    # The original rows are the first max(rowid) rows; copies go after them.
    last = {t: con.execute(f"SELECT coalesce(max(rowid), 0) FROM [{t}]").fetchone()[0] for t in REPLICATED}
    for k in range(1, copies + 1):
        for t in REPLICATED:
            sel = ", ".join(
                f"CASE WHEN [{c}] IS NULL THEN NULL ELSE 'r{k}:' || [{c}] END" if c in ID_COLUMNS else f"[{c}]"
                for c in cols[t]
            )
            con.execute(f"INSERT INTO [{t}] ({', '.join(f'[{c}]' for c in cols[t])}) "
                        f"SELECT {sel} FROM [{t}] WHERE rowid <= ?", [last[t]])
        con.commit()
    con.execute("ANALYZE")
    con.commit()
    counts = {t: con.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in REPLICATED}
    con.close()
    return {"base_documents": n_base, "copies": copies + 1, "counts": counts,
            "build_seconds": round(time.monotonic() - t0, 1), "size_mb": round(out.stat().st_size / 1e6, 1)}


TARGETS_SQL = """
SELECT d.doc_id, d.type, d.symbol, d.province, d.date, t.indicator, t.comparator, t.value, t.unit,
       t.deadline, t.section, t.quote
FROM targets t JOIN documents d ON d.doc_id = t.doc_id
WHERE t.indicator = ? AND t.value = ?
ORDER BY d.province, t.deadline"""
CITES_SQL = """
SELECT d.doc_id, d.type, d.symbol, d.province, d.date, c.section, c.quote
FROM citations c JOIN documents d ON d.doc_id = c.doc_id
WHERE c.symbol = ? AND c.self_ref = 0
ORDER BY d.province, d.date"""


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def timed(fn, args_list: list, repeat: int = 1) -> dict:
    """Latency percentiles (ms) of fn over the argument list, and the rows returned."""
    lat, rows = [], []
    for args in args_list:
        for _ in range(repeat):
            t = time.perf_counter()
            n = fn(*args)
            lat.append((time.perf_counter() - t) * 1000)
            rows.append(n)
    return {"n": len(lat), "p50_ms": round(_pct(lat, 0.5), 2), "p95_ms": round(_pct(lat, 0.95), 2),
            "max_ms": round(max(lat), 2), "median_rows": statistics.median(rows) if rows else 0}


def run(db: Path, n_queries: int, seed: int) -> dict:
    """Time raw SQL and, if present, `vnplan.outputs.query.answer` on random real arguments."""
    rng = random.Random(seed)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    triples = con.execute("SELECT DISTINCT indicator, value, unit FROM targets WHERE doc_id NOT LIKE 'r%:%' "
                          "AND indicator IS NOT NULL AND value IS NOT NULL").fetchall()
    symbols = [r[0] for r in con.execute("SELECT DISTINCT symbol FROM citations WHERE doc_id NOT LIKE 'r%:%' "
                                         "AND symbol IS NOT NULL AND self_ref = 0")]
    triples = rng.sample(triples, min(n_queries, len(triples)))
    pairs = [(ind, val) for ind, val, _u in triples]
    symbols = rng.sample(symbols, min(n_queries, len(symbols)))
    out: dict = {"queries_per_kind": {"targets": len(pairs), "who_cites": len(symbols)}}

    def sql_targets(ind, val):
        return len(con.execute(TARGETS_SQL, [ind, val]).fetchall())

    def sql_cites(sym):
        return len(con.execute(CITES_SQL, [sym]).fetchall())

    # One untimed pass warms the page cache, as a long-running server would be.
    timed(sql_targets, pairs[:20])
    out["sql_targets_by_indicator"] = timed(sql_targets, pairs)
    out["sql_who_cites"] = timed(sql_cites, [(s,) for s in symbols])
    for name, sql, args in (("targets", TARGETS_SQL, pairs[0]), ("who_cites", CITES_SQL, (symbols[0],))):
        plan = con.execute("EXPLAIN QUERY PLAN " + sql, args).fetchall()
        out[f"plan_{name}"] = [r[-1] for r in plan]
    con.close()
    try:
        from vnplan.outputs import query as q
    except ImportError:
        out["answer"] = "vnplan.outputs.query not available"
        return out
    if not hasattr(q, "answer"):
        out["answer"] = "vnplan.outputs.query has no answer()"
        return out

    def ans(question):
        try:
            return len(q.answer(db, question).rows)
        except Exception as exc:  # a question the grammar cannot read: count it, do not stop
            errors.append(f"{question}: {type(exc).__name__}: {exc}"[:200])
            return 0

    errors: list[str] = []
    qs_t = [(f"targets for {val:g}{'%' if unit == 'percent' else ''} {ind}",)
            for ind, val, unit in triples[: max(10, n_queries // 4)]]
    qs_c = [(f"who cites {s}",) for s in symbols[: max(10, n_queries // 4)]]
    out["answer_targets"] = timed(ans, qs_t)
    out["answer_who_cites"] = timed(ans, qs_c)
    out["answer_errors"] = errors[:10]
    out["answer_error_count"] = len(errors)
    return out


def main() -> None:
    """Command line: build the big database (unless it exists) and print latencies as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, required=True, help="an ingested knowledge base to replicate")
    ap.add_argument("--out", type=Path, required=True, help="the big database to build (or reuse)")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200, help="queries per kind")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    figures: dict = {}
    if args.rebuild or not args.out.exists():
        figures["build"] = build(args.base, args.out, args.docs)
        print(json.dumps(figures["build"]), file=sys.stderr)
    figures.update(run(args.out, args.queries, args.seed))
    print(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
