"""Domain data files (document types, issuers, agencies, provinces, indicators, cue words) and their loader."""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


def _read(name: str) -> Any:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


@cache
def load(name: str) -> Any:
    """One gazetteer file, parsed (JSON or JSONL)."""
    return _read(name)


@cache
def load_chrome() -> tuple[str, ...]:
    """Line starts that mark portal chrome, not document content."""
    return tuple(e["pattern"] for e in load("chrome.json")["entries"])
