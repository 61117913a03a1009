"""Charts as inline SVG, drawn with matplotlib's object API (no pyplot, no GUI backend).

Why SVG strings: the report is one self-contained HTML file that must open offline and print
sharply, so charts are vector markup embedded in the page, not image files beside it. A fixed
hash salt and no creation date make the same audit give the same bytes; every element id is
prefixed with the chart's name, so several charts share one page without clashing.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

BLUE = "#1d70b8"
"""GOV.UK link blue: the single-series colour."""
SERIES = ("#12436d", "#f46a25", "#28a197", "#801650")
"""Government Analysis Function accessible palette: dark blue, orange, turquoise, dark pink."""
TEXT = "#0b0c0c"
SECONDARY = "#505a5f"
FONT = ["Arial", "Helvetica", "Liberation Sans", "DejaVu Sans", "sans-serif"]
WIDTH_INCHES = 8.0

_SVG_START = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_SIZE_ATTRIBUTES = re.compile(r'\s(width|height)="[^"]*pt"')
_ID_REFERENCES = re.compile(r'(\sid="|url\(#|xlink:href="#)([^")]+)')


def horizontal_bars_svg(name: str, labels: Sequence[str], values: Sequence[float], *,
                        xlabel: str, intervals: Sequence[tuple[float, float]] | None = None,
                        value_format: str = "{:,.0f}") -> str:
    """One bar per label, top to bottom in the order given, each with its value printed.

    `intervals` (low, high) draw error bars, so a reader sees which differences are noise.
    """
    figure = Figure(figsize=(WIDTH_INCHES, 0.8 + 0.32 * max(len(labels), 1)))
    axes = figure.subplots()
    positions = list(range(len(labels)))
    xerr = None
    if intervals is not None:
        xerr = [[max(v - low, 0.0) for v, (low, _) in zip(values, intervals, strict=True)],
                [max(high - v, 0.0) for v, (_, high) in zip(values, intervals, strict=True)]]
    axes.barh(positions, values, color=BLUE, height=0.7, xerr=xerr,
              error_kw={"ecolor": SECONDARY, "elinewidth": 1, "capsize": 2})
    axes.set_yticks(positions, labels=_wrapped(labels))
    axes.invert_yaxis()
    ends = [high for _, high in intervals] if intervals is not None else list(values)
    top = max([*values, *ends], default=0.0)
    for position, value, end in zip(positions, values, ends, strict=True):
        axes.text(max(value, end) + top * 0.01, position, value_format.format(value),
                  va="center", ha="left", fontsize=8, color=TEXT)
    axes.set_xlim(0, top * 1.15 if top > 0 else 1)
    axes.set_xlabel(xlabel)
    _style(axes)
    return _svg(figure, name)


def diverging_bars_svg(name: str, labels: Sequence[str], values: Sequence[float], *,
                       xlabel: str, value_format: str = "{:+.1f}", limit: float = 25.0) -> str:
    """One bar per label either side of zero: evidence for (right, blue) and against (left,
    orange), as Splink draws match weights, each with its value printed.

    Bars beyond `limit` are cut at it (their printed value stays true), so one level the
    model found never to happen does not shrink every other bar to a sliver.
    """
    figure = Figure(figsize=(WIDTH_INCHES, 0.8 + 0.28 * max(len(labels), 1)))
    axes = figure.subplots()
    positions = list(range(len(labels)))
    drawn = [max(-limit, min(limit, v)) for v in values]
    axes.barh(positions, drawn, height=0.7,
              color=[SERIES[0] if v >= 0 else SERIES[1] for v in values])
    axes.set_yticks(positions, labels=_wrapped(labels, 45))
    axes.invert_yaxis()
    reach = max((abs(v) for v in drawn), default=1.0) or 1.0
    for position, value, bar in zip(positions, values, drawn, strict=True):
        axes.text(bar + (reach if value >= 0 else -reach) * 0.02, position,
                  value_format.format(value), va="center", ha="left" if value >= 0 else "right",
                  fontsize=7, color=TEXT)
    axes.set_xlim(-reach * 1.25, reach * 1.25)
    axes.axvline(0, color=SECONDARY, linewidth=0.8)
    axes.set_xlabel(xlabel)
    _style(axes)
    return _svg(figure, name)


def grouped_bars_svg(name: str, categories: Sequence[str],
                     series: Mapping[str, Sequence[float | None]], *, xlabel: str,
                     value_format: str = "{:.0f}%") -> str:
    """Horizontal bars for several series per category (e.g. victims and perpetrators).

    A None value is left as a gap and labelled 'no data', so a missing figure never reads as 0.
    """
    count = max(len(series), 1)
    figure = Figure(figsize=(WIDTH_INCHES, 1.0 + 0.28 * count * max(len(categories), 1)))
    axes = figure.subplots()
    height = 0.8 / count
    top = max((v for values in series.values() for v in values if v is not None), default=0.0)
    for index, (label, values) in enumerate(series.items()):
        positions = [c + (index - (count - 1) / 2) * height for c in range(len(categories))]
        drawn = [v if v is not None else 0.0 for v in values]
        axes.barh(positions, drawn, height=height * 0.95, label=label,
                  color=SERIES[index % len(SERIES)])
        for position, value in zip(positions, values, strict=True):
            text = value_format.format(value) if value is not None else "no data"
            axes.text((value or 0.0) + top * 0.01, position, text, va="center", ha="left",
                      fontsize=7, color=TEXT)
    axes.set_yticks(range(len(categories)), labels=_wrapped(categories))
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.18 if top > 0 else 1)
    axes.set_xlabel(xlabel)
    if series:
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(count, 2),
                    frameon=False, fontsize=8)
    _style(axes)
    return _svg(figure, name)


def monthly_lines_svg(name: str, months: Sequence[str],
                      series: Mapping[str, Sequence[float | None]], *, ylabel: str) -> str:
    """One line per series over months (a trend); a None value (a hidden or missing figure)
    breaks its line rather than drawing a zero."""
    figure = Figure(figsize=(WIDTH_INCHES, 3.2))
    axes = figure.subplots()
    positions = list(range(len(months)))
    for index, (label, values) in enumerate(series.items()):
        drawn = [float("nan") if v is None else v for v in values]
        axes.plot(positions, drawn, label=label, color=SERIES[index % len(SERIES)],
                  linewidth=1.5, marker="o", markersize=2)
    step = max(1, len(months) // 12)
    axes.set_xticks(positions[::step], labels=list(months)[::step], rotation=45, ha="right")
    axes.set_ylim(bottom=0)
    axes.set_ylabel(ylabel)
    axes.yaxis.label.set_color(TEXT)
    if series:
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(len(series), 2),
                    frameon=False, fontsize=8)
    _style(axes)
    axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    return _svg(figure, name)


@dataclass(frozen=True)
class FunnelLimits:
    """One pair of control limits, drawn as two lines over a run of populations."""

    label: str
    populations: Sequence[float]
    lower: Sequence[float]
    upper: Sequence[float]


def funnel_plot_svg(name: str, points: Sequence[tuple[str, float, float]], *, centre: float,
                    limits: Sequence[FunnelLimits], named: Sequence[str], xlabel: str,
                    ylabel: str) -> str:
    """Each area as a dot at (population, rate) around the `centre` line and its control
    `limits`, the areas in `named` labelled beside their dot.

    Why no bars and no order: the points are drawn where their population puts them, so the
    eye compares each with the limits for its size rather than with its neighbours in a rank.
    The population axis is logarithmic, as forces range from thousands to millions.
    """
    figure = Figure(figsize=(WIDTH_INCHES, 5.0))
    axes = figure.subplots()
    styles = ("--", ":")
    for index, limit in enumerate(limits):
        style = styles[index % len(styles)]
        axes.plot(limit.populations, limit.upper, style, color=SECONDARY, linewidth=1,
                  label=limit.label)
        axes.plot(limit.populations, limit.lower, style, color=SECONDARY, linewidth=1)
    if points:
        axes.axhline(centre, color=SERIES[0], linewidth=1, label="National rate")
    populations = [population for _, population, _ in points]
    rates = [rate for _, _, rate in points]
    outside = set(named)
    axes.scatter(populations, rates, s=18, zorder=3,
                 color=[SERIES[1] if label in outside else BLUE for label, _, _ in points])
    for label, population, rate in points:
        if label in outside:
            axes.annotate(label, (population, rate), xytext=(4, 3), textcoords="offset points",
                          fontsize=7, color=TEXT)
    axes.set_xscale("log")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel, color=TEXT)
    axes.set_ylim(bottom=0)
    if points:
        axes.legend(loc="upper right", frameon=False, fontsize=8)
    _style(axes)
    return _svg(figure, name)


def control_chart_svg(name: str, labels: Sequence[str], values: Sequence[float | None], *,
                      centre: float, lower: Sequence[float | None],
                      upper: Sequence[float | None], flagged: Sequence[bool],
                      ylabel: str) -> str:
    """A statistical process control chart: the series in time order, its centre line and
    its 3-sigma limits (steps where they vary with each period's size), the points a
    special-cause rule flagged in orange and marked larger.

    A None value (a figure not shown) is a gap in the line, never a zero.
    """
    figure = Figure(figsize=(WIDTH_INCHES, 3.2))
    axes = figure.subplots()
    positions = list(range(len(labels)))
    plotted = [math.nan if v is None else v for v in values]
    axes.plot(positions, plotted, "-o", color=BLUE, markersize=3, linewidth=1, label="Value")
    axes.axhline(centre, color=SERIES[0], linewidth=1, label="Centre line")
    for limits, text in ((upper, "3-sigma limits"), (lower, None)):
        axes.step(positions, [math.nan if v is None else v for v in limits], where="mid",
                  linestyle="--", color=SECONDARY, linewidth=1, label=text)
    special = [(p, v) for p, v, f in zip(positions, plotted, flagged, strict=True) if f]
    if special:
        axes.scatter([p for p, _ in special], [v for _, v in special], s=36, zorder=3,
                     color=SERIES[1], label="Special cause")
    axes.set_xticks(positions, labels=list(labels), rotation=45, ha="right")
    axes.set_ylabel(ylabel, color=TEXT)
    axes.set_ylim(bottom=0)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7)
    _style(axes)
    return _svg(figure, name)


def _wrapped(labels: Sequence[str], width: int = 30) -> list[str]:
    """Long category names on several lines, so the plot keeps most of the width."""
    return ["\n".join(textwrap.wrap(label, width)) or label for label in labels]


def _style(axes: Axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.spines["left"].set_color(SECONDARY)
    axes.spines["bottom"].set_color(SECONDARY)
    axes.tick_params(colors=TEXT, labelsize=8)
    axes.xaxis.label.set_color(TEXT)
    axes.grid(axis="x", color="#b1b4b6", linewidth=0.5)
    axes.set_axisbelow(True)


def _svg(figure: Figure, name: str) -> str:
    """The figure as an `<svg>` element that scales to its container."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": f"tessera-{name}", "svg.fonttype": "none",
                                "font.family": "sans-serif", "font.sans-serif": FONT}):
        figure.tight_layout()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = _SVG_START.sub("", buffer.getvalue(), count=1)
    svg = _SIZE_ATTRIBUTES.sub("", svg, count=2)
    # matplotlib numbers its elements (line2d_1, patch_1) per figure; prefix every id and
    # reference so several charts can share one HTML page without duplicate ids.
    return _ID_REFERENCES.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", svg)
