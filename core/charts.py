"""Charts drawn on the server as SVG: bars, stacked bars, lines, and shares against a target.

A report builds a ``Chart`` from its figures and renders it with
``{{ chart(figure) }}`` (the Jinja global registered by ``init_app``), which gives a
``<figure>``: the SVG for the eye, hidden from screen readers, and the same numbers as a
table that screen readers read (and that prints). Nothing needs a script or a ``style``
attribute: colours come from the classes ``chart-series-N`` in ``app.css``, so the chart
lives within the CSP ``default-src 'self'``. The caller passes translated titles and labels.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import Flask, render_template
from markupsafe import Markup

KINDS = ("bar", "stacked", "line", "target")
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56  # room for the axis labels
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One row of numbers, one per label of the chart (None where there is no figure)."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """What to draw: ``kind`` (bar, stacked, line, target), a title, the category labels
    along the bottom and the series.

    ``target`` charts show each label's share (0-100, one series) against ``target``.
    ``show`` formats a number for the labels and the table (default: as it is, with the
    ``unit`` after it).
    """

    kind: str
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    target: float | None = None
    target_label: str = ""
    show: Callable[[float], str] | None = None
    description: str = ""
    key: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}: one of {', '.join(KINDS)}")
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(f"series {series.name!r} has not one value per label")
        if self.kind == "target" and len(self.series) != 1:
            raise ValueError("a target chart shows one series of shares")

    def text(self, value: float | None) -> str:
        if value is None:
            return "–"
        if self.show is not None:
            return self.show(value)
        number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        return f"{number}{self.unit}"


@dataclass(frozen=True)
class Shape:
    """A drawn element: ``tag`` with its attributes; ``text`` for labels."""

    tag: str
    attrs: tuple[tuple[str, str], ...]
    text: str = ""


def nice_top(largest: float) -> tuple[float, float]:
    """A round top for the axis above ``largest`` and the step between its grid lines."""
    if largest <= 0:
        return 1.0, 0.25
    raw = largest / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(largest / step), step


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _shape(tag: str, text: str = "", **attrs: object) -> Shape:
    pairs = tuple((k.rstrip("_").replace("_", "-"), str(v)) for k, v in attrs.items())
    return Shape(tag, pairs, text)


def shapes(chart: Chart) -> list[Shape]:
    """Every element of the SVG, in drawing order."""
    if chart.kind == "target":
        return _target_shapes(chart)
    if chart.kind == "stacked":
        sums = [
            sum(v or 0 for v in column)
            for column in zip(*(s.values for s in chart.series), strict=True)
        ]
        largest = max(sums, default=0)
    else:
        largest = max((v for s in chart.series for v in s.values if v is not None), default=0)
    top, step = nice_top(largest)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    out = []
    for i in range(int(round(top / step)) + 1):
        level = i * step
        out.append(
            _shape(
                "line",
                class_="chart-grid",
                x1=LEFT,
                x2=WIDTH - RIGHT,
                y1=_n(y(level)),
                y2=_n(y(level)),
            )
        )
        out.append(
            _shape(
                "text",
                chart.text(level),
                class_="chart-axis",
                x=LEFT - 6,
                y=_n(y(level) + 4),
                text_anchor="end",
            )
        )
    slot = plot_w / max(len(chart.labels), 1)
    for i, label in enumerate(chart.labels):
        out.append(
            _shape(
                "text",
                label,
                class_="chart-axis",
                x=_n(LEFT + slot * (i + 0.5)),
                y=HEIGHT - BOTTOM + 18,
                text_anchor="middle",
            )
        )
    if chart.kind == "line":
        for n, series in enumerate(chart.series):
            points = [
                (LEFT + slot * (i + 0.5), y(v))
                for i, v in enumerate(series.values)
                if v is not None
            ]
            css = f"chart-line chart-series-{n % 6 + 1}"
            out.append(
                _shape(
                    "polyline", class_=css, points=" ".join(f"{_n(a)},{_n(b)}" for a, b in points)
                )
            )
            for a, b in points:
                out.append(
                    _shape(
                        "circle",
                        class_=f"chart-dot chart-series-{n % 6 + 1}",
                        cx=_n(a),
                        cy=_n(b),
                        r=3,
                    )
                )
    else:
        bars = 1 if chart.kind == "stacked" else max(len(chart.series), 1)
        width = slot * 0.7 / bars
        for i in range(len(chart.labels)):
            base = 0.0
            for n, series in enumerate(chart.series):
                value = series.values[i] or 0
                x = LEFT + slot * i + slot * 0.15 + (0 if chart.kind == "stacked" else n * width)
                bottom = base if chart.kind == "stacked" else 0
                out.append(
                    _shape(
                        "rect",
                        class_=f"chart-bar chart-series-{n % 6 + 1}",
                        x=_n(x),
                        y=_n(y(bottom + value)),
                        width=_n(width),
                        height=_n(y(bottom) - y(bottom + value)),
                    )
                )
                if chart.kind == "stacked":
                    base += value
    out += _legend(chart)
    return out


def _target_shapes(chart: Chart) -> list[Shape]:
    [series] = chart.series
    row = 28
    plot_w = WIDTH - LEFT * 3 - RIGHT
    out = []
    for i, (label, value) in enumerate(zip(chart.labels, series.values, strict=True)):
        top = TOP + i * row
        share = max(0.0, min(float(value or 0), 100.0))
        met = chart.target is None or (value is not None and value >= chart.target)
        out.append(
            _shape(
                "text", label, class_="chart-axis", x=LEFT * 2 - 6, y=top + 16, text_anchor="end"
            )
        )
        out.append(
            _shape("rect", class_="chart-track", x=LEFT * 2, y=top + 4, width=plot_w, height=16)
        )
        out.append(
            _shape(
                "rect",
                class_="chart-bar " + ("chart-met" if met else "chart-short"),
                x=LEFT * 2,
                y=top + 4,
                width=_n(plot_w * share / 100),
                height=16,
            )
        )
        out.append(
            _shape(
                "text", chart.text(value), class_="chart-value", x=LEFT * 2 + plot_w + 6, y=top + 16
            )
        )
    if chart.target is not None:
        x = _n(LEFT * 2 + plot_w * chart.target / 100)
        bottom = TOP + len(chart.labels) * row + 4
        out.append(_shape("line", class_="chart-target", x1=x, x2=x, y1=TOP, y2=bottom))
        out.append(
            _shape(
                "text",
                chart.target_label or chart.text(chart.target),
                class_="chart-axis",
                x=x,
                y=bottom + 14,
                text_anchor="middle",
            )
        )
    return out


def _legend(chart: Chart) -> list[Shape]:
    if len(chart.series) < 2:
        return []
    out, x = [], LEFT
    for n, series in enumerate(chart.series):
        y = HEIGHT - 18
        out.append(
            _shape(
                "rect",
                class_=f"chart-key chart-series-{n % 6 + 1}",
                x=_n(x),
                y=y - 10,
                width=12,
                height=12,
            )
        )
        out.append(_shape("text", series.name, class_="chart-axis", x=_n(x + 16), y=y))
        x += 24 + 8 * len(series.name)
    return out


def height_of(chart: Chart) -> int:
    if chart.kind == "target":
        return TOP + len(chart.labels) * 28 + 32
    return HEIGHT


def render(chart: Chart) -> Markup:
    """The chart's ``<figure>``: the SVG and the table of its numbers."""
    return Markup(
        render_template(
            "components/chart.html",
            chart=chart,
            shapes=shapes(chart),
            width=WIDTH,
            height=height_of(chart),
        )
    )


def from_rows(
    kind: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[float | None]]],
    names: Sequence[str],
    **options,
) -> Chart:
    """A chart from table rows ``(label, values…)`` with one value per name in ``names``."""
    labels = tuple(label for label, _ in rows)
    series = tuple(
        Series(name, tuple(values[i] for _, values in rows)) for i, name in enumerate(names)
    )
    return Chart(kind, title, labels, series, **options)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["chart"] = render
