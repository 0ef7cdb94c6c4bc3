"""The jobs: reminders by stage (never twice), and the Monday report once a week per site,
even with two hosts running the jobs at the same moment."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa

from core.extensions import db
from core.jobs import run_due
from core.models import JobRun, OutboxMessage, Site
from plugins.fees.jobs import send_reminders
from plugins.fees.models import FeesWeek
from tests.plugins.fees.conftest import add_bill, add_fee, text


def remind(app, site) -> int:
    from core import clock

    with app.app_context():
        count = send_reminders(db.session.get(Site, site.id), clock.now())
        db.session.commit()
    return count


def messages(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                OutboxMessage.dedupe_key, OutboxMessage.recipient, OutboxMessage.channel
            ).order_by(OutboxMessage.id)
        ).all()
    return [tuple(r) for r in rows]


def test_each_reminder_stage_reaches_a_consenting_resident_once(app, clock, estate):
    fee = add_fee(app, estate.site)
    chans = add_bill(app, estate.site, estate.units[0], fee, "2027-01", date(2027, 1, 14), 100000)
    # Lee (1B) gave no consent to be reminded: nothing goes to them.
    add_bill(app, estate.site, estate.units[1], fee, "2027-01", date(2027, 1, 14), 100000)
    clock.at_local(estate.site, date(2027, 1, 11), time(10))  # three days before
    assert remind(app, estate.site) == 1
    assert remind(app, estate.site) == 0  # the same day again: nothing new
    clock.at_local(estate.site, date(2027, 1, 14), time(10))
    assert remind(app, estate.site) == 1
    clock.at_local(estate.site, date(2027, 1, 15), time(10))
    assert remind(app, estate.site) == 0
    clock.at_local(estate.site, date(2027, 1, 22), time(10))  # a week late (2 days missed too)
    assert remind(app, estate.site) == 1
    clock.at_local(estate.site, date(2027, 1, 23), time(10))
    assert remind(app, estate.site) == 0
    assert messages(app) == [
        (f"fees-reminder-{chans}-before", "91234567", "sms"),
        (f"fees-reminder-{chans}-due", "91234567", "sms"),
        (f"fees-reminder-{chans}-late7", "91234567", "sms"),
    ]


def test_a_paid_bill_is_not_reminded(app, client, auth, clock, estate):
    fee = add_fee(app, estate.site)
    add_bill(
        app, estate.site, estate.units[0], fee, "2027-01", date(2027, 1, 14), 100000, paid=100000
    )
    assert remind(app, estate.site) == 0


def test_the_reminder_letter_lists_what_is_past_due(app, client, auth, estate):
    fee = add_fee(app, estate.site)
    unit = estate.units[0]
    add_bill(app, estate.site, unit, fee, "2026-12", date(2026, 12, 15), 100000)
    add_bill(app, estate.site, unit, fee, "2027-01", date(2027, 1, 15), 100000)
    auth.login("ben")
    page = text(client.get(estate.url(f"units/{unit.id}/letter")))
    assert "Reminder: fees unpaid" in page and "Chan Tai Man" in page
    assert "Management fee 2026-12" in page and "Management fee 2027-01" not in page
    assert client.get(estate.url(f"units/{estate.units[2].id}/letter")).status_code == 404


def test_the_monday_report_runs_once_a_week_per_site_even_from_two_hosts(
    app, make, make_app, client, auth, clock, estate
):
    fee = add_fee(app, estate.site)
    unit = estate.units[0]
    add_bill(app, estate.site, unit, fee, "2026-12", date(2026, 12, 15), 100000)
    clock.at_local(estate.site, date(2027, 1, 5), time(15))  # last Tuesday
    auth.login("ben")
    client.post(
        estate.url(f"units/{unit.id}/chases"),
        data={"kind": "call", "note": "", "promise_on": "2027-01-08", "promise_amount": "600"},
    )
    client.post(estate.url(f"units/{unit.id}/chases"), data={"kind": "sms", "note": "Sent"})
    client.post(estate.url(f"units/{unit.id}/payments"), data={"amount": "600", "method": "cash"})
    one, two = make_app(dict(app.config)), make_app(dict(app.config))
    moment = clock.at_local(estate.site, date(2027, 1, 11), time(9, 5))
    for host in (one, two, one):
        with host.app_context():
            run_due(moment)
    clock.at_local(estate.site, date(2027, 1, 14), time(9, 5))  # later in the week
    with two.app_context():
        run_due(clock.now())
    with app.app_context():
        runs = db.session.scalars(
            sa.select(JobRun.period).where(
                JobRun.job == "fees.monday_report", JobRun.site_id == estate.site.id
            )
        ).all()
        weeks = db.session.scalars(sa.select(FeesWeek)).all()
        figures = [
            (
                w.week_start,
                w.units_chased,
                w.contacts,
                w.promises,
                w.promised_minor,
                w.collected_minor,
            )
            for w in weeks
        ]
    assert len(runs) == 1
    assert figures == [(date(2027, 1, 4), 1, 2, 1, 60000, 60000)]
    auth.logout()
    auth.login("mia")
    page = text(client.get(estate.url("reports/monday")))
    assert "As written on Monday morning." in page
    assert "Ben Wong" in page and "HK$600.00" in page
