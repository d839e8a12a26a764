"""Build step: the per-file pipeline's modules compiled to C with Cython (README, "Compiled modules").

The `.py` files stay the source, and the only one: Cython compiles them as they are (no type
declarations, annotations ignored), so a compiled module behaves as its source does; a `vnplan
ingest` run takes 6–8% less time.
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
COMPILED = (
    "pipeline/clean.py",
    "pipeline/segment.py",
    "pipeline/metadata.py",
    "pipeline/text/normalize.py",
    "pipeline/text/scan.py",
    "pipeline/text/tones.py",
    "pipeline/text/tokens.py",
    "pipeline/text/dates.py",
    "pipeline/text/headings.py",
    "pipeline/text/provinces.py",
    "pipeline/text/symbols.py",
    "pipeline/context.py",
    "pipeline/text/numbers.py",
    "pipeline/text/indicators.py",
    "pipeline/text/tables.py",
    "pipeline/models.py",
    "pipeline/extract.py",
    "pipeline/resolve.py",
    "extractors/agencies.py",
    "extractors/citations.py",
    "extractors/deadlines.py",
    "extractors/relations.py",
    "extractors/targets.py",
    "extractors/tasks.py",
)
# The package each folder installs as (`package-dir` in pyproject.toml).
PACKAGE_OF = {"pipeline": "vnplan", "pipeline/text": "vnplan.text", "extractors": "vnplan.extractors"}


def module_name(src: str) -> str:
    """`pipeline/clean.py` -> `vnplan.clean`."""
    folder, _, leaf = src.rpartition("/")
    return f"{PACKAGE_OF[folder]}.{leaf.removesuffix('.py')}"


class OptionalBuildExt(build_ext):
    """`build_ext` that warns and moves on when a module does not compile: its `.py` is installed anyway."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.parallel = self.parallel or os.cpu_count() or 1

    def run(self) -> None:
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
    exts = [Extension(module_name(src), [src], extra_compile_args=["-O1", "-g0"]) for src in COMPILED]
    return cythonize(exts, build_dir="build/cython", quiet=True, nthreads=os.cpu_count() or 1,
                     compiler_directives={"language_level": 3, "binding": True, "annotation_typing": False})


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
