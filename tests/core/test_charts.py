"""Charts drawn on the server: what the eye sees matches the numbers the screen reader reads."""

from __future__ import annotations

import re

import pytest

from core.charts import Chart, Series, from_rows, nice_top, render, shapes


def bars(chart: Chart) -> list[dict]:
    return [
        dict(s.attrs)
        for s in shapes(chart)
        if s.tag == "rect" and "chart-key" not in dict(s.attrs)["class"]
    ]


def visit_chart(**options) -> Chart:
    return Chart(
        "bar",
        "Home visits by month",
        ("2026-10", "2026-11"),
        (Series("Planned", (30, 40)), Series("Done", (20, 40))),
        **options,
    )


def test_bars_are_as_tall_as_their_numbers(app):
    rects = bars(visit_chart())
    heights = [float(r["height"]) for r in rects]
    assert heights[0] / heights[1] == pytest.approx(30 / 20)  # October: planned, then done
    assert heights[2] == heights[3]  # November: 40 and 40
    assert {r["class"] for r in rects} == {"chart-bar chart-series-1", "chart-bar chart-series-2"}


def test_the_figure_has_the_numbers_as_a_table_and_no_script_or_style(app):
    with app.test_request_context():
        html = str(render(visit_chart()))
    assert "<figcaption>Home visits by month</figcaption>" in html
    assert 'aria-hidden="true"' in html  # the SVG; the table speaks instead
    table = html[html.index("<table") :]
    assert "<caption>Home visits by month</caption>" in table
    assert re.search(r'<th scope="row">2026-10</th>\s*<td>30</td><td>20</td>', table)
    assert "<script" not in html and "style=" not in html and " on" not in html.lower()


def test_labels_are_escaped(app):
    chart = Chart("bar", "<b>Fees</b>", ("<script>x</script>",), (Series("A&B", (1,)),))
    with app.test_request_context():
        html = str(render(chart))
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;b&gt;Fees&lt;/b&gt;" in html and "A&amp;B" in html


def test_stacked_bars_reach_the_sum_of_their_parts(app):
    chart = Chart(
        "stacked",
        "Arrears by reason",
        ("T1", "T2"),
        (Series("Dispute", (2, 1)), Series("Away", (2, 3))),
    )
    rects = bars(chart)
    tower_one = [r for r in rects[:2]]
    top = min(float(r["y"]) for r in tower_one)
    bottom = max(float(r["y"]) + float(r["height"]) for r in tower_one)
    assert float(tower_one[0]["y"]) == pytest.approx(
        float(tower_one[1]["y"]) + float(tower_one[1]["height"])
    )
    assert bottom - top == pytest.approx(sum(float(r["height"]) for r in tower_one))


def test_a_line_skips_months_without_a_figure():
    chart = Chart(
        "line", "Satisfaction", ("Sep", "Oct", "Nov"), (Series("Score", (4.5, None, 4.8)),)
    )
    [line] = [s for s in shapes(chart) if s.tag == "polyline"]
    assert len(dict(line.attrs)["points"].split()) == 2
    assert chart.text(None) == "–" and chart.text(4.5) == "4.5"


def test_a_share_against_its_target_is_marked_met_or_short(app):
    chart = from_rows(
        "target",
        "Home visits this quarter",
        [("Tower 1", [36.0]), ("Tower 2", [21.5])],
        ["Share visited"],
        unit="%",
        target=33.3,
        target_label="A third",
    )
    rects = [r for r in bars(chart) if "chart-bar" in r["class"]]
    assert [r["class"] for r in rects] == ["chart-bar chart-met", "chart-bar chart-short"]
    assert any(s.tag == "line" and dict(s.attrs)["class"] == "chart-target" for s in shapes(chart))
    with app.test_request_context():
        html = str(render(chart))
    assert "<td>36%</td>" in html and "<td>A third</td>" in html
    # The drawing's own class names its kind apart from its parts' classes: a target
    # chart is not drawn as one dashed target line.
    assert '<svg class="chart chart-kind-target"' in html
    assert html.count('class="chart-target"') == 1


def test_the_table_speaks_the_users_language(app, make, client):
    chart = visit_chart(target=35)
    with app.test_request_context(headers={"Accept-Language": "zh-TW"}):
        html = str(render(chart))
    assert "目標" in html


@pytest.mark.parametrize(
    ("largest", "top", "step"),
    [(0, 1, 0.25), (7, 8, 2), (40, 40, 10), (101, 150, 50), (0.3, 0.3, 0.1)],
)
def test_the_axis_ends_on_a_round_number(largest, top, step):
    assert nice_top(largest) == pytest.approx((top, step))


def test_a_chart_that_cannot_be_drawn_is_refused():
    with pytest.raises(ValueError, match="one value per label"):
        Chart("bar", "x", ("a", "b"), (Series("s", (1,)),))
    with pytest.raises(ValueError, match="unknown chart kind"):
        Chart("pie", "x", ("a",), (Series("s", (1,)),))
    with pytest.raises(ValueError, match="one series"):
        Chart("target", "x", ("a",), (Series("s", (1,)), Series("t", (2,))))
