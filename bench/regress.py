"""Output regression check for refactors and speed work (not a test).

`save` runs the pipeline on a fixed sample of files and writes each file's facts
JSON into a folder; `check` runs it again and lists every file whose output
differs, with the first differing lines. A pure speed change must report no
difference.

    .venv/bin/python bench/regress.py save  /tmp/regress-base
    .venv/bin/python bench/regress.py check /tmp/regress-base
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import sys
import time
from pathlib import Path

CORPUS = Path("/work/shared/corpus")
SEEDS = Path(__file__).resolve().parent.parent / "corpus"


def sample(n: int, seed: int = 0) -> list[Path]:
    """The seeds plus `n` files from each of tvpl-2025 and congbao-txt (seeded, so stable)."""
    files = sorted(SEEDS.glob("*.txt"))
    for folder in ("tvpl-2025", "congbao-txt"):
        pool = sorted(p for p in (CORPUS / folder).iterdir() if p.is_file())
        files += sorted(random.Random(seed).sample(pool, min(n, len(pool))))
    return files


def facts_text(path: Path) -> str:
    """The facts JSON of one file as stable text, or the rejection reason."""
    from vnplan.errors import Reject
    from vnplan.outputs.facts_json import facts_json
    from vnplan.run import process_file

    try:
        return json.dumps(facts_json(process_file(path)), ensure_ascii=False, indent=1, sort_keys=True)
    except Reject as exc:
        return f"rejected: {exc}"


def main() -> int:
    """Command line: save or check."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["save", "check"])
    ap.add_argument("folder", type=Path)
    ap.add_argument("-n", type=int, default=60, help="files per corpus folder")
    args = ap.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    changed = 0
    t0 = time.process_time()
    for f in sample(args.n):
        out = facts_text(f)
        dest = args.folder / (f.parent.name + "__" + f.name + ".json")
        if args.mode == "save":
            dest.write_text(out, encoding="utf-8")
            continue
        old = dest.read_text(encoding="utf-8") if dest.exists() else ""
        if old != out:
            changed += 1
            diff = list(difflib.unified_diff(old.splitlines(), out.splitlines(), lineterm="", n=0))
            print(f"CHANGED {f}")
            print("\n".join(diff[2:14]))
    print(f"{'saved' if args.mode == 'save' else 'changed'}: {changed if args.mode == 'check' else ''} "
          f"cpu {time.process_time() - t0:.1f} s", file=sys.stderr)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
