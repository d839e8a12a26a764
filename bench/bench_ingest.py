"""Ingest throughput benchmark (not a test): MB/s and docs/s, scaling, memory, stage profile.

For each corpus folder (default `tvpl-2025` and `congbao-txt` under
/work/shared/corpus), on the same files in the same run:

* `vnplan ingest --jobs 1` and `--jobs 2` into a fresh database, as a
  subprocess: MB/s and docs/s (from the run's own clock, without interpreter
  start-up), wall time, and peak memory (largest process and whole process tree,
  sampled with psutil);
* underthesea's `word_tokenize` over the same raw text, single process, as a
  yardstick: the ratio pipeline MB/s / word_tokenize MB/s (goal >= 10);
* with `--repeat N`, N rounds of (ingest at each job count, then word_tokenize),
  interleaved so both sides meet the same spells of load: the fastest run of
  each side gives the headline ratio (as timeit takes the minimum: noise only
  ever adds time), and every round's own ratio is listed beside it;
* the same ratio in CPU seconds, pipeline and word_tokenize run file by file in turn
  in one process (the figure least disturbed by other load);
* where the time goes: each stage (load, clean, segment, each extractor,
  resolve) timed in-process, and the top functions of a cProfile run;
* the same files replicated 10x (each copy made distinct) against 1x, at the
  highest job count: the time ratio (goal <= 10.5).

vnplan's modules are byte-compiled first, as an installed package is.

On a shared machine compare the ratios, not the absolute figures.

    .venv/bin/python bench/bench_ingest.py --sample 60 --out /tmp/bench
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

CORPUS = Path("/work/shared/corpus")
VNPLAN = Path(sys.executable).with_name("vnplan")


def pick(folder: Path, n: int | None, seed: int) -> list[Path]:
    """All input files of a folder, or a seeded random sample of `n` of them."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.endswith(".meta.json"))
    if n and n < len(files):
        files = sorted(random.Random(seed).sample(files, n))
    return files


