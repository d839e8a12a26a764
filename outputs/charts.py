"""Pictures of committed vs achieved: targets against results over the years, drawn with matplotlib.

One panel per unit (points, percent, rank, ...: never two units on one axis), one line per
province. Results are filled circles joined by a solid line; targets are hollow diamonds (not
joined: they come from different plans), each labelled with its comparator (`≥ 95%`), so the two read apart in grey on paper
too; each province also has its own line style. Rank axes run downwards (1 = best, at the top).
Every point carries its value as text, and the footnote names the documents behind the chart and
what it leaves out (`Timeline.notes`).

Offline by construction: a bare `Figure` (no pyplot, no GUI backend; savefig picks the SVG or
PNG writer), the DejaVu Sans font matplotlib ships (it has
every Vietnamese letter), and glyphs written into the SVG as paths, so no viewer needs a font and
nothing is fetched. The output is deterministic (fixed SVG id salt, no date).
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from vnplan.errors import VnplanError
from vnplan.outputs.timeline import (
    COMPARATOR_SIGNS,
    Point,
    Timeline,
    number,
    with_unit,
)

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "svg.fonttype": "path",  # glyphs as paths: no font needed to view it, nothing to fetch
    "svg.hashsalt": "vnplan",  # stable ids, so the same data gives the same file
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# Colour-blind-safe (Okabe-Ito), and each province a line style too, for grey print.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
DASHES = ("-", (0, (7, 2)), (0, (7, 2, 2, 2)), (0, (3, 1)))
AXIS_LABELS = {"points": "points", "percent": "percent (%)", "rank": "rank (1 = best)", "count": "count",
               "days": "days", "times": "times"}
UNIT_ORDER = ("points", "percent", "count", "days", "times", "rank")
MAX_LABELLED = 10  # more points than this in one panel: their printed values would overlap


def _unit_key(unit: str) -> tuple[int, str]:
    return (UNIT_ORDER.index(unit) if unit in UNIT_ORDER else len(UNIT_ORDER), unit)


def title_of(tl: Timeline) -> str:
    """`PAR INDEX: committed vs achieved, Quảng Ninh`."""
    names = list(dict.fromkeys(p.indicator_name for p in tl.points)) or list(tl.indicators)
    provinces = sorted({p.province or "national" for p in tl.points})
    where = tl.province or (", ".join(provinces) if len(provinces) <= 3 else f"{len(provinces)} provinces")
    return f"{' / '.join(names)}: committed vs achieved" + (f", {where}" if where else "")


def sources_of(tl: Timeline) -> list[str]:
    """The documents behind the chart's points, in order of first appearance."""
    docs: dict[str, None] = {}
    for p in tl.points:
        for s in (*p.target_sources, *p.achieved_sources):
            docs[s.document] = None
    return list(docs)


def draw(tl: Timeline, width: float = 8.0) -> Figure:
    """The chart of a timeline as a matplotlib Figure (no pyplot state involved)."""
    points = [p for p in tl.points if p.criterion is None] or list(tl.points)
    if not points:
        raise VnplanError(f"nothing to chart: no dated target or result for {', '.join(tl.indicators)}"
                          + (f" in {tl.province}" if tl.province else ""))
    units = sorted({p.unit for p in points}, key=_unit_key)
    provinces = list(dict.fromkeys(p.province for p in points))
    years = sorted({p.year for p in points})
    foot = _footnote(tl)
    if len(provinces) > len(COLOURS):
        foot.insert(0, f"Note: {len(provinces)} provinces share {len(COLOURS)} colours (results also differ by "
                       "line style); chart one with --province to tell its targets apart.")
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, 0.6 + 2.6 * len(units) + 0.18 * len(foot)), layout="constrained")
        axes = fig.subplots(len(units), 1, sharex=True, squeeze=False)[:, 0]
        for ax, unit in zip(axes, units, strict=True):
            panel = [p for p in points if p.unit == unit]
            labels = len(panel) <= MAX_LABELLED
            if not labels:
                foot.insert(0, f"Note: the {unit} panel has {len(panel)} points, too many to print each value; "
                               "the report's table and `vnplan query` list them.")
            for i, prov in enumerate(provinces):
                _plot_series(ax, [p for p in panel if p.province == prov], i, unit, labels)
            ax.set_ylabel(AXIS_LABELS.get(unit, unit))
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
            ax.margins(x=0.15, y=0.3)
            if unit == "rank":
                values = [v for p in points if p.unit == unit
                          for v in (p.achieved_value, p.target_value) if v is not None]
                ax.set_ylim(max(values) + 1, max(0.5, min(values) - 1))  # inverted: 1 = best, on top
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes[-1].set_xlabel("year")
        axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
        if len(years) == 1:
            axes[-1].set_xlim(years[0] - 1, years[0] + 1)
        fig.suptitle("\n".join(textwrap.wrap(title_of(tl), 48)), x=0.02, ha="left", fontsize=11,
                     fontweight="bold")
        handles = _legend(provinces)
        fig.legend(handles=handles, loc="outside right upper", frameon=False, fontsize=9)
        if foot:
            fig.supxlabel("\n".join(foot), fontsize=7.5, color="#444444", x=0.01, ha="left")
    return fig


