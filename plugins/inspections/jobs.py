"""The hourly look at the rounds: a round not walked by its time (the lateness allowed
included) is told to the site's property assistants, once per building and period.

The message goes through the outbox (an e-mail when the assistant has an address, else a
notice); its dedupe key names the building, the period and the assistant, so a second
run, or a run on another worker, tells nobody twice.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from core import clock, outbox
from core.models import Site
from plugins.inspections import rules


def tell_missed_rounds(site: Site, now: datetime) -> int:
    """Queue a message for each round not walked in time; the number queued."""
    missing = rules.missed(site, now)
    if not missing:
        return 0
    assistants = rules.assistants_of(site)
    zone = clock.zone(site)
    queued = 0
    with force_locale(site.default_locale or "en"):
        for building, period, butler in missing:
            at = period.start.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            body = _(
                "The round of %(building)s due at %(at)s was not walked by %(butler)s in time.",
                building=building.code,
                at=at,
                butler=butler.display_name,
            )
            for person in assistants:
                email = "@" in (person.email or "")
                message = outbox.queue(
                    site,
                    "email" if email else "notice",
                    person.email if email else person.username,
                    subject=_("A round was not walked"),
                    body=body,
                    dedupe_key=f"inspections-missed-{building.id}-{period.key}-{person.id}",
                    source="inspections",
                )
                if message is not None:
                    queued += 1
    return queued
