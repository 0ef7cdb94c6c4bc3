"""A site's default categories, created when the plugin is turned on."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from core.extensions import db
from core.models import Site
from plugins.service_desk.labels import DEFAULT_CATEGORIES
from plugins.service_desk.models import ServiceDeskCategory


def seed_categories(site: Site) -> int:
    """Add the default categories the site lacks, named in its language; the count added."""
    existing = set(
        db.session.execute(
            select(ServiceDeskCategory.type, ServiceDeskCategory.name).where(
                ServiceDeskCategory.site_id == site.id
            )
        ).all()
    )
    added = 0
    with force_locale(site.default_locale or "en"):
        for type_, label, reply_minutes, complete_hours in DEFAULT_CATEGORIES:
            name = str(label)
            if (type_, name) in existing:
                continue
            db.session.add(
                ServiceDeskCategory(
                    site_id=site.id,
                    type=type_,
                    name=name,
                    reply_minutes=reply_minutes,
                    complete_hours=complete_hours,
                    active=True,
                )
            )
            added += 1
    db.session.flush()
    return added
