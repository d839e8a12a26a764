"""The pipeline's fingerprint: a hash of its code and gazetteer data.

Ingest skips a file only when both its content and this fingerprint are the ones
recorded for it, so upgrading vnplan or editing a gazetteer re-extracts every
file on the next run without `--force`. The OCR engine is part of it: once
Tesseract is installed (or upgraded), the next run reads the scans it had rejected.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import pkgutil
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from .ocr_engine import engine

# The installed packages whose code and data make the pipeline (found, not imported: the
# fingerprint sits below every stage).
_PACKAGES = ("vnplan", "vnplan.text", "vnplan.extractors", "vnplan.outputs", "vnplan.gazetteer")


def _package_dir(name: str) -> Path:
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"package {name} not found")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def fingerprint() -> str:
    """sha256 (first 16 hex digits) over every source and data file of the installed packages and the
    OCR engine (`vnplan.ocr_engine.engine`: Tesseract's version and language, or none)."""
    h = hashlib.sha256()
    for pkg_dir in sorted({_package_dir(name) for name in _PACKAGES}):
        for f in sorted(p for p in pkg_dir.iterdir() if p.suffix in (".py", ".json", ".jsonl", ".tsv")):
            h.update(f"{pkg_dir.name}/{f.name}\0".encode())
            h.update(f.read_bytes())
    h.update(f"ocr\0{engine() or 'none'}".encode())
    return h.hexdigest()[:16]


def compiled_modules() -> list[str]:
    """The vnplan modules this install runs compiled (setup.py; "Compiled modules" in the README):
    empty for an editable install or one built with `VNPLAN_PURE=1`."""
    compiled = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    out = []
    for name in _PACKAGES[:-1]:
        for info in pkgutil.iter_modules([str(_package_dir(name))], name + "."):
            spec = info.module_finder.find_spec(info.name.rpartition(".")[2])  # type: ignore[call-arg]
            if spec is not None and spec.origin and spec.origin.endswith(compiled):
                out.append(info.name)
    return sorted(out)
