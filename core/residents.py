"""Finding residents: the filters, sorting and paging of the resident list (and its export)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Bundle
from werkzeug.datastructures import MultiDict

from core.buildings import looked_after, looks_after_any
from core.extensions import db
from core.models import Building, Occupancy, Resident, Site, Unit, User
from core.search import found_residents

PER_PAGE = 50
MAX_PER_PAGE = 100
STATUSES = ("current", "moved_out", "archived")
ROLES = ("owner", "tenant", "family", "domestic_helper")
# The only columns a list may be sorted on, by the name used in URLs.
SORTS: dict[str, Any] = {
    "name": Resident.name,
    "ref": Resident.ref,
    "unit": (Building.code, Unit.number),
    "moved_in": Occupancy.moved_in,
}


@dataclass(frozen=True)
class ResidentFilter:
    """What the resident list shows: every field comes from the query string, checked."""

    q: str = ""
    building_id: int | None = None
    mine: bool = False
    role: str = ""
    status: str = "current"
    sort: str = "name"
    descending: bool = False
    page: int = 1
    per_page: int = PER_PAGE

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for this filter with ``changes`` (for links)."""
        f = replace(self, **changes)
        args: dict[str, Any] = {}
        if f.q:
            args["q"] = f.q
        if f.building_id:
            args["building"] = f.building_id
        args["mine"] = "1" if f.mine else "0"
        if f.role:
            args["role"] = f.role
        if f.status != "current":
            args["status"] = f.status
        if f.sort != "name" or f.descending:
            args["sort"] = ("-" if f.descending else "") + f.sort
        if f.page != 1:
            args["page"] = f.page
        if f.per_page != PER_PAGE:
            args["per_page"] = f.per_page
        return args


def _int(value: str | None, default: int | None, low: int, high: int) -> int | None:
    try:
        number = int(value) if value not in (None, "") else default
    except ValueError:
        return default
    if number is None:
        return None
    return max(low, min(high, number))


def filter_from_args(args: MultiDict, default_mine: bool) -> ResidentFilter:
    """A filter from the query string; anything unknown falls back to the default."""
    sort = args.get("sort", "name")
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort not in SORTS:
        sort, descending = "name", False
    mine_arg = args.get("mine")
    return ResidentFilter(
        q=args.get("q", "").strip()[:100],
        building_id=_int(args.get("building"), None, 1, 2**31 - 1),
        mine=default_mine if mine_arg is None else mine_arg == "1",
        role=args.get("role", "") if args.get("role", "") in ROLES else "",
        status=args.get("status", "current") if args.get("status") in STATUSES else "current",
        sort=sort,
        descending=descending,
        page=_int(args.get("page"), 1, 1, 100_000) or 1,
        per_page=_int(args.get("per_page"), PER_PAGE, 1, MAX_PER_PAGE) or PER_PAGE,
    )


def has_buildings(site: Site, user: User) -> bool:
    """True when ``user`` is the responsible butler of a building of ``site``."""
    return looks_after_any(site, user)


def _current_occupancies(site: Site, matches: Select | list[int] | None = None):
    """Each resident's first current occupancy on ``site``: one grouped pass, joined once.
    With ``matches`` (a search's resident ids), only theirs: a search then reads the
    occupancies of the residents it found, not the whole site's.

    (A correlated subquery per resident costs one index probe per row on every page.)
    """
    stmt = select(
        Occupancy.resident_id.label("resident_id"),
        func.min(Occupancy.id).label("occupancy_id"),
    ).where(Occupancy.site_id == site.id, Occupancy.moved_out.is_(None))
    if matches is not None:
        stmt = stmt.where(Occupancy.resident_id.in_(matches))
    return stmt.group_by(Occupancy.resident_id).subquery("current_occupancy")


