"""First version: finds nothing yet (see the issue that owns this extractor)."""

from __future__ import annotations

from collections.abc import Iterator

from vnplan.extract import Context
from vnplan.models import Fact


def extract(ctx: Context) -> Iterator[Fact]:
    """No facts yet."""
    return iter(())
