"""Money is read, added and shown in integer minor units, exactly, with no float anywhere."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from core import money


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("1,280.50", 128050),
        ("1280.5", 128050),
        ("1280", 128000),
        (" 0.01 ", 1),
        ("12,345,678.99", 1234567899),
        ("0.1", 10),
        ("0.2", 20),
    ],
)
def test_amounts_typed_as_people_write_them_become_exact_minor_units(app, typed, minor):
    with app.test_request_context():
        assert money.parse(typed, "HKD") == minor


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", "HKD amounts have at most 2 decimals."),
        ("", "Enter an amount."),
        ("-5", "Write the amount with digits only, for example 1,280.50."),
        ("1e3", "Write the amount with digits only, for example 1,280.50."),
        ("NaN", "Write the amount with digits only, for example 1,280.50."),
        ("１２", "Write the amount with digits only, for example 1,280.50."),
        ("1,28.00", "Write the amount with digits only, for example 1,280.50."),
        ("0.00", "The amount must be more than zero."),
        ("999999999999", "That amount is too large."),
    ],
)
def test_odd_amounts_are_refused_with_a_message(app, typed, message):
    with app.test_request_context(), pytest.raises(money.MoneyError) as refused:
        money.parse(typed, "HKD")
    assert str(refused.value) == message


def test_a_currency_without_decimals_refuses_cents(app):
    with app.test_request_context():
        assert money.parse("1,500", "JPY") == 1500
        with pytest.raises(money.MoneyError, match="no decimals"):
            money.parse("1500.5", "JPY")


def test_cny_has_two_decimals_like_hkd(app):
    with app.test_request_context():
        assert money.parse("99.90", "CNY") == 9990


def test_ten_dimes_make_a_dollar_exactly():
    # 0.1 + 0.2 is not 0.3 in floats; in minor units it is.
    assert sum([10] * 10) == 100
    assert money.line_total(10, 100) + money.line_total(20, 100) == 30


@pytest.mark.parametrize(
    ("price", "hundredths", "total"),
    [
        (15000, 150, 22500),  # HK$150 an hour, 1.5 hours
        (1800, 8550, 153900),  # HK$18 per m², 85.5 m²
        (333, 50, 167),  # 3.33 × 0.5 = 1.665 → 1.67 (half up)
        (1, 1, 0),  # 0.01 × 0.01 rounds to nothing
        (99_999_999_99, 9_999_999, 999_999_899_900_000),  # the largest: exact
    ],
)
def test_line_totals_round_half_up_in_integers(price, hundredths, total):
    assert money.line_total(price, hundredths) == total


def test_quantities_are_read_in_hundredths(app):
    with app.test_request_context():
        assert money.parse_quantity("1.5") == 150
        assert money.parse_quantity("85.50") == 8550
        with pytest.raises(money.MoneyError, match="at most 2 decimals"):
            money.parse_quantity("1.555")
        with pytest.raises(money.MoneyError, match="more than zero"):
            money.parse_quantity("0")


def test_amounts_are_shown_in_the_currency_of_the_site(app):
    with app.test_request_context():
        assert money.from_decimal(Decimal("128.50"), "HKD") == 12850
        assert money.to_decimal(12850, "HKD") == Decimal("128.50")
        assert money.show(128050, "HKD") == "HK$1,280.50"
        assert money.formatter("HKD")(-4000) == "-HK$40.00" == money.show(-4000, "HKD")
        assert money.formatter("CNY")(9990) == "CN¥99.90"
        assert money.as_input(128050, "HKD") == "1280.50"
        assert money.show_quantity(150) == "1.5" and money.show_quantity(200) == "2"


def test_no_float_in_money_code():
    tree = ast.parse(Path(money.__file__).read_text())
    floats = [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Constant) and isinstance(node.value, float))
        or (isinstance(node, ast.Name) and node.id == "float")
        or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div))
    ]
    assert floats == [], f"core/money.py: a float (or a true division) on lines {floats}"


def test_the_money_filter_shows_amounts_through_core_money(app):
    with app.test_request_context():
        assert app.jinja_env.filters["money"](128050, "HKD") == money.show(128050, "HKD")
        assert app.jinja_env.filters["money"](9990, "CNY") == "CN¥99.90"


@pytest.mark.parametrize("locale_name", ["en", "zh_Hant", "zh_Hans", "en_IN", "de_CH", "fr"])
@pytest.mark.parametrize("currency", ["HKD", "CNY", "JPY", "EUR"])
def test_every_amount_reads_as_babel_writes_it_in_each_locale(locale_name, currency):
    """Lists show hundreds of amounts, so ``show`` and ``formatter`` write them without
    Babel's pattern machinery; the text must still be Babel's, to the character, for any
    amount, sign and number of decimals (India's lakh grouping keeps Babel's own)."""
    import random

    from babel import Locale
    from babel.numbers import format_currency

    quick = money._make_layout(locale_name, currency)
    places = money.exponent(currency)
    rng = random.Random(f"{locale_name}-{currency}")
    amounts = [
        0,
        5,
        -5,
        10**places,
        999_999_999_99,
        *(rng.randint(-(10**11), 10**11) for _ in range(300)),
    ]
    for minor in amounts:
        expected = format_currency(
            Decimal(minor).scaleb(-places), currency, locale=Locale.parse(locale_name)
        )
        assert quick(minor) == expected, (locale_name, currency, minor)
