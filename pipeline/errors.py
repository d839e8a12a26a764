"""Numbered reasons for rejecting an input file, in one place.

A reject never stops a batch: the loader raises `Reject`, the batch driver
records it (file, code, reason) and moves on.
"""

from __future__ import annotations

E_EMPTY = "E001"
E_BINARY = "E002"
E_ENCODING = "E003"
E_PDF_NO_TEXT = "E004"
E_PDF_BROKEN = "E005"
E_TOO_LARGE = "E006"
E_UNSUPPORTED = "E007"
E_NO_CONTENT = "E008"
E_UNREADABLE = "E009"
E_TIMEOUT = "E010"
E_WORKER_DIED = "E011"
E_INTERNAL = "E099"

MESSAGES: dict[str, str] = {
    E_EMPTY: "file is empty",
    E_BINARY: "file is binary, not text",
    E_ENCODING: "text is not UTF-8 and no legacy Vietnamese encoding fits; re-save it as UTF-8",
    E_PDF_NO_TEXT: "PDF has no usable text layer and OCR could not read it",
    E_PDF_BROKEN: "PDF cannot be opened (truncated, encrypted or corrupt)",
    E_TOO_LARGE: "file is larger than the size limit; split it or raise --max-mb",
    E_UNSUPPORTED: "unsupported file type; vnplan reads .txt, .md, .html, .htm and .pdf",
    E_NO_CONTENT: "no document text left after cleaning (only site chrome or markup)",
    E_UNREADABLE: "file cannot be read",
    E_TIMEOUT: "processing took longer than the per-file time limit; raise --timeout or report the file",
    E_WORKER_DIED: "the worker process died on this file (crash or out of memory); please report it",
    E_INTERNAL: "internal error while processing this file; please report it",
}


class VnplanError(Exception):
    """An error a user can act on; the CLI prints it as one `Error: ...` line."""


class Reject(VnplanError):
    """An input file that cannot be ingested, with a code and an actionable reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        reason = MESSAGES.get(code, "rejected")
        super().__init__(f"{code}: {reason}" + (f" ({detail})" if detail else ""))

    @property
    def reason(self) -> str:
        """The human-readable reason, without the code."""
        return str(self).split(": ", 1)[1]
