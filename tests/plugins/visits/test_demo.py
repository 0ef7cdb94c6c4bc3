"""The demo: each butler has visited some of their households this quarter and planned
a few for today, once however often the demo is loaded."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.models import Site
from plugins.visits.demo import load_demo
from plugins.visits.models import VisitsPlan, VisitsVisit


def _counts(site_id: int) -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).where(VisitsVisit.site_id == site_id)),
        db.session.scalar(select(func.count()).where(VisitsPlan.site_id == site_id)),
    )


def test_the_demo_shows_visits_and_a_plan_once(app, client, auth, estate):
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        load_demo(site)
        db.session.commit()
        first = _counts(site.id)
        load_demo(site)
        db.session.commit()
        assert _counts(site.id) == first
    visits, plans = first
    assert visits >= 4 and plans >= 2
    auth.login("ben")
    page = client.get(estate.url("today/")).get_data(as_text=True)
    assert "Home visit" in page
