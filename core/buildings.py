"""The buildings of a site, and the buildings a butler looks after: one query each.

Views, hooks and jobs of the core and of the plugins ask these instead of writing the
filters again (a building is current until it is archived; an assignment until it ends).
"""

from __future__ import annotations

from sqlalchemy import Select, exists, select

from core.extensions import db
from core.models import Building, ButlerAssignment, Site, User


def site_buildings(site: Site) -> list[Building]:
    """The current (not archived) buildings of ``site``, by code."""
    return list(
        db.session.scalars(
            select(Building)
            .where(Building.site_id == site.id, Building.archived_at.is_(None))
            .order_by(Building.code)
        )
    )


def looked_after(site_id: int, user_id: int) -> Select:
    """The ids of the buildings a butler currently looks after on a site, as a select
    to use in ``column.in_(...)``."""
    return select(ButlerAssignment.building_id).where(
        ButlerAssignment.site_id == site_id,
        ButlerAssignment.user_id == user_id,
        ButlerAssignment.ends_on.is_(None),
    )


def looks_after_any(site: Site, user: User) -> bool:
    """True when ``user`` is the responsible butler of a building of ``site``."""
    return bool(db.session.scalar(select(exists(looked_after(site.id, user.id)))))
