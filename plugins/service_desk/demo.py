"""Demo data: a site's categories and a few requests at every step."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import clock, tenancy
from core.extensions import db
from core.models import Membership, Occupancy, Resident, Site, Unit, User
from core.roles import DEMO_STAFF
from plugins.service_desk import rules
from plugins.service_desk.models import ServiceDeskCategory, ServiceDeskRequest
from plugins.service_desk.rules import seed_categories

DEMO_REQUESTS = (
    # type, category index among the site's, description, steps done, hours ago received
    ("repair", "Kitchen tap leaks under the sink", ("ack", "assign", "visit"), 5),
    ("repair", "Corridor light on the 12th floor flickers", (), 1),
    ("complaint", "Drilling after 7 pm next door", ("ack", "done"), 30),
    ("errand", "Collect dry cleaning on Friday", ("ack", "done", "callback"), 50),
    ("inquiry", "When is the water stop this month?", ("ack", "done", "callback", "close"), 80),
    ("repair", "Lift 2 stops between floors", (), 40),
)


def load_demo(site: Site) -> None:
    """The site's categories and a few requests at every step, once."""
    seed_categories(site)
    if db.session.scalar(
        tenancy.select(ServiceDeskRequest, ServiceDeskRequest.id, site=site).limit(1)
    ):
        return
    staff = db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.site_id == site.id, Membership.role.in_(DEMO_STAFF))
        .order_by(Membership.role, User.id)
        .limit(1)
    )
    residents = db.session.execute(
        select(Resident, Unit)
        .join(Occupancy, Occupancy.resident_id == Resident.id)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(Resident.site_id == site.id, Occupancy.moved_out.is_(None))
        .order_by(Resident.id)
        .limit(len(DEMO_REQUESTS))
    ).all()
    if staff is None or not residents:
        return
    categories = {}
    for category in db.session.scalars(
        tenancy.select(ServiceDeskCategory, site=site).order_by(ServiceDeskCategory.id)
    ):
        categories.setdefault(category.type, category)
    now = clock.now()
    for (type_, text, steps, hours_ago), (resident, unit) in zip(
        DEMO_REQUESTS, residents, strict=False
    ):
        at = now - timedelta(hours=hours_ago)
        item = rules.log(
            category=categories[type_],
            resident=resident,
            unit_id=unit.id,
            building_id=unit.building_id,
            channel="phone",
            description=text,
            user=staff,
            at=at,
        )
        step_at = at + timedelta(minutes=10)
        if "ack" in steps:
            rules.acknowledge(item, staff, "We are on it.", step_at)
        if "assign" in steps:
            rules.assign(item, staff, "contractor", step_at, contractor="Harbour Plumbing Co.")
        if "visit" in steps:
            rules.record_visit(item, staff, "Mr Lee", step_at, True, "", step_at)
        if "done" in steps:
            rules.complete(item, staff, "", at + timedelta(hours=2))
        if "callback" in steps:
            rules.call_back(item, staff, "call", "satisfied", "", at + timedelta(hours=4))
        if "close" in steps:
            rules.close(item, staff, at + timedelta(hours=5))
    db.session.flush()