def stage(files: list[Path], dest: Path, copies: int = 1) -> int:
    """Copy files into `dest` (`copies` times, each copy made distinct by trailing newlines); total bytes."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    total = 0
    for k in range(copies):
        for f in files:
            data = f.read_bytes() + b"\n" * k
            (dest / f"c{k:02d}_{f.name}").write_bytes(data)
            total += len(data)
    return total


def run_ingest(folder: Path, db: Path, jobs: int) -> dict:
    """`vnplan ingest` in a subprocess; wall time, run time, documents, peak memory."""
    import psutil

    for ext in ("", "-wal", "-shm"):
        Path(str(db) + ext).unlink(missing_ok=True)
    cmd = [str(VNPLAN), "ingest", str(folder), "--db", str(db), "--silent", "-j", str(jobs)]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak_one = peak_tree = 0
    while proc.poll() is None:
        try:
            procs = [ps, *ps.children(recursive=True)]
            rss = [p.memory_info().rss for p in procs]
            peak_one, peak_tree = max(peak_one, max(rss)), max(peak_tree, sum(rss))
        except psutil.Error:
            pass
        time.sleep(0.1)
    out, err = proc.communicate()
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err[-2000:]}")
    m = re.search(r"files: (\d+) found, (\d+) ingested, \d+ unchanged, (\d+) rejected \(([\d.]+) MB in ([\d.]+) s",
                  out)
    con = sqlite3.connect(db)
    docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    con.close()
    secs = float(m.group(5))
    mb = float(m.group(4))
    return {"jobs": jobs, "files": int(m.group(1)), "ingested": int(m.group(2)), "rejected": int(m.group(3)),
            "documents": docs, "mb": mb, "run_s": secs, "wall_s": round(wall, 1),
            "mb_per_s": round(mb / secs, 3), "docs_per_s": round(docs / secs, 2),
            "peak_rss_largest_mb": round(peak_one / 1e6), "peak_rss_tree_mb": round(peak_tree / 1e6)}


def underthesea_rate(files: list[Path]) -> dict:
    """word_tokenize over the raw text of the files, one process: MB/s."""
    from underthesea import word_tokenize

    texts = [f.read_bytes().decode("utf-8", "replace") for f in files]
    word_tokenize(texts[0][:2000])  # load the model outside the clock
    t0 = time.monotonic()
    n = 0
    for t in texts:
        n += len(word_tokenize(t))
    secs = time.monotonic() - t0
    mb = sum(len(t.encode()) for t in texts) / 1e6
    return {"mb": round(mb, 2), "seconds": round(secs, 1), "mb_per_s": round(mb / secs, 3), "tokens": n}


def side_by_side(files: list[Path]) -> dict:
    """Pipeline and word_tokenize on each file in turn, one process, CPU seconds: the ratio least
    disturbed by other load on the machine (both sides see the same load at the same moment)."""
    from underthesea import word_tokenize
    from vnplan.errors import Reject
    from vnplan.run import process_file

    word_tokenize("khởi động")  # load the model outside the clock
    try:
        process_file(files[0])
    except Reject:
        pass
    pipe = tok = 0.0
    for f in files:
        t = time.process_time()
        try:
            process_file(f)
        except Reject:
            pass
        pipe += time.process_time() - t
        text = f.read_bytes().decode("utf-8", "replace")
        t = time.process_time()
        word_tokenize(text)
        tok += time.process_time() - t
    mb = sum(f.stat().st_size for f in files) / 1e6
    return {"mb": round(mb, 2), "pipeline_cpu_s": round(pipe, 2), "word_tokenize_cpu_s": round(tok, 2),
            "pipeline_mb_per_cpu_s": round(mb / pipe, 3), "ratio": round(tok / pipe, 2)}


def stage_profile(files: list[Path], top: int = 15) -> dict:
    """Seconds per stage and per extractor over the files, in this process, plus cProfile's top functions."""
    import dataclasses

    from vnplan import extract as extract_stage
    from vnplan.clean import clean
    from vnplan.errors import Reject
    from vnplan.extract import extract
    from vnplan.load import load
    from vnplan.resolve import resolve
    from vnplan.segment import segment

    times: dict[str, float] = defaultdict(float)
    originals = extract_stage.KINDS

    def timed(name, fn):
        def run(ctx):
            t = time.perf_counter()
            out = list(fn(ctx))
            times[f"extract:{name}"] += time.perf_counter() - t
            return out
        return run

    # Warm up first (imports, spaCy and regex compilation), as a long-running worker would be.
    from vnplan.run import process_file

    try:
        process_file(files[0])
    except Reject:
        pass
    extract_stage.KINDS = tuple(dataclasses.replace(k, extractor=timed(k.name, k.extractor)) for k in originals)
    prof = cProfile.Profile()
    try:
        prof.enable()
        for f in files:
            try:
                t0 = t = time.perf_counter()
                src = load(f)
                times["load"] += time.perf_counter() - t
                t = time.perf_counter()
                cleaned = clean(src)
                times["clean"] += time.perf_counter() - t
                t = time.perf_counter()
                docs = segment(src, cleaned)
                times["segment"] += time.perf_counter() - t
                t = time.perf_counter()
                facts = extract(src, cleaned, docs)
                times["extract"] += time.perf_counter() - t
                t = time.perf_counter()
                resolve(docs, facts)
                times["resolve"] += time.perf_counter() - t
                times["total"] += time.perf_counter() - t0
            except Reject:
                times["rejected_files"] += 1
        prof.disable()
    finally:
        extract_stage.KINDS = originals
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    lines = [ln for ln in buf.getvalue().splitlines() if re.match(r"\s+\d", ln)]
    return {"seconds": {k: round(v, 2) for k, v in sorted(times.items(), key=lambda kv: -kv[1])},
            "cprofile_top_tottime": [re.sub(r"\s+", " ", ln.strip()) for ln in lines[:top]]}


