"""The core's part of the site search: residents by name, phone or resident number."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from core.extensions import db
from core.models import Resident, Site
from core.plugins.api import SearchResult
from core.security import can

LIMIT = 20


def like_escape(text: str) -> str:
    """``text`` with LIKE wildcards escaped (use with ``escape='\\\\'``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_residents(site: Site, user, query: str) -> list:
    if not can(user, "residents.view", site) or not query:
        return []
    pattern = like_escape(query)
    rows = db.session.scalars(
        select(Resident)
        .where(
            Resident.site_id == site.id,
            Resident.archived_at.is_(None),
            or_(
                Resident.name.ilike(f"%{pattern}%", escape="\\"),
                Resident.phone.like(f"{pattern}%", escape="\\"),
                Resident.ref.ilike(f"{pattern}%", escape="\\"),
            ),
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
