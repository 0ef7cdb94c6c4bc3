"""The rows of a residents file: found again by their number or name and phone, then written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from flask_babel import gettext as _

from core import audit, clock, tenancy
from core.extensions import db
from core.imports.columns import ROLE_ALIASES, ROLES
from core.imports.reading import Table
from core.imports.units import _add_all, _apply
from core.imports.values import (
    CellError,
    Problem,
    RowReader,
    _building,
    _choice,
    _date,
    _email,
    _locale,
    _phone,
    _site_buildings,
    _site_units,
    _text,
    _yes_no,
)
from core.models import (
    AuditLog,
    ImportBatch,
    Occupancy,
    Resident,
    Site,
    Unit,
    User,
)

PERSONAL = (
    "name",
    "phone",
    "phone2",
    "email",
    "birth_date",
    "preferred_locale",
    "consent_sms",
    "consent_email",
)


@dataclass
class ResidentRecord:
    row: int
    key: tuple[str, ...]
    ref: str | None
    values: dict[str, Any]  # the personal fields given in the row (name always)
    unit: Unit | None
    role: str | None
    moved_in: date | None
    primary: bool | None
    existing: Resident | None = None


def _resident_key(cells: dict[str, str]) -> tuple[str, ...]:
    ref = cells.get("ref", "")
    return ("ref", ref) if ref else ("person", cells.get("name", ""), cells.get("phone", ""))


class KnownResident(NamedTuple):
    """What checking needs of a resident on file (writing loads the resident itself)."""

    id: int
    ref: str | None
    name: str
    phone: str
    archived_at: datetime | None


class ResidentIndex:
    """The site's residents, found by their number and by name and phone.

    One query reads them all. Lists of hundreds of values (``IN (...)``) were slower:
    PostgreSQL compared every resident with every value while its statistics lagged
    behind a large import.
    """

    def __init__(self, site: Site, *, objects: bool = False) -> None:
        self.by_ref: dict[str, Any] = {}
        self.by_person: dict[tuple[str, str], list[Any]] = {}
        if objects:
            found: Iterable[Any] = db.session.scalars(tenancy.select(Resident, site=site))
        else:
            found = (
                KnownResident(*row)
                for row in db.session.execute(
                    tenancy.select(
                        Resident,
                        Resident.id,
                        Resident.ref,
                        Resident.name,
                        Resident.phone,
                        Resident.archived_at,
                        site=site,
                    )
                )
            )
        for r in found:
            if r.ref:
                self.by_ref[r.ref] = r
            self.by_person.setdefault((r.name, r.phone), []).append(r)

    def find(self, ref: str | None, name: str, phone: str) -> Any:
        """The resident a row means, or None for a new one; CellError when it is ambiguous."""
        if ref:
            found = self.by_ref.get(ref)
            if found is not None or not phone:
                return found
            # A number not seen before: the resident may be on file without one yet.
            unnumbered = [r for r in self.by_person.get((name, phone), []) if r.ref is None]
            return unnumbered[0] if len(unnumbered) == 1 else None
        matches = self.by_person.get((name, phone), [])
        if len(matches) > 1:
            raise CellError(
                _("Several residents have this name and phone: add their resident number.")
            )
        return matches[0] if matches else None


def _placement(key: tuple[str, ...], cells: dict[str, str]) -> tuple[Any, ...]:
    """A resident in a unit, as rows name them."""
    return key, cells.get("building_code", "").casefold(), cells.get("unit_number", "").casefold()


class ResidentRows:
    """Checks and writes the rows of a residents file."""

    def __init__(self, site: Site, table: Table, *, writing: bool = False) -> None:
        self.site = site
        self.table = table
        self.writing = writing  # load the residents themselves, not just what checks need
        self.buildings = _site_buildings(site)
        self.units = _site_units(site)

    def check(self, start: int, end: int) -> tuple[list[Problem], list[ResidentRecord]]:
        """The problems of rows ``start`` to ``end`` (indexes), and the rows ready to write."""
        first: dict[tuple[str, ...], tuple[int, dict[str, str]]] = {}
        placed: dict[tuple[Any, ...], int] = {}
        for index in range(start):
            number, cells = self.table.record(index)
            self._remember(number, cells, first, placed)
        chunk = [self.table.record(i) for i in range(start, end)]
        index = ResidentIndex(self.site, objects=self.writing)
        problems: list[Problem] = []
        records: list[ResidentRecord] = []
        for number, cells in chunk:
            reader = RowReader(number, cells, self.table.headers)
            record = self._row(reader, index)
            self._against_earlier(reader, cells, first, placed)
            self._remember(number, cells, first, placed)
            problems.extend(reader.problems)
            if not reader.problems and record is not None:
                records.append(record)
        return problems, records

    @staticmethod
    def _remember(number, cells, first, placed) -> None:
        key = _resident_key(cells)
        first.setdefault(key, (number, cells))
        placed.setdefault(_placement(key, cells), number)

    def _against_earlier(self, reader: RowReader, cells, first, placed) -> None:
        """A resident on several rows (one per unit) must be the same person on each."""
        key = _resident_key(cells)
        if key in first:
            earlier, earlier_cells = first[key]
            for code in PERSONAL:
                mine, theirs = cells.get(code, ""), earlier_cells.get(code, "")
                if mine and theirs and mine != theirs:
                    reader.problem(
                        code,
                        _(
                            "Row %(row)s has the same resident with a different value here.",
                            row=earlier,
                        ),
                    )
        if cells.get("unit_number"):
            where = _placement(key, cells)
            if where in placed:
                reader.problem(
                    "unit_number",
                    _("Row %(row)s already puts this resident in this unit.", row=placed[where]),
                )

    def _row(self, reader: RowReader, index: ResidentIndex) -> ResidentRecord | None:
        ref = reader.get("ref", _text, limit=40)
        name = reader.get("name", _text, required=True, limit=120)
        values: dict[str, Any] = {
            "name": name,
            "phone": reader.get("phone", _phone),
            "phone2": reader.get("phone2", _phone),
            "email": reader.get("email", _email),
            "birth_date": reader.get("birth_date", _date, latest=clock.today(self.site)),
            "preferred_locale": reader.get("preferred_locale", _locale),
            "consent_sms": reader.get("consent_sms", _yes_no),
            "consent_email": reader.get("consent_email", _yes_no),
        }
        if not ref and not reader.raw("phone"):
            reader.problem(
                "phone",
                _("Give a phone number or a resident number, so the resident is found next time."),
            )
        unit = self._unit(reader)
        role = reader.get("role", _choice, choices=ROLES, aliases=ROLE_ALIASES)
        moved_in = reader.get("moved_in", _date)
        primary = reader.get("is_primary_contact", _yes_no)
        if unit is not None and role is None and not reader.raw("role"):
            reader.problem(
                "role",
                _("Write the resident's role in the unit: %(roles)s.", roles=", ".join(ROLES)),
            )
        if unit is None and not reader.raw("unit_number") and not reader.raw("building_code"):
            for code in ("role", "moved_in", "is_primary_contact"):
                if reader.raw(code):
                    reader.problem(code, _("This needs a building and a unit on the same row."))
        existing = None
        if name is not None:
            try:
                existing = index.find(ref, name, reader.raw("phone"))
            except CellError as error:
                reader.problem("name", str(error))
        if existing is not None and existing.archived_at is not None:
            reader.problem("name", _("This resident is archived: restore them before importing."))
        if reader.problems or name is None:
            return None
        return ResidentRecord(
            row=reader.number,
            key=_resident_key(reader.cells),
            ref=ref,
            values={k: v for k, v in values.items() if v is not None},
            unit=unit,
            role=role,
            moved_in=moved_in,
            primary=primary,
            existing=existing,
        )

    def _unit(self, reader: RowReader) -> Unit | None:
        code, number = reader.raw("building_code"), reader.raw("unit_number")
        if not code and not number:
            return None
        if not code or not number:
            reader.problem(
                "unit_number" if code else "building_code",
                _("Give both the building and the unit, or neither."),
            )
            return None
        building = _building(reader, self.buildings)
        if building is None:
            return None
        unit = self.units.get((building.id, number.casefold()))
        if unit is None:
            reader.problem(
                "unit_number",
                _(
                    "There is no unit %(unit)s in building %(code)s.",
                    unit=number,
                    code=building.code,
                ),
            )
        elif unit.archived_at is not None:
            label = f"{building.code}-{unit.number}"
            reader.problem("unit_number", _("Unit %(unit)s is archived.", unit=label))
            return None
        return unit

    def write(
        self, records: list[ResidentRecord], batch: ImportBatch, user: User
    ) -> tuple[int, int]:
        """Create or update the residents and where they live; returns (created, updated)."""
        from core.plugins.host import host

        hooks = host().hooks_for(self.site)
        people: dict[tuple[str, ...], Resident] = {}
        new: list[Resident] = []
        changed: set[int] = set()  # id() of the residents this import changed
        claimed: dict[int, int] = {}
        for record in records:
            resident = people.get(record.key) or record.existing
            if resident is None:
                resident = Resident(site_id=self.site.id, ref=record.ref or None, **record.values)
                new.append(resident)
            elif record.key not in people:
                if resident.id in claimed:
                    raise ImportConflict(record.row, claimed[resident.id])
                claimed[resident.id] = record.row
                fields = dict(record.values)
                if record.ref and resident.ref != record.ref:
                    fields["ref"] = record.ref
                if _apply(resident, fields):
                    changed.add(id(resident))
            people[record.key] = resident
        _add_all(Resident, new)
        db.session.flush()
        placed = self._place(records, people, changed)
        created_ids = {id(r) for r in new}
        created = updated = 0
        for record in records:
            resident = people[record.key]
            if id(resident) in created_ids:
                created += 1
            elif id(resident) in changed or record.row in placed:
                updated += 1
        written = created_ids | changed
        touched = {id(r): r for r in people.values() if id(r) in written}
        logged = [
            audit.record("import.resident", r, detail={"batch": batch.id}, user=user)
            for r in touched.values()
        ]
        _add_all(AuditLog, logged)
        for resident in new:
            hooks.butler_resident_created(site=self.site, resident=resident)
        return created, updated

    def _place(self, records, people, changed) -> set[int]:
        """Move residents into their units unless they already live there; the rows that did."""
        current: dict[tuple[int, int], Occupancy] = {}
        for occupancy in db.session.scalars(
            tenancy.select(Occupancy, site=self.site).where(Occupancy.moved_out.is_(None))
        ):
            current.setdefault((occupancy.resident_id, occupancy.unit_id), occupancy)
        today = clock.today(self.site)
        rows: set[int] = set()
        new: list[Occupancy] = []
        for record in records:
            if record.unit is None:
                continue
            resident = people[record.key]
            occupancy = current.get((resident.id, record.unit.id))
            if occupancy is None:
                occupancy = Occupancy(
                    site_id=self.site.id,
                    resident_id=resident.id,
                    unit_id=record.unit.id,
                    role=record.role,
                    moved_in=record.moved_in or today,
                    is_primary_contact=bool(record.primary),
                )
                new.append(occupancy)
                current[(resident.id, record.unit.id)] = occupancy
                if record.unit.status == "vacant":
                    record.unit.status = "let" if record.role == "tenant" else "occupied"
                rows.add(record.row)
                changed.add(id(resident))
            else:
                values: dict[str, Any] = {"role": record.role}
                if record.moved_in is not None:
                    values["moved_in"] = record.moved_in
                if record.primary is not None:
                    values["is_primary_contact"] = record.primary
                if _apply(occupancy, values):
                    rows.add(record.row)
                    changed.add(id(resident))
        _add_all(Occupancy, new)
        return rows


class ImportConflict(Exception):
    """Two rows of a file update the same resident; found only when the whole file is read."""

    def __init__(self, row: int, earlier: int) -> None:
        super().__init__(row, earlier)
        self.row = row
        self.earlier = earlier
