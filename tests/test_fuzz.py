"""Fuzzing: random, truncated and mutated bytes into each loader and the whole pipeline.

Only `Reject` may escape; any other exception is a bug in a stage. The
mutators are the ones `bench/soak.py` uses for its 10,000-input soak run.
"""

from __future__ import annotations

import importlib.util
import logging
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vnplan.errors import MESSAGES, Reject
from vnplan.load import load_bytes
from vnplan.run import process_bytes

from .conftest import SEEDS

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("vnplan_soak", ROOT / "bench" / "soak.py")
soak = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(soak)

KINDS = ("txt", "md", "html", "pdf")
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True)
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _seed_pieces(max_chars: int = 2500) -> list[tuple[str, bytes]]:
    """Real text to mutate: the head of each seed as txt, md, html and a tiny PDF."""
    out = []
    for p in SEEDS:
        piece = p.read_text(encoding="utf-8")[:max_chars]
        out.append(("txt", piece.encode()))
        out.append(("md", piece.encode()))
        out.append(("html", f"<html><body><nav>menu</nav><p>{soak._html_escape(piece)}</p></body></html>".encode()))
        out.append(("pdf", soak.tiny_pdf(soak.ascii_fold(piece).splitlines()[:40])))
    return out


PIECES = _seed_pieces()


def only_rejects(fn, *args):
    """Call fn; a Reject must carry a known code and a reason, and nothing else may escape."""
    try:
        return fn(*args)
    except Reject as exc:
        assert exc.code in MESSAGES or exc.code.startswith("E0"), exc.code
        assert exc.reason
        return None


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(data=st.binary(max_size=4096))
def test_loaders_take_random_bytes(kind, data):
    src = only_rejects(load_bytes, data, kind)
    if src is not None:
        assert isinstance(src.text, str) and src.kind == kind


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(rng=st.randoms(use_true_random=False), cut=st.floats(0, 1))
def test_loaders_take_truncated_real_files(kind, rng, cut):
    _k, data = rng.choice([p for p in PIECES if p[0] == kind])
    only_rejects(load_bytes, data[: int(len(data) * cut)], kind)


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(rng=st.randoms(use_true_random=False))
def test_loaders_take_mutated_real_files(kind, rng):
    _k, data = rng.choice([p for p in PIECES if p[0] == kind])
    _how, bad = soak.mutate(kind, data, rng)
    only_rejects(load_bytes, bad, kind)


@FUZZ
@given(rng=st.randoms(use_true_random=False))
def test_pipeline_takes_mutated_real_files(rng):
    kind, data = rng.choice(PIECES)
    _how, bad = soak.mutate(kind, data, rng)
    result = only_rejects(process_bytes, bad, kind)
    if result is not None:
        text = result.cleaned.text
        for f in result.facts:
            assert text[f.start : f.end] == f.quote


@FUZZ
@given(data=st.binary(max_size=2048), kind=st.sampled_from(KINDS))
def test_pipeline_takes_random_bytes(data, kind):
    only_rejects(process_bytes, data, kind)


@FUZZ
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=800))
def test_pipeline_takes_random_unicode_text(text):
    only_rejects(process_bytes, text.encode(), "txt")


@pytest.mark.parametrize(("kind", "data", "code"), [
    ("txt", b"", "E001"),
    ("txt", b"   \n\t ", "E001"),
    ("txt", b"\x00\x01\x02" * 100, "E002"),
    ("pdf", b"%PDF-1.4\n", "E005"),
    ("pdf", soak.tiny_pdf([]), "E004"),
    ("html", b"<html><script>only script</script></html>", "E008"),
])
def test_known_bad_inputs_get_their_code(kind, data, code):
    with pytest.raises(Reject) as info:
        process_bytes(data, kind)
    assert info.value.code == code


@pytest.mark.parametrize("name", sorted(soak.MUTATORS))
def test_each_mutator_changes_or_keeps_bytes_without_failing(name):
    rng = random.Random(7)
    for _kind, data in PIECES[:4]:
        out = soak.MUTATORS[name](data, rng)
        assert isinstance(out, bytes)


def test_tiny_pdf_has_a_text_layer():
    src = load_bytes(soak.tiny_pdf(["Quyet dinh so 205/QD-UBND", "ngay 13 thang 3 nam 2017"]), "pdf")
    assert "205/QD-UBND" in src.text
