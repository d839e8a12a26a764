"""Render `vnplan report` pages and screenshot them in headless Chromium, to check them by eye.

    .venv/bin/python bench/screenshot_report.py corpus/000_086db076c625b478.txt --out /tmp/report.png
    .venv/bin/python bench/screenshot_report.py 871b281e39e39c91:1 --db vnplan.sqlite --out /tmp/plan.png
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def screenshot(html_path: str | Path, png_path: str | Path, width: int = 1280, height: int = 2000,
               timeout: float = 120) -> Path:
    """Screenshot a local HTML file with headless Chromium (no network, throwaway profile)."""
    png = Path(png_path).resolve()
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={width},{height}",
               Path(html_path).resolve().as_uri()]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    if not png.exists() or png.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot to {png}")
    return png


def main(argv: list[str] | None = None) -> int:
    """Write the report of FILE_OR_DOC_ID to HTML, then screenshot it."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("target", help="a file, or a doc_id in --db")
    ap.add_argument("--db", default="vnplan.sqlite")
    ap.add_argument("--out", default="report.png", help="PNG to write")
    ap.add_argument("--html", default=None, help="keep the HTML here (default: beside the PNG)")
    args = ap.parse_args(argv)
    from vnplan.outputs.report import write_report

    html_path = Path(args.html or Path(args.out).with_suffix(".html"))
    write_report(args.target, args.db, html_path)
    png = screenshot(html_path, args.out)
    print(f"{html_path} -> {png} ({png.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
