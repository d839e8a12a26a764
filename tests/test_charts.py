"""`vnplan chart`: targets against results as SVG and PNG, offline and readable on paper."""

from __future__ import annotations

import re
import sqlite3
import struct
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest
from click.testing import CliRunner
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from vnplan.cli import main
from vnplan.outputs.charts import draw, render, write_chart
from vnplan.outputs.timeline import timeline

from .progress_helpers import make_progress_kb


@pytest.fixture(scope="module")
def pkb(tmp_path_factory):
    return make_progress_kb(tmp_path_factory.mktemp("charts") / "kb.sqlite")


def run(*args):
    return CliRunner().invoke(main, list(args))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_chart_command_writes_svg_and_png(pkb, tmp_path):
    out = tmp_path / "par"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a warning: fail on it
        result = run("chart", "PAR INDEX", "--province", "quang ninh", "--db", str(pkb), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}.svg, {out}.png: 4 points, 1 province\n"
    svg = (tmp_path / "par.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)  # well-formed
    assert root.tag.endswith("svg")
    # Texts are drawn as glyph paths (no font needed to view it); matplotlib keeps each text as a comment.
    for text in ("PAR INDEX: committed vs achieved, Quảng Ninh", "achieved", "target (committed)", "year",
                 "points", "rank (1 = best)", "91.14", "90.3", "2/63", "3/63", "target = 93.157 ✗",
                 "Quảng Ninh", "Sources: Kế hoạch 205/KH-UBND; Báo cáo 12/BC-UBND"):
        assert f"<!-- {text}" in svg, text
    # Vietnamese letters come from DejaVu Sans's own glyphs (ả, U+1EA3), not the missing-glyph box (index 0).
    for family, weight, name in (("DejaVu Sans", "normal", "DejaVuSans"), ("DejaVu Sans", "bold", "DejaVuSans-Bold")):
        path = font_manager.findfont(font_manager.FontProperties(family=family, weight=weight))
        index = FT2Font(path).get_char_index(ord("ả"))
        assert index and f'id="{name}-{index:x}"' in svg
    w, h = png_size((tmp_path / "par.png").read_bytes())
    assert w >= 1000 and h >= 600


def test_chart_is_offline_and_inert(pkb, tmp_path):
    write_chart(timeline(sqlite3.connect(pkb), "par_index", "Quảng Ninh"), tmp_path / "c.svg")
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert "<script" not in svg and "<text" not in svg and "@font-face" not in svg and "@import" not in svg
    assert 'href="http' not in svg and "url(http" not in svg
    # The font is the one matplotlib ships, not a system font that another machine may lack.
    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=False)
    assert Path(path).is_relative_to(Path(matplotlib.get_data_path()))


def test_same_data_same_bytes(pkb):
    tl = timeline(sqlite3.connect(pkb), "sipas")
    assert render(draw(tl), "svg") == render(draw(tl), "svg")
    assert render(draw(tl), "png") == render(draw(tl), "png")


def test_every_province_gets_its_line_and_the_legend_says_which(pkb, tmp_path):
    result = run("chart", "satisfaction", "--db", str(pkb), "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "s.svg").read_text(encoding="utf-8")
    assert "<!-- Quảng Ngãi -->" in svg and "target &gt; 90%" in svg


def test_default_file_name_names_indicator_and_province(pkb, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("chart", "Chỉ số hài lòng về sự phục vụ hành chính", "--province", "tỉnh Quảng Ninh", "--db", str(pkb))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "chart-sipas-quang-ninh.svg").exists() and (tmp_path / "chart-sipas-quang-ninh.png").exists()


@pytest.mark.parametrize(("args", "error"), [
    (["GDP"], "Error: no indicator named 'GDP'; known codes: "),
    (["PAR INDEX", "--province", "Atlantis"], "Error: no province named 'Atlantis' in this knowledge base\n"),
    (["satisfaction", "--province", "Lạng Sơn"], "Error: nothing to chart: no dated target or result for "
                                                 "satisfaction in Lạng Sơn\n"),
])
def test_chart_errors_are_one_line(pkb, tmp_path, args, error):
    result = run("chart", *args, "--db", str(pkb), "--out", str(tmp_path / "x"))
    assert result.exit_code == 1 and result.output.startswith(error) and result.output.count("\n") == 1, result.output
    assert not (tmp_path / "x.svg").exists()


def test_chart_without_database_is_one_line(tmp_path):
    result = run("chart", "par_index", "--db", str(tmp_path / "none.sqlite"))
    assert result.output == f"Error: no database at {tmp_path / 'none.sqlite'}; run `vnplan ingest` first\n"


def test_many_points_are_drawn_without_overlapping_labels_and_say_so(pkb, tmp_path):
    conn = sqlite3.connect(pkb)
    conn.executemany(
        "INSERT INTO targets (id, doc_id, file_sha, section, start, [end], quote, rule, value, unit, comparator, "
        "indicator, deadline_year) SELECT ?, doc_id, file_sha, '', 0, 1, 'q', 't', ?, 'percent', '>=', 'sipas', ? "
        "FROM documents WHERE symbol = '205/KH-UBND'", [(f"many{i}", 50 + i, 2010 + i) for i in range(12)])
    try:
        svg = render(draw(timeline(conn, "sipas", "Quảng Ninh")), "svg").decode("utf-8")
    finally:
        conn.rollback()
    assert "<!-- target ≥ 55% -->" not in svg
    assert re.search(r"Note: the percent panel has 1[3-4] points, too many to print each value", svg)
    assert "<!-- 1/63 -->" in svg  # the rank panel, with few points, keeps its values
