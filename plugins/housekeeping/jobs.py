"""Housekeeping's scheduled work: chasing master keys still out after their shift."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core import audit, outbox, tenancy
from core.extensions import db
from core.models import Site
from plugins.housekeeping.models import HousekeepingKeyIssue


def chase_overdue_keys(site: Site, now: datetime) -> int:
    """Text each holder of a key still out after the shift, once per custody; audit it.

    Returns the number of custodies chased for the first time. The outbox's dedupe key
    makes a second run (or a second host) send nothing again.
    """
    overdue = db.session.scalars(
        tenancy.select(HousekeepingKeyIssue, site=site)
        .where(
            HousekeepingKeyIssue.returned_at.is_(None),
            HousekeepingKeyIssue.shift_ends_at < now,
        )
        .options(selectinload(HousekeepingKeyIssue.key), selectinload(HousekeepingKeyIssue.holder))
    ).all()
    chased = 0
    for custody in overdue:
        holder = custody.holder
        if not holder.phone:
            continue
        # In the staff member's language, else the site's.
        with force_locale(holder.locale or site.default_locale):
            body = _(
                "%(site)s: master key %(code)s is still with you after your shift. "
                "Please bring it back to the housekeeping office now.",
                site=site.name,
                code=custody.key.code,
            )
        message = outbox.queue(
            site,
            "sms",
            holder.phone,
            "",
            body,
            dedupe_key=f"housekeeping.key-overdue.{custody.id}",
            source="housekeeping",
        )
        if message is not None:
            chased += 1
            audit.record(
                "housekeeping.key_overdue",
                custody,
                site=site,
                detail={"key": custody.key.code, "holder": holder.display_name},
            )
    return chased