def _plot_series(ax, pts: Sequence[Point], i: int, unit: str, labels: bool) -> None:
    colour, dash = COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)]
    done = sorted((p for p in pts if p.achieved_value is not None), key=lambda p: p.year)
    goals = sorted((p for p in pts if p.target_value is not None), key=lambda p: p.year)
    if done:
        xs, ys = [p.year for p in done], [p.achieved_value for p in done]
        ax.plot(xs, ys, color=colour, linestyle=dash, linewidth=2, marker="o", markersize=7, zorder=3)
        for p in done if labels else ():
            text = ("~" if p.estimated else "") + _short(p.achieved_value, unit, p.achieved_of)
            ax.annotate(text, (p.year, p.achieved_value), textcoords="offset points", xytext=(0, -15),
                        ha="center", fontsize=8.5, color=colour)
    if goals:
        # Not joined: targets of different years come from different plans, often several a year.
        xs, ys = [p.year for p in goals], [p.target_value for p in goals]
        ax.plot(xs, ys, color=colour, linestyle="none", marker="D", markersize=8,
                markerfacecolor="white", markeredgewidth=1.8, zorder=4)
        for p in goals if labels else ():
            sign = COMPARATOR_SIGNS.get(p.target_comparator or "=", "=")
            mark = {True: " ✓", False: " ✗"}.get(p.met, "") if p.met is not None else ""
            ax.annotate(f"target {sign} {_short(p.target_value, unit)}{mark}", (p.year, p.target_value),
                        textcoords="offset points", xytext=(0, 9), ha="center", fontsize=8.5, color=colour,
                        fontweight="bold")


def _short(v: float | None, unit: str, of: int | None = None) -> str:
    if unit == "rank":
        return f"{number(v)}/{of}" if of else number(v)
    return with_unit(v, unit) if unit == "percent" else number(v)


def _legend(provinces: Sequence[str | None]) -> list[Line2D]:
    handles = [Line2D([], [], color="#333333", marker="o", markersize=7, linewidth=2, label="achieved"),
               Line2D([], [], color="#333333", marker="D", markersize=8, markerfacecolor="white",
                      markeredgewidth=1.8, linestyle="none", label="target (committed)")]
    for i, prov in enumerate(provinces):
        handles.append(Line2D([], [], color=COLOURS[i % len(COLOURS)], linestyle=DASHES[i % len(DASHES)],
                              linewidth=2, label=prov or "national"))
    return handles


def _footnote(tl: Timeline) -> list[str]:
    lines = [f"Note: {n}." for n in tl.notes]
    docs = sources_of(tl)
    if docs:
        lines += textwrap.wrap("Sources: " + "; ".join(docs), 130)
    lines.append("✓ met, ✗ not met; a target without a mark has no result for its year yet.")
    return lines


def render(fig: Figure, fmt: str, dpi: int = 150) -> bytes:
    """The figure as SVG or PNG bytes (no date or software stamp, so equal data gives equal bytes)."""
    buf = io.BytesIO()
    meta = {"Date": None} if fmt == "svg" else {"Software": None}
    with matplotlib.rc_context(STYLE):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()


def svg_data_uri(tl: Timeline, width: float = 8.0) -> str:
    """A chart as a `data:` URI for an `<img>`: self-contained, and an image runs no script."""
    return "data:image/svg+xml;base64," + base64.b64encode(render(draw(tl, width), "svg")).decode("ascii")


def write_chart(tl: Timeline, out: str | Path) -> list[Path]:
    """Write the chart as `<out>.svg` and `<out>.png` (whatever suffix `out` has); returns both paths."""
    base = Path(out)
    if base.suffix.lower() in (".svg", ".png"):
        base = base.with_suffix("")
    fig = draw(tl)
    paths = []
    for fmt in ("svg", "png"):
        path = base.with_name(base.name + "." + fmt)
        data = render(fig, fmt)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise VnplanError(f"cannot write {path}: {exc.strerror or exc}") from None
        paths.append(path)
    return paths
