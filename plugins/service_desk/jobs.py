"""The hourly warning: requests about to miss their promised reply or completion time.

The assignee is told (or, when nobody on the staff is assigned, the butler responsible for
the building), through the outbox: an e-mail when they have an address, else a notice.
The dedupe key names the request and the promise, so nobody is told twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from core import clock, outbox, tenancy
from core.extensions import db
from core.models import ButlerAssignment, Site, User
from plugins.service_desk.models import ServiceDeskEvent, ServiceDeskRequest

REPLY_AHEAD = timedelta(hours=1)
COMPLETE_AHEAD = timedelta(hours=4)
R = ServiceDeskRequest


def _responsible(site: Site, item: ServiceDeskRequest) -> User | None:
    if item.assignee_id is not None:
        return db.session.get(User, item.assignee_id)
    if item.building_id is None:
        return None
    return db.session.scalar(
        select(User)
        .join(ButlerAssignment, ButlerAssignment.user_id == User.id)
        .where(
            ButlerAssignment.site_id == site.id,
            ButlerAssignment.building_id == item.building_id,
            ButlerAssignment.ends_on.is_(None),
        )
        .order_by(ButlerAssignment.id)
        .limit(1)
    )


def warn_of_breaches(site: Site, now: datetime) -> int:
    """Queue a warning for each promise that runs out soon; the number queued."""
    reply_soon = and_(R.status == "new", R.reply_due_at > now, R.reply_due_at <= now + REPLY_AHEAD)
    complete_soon = and_(
        R.done_at.is_(None),
        R.status.in_(("acknowledged", "assigned", "in_progress")),
        R.complete_due_at > now,
        R.complete_due_at <= now + COMPLETE_AHEAD,
    )
    items = db.session.scalars(
        tenancy.select(R, site=site).where(or_(reply_soon, complete_soon)).order_by(R.id)
    ).all()
    zone = clock.zone(site)
    queued = 0
    with force_locale(site.default_locale or "en"):
        for item in items:
            person = _responsible(site, item)
            if person is None:
                continue
            replying = item.status == "new"
            due_at = item.reply_due_at if replying else item.complete_due_at
            due = due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            promise = "reply" if replying else f"complete-{item.reopen_count}"
            body = (
                _("Request #%(number)s must be answered by %(due)s.", number=item.id, due=due)
                if replying
                else _("Request #%(number)s must be done by %(due)s.", number=item.id, due=due)
            )
            message = outbox.queue(
                site,
                "email" if "@" in (person.email or "") else "notice",
                person.email if "@" in (person.email or "") else person.username,
                subject=_("A promised time runs out soon"),
                body=body,
                dedupe_key=f"service_desk-{item.id}-{promise}",
                source="service_desk",
            )
            if message is not None:
                queued += 1
                db.session.add(
                    ServiceDeskEvent(
                        site_id=site.id,
                        request_id=item.id,
                        user_id=person.id,
                        action="breach_warning",
                        at=now,
                    )
                )
    return queued
