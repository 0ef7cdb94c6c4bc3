"""The rules behind the pages: scaled values, plausible and normal ranges, ages, households."""

from __future__ import annotations

from datetime import date

import pytest

from core.extensions import db
from core.models import Site
from plugins.health.models import HealthCheck, HealthRange
from plugins.health.rules import (
    Refused,
    age_band,
    age_on,
    check_plausible,
    choose_residents,
    flag_of,
    normal_range,
    parse,
    show,
)


@pytest.mark.parametrize(
    ("text", "decimals", "scaled"),
    [("5.6", 1, 56), ("120", 0, 120), ("5,6", 1, 56), ("-1.5", 1, -15), (" 7 ", 0, 7)],
)
def test_values_are_kept_as_scaled_integers(text, decimals, scaled):
    assert parse(text, decimals) == scaled
    assert show(scaled, decimals) == text.strip().replace(",", ".")


@pytest.mark.parametrize("text", ["", "abc", "1e9", "NaN", "5.67", "１２", "1.2.3", "9" * 20])
def test_what_is_not_a_plain_number_is_refused(text):
    with pytest.raises(Refused):
        parse(text, 1)


def _bp() -> HealthCheck:
    check = HealthCheck(
        code="bp",
        name="BP",
        kind="pair",
        decimals=0,
        plausible_min=50,
        plausible_max=300,
        plausible_min2=20,
        plausible_max2=200,
    )
    check.ranges = [
        HealthRange(sex="any", age_min=0, age_max=150, low=90, high=139, low2=60, high2=89)
    ]
    return check


def test_a_blood_pressure_of_400_is_refused_with_a_message():
    problems = check_plausible(_bp(), 400, 90)
    assert problems == ["400 is not a plausible value: give one from 50 to 300."]
    assert check_plausible(_bp(), 120, 130) == [
        "The diastolic value must be lower than the systolic."
    ]
    assert check_plausible(_bp(), 120, 80) == []


def test_either_number_of_a_blood_pressure_out_of_range_flags_it():
    rng = _bp().ranges[0]
    assert flag_of(rng, 120, 80) == "normal"
    assert flag_of(rng, 120, 95) == "high"
    assert flag_of(rng, 85, 70) == "low"
    assert flag_of(None, 120, 80) == ""


def test_the_most_specific_normal_range_applies():
    check = HealthCheck(
        code="hb",
        name="Haemoglobin",
        kind="single",
        decimals=0,
        plausible_min=30,
        plausible_max=250,
    )
    anyone = HealthRange(sex="any", age_min=0, age_max=150, low=110, high=170)
    women = HealthRange(sex="F", age_min=0, age_max=150, low=115, high=150)
    older_women = HealthRange(sex="F", age_min=65, age_max=150, low=110, high=150)
    men = HealthRange(sex="M", age_min=18, age_max=150, low=130, high=175)
    check.ranges = [anyone, women, older_women, men]
    assert normal_range(check, "F", 40) is women
    assert normal_range(check, "F", 70) is older_women
    assert normal_range(check, "M", 40) is men
    assert normal_range(check, "M", 10) is anyone
    assert normal_range(check, "", 40) is anyone
    assert normal_range(check, "F", None) is women  # age unknown: whole-life ranges only


def test_ages_and_age_bands():
    assert age_on(date(1956, 3, 1), date(2026, 2, 28)) == 69
    assert age_on(date(1956, 3, 1), date(2026, 3, 1)) == 70
    assert age_on(None, date(2026, 3, 1)) is None
    assert [age_band(a) for a in (5, 45, 60, 80, None)] == ["0-39", "40-59", "60-74", "75+", "?"]


def test_residents_are_chosen_by_age_band_and_household(app, make, estate):
    site = estate.site
    family_flat = make.unit(estate.building, number="8B")
    alone_flat = make.unit(estate.building, number="9C")
    make.resident(site, family_flat, name="Father Lau", birth_date=date(1985, 1, 1))
    make.resident(site, family_flat, role="family", name="Child Lau", birth_date=date(2018, 1, 1))
    make.resident(site, alone_flat, name="Granny Ho", birth_date=date(1940, 6, 1))
    make.resident(
        site, family_flat, role="domestic_helper", name="Helper", birth_date=date(1990, 1, 1)
    )
    make.resident(site, estate.unit, name="Unknown Age")
    day = date(2026, 12, 1)
    with app.app_context():
        s = db.session.get(Site, site.id)

        def names(*args):
            return [name for _id, name in choose_residents(s, day, *args)]

        assert names(60, 150, "any") == ["Granny Ho"]
        assert names(0, 150, "children") == ["Child Lau", "Father Lau"]
        assert names(0, 150, "alone") == ["Granny Ho", "Unknown Age"]
        assert names(0, 150, "elderly") == ["Granny Ho"]
        assert names(18, 64, "any") == ["Father Lau"]
        assert "Helper" not in names(0, 150, "any")


def test_the_trend_chart_is_plain_svg_with_a_point_per_result():
    from plugins.health.models import HealthResult
    from plugins.health.trend import trend_svg

    series = [
        (
            HealthResult(
                measured_on=date(2024 + n, 5, 1),
                value=value,
                value2=80,
                flag=flag,
                range_low=90,
                range_high=139,
                range_low2=60,
                range_high2=89,
            ),
            "Check",
        )
        for n, (value, flag) in enumerate(((128, "normal"), (145, "high"), (150, "high")))
    ]
    svg = str(trend_svg(_bp(), series))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<circle") == 6  # systolic and diastolic, three visits
    assert svg.count("<polyline") == 2
    assert "2025-05-01: 145/80" in svg  # the accessible label lists the values
    assert "<script" not in svg and "style=" not in svg
    assert str(trend_svg(_bp(), [])) == ""
