"""Entering results: implausible values refused, out-of-range ones flagged, no consent no
record, invitations once per resident and campaign, checks of the site's own."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.models import OutboxMessage
from plugins.health.models import HealthCheck, HealthInvitation, HealthRange, HealthResult
from tests.conftest import login
from tests.plugins.health.helpers import (
    check_ids,
    enter,
    give_consent,
    invitation_of,
    invite_everyone,
    plan_campaign,
)


def _ready(app, client, estate, elder, consent=True):
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    invite_everyone(client, estate, campaign_id)
    if consent:
        give_consent(client, estate, elder.id)
    return campaign_id, invitation_of(app, campaign_id, elder.id)


def _results(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(HealthResult.id)))


def test_an_implausible_blood_pressure_is_refused_and_nothing_is_written(
    app, client, estate, elder
):
    _campaign, invitation_id = _ready(app, client, estate, elder)
    response = enter(
        client, app, estate, invitation_id, blood_pressure=("400", "90"), heart_rate="70"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "400 is not a plausible value: give one from 50 to 300." in html
    assert 'aria-invalid="true"' in html
    assert _results(app) == 0


def test_odd_numbers_are_refused_next_to_their_field(app, client, estate, elder):
    _campaign, invitation_id = _ready(app, client, estate, elder)
    response = enter(client, app, estate, invitation_id, blood_glucose="5.67", heart_rate="fast")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give at most 1 decimal place(s)." in html
    assert "Write a number, such as 120 or 5.6." in html
    half = enter(client, app, estate, invitation_id, blood_pressure=("120", ""))
    assert "Give both numbers of the blood pressure." in half.get_data(as_text=True)
    nothing = enter(client, app, estate, invitation_id)
    assert "Enter at least one result." in nothing.get_data(as_text=True)
    assert _results(app) == 0


def test_values_outside_the_normal_range_are_flagged(app, client, estate, elder):
    _campaign, invitation_id = _ready(app, client, estate, elder)
    enter(client, app, estate, invitation_id, blood_glucose="7.8", heart_rate="72", vision="0.5")
    with app.app_context():
        flags = dict(
            db.session.execute(
                select(HealthCheck.code, HealthResult.flag).join(
                    HealthCheck, HealthCheck.id == HealthResult.check_id
                )
            ).all()
        )
    assert flags == {"blood_glucose": "high", "heart_rate": "normal", "vision": "low"}
    page = client.get(f"{estate.base}/invitations/{invitation_id}/results").get_data(as_text=True)
    assert "Above normal" in page and "Below normal" in page


def test_entering_again_corrects_the_value_rather_than_adding_one(app, client, estate, elder):
    _campaign, invitation_id = _ready(app, client, estate, elder)
    enter(client, app, estate, invitation_id, heart_rate="72")
    enter(client, app, estate, invitation_id, heart_rate="75")
    with app.app_context():
        assert db.session.scalars(select(HealthResult.value)).all() == [75]


def test_without_consent_no_results_are_kept(app, client, estate, elder):
    _campaign, invitation_id = _ready(app, client, estate, elder, consent=False)
    page = client.get(f"{estate.base}/invitations/{invitation_id}/results").get_data(as_text=True)
    assert "has not given consent: no results are kept" in page
    response = enter(client, app, estate, invitation_id, heart_rate="72")
    assert response.status_code == 422
    assert _results(app) == 0


def test_once_consent_is_withdrawn_no_new_results_are_accepted(app, client, estate, elder):
    _campaign, invitation_id = _ready(app, client, estate, elder)
    assert enter(client, app, estate, invitation_id, heart_rate="72").status_code == 303
    withdrawn = client.post(f"{estate.base}/residents/{elder.id}/profile", data={"sex": "F"})
    assert withdrawn.status_code == 303
    record = client.get(f"{estate.base}/residents/{elder.id}").get_data(as_text=True)
    assert "Consent withdrawn on" in record and "Helen Lee" in record
    refused = enter(client, app, estate, invitation_id, heart_rate="90")
    assert refused.status_code == 422
    assert "has not given consent" in refused.get_data(as_text=True)
    assessment = client.post(
        f"{estate.base}/invitations/{invitation_id}/assessment", data={"assessment": "x"}
    )
    assert assessment.status_code == 422
    with app.app_context():
        assert db.session.scalars(select(HealthResult.value)).all() == [72]


def test_the_invitation_says_what_happens_with_and_without_consent(
    app, client, make, estate, elder
):
    agreed = make.resident(
        estate.site, estate.unit, name="Agreed Au", email="au@example.com", consent_email=True
    )
    login(client, "helen")
    give_consent(client, estate, agreed.id)
    campaign_id = plan_campaign(client, app, estate)
    invite_everyone(client, estate, campaign_id)
    with app.app_context():
        messages = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert "Without your consent, no health record is kept." in messages["91234567"].body
    assert messages["au@example.com"].channel == "email"
    assert "You have agreed that we keep your results" in messages["au@example.com"].body


def test_invitations_go_once_per_resident_per_campaign(app, client, make, estate, elder):
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    first = invite_everyone(client, estate, campaign_id)
    assert first.status_code == 303
    again = invite_everyone(client, estate, campaign_id, age_min="60")
    assert again.status_code == 303
    page = client.get(again.location).get_data(as_text=True)
    assert "0 residents invited; 1 had been invited before." in page
    other = plan_campaign(client, app, estate, name="Spring check")
    invite_everyone(client, estate, other)
    with app.app_context():
        assert db.session.scalar(select(func.count(HealthInvitation.id))) == 2
        keys = db.session.scalars(select(OutboxMessage.dedupe_key)).all()
    assert sorted(keys) == sorted(
        [f"health.invitation.{campaign_id}.{elder.id}", f"health.invitation.{other}.{elder.id}"]
    )


def test_bad_invitation_criteria_are_refused(app, client, estate, elder):
    login(client, "helen")
    campaign_id = plan_campaign(client, app, estate)
    response = invite_everyone(client, estate, campaign_id, age_min="70", age_max="20")
    assert response.status_code == 422
    assert "The upper age cannot be below the lower." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(HealthInvitation.id))) == 0


def test_a_site_adds_its_own_check_with_ranges_by_sex_and_age(app, client, make, estate, elder):
    login(client, "helen")
    added = client.post(
        f"{estate.base}/checks",
        data={
            "name": "Haemoglobin",
            "unit": "g/L",
            "decimals": "0",
            "plausible_min": "30",
            "plausible_max": "250",
        },
    )
    assert added.status_code == 303
    with app.app_context():
        check_id = db.session.scalar(
            select(HealthCheck.id).where(HealthCheck.name == "Haemoglobin")
        )
    for sex, low, high in (("F", "115", "150"), ("M", "130", "175")):
        response = client.post(
            f"{estate.base}/ranges",
            data={
                "check_id": check_id,
                "sex": sex,
                "age_min": "0",
                "age_max": "150",
                "low": low,
                "high": high,
            },
        )
        assert response.status_code == 303
    outside = client.post(
        f"{estate.base}/ranges",
        data={
            "check_id": check_id,
            "sex": "any",
            "age_min": "0",
            "age_max": "150",
            "low": "10",
            "high": "500",
        },
    )
    assert outside.status_code == 422
    assert "The range must lie within the plausible values." in outside.get_data(as_text=True)
    page = client.get(f"{estate.base}/checks").get_data(as_text=True)
    assert "Haemoglobin" in page and "Women" in page and "115–150" in page

    campaign_id = plan_campaign(client, app, estate)
    invite_everyone(client, estate, campaign_id)
    invitation_id = invitation_of(app, campaign_id, elder.id)
    give_consent(client, estate, elder.id, sex="F")
    response = client.post(
        f"{estate.base}/invitations/{invitation_id}/results",
        data={"measured_on": "2026-12-01", f"site_{check_id}": "128"},
    )
    assert response.status_code == 303
    with app.app_context():
        result = db.session.scalar(select(HealthResult).where(HealthResult.check_id == check_id))
        assert (result.flag, result.range_low, result.range_high) == ("normal", 115, 150)
        assert (
            db.session.scalar(
                select(func.count(HealthRange.id)).where(HealthRange.check_id == check_id)
            )
            == 2
        )


def test_a_check_with_bad_bounds_is_refused(app, client, estate):
    login(client, "helen")
    before = len(check_ids(app, estate.site))
    response = client.post(
        f"{estate.base}/checks",
        data={"name": "Odd", "decimals": "1", "plausible_min": "9", "plausible_max": "3.25"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Give at most 1 decimal place(s)." in html
    assert len(check_ids(app, estate.site)) == before


def test_butlers_cannot_plan_or_enter(client, estate, elder):
    login(client, "ben")
    assert client.get(f"{estate.base}/").status_code == 200
    assert client.get(f"{estate.base}/campaigns/new").status_code == 403
    assert client.post(f"{estate.base}/checks", data={}).status_code == 403