def precompile() -> None:
    """Byte-compile vnplan's modules, as `pip install` does. From an editable install with
    PYTHONDONTWRITEBYTECODE set (as on the machines the team benchmarks on), every worker would
    otherwise compile the project's source again at start-up (~0.3 s a process)."""
    import compileall

    import vnplan
    import vnplan.extractors
    import vnplan.outputs

    for pkg in (vnplan, vnplan.extractors, vnplan.outputs):
        for path in filter(os.path.isdir, pkg.__path__):  # (an editable install adds a path hook)
            compileall.compile_dir(path, maxlevels=0, quiet=1)


def main() -> None:
    """Command line: run every measurement and print the figures as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folders", nargs="+", default=["tvpl-2025", "congbao-txt"])
    ap.add_argument("--sample", type=int, default=0, help="files per folder (0: all)")
    ap.add_argument("--scale-sample", type=int, default=30, help="files replicated for the 10x run")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--side-sample", type=int, default=0,
                    help="files per folder for the side-by-side CPU ratio (0: the same files as the runs)")
    ap.add_argument("--profile-files", type=int, default=20, help="files per folder for the stage profile")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of ingest + word_tokenize per folder; the best of each side is the headline")
    ap.add_argument("--out", type=Path, default=Path("/tmp/vnplan-bench"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    precompile()
    from vnplan.version import compiled_modules

    report: dict = {"cores": os.cpu_count(), "load_avg_start": os.getloadavg(),
                    "compiled_modules": len(compiled_modules()), "folders": {}}
    for name in args.folders:
        files = pick(CORPUS / name, args.sample, args.seed)
        dest = args.out / name
        total = stage(files, dest)
        r: dict = {"files": len(files), "mb": round(total / 1e6, 2), "rounds": []}
        for _ in range(args.repeat):
            runs = [run_ingest(dest, args.out / f"{name}-j{jobs}.sqlite", jobs) for jobs in args.jobs]
            tok = underthesea_rate(files)
            r["rounds"].append({"runs": runs, "word_tokenize": tok,
                                "ratio": {f"jobs={x['jobs']}": round(x["mb_per_s"] / tok["mb_per_s"], 2)
                                          for x in runs}})
            print(json.dumps(r["rounds"][-1]), file=sys.stderr)
        # Best of the rounds on each side: per job count the fastest ingest, and the fastest word_tokenize.
        r["runs"] = [max((rd["runs"][i] for rd in r["rounds"]), key=lambda x: x["mb_per_s"])
                     for i in range(len(args.jobs))]
        r["underthesea_word_tokenize"] = max((rd["word_tokenize"] for rd in r["rounds"]), key=lambda x: x["mb_per_s"])
        ut = r["underthesea_word_tokenize"]["mb_per_s"]
        r["ratio_vs_word_tokenize"] = {f"jobs={x['jobs']}": round(x["mb_per_s"] / ut, 2) for x in r["runs"]}
        r["side_by_side_cpu"] = side_by_side(pick(CORPUS / name, args.side_sample, args.seed)
                                             if args.side_sample else files)
        r["profile"] = stage_profile(files[: args.profile_files])
        report["folders"][name] = r
        print(json.dumps({name: r["ratio_vs_word_tokenize"]}), file=sys.stderr)
    # Scaling: the same files 1x and 10x, at the highest job count.
    base = pick(CORPUS / args.folders[0], args.scale_sample, args.seed + 1)
    jobs = max(args.jobs)
    one = run_ingest(args.out / "x1", args.out / "x1.sqlite", jobs) if stage(base, args.out / "x1") else {}
    ten = run_ingest(args.out / "x10", args.out / "x10.sqlite", jobs) if stage(base, args.out / "x10", 10) else {}
    report["scale_10x"] = {"files_1x": len(base), "jobs": jobs, "run_s_1x": one["run_s"], "run_s_10x": ten["run_s"],
                           "ratio": round(ten["run_s"] / one["run_s"], 2), "docs_10x": ten["documents"],
                           "peak_rss_tree_mb_10x": ten["peak_rss_tree_mb"],
                           "peak_rss_largest_mb_10x": ten["peak_rss_largest_mb"]}
    report["load_avg_end"] = os.getloadavg()
    text = json.dumps(report, ensure_ascii=False, indent=1)
    (args.out / "figures.json").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
