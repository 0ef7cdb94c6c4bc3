"""The ``number`` filter writes figures as Babel does, to the character, in every locale."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from core import i18n


@pytest.mark.parametrize("locale_name", ["en", "zh_Hant", "zh_Hans", "fr", "de_CH", "ar_EG"])
def test_figures_read_as_babel_writes_them(locale_name):
    rng = random.Random(locale_name)
    values = [
        0,
        -0.0,
        1,
        -1,
        0.0005,
        0.0015,
        -0.0001,
        2.675,
        1e16,
        99.95,
        100.0,
        33.3,
        Decimal("1.0005"),
        Decimal("-12345.6785"),
        *(rng.randint(-(10**9), 10**9) for _ in range(200)),
        *(round(rng.uniform(-(10**6), 10**6), rng.randint(0, 5)) for _ in range(300)),
    ]
    quick = i18n._make_number_layout(locale_name)
    for value in values:
        assert quick(value) == format_decimal(value, locale=locale_name), (locale_name, value)


def test_a_percentage_on_a_report_page_reads_in_the_readers_language(app):
    template = app.jinja_env.from_string("{{ 87.25|number }} {{ 1234567|number }} {{ x|number }}")
    with app.test_request_context():
        assert template.render(x=Decimal("0.5")) == "87.25 1,234,567 0.5"
