"""A small trend chart of one measure, drawn on the server as SVG markup.

No script and no style attribute (the pages' CSP allows neither): only presentation
attributes. Values are placed on a vertical scale that takes in the normal range, so a
value outside it is seen to be outside.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from plugins.health.models import HealthCheck, HealthResult
from plugins.health.rules import show

WIDTH, HEIGHT, PAD = 320, 120, 14
COLOURS = {"high": "#b3261e", "low": "#b3261e", "normal": "#1b6e3a", "": "#555555"}


def _points(values: list[int], low: float, high: float) -> list[tuple[float, float]]:
    span = (high - low) or 1
    n = len(values)
    step = (WIDTH - 2 * PAD) / (n - 1) if n > 1 else 0
    return [
        (
            PAD + i * step if n > 1 else WIDTH / 2,
            HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD),
        )
        for i, v in enumerate(values)
    ]


def trend_svg(check: HealthCheck, series: list[tuple[HealthResult, str]]) -> Markup:
    """An ``<svg>`` of the check's values over time, with the last normal range shaded."""
    if not series:
        return Markup("")
    results = [r for r, _name in series]
    values = [r.value for r in results]
    seconds = [r.value2 for r in results if r.value2 is not None]
    last = results[-1]
    bounds = [*values, *seconds]
    bands = []
    if last.range_low is not None and last.range_high is not None:
        bands.append((last.range_low, last.range_high, "#e3f2e6"))
    if seconds and last.range_low2 is not None and last.range_high2 is not None:
        bands.append((last.range_low2, last.range_high2, "#e6eef7"))
    for band_low, band_high, _colour in bands:
        bounds += [band_low, band_high]
    low, high = min(bounds), max(bounds)
    margin = max((high - low) * 0.1, 1)
    low, high = low - margin, high + margin
    title = escape(
        ", ".join(
            f"{r.measured_on.isoformat()}: {show(r.value, check.decimals)}"
            + (f"/{r.value2}" if r.value2 is not None else "")
            for r in results
        )
    )
    parts = [
        f'<svg class="health-trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="{title}">',
        f"<title>{title}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff" stroke="#cccccc"/>',
    ]
    for band_low, band_high, colour in bands:
        y_top = _points([band_high], low, high)[0][1]
        y_bottom = _points([band_low], low, high)[0][1]
        parts.append(
            f'<rect x="{PAD}" y="{y_top:.1f}" width="{WIDTH - 2 * PAD}" '
            f'height="{max(y_bottom - y_top, 1):.1f}" fill="{colour}"/>'
        )
    for line_values, dash in (
        (values, ""),
        ([r.value2 for r in results], ' stroke-dasharray="4 3"'),
    ):
        if any(v is None for v in line_values):
            continue
        points = _points(line_values, low, high)
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="#1f4e79" stroke-width="2"{dash}/>'
            )
        for (x, y), r in zip(points, results, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLOURS.get(r.flag, "#555555")}"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
