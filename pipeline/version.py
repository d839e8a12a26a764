"""The pipeline's fingerprint: a hash of its code and gazetteer data.

Ingest skips a file only when both its content and this fingerprint are the ones
recorded for it, so upgrading vnplan or editing a gazetteer re-extracts every
file on the next run without `--force`.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import pkgutil
from functools import cache
from pathlib import Path

from vnplan import extractors, gazetteer, outputs, run, text


@cache
def fingerprint() -> str:
    """sha256 (first 16 hex digits) over every source and data file of the installed packages."""
    h = hashlib.sha256()
    for pkg_dir in sorted({Path(m.__file__).parent for m in (run, text, extractors, outputs, gazetteer)}):
        for f in sorted(p for p in pkg_dir.iterdir() if p.suffix in (".py", ".json", ".jsonl", ".tsv")):
            h.update(f"{pkg_dir.name}/{f.name}\0".encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def compiled_modules() -> list[str]:
    """The vnplan modules this install runs compiled (setup.py; "Compiled modules" in the README):
    empty for an editable install or one built with `VNPLAN_PURE=1`."""
    compiled = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    out = []
    for pkg, prefix in ((run, "vnplan."), (text, "vnplan.text."), (extractors, "vnplan.extractors."),
                        (outputs, "vnplan.outputs.")):
        for info in pkgutil.iter_modules([str(Path(pkg.__file__).parent)], prefix):
            spec = info.module_finder.find_spec(info.name.rpartition(".")[2])  # type: ignore[call-arg]
            if spec is not None and spec.origin and spec.origin.endswith(compiled):
                out.append(info.name)
    return sorted(out)
