"""The reminder on the 20th to the managers and assistants: last month's evaluations not
yet scored, queued through the outbox once a month."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from core import clock, outbox
from core.extensions import db
from core.models import Membership, Site, User
from plugins.maintenance import rules

RECIPIENTS = ("manager", "assistant")


def remind_to_score(site: Site, now: datetime) -> int:
    """Queue a note to each manager and assistant when evaluations of last month are not
    scored yet; the number queued. The key names the month, so it is sent once."""
    month = rules.previous_month(now.astimezone(clock.zone(site)).strftime("%Y-%m"))
    waiting = [
        item
        for item in rules.to_evaluate(site, month)
        if item.evaluation is None or item.evaluation.scored_at is None
    ]
    if not waiting:
        return 0
    people = db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.site_id == site.id, Membership.role.in_(RECIPIENTS))
        .order_by(User.id)
    ).all()
    queued = 0
    for person in people:
        email = "@" in (person.email or "")
        message = outbox.queue(
            site,
            "email" if email else "notice",
            person.email if email else person.username,
            subject=_("Contractors' evaluations are due by the 25th"),
            body=_(
                "%(count)s evaluations of %(month)s are not scored yet; they lock after the 25th.",
                count=len(waiting),
                month=month,
            ),
            dedupe_key=f"maintenance-evaluations-{month}-{person.id}",
            source="maintenance",
        )
        queued += message is not None
    return queued
