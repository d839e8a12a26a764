"""The compiled modules (setup.py) are the `.py` sources, only faster.

Where vnplan is installed compiled (`pip install .`, as CI does), the seeds' facts must be
the same from the compiled modules and from their `.py` sources, loaded in a subprocess
that imports vnplan's sources first. An editable install compiles nothing: the comparison
is skipped there, and `setup.py`'s list of modules is still checked.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from vnplan.version import compiled_modules

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))

# Run in a subprocess: a finder ahead of the others that gives every vnplan module its .py file.
_SOURCE_FIRST = r'''
import importlib.abc, importlib.util, json, os, sys

class SourceFirst(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if not name.startswith("vnplan.") or not path:
            return None
        for d in path:
            src = os.path.join(d, name.rpartition(".")[2] + ".py")
            if os.path.isfile(src):
                return importlib.util.spec_from_file_location(name, src)
        return None

sys.meta_path.insert(0, SourceFirst())
from vnplan.run import process_file
from vnplan.outputs.facts_json import facts_json
print(json.dumps({"loaded_from": sorted({m.__file__.rsplit(".", 1)[-1] for n, m in sys.modules.items()
                                         if n.startswith("vnplan.") and getattr(m, "__file__", None)}),
                  "facts": [facts_json(process_file(p)) for p in sys.argv[1:]]}, ensure_ascii=False))
'''


def _literal(name: str):
    """A literal assigned at setup.py's top level (read, not run: running it builds)."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"setup.py has no {name}")


def _listed() -> dict[str, str]:
    """setup.py's compiled modules: module name -> source path (`pipeline/clean.py` -> `vnplan.clean`)."""
    package_of = _literal("PACKAGE_OF")
    out = {}
    for src in _literal("COMPILED"):
        folder, _, leaf = src.rpartition("/")
        out[f"{package_of[folder]}.{leaf.removesuffix('.py')}"] = src
    return out


def test_compiled_list_names_existing_modules():
    import tomllib

    # setup.py's folder -> package map is pyproject's package-dir, read the other way round.
    package_dir = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]
    assert _literal("PACKAGE_OF").items() <= {v: k for k, v in package_dir.items()}.items()
    listed = _listed()
    assert listed
    assert "vnplan.clean" in listed and "vnplan.extractors.tasks" in listed
    for src in listed.values():
        assert (ROOT / src).is_file(), src


def test_installed_compiled_modules_are_the_listed_ones():
    got = compiled_modules()
    if not got:
        pytest.skip("vnplan is not installed compiled (editable install or VNPLAN_PURE=1)")
    # All or nothing: a module missing here failed to compile (setup.py only warns).
    assert set(got) == set(_listed())


def test_compiled_and_source_give_the_same_facts():
    if not compiled_modules():
        pytest.skip("vnplan is not installed compiled (editable install or VNPLAN_PURE=1)")
    from vnplan.outputs.facts_json import facts_json
    from vnplan.run import process_file

    proc = subprocess.run([sys.executable, "-c", _SOURCE_FIRST, *map(str, SEEDS)],
                          capture_output=True, text=True, check=True)
    pure = json.loads(proc.stdout)
    assert pure["loaded_from"] == ["py"]  # every vnplan module came from its source
    compiled = [facts_json(process_file(p)) for p in SEEDS]
    assert len(compiled) == len(SEEDS) == 5
    assert pure["facts"] == json.loads(json.dumps(compiled, ensure_ascii=False))
