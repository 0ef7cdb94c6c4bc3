"""Checking the values of a row: a parser per kind of cell, and the problems found."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from core import tenancy
from core.extensions import db
from core.i18n import LOCALE_NAMES, match_language_tag
from core.imports.columns import NO, YES
from core.models import (
    Building,
    Site,
    Unit,
)


@dataclass(frozen=True)
class Problem:
    """A problem found in a row: the row number and column the user sees, and what is wrong."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class CellError(ValueError):
    """A cell's value cannot be used; the message says how to write it."""


PHONE_CHARS = set("0123456789 +-()")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


def _text(value: str, limit: int) -> str:
    if len(value) > limit:
        raise CellError(_("Write at most %(max)s characters.", max=limit))
    return value


def _whole(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CellError(_("Write a whole number.")) from None


def _area(value: str) -> Decimal:
    try:
        area = Decimal(value.replace(",", "")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise CellError(_("Write a number, e.g. 68.5.")) from None
    if not area.is_finite() or area <= 0 or area >= 1_000_000:
        raise CellError(_("Write a number above 0 and below 1,000,000."))
    return area


def _date(value: str, *, latest: date | None = None) -> date:
    match = DATE.match(value)
    try:
        when = date(*(int(part) for part in match.groups())) if match else None
    except ValueError:
        when = None
    if when is None:
        raise CellError(_("Write the date as YYYY-MM-DD, e.g. 1985-03-31."))
    if when.year < 1900:
        raise CellError(_("Give a date after 1900."))
    if latest is not None and when > latest:
        raise CellError(_("This date is in the future."))
    return when


def _yes_no(value: str) -> bool:
    folded = value.casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise CellError(_("Write yes or no."))


def _choice(value: str, choices: tuple[str, ...], aliases: dict[str, str]) -> str:
    folded = value.casefold().replace("-", "_")
    for code in choices:
        if folded == code:
            return code
    if value in aliases or folded in aliases:
        return aliases.get(value) or aliases[folded]
    raise CellError(_("Write one of: %(choices)s.", choices=", ".join(choices)))


def _phone(value: str) -> str:
    value = _text(value, 40)
    if value and (not set(value) <= PHONE_CHARS or sum(c.isdigit() for c in value) < 6):
        raise CellError(_("Write a phone number with digits, spaces, + or -."))
    return value


def _email(value: str) -> str:
    value = _text(value, 200)
    if value and not EMAIL.match(value):
        raise CellError(_("This is not an e-mail address."))
    return value


def _locale(value: str) -> str:
    by_name = {name.casefold(): code for code, name in LOCALE_NAMES.items()}
    code = by_name.get(value.casefold()) or match_language_tag(value)
    if code is None:
        raise CellError(_("Write one of: %(choices)s.", choices="en, zh_Hant, zh_Hans"))
    return code


class RowReader:
    """Parses the cells of one row, collecting a problem for each cell that cannot be used."""

    def __init__(self, number: int, cells: dict[str, str], headers: dict[str, str]) -> None:
        self.number = number
        self.cells = cells
        self.headers = headers
        self.problems: list[Problem] = []

    def raw(self, code: str) -> str:
        return self.cells.get(code, "")

    def problem(self, code: str, message: str) -> None:
        self.problems.append(Problem(self.number, self.headers.get(code, code), message))

    def get(self, code: str, parse, *, required: bool = False, **options: Any) -> Any:
        """The parsed value of a cell; None when it is empty (or cannot be used)."""
        value = self.raw(code)
        if not value:
            if required:
                self.problem(code, _("This column needs a value."))
            return None
        try:
            return parse(value, **options)
        except CellError as error:
            self.problem(code, str(error))
            return None


def _site_buildings(site: Site) -> dict[str, Building]:
    buildings = db.session.scalars(tenancy.select(Building, site=site))
    return {b.code.casefold(): b for b in buildings}


def _building(reader: RowReader, buildings: dict[str, Building]) -> Building | None:
    code = reader.raw("building_code")
    building = buildings.get(code.casefold())
    if building is None:
        reader.problem(
            "building_code", _("There is no building with the code %(code)s here.", code=code)
        )
    elif building.archived_at is not None:
        reader.problem("building_code", _("Building %(code)s is archived.", code=building.code))
        return None
    return building


def _site_units(site: Site) -> dict[tuple[int, str], Unit]:
    units = db.session.scalars(tenancy.select(Unit, site=site))
    return {(u.building_id, u.number.casefold()): u for u in units}


# The same parsers under public names, for the plugins' kinds of file
# (``core.plugins.api.ImportKind``).
text_cell = _text
date_cell = _date
building_cell = _building
site_buildings = _site_buildings
site_units = _site_units


def check_rows(table, start: int, end: int, row, key, duplicate):
    """The problems of rows ``start`` to ``end`` (indexes) of ``table`` and the records
    ready to write: ``row(reader)`` reads one row into a record (or None), ``key(cells)``
    is its natural key, and ``duplicate(reader, earlier)`` notes a row whose full key
    an earlier row of the file has already (its number ``earlier``)."""
    seen: dict = {}
    for index in range(start):
        number, cells = table.record(index)
        seen.setdefault(key(cells), number)
    problems: list[Problem] = []
    records: list = []
    for index in range(start, end):
        number, cells = table.record(index)
        reader = RowReader(number, cells, table.headers)
        record = row(reader)
        found = key(cells)
        if all(found) and found in seen:
            duplicate(reader, seen[found])
        seen.setdefault(found, number)
        problems.extend(reader.problems)
        if not reader.problems and record is not None:
            records.append(record)
    return problems, records
