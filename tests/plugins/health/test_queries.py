"""The lists cost the same number of SQL statements with 10 rows as with 100."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event, select

from core import clock as core_clock
from core.extensions import db
from core.models import Occupancy, Resident
from plugins.health.models import (
    HealthCampaign,
    HealthCampaignCheck,
    HealthCheck,
    HealthInvitation,
    HealthResult,
    HealthSlot,
)
from tests.conftest import login


@contextmanager
def counted_statements(app):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _fill(app, estate, campaigns: int, people: int) -> tuple[int, int]:
    """``campaigns`` campaigns; the last has ``people`` residents invited, all measured."""
    site_id = estate.site.id
    with app.app_context():
        checks = db.session.scalars(select(HealthCheck).where(HealthCheck.site_id == site_id)).all()
        heart = next(c for c in checks if c.code == "heart_rate")
        for n in range(campaigns):
            campaign = HealthCampaign(
                site_id=site_id,
                name=f"Check {n}",
                starts_on=date(2026, 1, 1) + timedelta(days=n),
                ends_on=date(2026, 1, 1) + timedelta(days=n),
                created_at=core_clock.now(),
            )
            db.session.add(campaign)
            db.session.flush()
            for check in checks:
                db.session.add(
                    HealthCampaignCheck(site_id=site_id, campaign_id=campaign.id, check_id=check.id)
                )
        slot = HealthSlot(
            site_id=site_id,
            campaign_id=campaign.id,
            starts_at=core_clock.now(),
            capacity=200,
        )
        db.session.add(slot)
        db.session.flush()
        resident_ids = []
        for n in range(people):
            resident = Resident(site_id=site_id, name=f"Resident {n:03d}")
            db.session.add(resident)
            db.session.flush()
            db.session.add(
                Occupancy(
                    site_id=site_id,
                    resident_id=resident.id,
                    unit_id=estate.unit.id,
                    moved_in=date(2020, 1, 1),
                )
            )
            db.session.add(
                HealthInvitation(
                    site_id=site_id,
                    campaign_id=campaign.id,
                    resident_id=resident.id,
                    status="booked",
                    slot_id=slot.id,
                    invited_at=core_clock.now(),
                )
            )
            db.session.add(
                HealthResult(
                    site_id=site_id,
                    campaign_id=campaign.id,
                    resident_id=resident.id,
                    check_id=heart.id,
                    measured_on=campaign.starts_on,
                    value=60 + n % 50,
                    flag="normal",
                    age=40 + n % 50,
                    entered_at=core_clock.now(),
                )
            )
            resident_ids.append(resident.id)
        db.session.commit()
        return campaign.id, resident_ids[0]


def _cost(app, client, urls) -> list[int]:
    counts = []
    for url in urls:
        client.get(url)  # a site's first page reads the site and its plugins
        with counted_statements(app) as statements:
            assert client.get(url).status_code == 200, url
        counts.append(len(statements))
    return counts


def test_the_main_pages_cost_the_same_queries_whatever_their_size(app, client, make, estate):
    small_campaign, _ = _fill(app, estate, campaigns=10, people=10)
    login(client, "helen")
    base = estate.base
    small = _cost(
        app,
        client,
        [
            f"{base}/",
            f"{base}/campaigns/{small_campaign}",
            f"{base}/campaigns/{small_campaign}/summary",
            f"{base}/summary",
        ],
    )
    big_campaign, _ = _fill(app, estate, campaigns=90, people=100)
    big = _cost(
        app,
        client,
        [
            f"{base}/",
            f"{base}/campaigns/{big_campaign}",
            f"{base}/campaigns/{big_campaign}/summary",
            f"{base}/summary",
        ],
    )
    assert small == big
    assert max(big) <= 14, big


def _history(app, estate, resident_id: int, campaigns: int) -> int:
    """``campaigns`` more campaigns where the resident had every check measured."""
    site_id = estate.site.id
    with app.app_context():
        checks = db.session.scalars(select(HealthCheck).where(HealthCheck.site_id == site_id)).all()
        invitation_id = None
        for n in range(campaigns):
            day = date(2020, 1, 1) + timedelta(days=40 * n)
            campaign = HealthCampaign(
                site_id=site_id,
                name=f"Check {day}",
                starts_on=day,
                ends_on=day,
                created_at=core_clock.now(),
            )
            db.session.add(campaign)
            db.session.flush()
            invitation = HealthInvitation(
                site_id=site_id,
                campaign_id=campaign.id,
                resident_id=resident_id,
                status="attended",
                invited_at=core_clock.now(),
                assessment="Fine.",
            )
            db.session.add(invitation)
            for check in checks:
                db.session.add(
                    HealthCampaignCheck(site_id=site_id, campaign_id=campaign.id, check_id=check.id)
                )
                db.session.add(
                    HealthResult(
                        site_id=site_id,
                        campaign_id=campaign.id,
                        resident_id=resident_id,
                        check_id=check.id,
                        measured_on=day,
                        value=check.plausible_min + n,
                        value2=(check.plausible_min2 or 0) + n if check.kind == "pair" else None,
                        flag="normal",
                        range_low=check.plausible_min,
                        range_high=check.plausible_max,
                        age=70,
                        entered_at=core_clock.now(),
                    )
                )
            db.session.flush()
            invitation_id = invitation.id
        db.session.commit()
        return invitation_id


def test_the_record_and_assessment_cost_the_same_queries_however_long_the_history(
    app, client, make, estate, elder
):
    login(client, "helen")
    base = estate.base
    invitation = _history(app, estate, elder.id, campaigns=2)
    small = _cost(
        app,
        client,
        [
            f"{base}/residents/{elder.id}",
            f"{base}/invitations/{invitation}/assessment",
            f"{base}/invitations/{invitation}/results",
        ],
    )
    invitation = _history(app, estate, elder.id, campaigns=10)
    big = _cost(
        app,
        client,
        [
            f"{base}/residents/{elder.id}",
            f"{base}/invitations/{invitation}/assessment",
            f"{base}/invitations/{invitation}/results",
        ],
    )
    assert small == big
    assert max(big) <= 20, big
