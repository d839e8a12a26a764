"""Build step: the per-file pipeline's modules compiled to C with Cython (README, "Compiled modules").

The `.py` files stay the source, and the only one: Cython compiles them as they are (no type
declarations, annotations ignored), so a compiled module behaves as its source does, ~12% faster.
Nothing is compiled for an editable install (`pip install -e .`, so an edit takes effect at once) or
when `VNPLAN_PURE=1` is set; a module that fails to compile (no C compiler, say) is installed as
plain Python, with a warning. Project metadata lives in pyproject.toml.
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# The stages every file goes through (clean, segment, extract, resolve) and what they call per line
# or per token. Loading, the store and the command line are I/O-bound and stay plain Python.
COMPILED = {
    "vnplan.clean": "pipeline/clean.py",
    "vnplan.segment": "pipeline/segment.py",
    "vnplan.metadata": "pipeline/metadata.py",
    "vnplan.normalize": "pipeline/normalize.py",
    "vnplan.scan": "pipeline/scan.py",
    "vnplan.models": "pipeline/models.py",
    "vnplan.extract": "pipeline/extract.py",
    "vnplan.resolve": "pipeline/resolve.py",
    "vnplan.extractors.agencies": "extractors/agencies.py",
    "vnplan.extractors.citations": "extractors/citations.py",
    "vnplan.extractors.deadlines": "extractors/deadlines.py",
    "vnplan.extractors.relations": "extractors/relations.py",
    "vnplan.extractors.targets": "extractors/targets.py",
    "vnplan.extractors.tasks": "extractors/tasks.py",
}


class OptionalBuildExt(build_ext):
    """`build_ext` that warns and moves on when a module does not compile: its `.py` is installed anyway."""

    def run(self) -> None:
        self.parallel = self.parallel or os.cpu_count() or 1
        try:
            super().run()
        except Exception as exc:  # a missing compiler fails before the first module
            self.warn(f"vnplan: not compiled, installing plain Python ({exc})")

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self.warn(f"vnplan: {ext.name} not compiled, installed as plain Python ({exc})")


def extensions() -> list[Extension]:
    """The modules to compile, or none (editable install, `VNPLAN_PURE=1`, no Cython)."""
    if os.environ.get("VNPLAN_PURE", "").strip().lower() in ("1", "true", "yes", "on"):
        return []
    if "editable_wheel" in sys.argv or "develop" in sys.argv:
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("vnplan: Cython not found, installing plain Python", file=sys.stderr)
        return []
    # -O1: a third of -O3's compile time, the same speed (the gain is the interpreter loop removed);
    # -g0: no debug information (a tenth of the size).
    exts = [Extension(name, [src], extra_compile_args=["-O1", "-g0"]) for name, src in COMPILED.items()]
    return cythonize(exts, build_dir="build/cython", quiet=True, nthreads=os.cpu_count() or 1,
                     compiler_directives={"language_level": 3, "binding": True, "annotation_typing": False})


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
