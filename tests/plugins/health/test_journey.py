"""Helen, the health staff, runs a health check from planning to the resident's record."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditLog, OutboxMessage
from plugins.health.models import (
    HealthErasure,
    HealthInvitation,
    HealthProfile,
    HealthResult,
    HealthSlot,
)
from tests.conftest import login
from tests.plugins.health.helpers import (
    enter,
    give_consent,
    invitation_of,
    invite_everyone,
    plan_campaign,
)


def test_health_staff_plans_invites_books_enters_results_and_reads_the_record(
    app, client, make, estate, elder
):
    young = make.resident(
        estate.site, make.unit(estate.building), name="Young Wong", birth_date=date(1995, 5, 5)
    )
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)

    page = client.get(f"{estate.base}/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Winter health check" in page and "Nobody is invited yet." in page

    slot = client.post(
        f"{estate.base}/campaigns/{campaign_id}/slots",
        data={"day": "2026-12-01", "time": "09:30", "capacity": "4"},
    )
    assert slot.status_code == 303

    preview = client.get(
        f"{estate.base}/campaigns/{campaign_id}/invite?age_min=60&age_max=150&household=any"
    ).get_data(as_text=True)
    assert "Chan Mei Ling" in preview and "Young Wong" not in preview
    assert "1 resident matches" in preview

    sent = invite_everyone(client, estate, campaign_id, age_min="60")
    assert sent.status_code == 303
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert message.channel == "sms" and message.recipient == "91234567"
        assert "no health record is kept" in message.body
    assert invitation_of(app, campaign_id, young.id) is None

    invitation_id = invitation_of(app, campaign_id, elder.id)
    with app.app_context():
        slot_id = db.session.scalar(select(HealthSlot.id))
    booked = client.post(
        f"{estate.base}/invitations/{invitation_id}/book", data={"slot_id": slot_id}
    )
    assert booked.status_code == 303

    give_consent(client, estate, elder.id)
    saved = enter(
        client, app, estate, invitation_id, blood_pressure=("152", "92"), blood_glucose="5.2"
    )
    assert saved.status_code == 303
    after = client.get(saved.location).get_data(as_text=True)
    assert "Outside the normal range: Blood pressure" in after
    assert "152/92" in after and "Above normal" in after

    record = client.get(f"{estate.base}/residents/{elder.id}")
    html = record.get_data(as_text=True)
    assert record.status_code == 200
    assert record.headers["Cache-Control"] == "no-store"
    assert "<svg" in html and "152/92" in html and "5.2" in html
    assert "<script" not in html.split("</header>")[1]

    with app.app_context():
        invitation = db.session.get(HealthInvitation, invitation_id)
        assert invitation.status == "attended"
        result = db.session.scalar(select(HealthResult).where(HealthResult.value2.is_not(None)))
        assert (result.value, result.value2, result.flag, result.age) == (152, 92, "high", 70)


def test_the_assessment_is_written_and_printable(app, client, estate, elder):
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    invite_everyone(client, estate, campaign_id)
    invitation_id = invitation_of(app, campaign_id, elder.id)
    give_consent(client, estate, elder.id)
    enter(client, app, estate, invitation_id, heart_rate="72")
    saved = client.post(
        f"{estate.base}/invitations/{invitation_id}/assessment",
        data={"assessment": "Healthy heart; walk daily."},
    )
    assert saved.status_code == 303
    page = client.get(f"{estate.base}/invitations/{invitation_id}/assessment")
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "Healthy heart; walk daily." in html and "Written by Helen Lee" in html
    assert "72" in html and "Normal" in html
    assert 'href="/s/' in html and "print.css" in html
    css = client.get(f"{estate.base}/print.css")
    assert css.status_code == 200 and "@media print" in css.get_data(as_text=True)


def test_a_full_time_cannot_be_booked(app, client, make, estate, elder):
    other = make.resident(estate.site, estate.unit, name="Chan Tai Man")
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    client.post(
        f"{estate.base}/campaigns/{campaign_id}/slots",
        data={"day": "2026-12-01", "time": "10:00", "capacity": "1"},
    )
    invite_everyone(client, estate, campaign_id)
    with app.app_context():
        slot_id = db.session.scalar(select(HealthSlot.id))
    first = invitation_of(app, campaign_id, elder.id)
    second = invitation_of(app, campaign_id, other.id)
    assert (
        client.post(
            f"{estate.base}/invitations/{first}/book", data={"slot_id": slot_id}
        ).status_code
        == 303
    )
    full = client.post(f"{estate.base}/invitations/{second}/book", data={"slot_id": slot_id})
    assert full.status_code == 422
    assert "That time is full" in full.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(HealthInvitation, second).slot_id is None


def test_a_slot_outside_the_campaign_days_is_refused(app, client, estate):
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    response = client.post(
        f"{estate.base}/campaigns/{campaign_id}/slots",
        data={"day": "2027-01-05", "time": "25:99", "capacity": "0"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give a number from 1 to 500." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(HealthSlot.id))) == 0


def test_a_campaign_needs_a_name_and_sane_dates(app, client, estate):
    login(client, "helen")
    response = client.post(
        f"{estate.base}/campaigns/new",
        data={"name": "", "starts_on": "2026-12-05", "ends_on": "2026-12-01"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the health check a name." in html
    assert "The last day cannot come before the first." in html
    assert "Choose at least one." in html


def test_attendance_is_recorded(app, client, estate, elder):
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    invite_everyone(client, estate, campaign_id)
    invitation_id = invitation_of(app, campaign_id, elder.id)
    response = client.post(
        f"{estate.base}/invitations/{invitation_id}/attendance", data={"status": "missed"}
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(HealthInvitation, invitation_id).status == "missed"
    bad = client.post(
        f"{estate.base}/invitations/{invitation_id}/attendance", data={"status": "teleported"}
    )
    assert bad.status_code == 422


def test_erasure_deletes_the_values_and_keeps_who_erased_when(app, client, estate, elder):
    login(client, "mia")
    campaign_id = plan_campaign(client, app, estate)
    invite_everyone(client, estate, campaign_id)
    invitation_id = invitation_of(app, campaign_id, elder.id)
    give_consent(client, estate, elder.id)
    enter(client, app, estate, invitation_id, heart_rate="72", bmi="24.5")
    client.post(
        f"{estate.base}/invitations/{invitation_id}/assessment", data={"assessment": "Fine."}
    )

    unticked = client.post(f"{estate.base}/residents/{elder.id}/erase", data={})
    assert unticked.status_code == 422
    assert "Tick the box to confirm." in unticked.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(HealthResult.id))) == 2

    erased = client.post(f"{estate.base}/residents/{elder.id}/erase", data={"confirm": "y"})
    assert erased.status_code == 303
    html = client.get(f"{estate.base}/residents/{elder.id}").get_data(as_text=True)
    assert "Values erased on" in html and "Mia Manager" in html
    assert "No results are recorded." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(HealthResult.id))) == 0
        assert db.session.get(HealthInvitation, invitation_id).assessment == ""
        erasure = db.session.scalar(select(HealthErasure))
        assert erasure.resident_id == elder.id and erasure.results_deleted == 2
        profile = db.session.scalar(select(HealthProfile))
        assert profile.consent is False and profile.sex == ""
        assert db.session.scalar(
            select(AuditLog.id).where(AuditLog.action == "health.record.erased")
        )


def test_health_staff_cannot_erase_only_managers_can(client, estate, elder):
    login(client, "helen")
    response = client.post(f"{estate.base}/residents/{elder.id}/erase", data={"confirm": "y"})
    assert response.status_code == 403


def test_the_resident_export_holds_their_own_record(app, client, make, estate, elder):
    neighbour = make.resident(estate.site, estate.unit, name="Neighbour Ng")
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    invite_everyone(client, estate, campaign_id)
    for person in (elder, neighbour):
        give_consent(client, estate, person.id)
    enter(client, app, estate, invitation_of(app, campaign_id, elder.id), blood_glucose="7.4")
    enter(client, app, estate, invitation_of(app, campaign_id, neighbour.id), blood_glucose="5.0")

    response = client.get(f"{estate.base}/residents/{elder.id}/export")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["resident"]["name"] == "Chan Mei Ling"
    assert [(r["check"], r["value"], r["flag"]) for r in data["results"]] == [
        ("Blood glucose (fasting)", "7.4", "high")
    ]
    assert "Neighbour" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(
            select(AuditLog.id).where(AuditLog.action == "health.record.exported")
        )


def test_markup_in_a_name_is_escaped_in_the_export_and_reads_back_the_same(
    app, client, make, estate
):
    typed = 'Lam <img src=x onerror="alert(1)"> & Co'
    resident = make.resident(estate.site, estate.unit, name=typed)
    login(client, "helen")

    response = client.get(f"{estate.base}/residents/{resident.id}/export")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    raw = response.get_data(as_text=True)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\\u003cimg" in raw
    assert response.get_json()["resident"]["name"] == typed


def test_the_day_before_booked_residents_are_reminded_once(app, client, estate, elder):
    from core.models import Site
    from plugins.health.jobs import send_reminders

    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    client.post(
        f"{estate.base}/campaigns/{campaign_id}/slots",
        data={"day": "2026-12-01", "time": "09:30", "capacity": "4"},
    )
    invite_everyone(client, estate, campaign_id)
    invitation_id = invitation_of(app, campaign_id, elder.id)
    with app.app_context():
        slot_id = db.session.scalar(select(HealthSlot.id))
    client.post(f"{estate.base}/invitations/{invitation_id}/book", data={"slot_id": slot_id})
    evening_before = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Hong Kong
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        assert send_reminders(site, evening_before) == 1
        db.session.commit()
        assert send_reminders(site, evening_before) == 0
        db.session.commit()
        bodies = db.session.scalars(select(OutboxMessage.body)).all()
    assert len(bodies) == 2
    assert any("tomorrow at 09:30" in body for body in bodies)
