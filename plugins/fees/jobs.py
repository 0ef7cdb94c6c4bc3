"""The jobs of fees: reminders to residents by stage, and the Monday report.

Reminders go through the outbox with a dedupe key per bill and stage, so a stage is
never sent twice however often the job runs. The Monday report writes last week's
chasing per butler once per site and week (the job runner's unique run key sees to the
"once", even with several hosts).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from core import clock, money, outbox, tenancy
from core.extensions import db
from core.models import Occupancy, Resident, Site
from core.plugins.api import Cadence
from plugins.fees import queries
from plugins.fees.models import FeesBill, FeesWeek
from plugins.fees.rules import week_start

NAME = "fees"
# The stages of a reminder: days from the due date (negative: before it).
STAGES = (("before", -3), ("due", 0), ("late7", 7), ("late30", 30))
# A stage missed (the runner was down) is still sent within this many days.
CATCH_UP_DAYS = 3
MONDAY_NINE = Cadence.weekly(0, at=time(9))


def recipient_of(site: Site, unit_id: int) -> tuple[Resident, str, str] | None:
    """The unit's current owner or tenant who agreed to be reminded: (resident, channel,
    address), SMS before e-mail; None when nobody did."""
    people = db.session.scalars(
        tenancy.select(Resident, site=site)
        .join(Occupancy, Occupancy.resident_id == Resident.id)
        .where(
            Occupancy.site_id == site.id,
            Occupancy.unit_id == unit_id,
            Occupancy.moved_out.is_(None),
            Occupancy.role.in_(("owner", "tenant")),
            Resident.archived_at.is_(None),
        )
        .order_by(Occupancy.is_primary_contact.desc(), Occupancy.id)
    ).all()
    for person in people:
        if person.consent_sms and person.phone:
            return person, "sms", person.phone
        if person.consent_email and person.email:
            return person, "email", person.email
    return None


def _text(site: Site, bill: FeesBill, stage: str) -> tuple[str, str]:
    amount = money.show(bill.due_minor, site.currency)
    due = bill.due_on.isoformat()
    if stage == "before":
        body = _(
            "%(bill)s: %(amount)s is due on %(due)s.", bill=bill.description, amount=amount, due=due
        )
    elif stage == "due":
        body = _("%(bill)s: %(amount)s is due today.", bill=bill.description, amount=amount)
    else:
        body = _(
            "%(bill)s: %(amount)s was due on %(due)s and is still unpaid. Please pay at the "
            "management office or call your butler.",
            bill=bill.description,
            amount=amount,
            due=due,
        )
    return _("%(site)s: fee reminder", site=site.name), body


def send_reminders(site: Site, now: datetime) -> int:
    """Queue each stage's reminder for the owing bills that reached it; how many queued."""
    today = now.astimezone(clock.zone(site)).date()
    queued = 0
    for stage, offset in STAGES:
        latest = today - timedelta(days=offset)
        bills = db.session.scalars(
            tenancy.select(FeesBill, site=site)
            .where(
                FeesBill.paid_minor < FeesBill.amount_minor,
                FeesBill.due_on <= latest,
                FeesBill.due_on > latest - timedelta(days=CATCH_UP_DAYS),
            )
            .order_by(FeesBill.id)
        ).all()
        for bill in bills:
            found = recipient_of(site, bill.unit_id)
            if found is None:
                continue
            resident, channel, address = found
            with force_locale(resident.preferred_locale or site.default_locale):
                subject, body = _text(site, bill, stage)
            message = outbox.queue(
                site,
                channel,
                address,
                subject=subject,
                body=body,
                dedupe_key=f"fees-reminder-{bill.id}-{stage}",
                resident=resident,
                source=NAME,
            )
            queued += message is not None
    return queued


def monday_report(site: Site, now: datetime) -> int:
    """Write last week's chasing per butler (the Monday report); how many butlers."""
    # The run's period starts on a Monday at nine; its report is of the week before. (A
    # first run on a Monday before nine belongs to last week's period.)
    started = MONDAY_NINE.period_at(now, clock.zone(site)).start.astimezone(clock.zone(site))
    monday = week_start(started.date()) - timedelta(days=7)
    db.session.execute(
        sa.delete(FeesWeek).where(FeesWeek.site_id == site.id, FeesWeek.week_start == monday)
    )
    rows = queries.week_figures(site, monday)
    for row in rows:
        db.session.add(
            FeesWeek(
                site_id=site.id,
                week_start=monday,
                butler_id=row.butler_id,
                units_chased=row.units_chased,
                contacts=row.contacts,
                promises=row.promises,
                promised_minor=row.promised_minor,
                collected_minor=row.collected_minor,
                made_at=now,
            )
        )
    db.session.flush()
    return len(rows)
