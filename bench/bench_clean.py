"""Cleaning throughput on a folder of real documents, against a plain read of the same files.

    .venv/bin/python bench/bench_clean.py [/work/shared/corpus/tvpl-2025] [--repeat 3]

Prints MB/s for a plain read (bytes + UTF-8 decode), for `load` (decode and
checks) and for `clean_text` with the default steps, and the ratio of the
cleaning time to the plain read time, all measured in the same run. The best
of `--repeat` runs counts, so a busy machine disturbs the figure less.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from vnplan.clean import clean_text
from vnplan.load import load

DEFAULT = Path("/work/shared/corpus/tvpl-2025")


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
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
    print(f"plain read : {t_read:7.3f} s  {mb / t_read:8.1f} MB/s")
    print(f"load       : {t_load:7.3f} s  {mb / t_load:8.1f} MB/s")
    print(f"clean_text : {t_clean:7.3f} s  {mb / t_clean:8.1f} MB/s")
    print(f"ratio clean/read: {t_clean / t_read:.1f}x the time of a plain read")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
