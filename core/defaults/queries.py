"""The queries behind the core's dashboard widgets (the default plugin's, not a view's)."""

from __future__ import annotations

from sqlalchemy import distinct, func, select

from core.buildings import looked_after
from core.extensions import db
from core.models import Building, Occupancy, Resident, Unit


def site_counts(site_id: int) -> dict[str, int]:
    """Buildings, units and residents (current, not archived) of a site, in one query."""
    buildings = (
        select(func.count(Building.id))
        .where(Building.site_id == site_id, Building.archived_at.is_(None))
        .scalar_subquery()
    )
    units = (
        select(func.count(Unit.id))
        .join(Building, Building.id == Unit.building_id)
        .where(
            Unit.site_id == site_id,
            Unit.archived_at.is_(None),
            Building.archived_at.is_(None),
        )
        .scalar_subquery()
    )
    residents = (
        select(func.count(Resident.id))
        .where(Resident.site_id == site_id, Resident.archived_at.is_(None))
        .scalar_subquery()
    )
    row = db.session.execute(select(buildings, units, residents)).one()
    return {"buildings": row[0], "units": row[1], "residents": row[2]}


def buildings_of_butler(site_id: int, user_id: int) -> list[dict]:
    """The buildings a butler currently answers for, with their units and residents counted."""
    current = looked_after(site_id, user_id).scalar_subquery()
    resident_count = (
        select(func.count(distinct(Occupancy.resident_id)))
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(
            Occupancy.site_id == site_id,
            Occupancy.moved_out.is_(None),
            Unit.building_id == Building.id,
        )
        .correlate(Building)
        .scalar_subquery()
    )
    unit_count = (
        select(func.count(Unit.id))
        .where(Unit.site_id == site_id, Unit.building_id == Building.id, Unit.archived_at.is_(None))
        .correlate(Building)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Building, unit_count, resident_count)
        .where(
            Building.site_id == site_id,
            Building.id.in_(current),
            Building.archived_at.is_(None),
        )
        .order_by(Building.code)
    ).all()
    return [{"building": b, "units": u, "residents": r} for b, u, r in rows]
