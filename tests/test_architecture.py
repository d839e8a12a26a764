"""The house rules of the package's imports, checked on the source tree.

- Stages import downward only, and the shared text helpers import no stage or extractor:
  import-linter's contracts in pyproject.toml (`[tool.importlinter]`), run on the sources laid
  out as the installed package is (the folders map to `vnplan.*` through package-dir).
- No import cycles between modules, counting imports inside functions.
- No private name (`_name`) is imported from another vnplan module.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]

# Known exceptions, each to be removed by the change that fixes it (a new one fails the test).
ALLOWED_PRIVATE = {("vnplan.scale", "vnplan.ingest", "_stamp"), ("vnplan.scale", "vnplan.ingest", "_tick")}
ALLOWED_CYCLES = {frozenset({"vnplan.ingest", "vnplan.scale"})}


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """The sources as the installed package lays them out: vnplan/, vnplan/text/, vnplan/extractors/, ..."""
    base = tmp_path_factory.mktemp("layout")
    for pkg, folder in sorted(PACKAGE_DIR.items(), key=lambda kv: kv[0].count(".")):
        dest = base.joinpath(*pkg.split("."))
        dest.mkdir(parents=True, exist_ok=True)
        for src in (ROOT / folder).glob("*.py"):
            shutil.copy(src, dest / src.name)
    return base


def modules(tree: Path) -> dict[str, Path]:
    """Module name -> file, for every module of the package."""
    out = {}
    for f in tree.rglob("*.py"):
        parts = list(f.relative_to(tree).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = f
    return out


def imports(tree: Path) -> list[tuple[str, str, str | None]]:
    """(importer, imported module, imported name or None) for every vnplan import, at any depth."""
    mods = modules(tree)
    out = []
    for name, f in mods.items():
        is_pkg = f.name == "__init__.py"
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out += [(name, a.name, None) for a in node.names if a.name.startswith("vnplan")]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    pkg = name.split(".") if is_pkg else name.split(".")[:-1]
                    pkg = pkg[: len(pkg) - (node.level - 1)]
                    base = ".".join(pkg + ([base] if base else []))
                if not base.startswith("vnplan"):
                    continue
                for a in node.names:
                    sub = f"{base}.{a.name}"
                    out.append((name, sub, None) if sub in mods else (name, base, a.name))
    return out


def test_import_linter_contracts_hold(tree: Path) -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    run = subprocess.run([exe, str(ROOT / "pyproject.toml")], cwd=tree, capture_output=True, text=True,
                         env={"PYTHONPATH": str(tree), "PATH": str(Path(sys.executable).parent)})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_no_private_name_crosses_modules(tree: Path) -> None:
    crossing = {(a, b, n) for a, b, n in imports(tree) if n and n.startswith("_") and not n.startswith("__") and a != b}
    assert crossing <= ALLOWED_PRIVATE, sorted(crossing - ALLOWED_PRIVATE)


def test_no_import_cycles(tree: Path) -> None:
    mods = set(modules(tree))
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for a, b, _ in imports(tree):
        while b and b not in mods:
            b = b.rpartition(".")[0]
        if b and b != a:
            edges[a].add(b)
    # Strongly connected components (Tarjan).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    comps: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(frozenset(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(mods):
        if v not in index:
            visit(v)
    assert set(comps) <= ALLOWED_CYCLES, [sorted(c) for c in comps if c not in ALLOWED_CYCLES]
