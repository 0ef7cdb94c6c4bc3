"""The weekly note to each butler behind the visits target, queued through the outbox once."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from core import clock, outbox
from core.extensions import db
from core.models import Site, User
from plugins.visits import rules


def warn_behind(site: Site, now: datetime) -> int:
    """Queue a note to each butler behind the pace of the month or the quarter; the number
    queued. The key names the week, so a second run in the same week queues nothing."""

    today = now.astimezone(clock.zone(site)).date()
    month = rules.span_of(site, rules.MONTH, today)
    quarter = rules.span_of(site, rules.QUARTER, today)
    goals = rules.targets(site)
    monday, _sunday = rules.week_of(today)
    queued = 0
    for row in rules.quota(site, month, quarter, today):
        late_month = rules.behind(row.month, goals.month, month, today)
        late_quarter = rules.behind(row.quarter, goals.quarter, quarter, today)
        if not (late_month or late_quarter):
            continue
        person = db.session.get(User, row.butler_id)
        body = _(
            "Home visits: %(month)s of %(month_needed)s households this month and "
            "%(quarter)s of %(quarter_needed)s this quarter. Open this week's plan to catch up.",
            month=row.month.visited,
            month_needed=rules.needed(row.month.households, goals.month),
            quarter=row.quarter.visited,
            quarter_needed=rules.needed(row.quarter.households, goals.quarter),
        )
        email = "@" in (person.email or "")
        message = outbox.queue(
            site,
            "email" if email else "notice",
            person.email if email else person.username,
            subject=_("You are behind the home-visit target"),
            body=body,
            dedupe_key=f"visits-behind-{person.id}-{monday.isoformat()}",
            source="visits",
        )
        queued += message is not None
    return queued
