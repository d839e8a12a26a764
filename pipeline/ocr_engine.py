"""Which OCR engine this machine has: Tesseract with its Vietnamese data, or why not.

Kept apart from `vnplan.ocr` so that the pipeline's fingerprint (`vnplan.version`), which
sits below every stage, can name the engine: a scan rejected for want of OCR is read again
once Tesseract is installed.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

LANG = "vie"
INSTALL = "sudo apt-get install tesseract-ocr tesseract-ocr-vie"


@cache
def probe() -> tuple[str | None, str | None]:
    """(`tesseract <version> vie`, None) when Tesseract and its Vietnamese data are installed, else
    (None, why not, naming the apt command that installs them); once per process."""
    exe = shutil.which("tesseract")
    if exe is None:
        return None, f"OCR needs Tesseract with its Vietnamese data, not installed here; install them: {INSTALL}"
    try:
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"Tesseract does not run ({type(exc).__name__}); reinstall it: {INSTALL}"
    if LANG not in langs.split():
        return None, f"Tesseract has no Vietnamese data ({LANG}); install it: {INSTALL}"
    first = version.splitlines()[0].strip() if version.strip() else "tesseract"
    return f"{first} {LANG}", None


def engine() -> str | None:
    """`tesseract <version> vie` when OCR works on this machine, else None."""
    return probe()[0]


def unavailable() -> str | None:
    """Why OCR cannot run here, naming the apt command that fixes it; None when it can."""
    return probe()[1]
