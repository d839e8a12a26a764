"""Shared fixtures: the sample corpus, the gold files, and a pipeline run per seed."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = Path(__file__).resolve().parent / "gold"
SHARED = ROOT.parent / "shared"
SEEDS = sorted(CORPUS.glob("*.txt"))


@cache
def run_seed(name: str):
    """The pipeline's result for one seed file (cached across tests)."""
    from vnplan.run import process_file

    return process_file(CORPUS / name)


@pytest.fixture(params=[p.name for p in SEEDS])
def seed_result(request):
    """Each seed's FileResult in turn."""
    return run_seed(request.param)


def shared_dir(*parts: str) -> Path:
    """A folder of ../shared, or skip the test when this checkout has none beside it."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present")
    return p
