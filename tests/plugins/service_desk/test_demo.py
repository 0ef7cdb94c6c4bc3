"""Turning the service desk on gives a site its default categories, in its language, once;
the demo shows requests at every step."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.models import Site
from core.plugins.host import host
from plugins.service_desk.demo import load_demo
from plugins.service_desk.labels import DEFAULT_CATEGORIES
from plugins.service_desk.models import ServiceDeskCategory, ServiceDeskRequest


def _categories(site_id: int) -> list[tuple[str, str]]:
    return list(
        db.session.execute(
            select(ServiceDeskCategory.type, ServiceDeskCategory.name)
            .where(ServiceDeskCategory.site_id == site_id)
            .order_by(ServiceDeskCategory.id)
        ).all()
    )


def test_turning_the_plugin_on_seeds_categories_in_the_sites_language_once(app, make):
    made = make.site(default_locale="zh_Hant")
    with app.test_request_context():
        site = db.session.get(Site, made.id)
        host().set_enabled(site, "service_desk", True)
        db.session.commit()
        first = _categories(site.id)
        assert len(first) == len(DEFAULT_CATEGORIES)
        assert ("repair", "水管") in first and ("errand", "信件及包裹") in first
        host().set_enabled(site, "service_desk", False)
        host().set_enabled(site, "service_desk", True)
        db.session.commit()
        assert _categories(site.id) == first


def test_the_demo_shows_requests_at_every_step_and_loads_once(app, make):
    made = make.site()
    tower = make.building(made)
    for n in range(6):
        make.resident(made, make.unit(tower, number=f"{n + 1}A"))
    make.user(role="butler", site=made)
    with app.app_context():
        site = db.session.get(Site, made.id)
        load_demo(site)
        load_demo(site)
        db.session.commit()
        statuses = db.session.scalars(
            select(ServiceDeskRequest.status).where(ServiceDeskRequest.site_id == site.id)
        ).all()
        assert len(statuses) == 6
        assert {"new", "in_progress", "done", "called_back", "closed"} <= set(statuses)
        assert db.session.scalar(select(func.count(ServiceDeskCategory.id))) == len(
            DEFAULT_CATEGORIES
        )