def _filtered(stmt: Select, f: ResidentFilter, site: Site, user: User) -> Select:
    # Every join names the site too: the planner then reads only this site's rows.
    matches = found_residents(site, f.q) if f.q else None
    current = _current_occupancies(site, matches)
    stmt = (
        stmt.outerjoin(current, current.c.resident_id == Resident.id)
        .outerjoin(
            Occupancy,
            and_(Occupancy.site_id == site.id, Occupancy.id == current.c.occupancy_id),
        )
        .outerjoin(Unit, and_(Unit.site_id == site.id, Unit.id == Occupancy.unit_id))
        .outerjoin(Building, and_(Building.site_id == site.id, Building.id == Unit.building_id))
        .where(Resident.site_id == site.id)
    )
    if f.status == "archived":
        stmt = stmt.where(Resident.archived_at.is_not(None))
    else:
        stmt = stmt.where(Resident.archived_at.is_(None))
        occupancy = current.c.occupancy_id
        stmt = stmt.where(
            occupancy.is_(None) if f.status == "moved_out" else occupancy.is_not(None)
        )
    if matches is not None and f.status != "current":
        # (The current list joins only the found residents' occupancies already.)
        stmt = stmt.where(Resident.id.in_(matches))
    if f.building_id:
        stmt = stmt.where(Unit.building_id == f.building_id)
    if f.role:
        stmt = stmt.where(Occupancy.role == f.role)
    if f.mine:
        stmt = stmt.where(Unit.building_id.in_(looked_after(site.id, user.id)))
    return stmt


# What a row of the list shows, in named bundles: reading these few columns costs far less
# than building four ORM objects per row (the list is the page butlers open most).
LIST_COLUMNS = (
    Bundle("resident", Resident.id, Resident.name, Resident.phone, Resident.ref),
    Bundle("occupancy", Occupancy.role),
    Bundle("unit", Unit.number),
    Bundle("building", Building.code),
)


def list_query(f: ResidentFilter, site: Site, user: User) -> Select:
    """One page of the list: ``(resident, occupancy, unit, building)`` bundles of the
    shown columns (``unit.number`` is None for a resident without a current unit)."""
    return _ordered(_filtered(select(*LIST_COLUMNS), f, site, user), f, paged=True)


def page_of(f: ResidentFilter, site: Site, user: User) -> tuple[list, int]:
    """One page of the list and how many residents the filter finds in all.

    A search counts its total in the page's own statement (``count(*) OVER ()``): with the
    ids it found first, that keeps it to two statements, as the list without one.
    """
    if not f.q:
        rows = db.session.execute(list_query(f, site, user)).all()
        return rows, db.session.scalar(count_query(f, site, user)) or 0
    counted = db.session.execute(
        list_query(f, site, user).add_columns(func.count().over().label("total"))
    ).all()
    if not counted:  # past the last page, or nothing found
        return [], (db.session.scalar(count_query(f, site, user)) or 0) if f.page > 1 else 0
    return [row[:-1] for row in counted], counted[0][-1]


def rows_query(f: ResidentFilter, site: Site, user: User, paged: bool = True) -> Select:
    """Residents with their main current unit and building, filtered, sorted, paged."""
    return _ordered(_filtered(select(Resident, Occupancy, Unit, Building), f, site, user), f, paged)


def _ordered(stmt: Select, f: ResidentFilter, paged: bool) -> Select:
    columns = SORTS[f.sort]
    columns = columns if isinstance(columns, tuple) else (columns,)
    order = [c.desc() if f.descending else c.asc() for c in columns]
    stmt = stmt.order_by(*order, Resident.id)
    if paged:
        stmt = stmt.limit(f.per_page).offset((f.page - 1) * f.per_page)
    return stmt


def count_query(f: ResidentFilter, site: Site, user: User) -> Select:
    """How many residents the filter finds (all pages).

    Without a search or a filter on the unit, a resident counts when they have a current
    occupancy (EXISTS, answered by the index) and nothing else is joined.
    """
    if f.q or f.building_id or f.role or f.mine:
        return _filtered(select(func.count(Resident.id)), f, site, user)
    living = (
        select(Occupancy.id)
        .where(
            Occupancy.site_id == Resident.site_id,
            Occupancy.resident_id == Resident.id,
            Occupancy.moved_out.is_(None),
        )
        .exists()
    )
    stmt = select(func.count(Resident.id)).where(Resident.site_id == site.id)
    if f.status == "archived":
        return stmt.where(Resident.archived_at.is_not(None))
    stmt = stmt.where(Resident.archived_at.is_(None))
    return stmt.where(~living if f.status == "moved_out" else living)
