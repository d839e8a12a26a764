"""A progress bar for long ingests: files, MB, rate and ETA, on stderr."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _fmt_secs(s: float) -> str:
    s = int(s)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class Progress:
    """Counts finished files and bytes against the totals that `start` announces.

    On a terminal the bar redraws in place at most ten times a second; into a
    log file it writes one line every `log_every` seconds instead.
    """

    def __init__(self, enabled: bool = True, stream: TextIO | None = None, log_every: float = 10.0) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.log_every = log_every
        self.total_files = 0
        self.total_bytes = 0
        self.done_files = 0
        self.done_bytes = 0
        self.rejected = 0
        self.t0 = time.monotonic()
        self._last = 0.0

    def start(self, n_files: int, n_bytes: int) -> None:
        """Set the totals (called by `ingest` once it has listed its inputs)."""
        self.total_files, self.total_bytes = n_files, n_bytes
        self.t0 = time.monotonic()

    def update(self, outcome) -> None:
        """Count one finished file (an `ingest.Outcome`) and redraw when due."""
        self.done_files += 1
        self.done_bytes += getattr(outcome, "size", 0) or 0
        self.rejected += getattr(outcome, "status", "") == "rejected"
        if not self.enabled:
            return
        now = time.monotonic()
        every = 0.1 if self.tty else self.log_every
        if now - self._last < every and self.done_files < self.total_files:
            return
        self._last = now
        self.stream.write(("\r" if self.tty else "") + self.line(now) + ("" if self.tty else "\n"))
        self.stream.flush()

    def line(self, now: float | None = None) -> str:
        """The current bar: files, MB, rates and ETA."""
        el = max((now or time.monotonic()) - self.t0, 1e-6)
        frac = self.done_files / self.total_files if self.total_files else 1.0
        width = 24
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        mb_rate = self.done_bytes / el / 1e6
        left = self.total_bytes - self.done_bytes
        if self.done_bytes and left > 0:
            eta = _fmt_secs(left / (self.done_bytes / el))
        elif self.done_files and self.total_files > self.done_files:
            eta = _fmt_secs((self.total_files - self.done_files) * el / self.done_files)
        else:
            eta = "0:00"
        return (f"[{bar}] {self.done_files}/{self.total_files} files "
                f"{self.done_bytes / 1e6:.1f}/{self.total_bytes / 1e6:.1f} MB "
                f"{mb_rate:.2f} MB/s {self.done_files / el:.1f} files/s "
                f"{self.rejected} rejected ETA {eta} ")

    def close(self) -> None:
        """End the bar's line."""
        if self.enabled and self.tty and self.done_files:
            self.stream.write("\n")
            self.stream.flush()
