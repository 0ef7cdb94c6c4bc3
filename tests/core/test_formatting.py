"""Dates, times, numbers and money through Babel, in the site's zone and currency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from flask_babel import force_locale, format_datetime

from core import clock as core_clock
from core.i18n import money, relative


@pytest.mark.parametrize(
    ("locale", "minor", "currency", "expected"),
    [
        ("en", 123456, "HKD", "HK$1,234.56"),
        ("zh_Hant", 123456, "HKD", "HK$1,234.56"),
        ("zh_Hans", 123456, "CNY", "¥1,234.56"),
        ("en", 5, "HKD", "HK$0.05"),
        ("en", -250, "HKD", "-HK$2.50"),
        ("en", 1000, "JPY", "¥1,000"),  # no minor unit: stored in yen
    ],
)
def test_money_is_held_in_minor_units_and_shown_in_the_currency(
    app, locale, minor, currency, expected
):
    with app.test_request_context(), force_locale(locale):
        assert money(minor, currency) == expected


def test_money_uses_the_sites_currency_by_default(app, make):
    site = make.site(currency="CNY")
    with app.test_request_context(), force_locale("zh_Hans"):
        g.site = site
        assert money(880) == "¥8.80"


def test_times_are_shown_in_the_sites_time_zone(app, make):
    hong_kong = make.site(timezone="Asia/Hong_Kong")
    moment = datetime(2026, 11, 28, 16, 30, tzinfo=UTC)  # 00:30 the next day in Hong Kong
    with app.test_request_context(), force_locale("en"):
        g.site = hong_kong
        shown = format_datetime(moment, "yyyy-MM-dd HH:mm")
    assert shown == "2026-11-29 00:30"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en", "2 hours ago"), ("zh_Hant", "2 小時前"), ("zh_Hans", "2小时前")],
)
def test_relative_times_read_naturally_in_each_language(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert relative(core_clock.now() - timedelta(hours=2, seconds=5)) == expected
