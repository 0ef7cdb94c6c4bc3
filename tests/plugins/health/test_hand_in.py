"""The butler's share of the health checks in the hand-in pack: how the residents of
their buildings answered the month's invitations, counted, never named."""

from __future__ import annotations

from datetime import date

from core.extensions import db
from core.models import User
from plugins.health.models import HealthCampaign, HealthInvitation
from plugins.health.reports import butler_sheet
from tests.conftest import login


def campaign(app, site, name, starts_on, answers) -> int:
    """A campaign and one invitation per (resident, status) of ``answers``."""
    with app.app_context():
        row = HealthCampaign(site_id=site.id, name=name, starts_on=starts_on, ends_on=starts_on)
        db.session.add(row)
        db.session.flush()
        for resident, status in answers:
            db.session.add(
                HealthInvitation(
                    site_id=site.id, campaign_id=row.id, resident_id=resident.id, status=status
                )
            )
        db.session.commit()
        return row.id


def test_the_sheet_counts_the_answers_of_the_butlers_residents(app, make, estate):
    ours = [make.resident(estate.site, estate.unit) for _ in range(4)]
    elsewhere = make.unit(make.building(estate.site, code="T2"), number="8B")
    theirs = make.resident(estate.site, elsewhere)
    december = campaign(
        app,
        estate.site,
        "Winter health check",
        date(2026, 12, 1),
        [
            (ours[0], "attended"),
            (ours[1], "attended"),
            (ours[2], "declined"),
            (ours[3], "invited"),
            (theirs, "attended"),
        ],
    )
    campaign(app, estate.site, "Autumn check", date(2026, 10, 3), [(ours[0], "attended")])
    with app.app_context():
        ben = db.session.scalar(db.select(User).where(User.username == "ben"))
        sheet = butler_sheet(estate.site, "2026-12", ben)
    assert sheet.keys == (str(december),)
    # Invited 4, booked 0, came 2, did not come 0, declined 1, not answered 1; 50 % came.
    assert sheet.rows == (("Winter health check", 4, 0, 2, 0, 1, 1, 50),)
    assert "Chan" not in repr(sheet.rows)


def test_the_butler_sees_the_counts_in_their_pack_but_no_summary_link(app, client, estate):
    campaign(app, estate.site, "Winter health check", date(2026, 12, 1), [])
    login(client, "ben")
    page = client.get(f"/s/{estate.site.slug}/hand-in/2026-12").get_data(as_text=True)
    section = page.split('id="report-health-my_buildings"')[1].split("</section>")[0]
    assert "Winter health check" in section
    # The site's summary is for managers and health staff: no link to it for a butler.
    assert "/health/summary" not in section
