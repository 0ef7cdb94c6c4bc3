"""Money in integer minor units: reading what people type, and showing it.

No float is ever involved: text becomes a ``Decimal`` and then an ``int`` of minor units
(cents, fen), with the exponent of the site's currency (2 for HKD and CNY). Templates show
amounts with the ``money`` filter (``core.i18n.money``), which calls ``show``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import get_currency_precision
from flask_babel import get_locale
from flask_babel import gettext as _

# Digits with optional thousands commas ("1,280.50") or none ("1280.5"); ASCII only.
_AMOUNT = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?$", re.ASCII)
# The largest amount accepted: a hundred million in major units.
MAX_MAJOR = 100_000_000
# Quantities: up to 99,999.99 (hours, square metres, plants), two decimals.
MAX_QUANTITY_HUNDREDTHS = 9_999_999


class MoneyError(ValueError):
    """Text that is not an amount; the message says why, in the user's language."""


def exponent(currency: str) -> int:
    """How many decimals the currency has (HKD, CNY: 2)."""
    try:
        return get_currency_precision(currency)
    except Exception:  # an unknown code: cents are the safe guess
        return 2


def parse(text: str | None, currency: str, *, allow_zero: bool = False) -> int:
    """The amount typed in ``text`` as minor units of ``currency``; MoneyError if it is not one."""
    cleaned = (text or "").strip().replace(" ", "")
    if not cleaned:
        raise MoneyError(_("Enter an amount."))
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise MoneyError(_("Write the amount with digits only, for example 1,280.50."))
    places = exponent(currency)
    decimals = match.group(1) or ""
    if len(decimals) > places:
        raise MoneyError(
            _(
                "%(currency)s amounts have at most %(places)d decimals.",
                currency=currency,
                places=places,
            )
            if places
            else _("%(currency)s amounts have no decimals.", currency=currency)
        )
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:  # the pattern should have caught it
        raise MoneyError(_("Write the amount with digits only, for example 1,280.50.")) from None
    if value > MAX_MAJOR:
        raise MoneyError(_("That amount is too large."))
    minor = int(value.scaleb(places))
    if minor == 0 and not allow_zero:
        raise MoneyError(_("The amount must be more than zero."))
    return minor


def parse_quantity(text: str | None) -> int:
    """A quantity typed as "2" or "85.5", in hundredths; MoneyError if it is not one."""
    cleaned = (text or "").strip().replace(" ", "")
    if not cleaned:
        raise MoneyError(_("Enter a quantity."))
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise MoneyError(_("Write the quantity with digits only, for example 1.5."))
    if len(match.group(1) or "") > 2:
        raise MoneyError(_("A quantity has at most 2 decimals."))
    hundredths = int(Decimal(cleaned.replace(",", "")).scaleb(2))
    if hundredths <= 0:
        raise MoneyError(_("The quantity must be more than zero."))
    if hundredths > MAX_QUANTITY_HUNDREDTHS:
        raise MoneyError(_("That quantity is too large."))
    return hundredths


def line_total(unit_price_minor: int, quantity_hundredths: int) -> int:
    """Price times quantity, in minor units, rounded half up (both are never negative)."""
    return (unit_price_minor * quantity_hundredths + 50) // 100


def from_decimal(value: Decimal, currency: str) -> int:
    """An exact Decimal of major units as minor units (128.50 HKD → 12850), cut, not rounded."""
    return int(value.scaleb(exponent(currency)))


def to_decimal(minor: int, currency: str) -> Decimal:
    """``minor`` units as an exact Decimal of major units (12850 HKD → 128.50)."""
    return Decimal(minor).scaleb(-exponent(currency))


def as_input(minor: int, currency: str) -> str:
    """The amount as a person would type it: "1280.50"."""
    return f"{to_decimal(minor, currency):f}"


def formatter(currency: str) -> Callable[[int | None], str]:
    """``show`` for many amounts (lists, reports): the same text, made without Babel's
    pattern machinery for each amount once the locale's layout is known."""
    return _layout(str(get_locale() or "en"), currency)


def show(minor: int | None, currency: str) -> str:
    """The amount for people, in the current locale: "HK$1,280.50"."""
    return _layout(str(get_locale() or "en"), currency)(minor)


# One formatter per (locale, currency), made on first use: a few per process.
_LAYOUTS: dict[tuple[str, str], Callable[[int | None], str]] = {}
# Amounts the quick formatter must write exactly as Babel does before it is trusted.
_PROOFS = (0, 1, -1, 7, 99, 100, 105, 12345, -12345, 100000, 123456789, -987654321, 10**12)


def _layout(locale_name: str, currency: str) -> Callable[[int | None], str]:
    key = (locale_name, currency)
    found = _LAYOUTS.get(key)
    if found is None:
        found = _LAYOUTS[key] = _make_layout(locale_name, currency)
    return found


def _make_layout(locale_name: str, currency: str) -> Callable[[int | None], str]:
    """A formatter of minor units for the locale: Babel's own, unless a quick one built
    from Babel's text of a sample amount (its sign, symbol, group and decimal marks)
    writes every proof amount the same; a locale with other groupings keeps Babel's."""
    locale = Locale.parse(locale_name)
    pattern = locale.currency_formats["standard"]
    places = exponent(currency)

    def babel_text(minor: int | None) -> str:
        return pattern.apply(Decimal(minor or 0).scaleb(-places), locale, currency=currency)

    def parts(text: str) -> tuple[str, str, str]:
        digits = [i for i, ch in enumerate(text) if ch.isdigit()]
        return text[: digits[0]], text[digits[0] : digits[-1] + 1], text[digits[-1] + 1 :]

    sample = 1234567 * 10**places + (10**places - 1) * bool(places)
    plus, body, plus_end = parts(babel_text(sample))
    minus, _body, minus_end = parts(babel_text(-sample))
    group = body[1]
    mark = body[-places - 1] if places else ""
    scale = 10**places

    def quick(minor: int | None) -> str:
        value = minor or 0
        whole, part = divmod(-value if value < 0 else value, scale)
        text = f"{whole:,}".replace(",", group)
        if places:
            text = f"{text}{mark}{part:0{places}d}"
        return f"{minus}{text}{minus_end}" if value < 0 else f"{plus}{text}{plus_end}"

    if all(quick(n) == babel_text(n) for n in _PROOFS):
        return quick
    return babel_text


def show_quantity(hundredths: int) -> str:
    """A quantity without needless zeros: 150 → "1.5", 200 → "2"."""
    value = Decimal(hundredths).scaleb(-2)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
