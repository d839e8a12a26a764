"""Cleaning throughput on a folder of real documents, against a plain read of the same files.

    .venv/bin/python bench/bench_clean.py [/work/shared/corpus/tvpl-2025] [--repeat 3]

Prints MB/s for a plain read (bytes + UTF-8 decode), for `load` (decode and
checks) and for `clean_text` with the default steps, and the ratio of the
cleaning time to the plain read time, all measured in the same run, as wall
and as CPU time (CPU time is the steadier figure on a shared machine). The
best of `--repeat` runs counts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from vnplan.clean import clean_text
from vnplan.load import load

DEFAULT = Path("/work/shared/corpus/tvpl-2025")


def _best(fn, repeat: int) -> tuple[float, float]:
    """The best wall time and the best CPU time of `repeat` runs."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--vs-underthesea", type=float, default=0, metavar="MB",
                    help="also time underthesea.word_tokenize on this many MB of the same text, for scale")
    args = ap.parse_args(argv)
    files = sorted(p for p in args.folder.iterdir() if p.suffix in (".md", ".txt", ".html"))
    if not files:
        print(f"no .md/.txt/.html files in {args.folder}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in files)
    texts = [p.read_bytes().decode("utf-8", "replace") for p in files]

    def plain_read() -> None:
        for p in files:
            p.read_bytes().decode("utf-8", "replace")

    def loading() -> None:
        for p in files:
            load(p)

    def cleaning() -> None:
        for t in texts:
            clean_text(t)

    t_read = _best(plain_read, args.repeat)
    t_load = _best(loading, args.repeat)
    t_clean = _best(cleaning, args.repeat)
    mb = size / 1e6
    print(f"files: {len(files)}, {mb:.1f} MB in {args.folder}")
    for name, (wall, cpu) in (("plain read", t_read), ("load", t_load), ("clean_text", t_clean)):
        print(f"{name:11s}: {wall:7.3f} s wall {mb / wall:8.1f} MB/s | {cpu:7.3f} s CPU {mb / cpu:8.1f} MB/s")
    print(f"ratio clean/read: {t_clean[0] / t_read[0]:.1f}x the wall time of a plain read "
          f"({t_clean[1] / t_read[1]:.1f}x the CPU time)")
    t_clean = t_clean[0]
    if args.vs_underthesea:
        from underthesea import word_tokenize

        sample, n = [], 0
        for t in texts:
            if n >= args.vs_underthesea * 1e6:
                break
            sample.append(t)
            n += len(t.encode("utf-8"))
        word_tokenize("khởi động")  # model loading is not part of the rate
        start = time.perf_counter()
        for t in sample:
            word_tokenize(t)
        t_ws = time.perf_counter() - start
        print(f"underthesea word_tokenize: {n / 1e6 / t_ws:8.2f} MB/s on {n / 1e6:.2f} MB; "
              f"clean_text is {(mb / t_clean) / (n / 1e6 / t_ws):.0f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
