"""Languages, time zones and formatting.

The locale is the user's own choice, else the site's default, else the browser's
``Accept-Language`` matched on language *and* script, else English.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from babel import Locale
from flask import Flask, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_timedelta
from flask_babel import get_locale as babel_locale
from flask_login import current_user

from core import clock
from core import money as core_money
from core.extensions import babel
from core.paths import app_folder

LOCALES = ("en", "zh_Hant", "zh_Hans")
LOCALE_NAMES = {"en": "English", "zh_Hant": "繁體中文", "zh_Hans": "简体中文"}
TRANSLATIONS_DIR = app_folder("translations")

# Regions that write Chinese in traditional script; the rest of Chinese is simplified.
_HANT_REGIONS = {"TW", "HK", "MO"}


def match_language_tag(tag: str) -> str | None:
    """Map one Accept-Language tag (``zh-HK``, ``zh-Hans-CN``, ``en-GB``) to our locale."""
    tag = tag.strip().replace("_", "-")
    if not tag or tag == "*":
        return None
    parts = tag.split("-")
    language = parts[0].lower()
    if language == "en":
        return "en"
    if language != "zh":
        return None
    subtags = [p.lower() for p in parts[1:]]
    if "hant" in subtags:
        return "zh_Hant"
    if "hans" in subtags:
        return "zh_Hans"
    if any(p.upper() in _HANT_REGIONS for p in parts[1:]):
        return "zh_Hant"
    return "zh_Hans"


def match_accept_language(header: str | None) -> str | None:
    """The best of our locales for an ``Accept-Language`` header, honouring q-values."""
    if not header:
        return None
    weighted: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        locale = match_language_tag(tag)
        if locale and quality > 0:
            weighted.append((-quality, index, locale))
    return min(weighted)[2] if weighted else None


def select_locale() -> str:
    """The locale for this request (English outside requests: CLI output, jobs)."""
    if not has_request_context():
        return "en"
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    site = g.get("site")
    if site is not None and site.default_locale in LOCALES:
        return site.default_locale
    return match_accept_language(request.headers.get("Accept-Language")) or "en"


def select_timezone() -> str:
    site = g.get("site") if has_request_context() else None
    return site.timezone if site is not None else "UTC"


def html_lang() -> str:
    """The value of ``<html lang>`` for the current locale (BCP 47)."""
    return {"zh_Hant": "zh-Hant", "zh_Hans": "zh-Hans"}.get(str(babel_locale()), "en")


def money(minor_units: int, currency: str | None = None) -> str:
    """Format an amount held in minor units (cents) in the site's currency (``core.money``)."""
    if currency is None:
        site = g.get("site") if has_request_context() else None
        currency = site.currency if site is not None else "HKD"
    return core_money.show(minor_units, currency)


def number(value, format: str | None = None) -> str:
    """The ``number`` filter: ``value`` as the locale writes it ("12,345.679"), the same
    text as Babel's ``format_decimal``; reports write hundreds of figures, so the usual
    case (the locale's own pattern) skips Babel's pattern machinery."""
    plain = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    if format is not None or not plain:
        return format_decimal(value, format)
    return _number_layout(str(babel_locale() or "en"))(value)


_NUMBER_LAYOUTS: dict[str, Callable] = {}
_THOUSANDTH = Decimal("0.001")
_NUMBER_PROOFS = (0, 7, -7, 1000, -1234567, 0.5, 87.25, -0.0001, 0.0015, 2.675, 12345.6789)


def _number_layout(locale_name: str) -> Callable:
    found = _NUMBER_LAYOUTS.get(locale_name)
    if found is None:
        found = _NUMBER_LAYOUTS[locale_name] = _make_number_layout(locale_name)
    return found


def _make_number_layout(locale_name: str) -> Callable:
    """Babel's decimal pattern for the locale, or a quick one that writes every proof
    the same (up to three decimals, rounded half to even, groups of three)."""
    locale = Locale.parse(locale_name)
    pattern = locale.decimal_formats[None]

    def babel_text(value) -> str:
        return pattern.apply(value, locale)

    sample = babel_text(-1234567.5)
    digits = [i for i, ch in enumerate(sample) if ch.isdigit()]
    minus, body = sample[: digits[0]], sample[digits[0] : digits[-1] + 1]
    group, mark = body[1], body[-2]

    def quick(value) -> str:
        try:
            exact = value if isinstance(value, Decimal) else Decimal(str(value))
            rounded = exact.quantize(_THOUSANDTH, rounding=ROUND_HALF_EVEN)
        except (InvalidOperation, ValueError):  # not finite, or too large to round
            return babel_text(value)
        whole, _point, part = f"{abs(rounded):f}".partition(".")
        text = f"{int(whole):,}".replace(",", group)
        part = part.rstrip("0")
        if part:
            text = f"{text}{mark}{part}"
        return f"{minus}{text}" if rounded.is_signed() else text

    if all(quick(n) == babel_text(n) for n in _NUMBER_PROOFS):
        return quick
    return babel_text


def relative(when: datetime) -> str:
    """'3 hours ago' or 'in 2 days', in the current locale."""
    return format_timedelta(when - clock.now(), add_direction=True, granularity="minute")


def init_app(app: Flask, extra_translation_dirs: list[str] = ()) -> None:
    dirs = [str(TRANSLATIONS_DIR), *extra_translation_dirs]
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(dirs))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals.update(
        LOCALES=LOCALES,
        LOCALE_NAMES=LOCALE_NAMES,
        html_lang=html_lang,
        current_locale=lambda: str(babel_locale()),
    )
    app.jinja_env.filters.update(
        money=money,
        date=lambda d, fmt="medium": format_date(d, fmt) if isinstance(d, date) else "",
        datetime=lambda d, fmt="medium": format_datetime(d, fmt) if d else "",
        relative=lambda d: relative(d) if d else "",
        number=number,
    )
