"""The rows of a units file: checked against the site's buildings, then written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import text

from core.extensions import db
from core.imports.columns import STATUS_ALIASES
from core.imports.reading import Table
from core.imports.values import (
    Problem,
    RowReader,
    _area,
    _building,
    _choice,
    _site_buildings,
    _site_units,
    _text,
    _whole,
    check_rows,
)
from core.models import (
    UNIT_STATUSES,
    Building,
    ImportBatch,
    Site,
    Unit,
    User,
)


@dataclass
class UnitRecord:
    row: int
    building: Building
    number: str
    floor: int
    values: dict[str, Any]  # the optional fields given in the row


class UnitRows:
    """Checks and writes the rows of a units file."""

    def __init__(self, site: Site, table: Table, *, writing: bool = False) -> None:
        self.site = site
        self.table = table
        self.buildings = _site_buildings(site)
        self.units = _site_units(site)

    def _key(self, cells: dict[str, str]) -> tuple[str, str]:
        return cells.get("building_code", "").casefold(), cells.get("unit_number", "").casefold()

    def check(self, start: int, end: int) -> tuple[list[Problem], list[UnitRecord]]:
        """The problems of rows ``start`` to ``end`` (indexes), and the rows ready to write."""

        def duplicate(reader: RowReader, earlier: int) -> None:
            reader.problem("unit_number", _("Same building and unit as row %(row)s.", row=earlier))

        return check_rows(self.table, start, end, self._row, self._key, duplicate)

    def _row(self, reader: RowReader) -> UnitRecord | None:
        building = _building(reader, self.buildings) if reader.raw("building_code") else None
        if not reader.raw("building_code"):
            reader.problem("building_code", _("This column needs a value."))
        number = reader.get("unit_number", _text, required=True, limit=20)
        floor = reader.get("floor", _whole, required=True)
        values = {
            "area_m2": reader.get("area_m2", _area),
            "status": reader.get("status", _choice, choices=UNIT_STATUSES, aliases=STATUS_ALIASES),
            "room_type": reader.get("room_type", _text, limit=40),
        }
        if building is None or number is None or floor is None:
            return None
        if floor > building.floors:
            reader.problem(
                "floor",
                _(
                    "Floor %(floor)s is above the top floor of building %(code)s (%(top)s).",
                    floor=floor,
                    code=building.code,
                    top=building.floors,
                ),
            )
        elif floor < -9:
            reader.problem("floor", _("Write a floor of -9 or above."))
        existing = self.units.get((building.id, number.casefold()))
        if existing is not None and existing.archived_at is not None:
            label = f"{building.code}-{number}"
            reader.problem("unit_number", _("Unit %(unit)s is archived.", unit=label))
        values = {k: v for k, v in values.items() if v is not None}
        return UnitRecord(reader.number, building, number, floor, values)

    def write(self, records: list[UnitRecord], batch: ImportBatch, user: User) -> tuple[int, int]:
        """Create or update a unit per record; returns (created, updated)."""
        created = updated = 0
        new: list[Unit] = []
        for record in records:
            unit = self.units.get((record.building.id, record.number.casefold()))
            if unit is None:
                unit = Unit(
                    site_id=self.site.id,
                    building_id=record.building.id,
                    number=record.number,
                    floor=record.floor,
                    status=record.values.get("status", "vacant"),
                    area_m2=record.values.get("area_m2"),
                    room_type=record.values.get("room_type", ""),
                )
                new.append(unit)
                self.units[(record.building.id, record.number.casefold())] = unit
                created += 1
            elif _apply(unit, {"floor": record.floor, **record.values}):
                updated += 1
        _add_all(Unit, new)
        return created, updated


def _add_all(model: type, rows: list[Any]) -> None:
    """Add new rows to the session, on PostgreSQL with their ids taken beforehand.

    Rows whose ids are known go in one pipelined executemany. Without them SQLAlchemy
    sends INSERT … RETURNING in pages of 1,000 rows, whose parameters psycopg parses
    slowly: 20,000 residents took twice as long.
    """
    if rows and db.session.get_bind().dialect.name == "postgresql":
        with db.session.no_autoflush:
            ids = db.session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": model.__tablename__, "count": len(rows)},
            ).all()
        if None not in ids:
            for row, ident in zip(rows, ids, strict=True):
                row.id = ident
    db.session.add_all(rows)


def _apply(obj: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; True when something changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed
