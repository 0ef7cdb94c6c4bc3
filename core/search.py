"""The core's part of the site search: residents by name, phone or resident number.

``resident_matches`` is also what the resident list's search as you type uses. Each way
of matching is one indexed lookup on the site's rows (see ``core/search_index.py``), so
the time a search takes follows the residents it finds, not the size of the estate:

- a name containing the query, through the trigram index, from three characters on;
  a shorter query finds the names that start with it;
- a phone, a resident number or (on the list) a unit number starting with the query.
"""

from __future__ import annotations

from flask import g, has_app_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, column, func, select, table, text, union

from core.extensions import db
from core.models import Building, Occupancy, Resident, Site, Unit
from core.plugins.api import SearchResult
from core.search_index import FTS_TABLE, MIN_TRIGRAM
from core.security import can

LIMIT = 20
_FTS = table(FTS_TABLE, column("rowid"))


def like_escape(text: str) -> str:
    """``text`` with LIKE wildcards escaped (use with ``escape='\\\\'``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _starts_with(column, query: str, dialect: str) -> ColumnElement[bool]:
    """``column`` starts with ``query``, ignoring case, in the form its prefix index serves:
    ``lower(column) LIKE`` on PostgreSQL, a plain ``LIKE`` (already blind to ASCII case)
    against a ``COLLATE NOCASE`` index on SQLite."""
    pattern = like_escape(query) + "%"
    if dialect == "postgresql":
        return func.lower(column).like(func.lower(pattern), escape="\\")
    return column.like(pattern, escape="\\")


def _name_contains(site: Site, query: str, dialect: str) -> Select:
    if dialect == "sqlite":
        # A quoted FTS5 phrase is matched literally ('"' doubled); with the trigram
        # tokenizer it finds the names holding the query anywhere, in any case.
        phrase = '"' + query.replace('"', '""') + '"'
        found = select(_FTS.c.rowid).where(
            text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase=phrase)
        )
        return select(Resident.id).where(Resident.site_id == site.id, Resident.id.in_(found))
    pattern = "%" + like_escape(query) + "%"
    return select(Resident.id).where(
        Resident.site_id == site.id, Resident.name.ilike(pattern, escape="\\")
    )


def _units_matching(site: Site, query: str, dialect: str) -> Select:
    """The ids of ``site``'s units whose number, or "<building code>-<number>", starts
    with ``query``: "12A", "T1-12", or "T1" for every unit of tower T1 (and T10…).

    Without a dash the query can only be the beginning of a building's code; with one it
    may also be a whole code, then the beginning of a number. Each case reads a building
    (a site has a handful) and the units through an index, never every unit's name.
    """
    in_building = select(Building.id).where(
        Building.site_id == site.id, _starts_with(Building.code, query, dialect)
    )
    ways = [
        select(Unit.id).where(Unit.site_id == site.id, _starts_with(Unit.number, query, dialect)),
        select(Unit.id).where(Unit.site_id == site.id, Unit.building_id.in_(in_building)),
    ]
    for dash in (i for i, char in enumerate(query) if char == "-"):
        code, number = query[:dash], query[dash + 1 :]
        building = select(Building.id).where(
            Building.site_id == site.id, func.lower(Building.code) == func.lower(code)
        )
        ways.append(
            select(Unit.id).where(
                Unit.site_id == site.id,
                Unit.building_id.in_(building),
                _starts_with(Unit.number, number, dialect),
            )
        )
    return union(*ways)


def resident_matches(site: Site, query: str, units: bool = False) -> Select:
    """The ids of ``site``'s residents (archived or not) that ``query`` finds: by name,
    phone or resident number, and with ``units`` by the number of a unit they live in now
    ("12A", or with its building's code, "T1-12A")."""
    dialect = db.session.get_bind().dialect.name
    if len(query) >= MIN_TRIGRAM:
        by_name = _name_contains(site, query, dialect)
    else:
        by_name = select(Resident.id).where(
            Resident.site_id == site.id, _starts_with(Resident.name, query, dialect)
        )
    ways = [
        by_name,
        select(Resident.id).where(
            Resident.site_id == site.id, Resident.phone.like(like_escape(query) + "%", "\\")
        ),
        select(Resident.id).where(
            Resident.site_id == site.id, _starts_with(Resident.ref, query, dialect)
        ),
    ]
    if units:
        ways.append(
            select(Occupancy.resident_id).where(
                Occupancy.site_id == site.id,
                Occupancy.moved_out.is_(None),
                Occupancy.unit_id.in_(_units_matching(site, query, dialect)),
            )
        )
    return union(*ways)


FEW = 1000


def found_residents(site: Site, query: str) -> list[int] | Select:
    """What the resident list's search finds (units included): the ids themselves when
    they are few, else the query giving them. A list tells the planner how few rows to
    join, where the estimate of a UNION makes it read the whole site's residents and
    occupancies. Worked out once per request (the list and its count both ask)."""
    cache = g.setdefault("found_residents", {}) if has_app_context() else {}
    if (site.id, query) not in cache:
        matches = resident_matches(site, query, units=True)
        ids = db.session.scalars(matches.limit(FEW + 1)).all()
        cache[(site.id, query)] = ids if len(ids) <= FEW else matches
    return cache[(site.id, query)]


def search_residents(site: Site, user, query: str) -> list:
    if not can(user, "residents.view", site) or not query:
        return []
    rows = db.session.scalars(
        select(Resident)
        .where(
            Resident.site_id == site.id,
            Resident.archived_at.is_(None),
            Resident.id.in_(resident_matches(site, query)),
        )
        .order_by(Resident.name)
        .limit(LIMIT)
    ).all()
    return [
        SearchResult(
            title=r.name,
            url=url_for("residents.show", resident_id=r.id),
            kind=_l("Resident"),
            detail=r.phone,
        )
        for r in rows
    ]
