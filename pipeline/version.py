"""The pipeline's fingerprint: a hash of its code and gazetteer data.

Ingest skips a file only when both its content and this fingerprint are the ones
recorded for it, so upgrading vnplan or editing a gazetteer re-extracts every
file on the next run without `--force`.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path


@cache
def fingerprint() -> str:
    """sha256 (first 16 hex digits) over every source and data file of the installed packages."""
    from vnplan import extractors, gazetteer, outputs, run

    h = hashlib.sha256()
    for pkg_dir in sorted({Path(m.__file__).parent for m in (run, extractors, outputs, gazetteer)}):
        for f in sorted(p for p in pkg_dir.iterdir() if p.suffix in (".py", ".json", ".jsonl", ".tsv")):
            h.update(f"{pkg_dir.name}/{f.name}\0".encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]
