"""A progress line for long ingests: files, MB, rate and ETA, on stderr."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path


class Progress:
    """Counts finished files against the total; silent when disabled or not a terminal."""

    def __init__(self, paths: Iterable[str], enabled: bool = True) -> None:
        from .ingest import walk

        self.enabled = enabled
        self.total_files = 0
        self.total_bytes = 0
        if enabled:
            for p in walk(paths):
                self.total_files += 1
                try:
                    self.total_bytes += Path(p).stat().st_size
                except OSError:
                    pass
        self.done_files = 0
        self.done_bytes = 0
        self.t0 = time.monotonic()
        self._last = 0.0

    def update(self, outcome) -> None:
        """Count one finished file and redraw at most ten times a second."""
        if not self.enabled:
            return
        self.done_files += 1
        try:
            self.done_bytes += Path(outcome.path).stat().st_size
        except OSError:
            pass
        now = time.monotonic()
        if now - self._last < 0.1 and self.done_files < self.total_files:
            return
        self._last = now
        el = max(now - self.t0, 1e-6)
        rate = self.done_bytes / el / 1e6
        left = (self.total_bytes - self.done_bytes) / (self.done_bytes / el) if self.done_bytes else 0
        width = 30
        frac = self.done_files / self.total_files if self.total_files else 1
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        sys.stderr.write(
            f"\r[{bar}] {self.done_files}/{self.total_files} files "
            f"{self.done_bytes / 1e6:.1f}/{self.total_bytes / 1e6:.1f} MB {rate:.2f} MB/s ETA {left:.0f}s "
        )
        sys.stderr.flush()

    def close(self) -> None:
        """End the progress line."""
        if self.enabled and self.done_files:
            sys.stderr.write("\n")
