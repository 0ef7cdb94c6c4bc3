"""Special care (特殊慰問) is sensitive: the building's butler, the assistant and the
manager read it, nobody else; every read is in the audit log; other buildings' and other
sites' records are 404s."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock as core_clock
from core.extensions import db
from core.models import AuditLog
from plugins.care.models import CareCase, CareVisit


@pytest.fixture
def case_id(app, client, auth, estate) -> int:
    """Ben records that Chan Tai Man (Tower 1) is in hospital."""
    auth.login("ben")
    answer = client.post(
        f"{estate.url}/special/new",
        data={
            "resident_id": estate.residents["Chan Tai Man"].id,
            "kind": "hospital",
            "happened_on": estate.today.isoformat(),
            "summary": "Heart operation at Queen Mary",
            "follow_up_on": (estate.today + timedelta(days=7)).isoformat(),
        },
    )
    assert answer.status_code == 303
    auth.logout()
    with app.app_context():
        return db.session.scalar(select(CareCase.id))


def _reads(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditLog.action)
                .where(AuditLog.action.like("care.special.%"))
                .order_by(AuditLog.id)
            )
        )


def test_the_buildings_butler_reads_the_record_and_the_read_is_audited(
    app, client, auth, estate, case_id
):
    auth.login("ben")
    page = client.get(f"{estate.url}/special/{case_id}")
    assert page.status_code == 200
    assert "Heart operation at Queen Mary" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    listing = client.get(f"{estate.url}/special")
    assert "Chan Tai Man" in listing.get_data(as_text=True)
    assert _reads(app) == ["care.special.opened", "care.special.viewed", "care.special.listed"]


@pytest.mark.parametrize("username", ["mia", "amy"])
def test_the_manager_and_the_assistant_read_every_building(client, auth, estate, case_id, username):
    auth.login(username)
    assert client.get(f"{estate.url}/special/{case_id}").status_code == 200
    assert "Chan Tai Man" in client.get(f"{estate.url}/special").get_data(as_text=True)


def test_the_butler_of_another_building_gets_a_404_and_an_empty_list(client, auth, estate, case_id):
    auth.login("bea")
    assert client.get(f"{estate.url}/special/{case_id}").status_code == 404
    assert (
        client.post(f"{estate.url}/special/{case_id}/visits", data={"note": "x"}).status_code == 404
    )
    assert "Chan Tai Man" not in client.get(f"{estate.url}/special").get_data(as_text=True)
    # Nor may she open a record for a resident of Ben's tower.
    chan = estate.residents["Chan Tai Man"].id
    assert client.get(f"{estate.url}/special/new?resident={chan}").status_code == 404


@pytest.mark.parametrize("username", ["fay"])
def test_the_front_desk_may_not_read_special_care(client, auth, estate, case_id, username):
    auth.login(username)
    assert client.get(f"{estate.url}/special").status_code == 403
    assert client.get(f"{estate.url}/special/{case_id}").status_code == 403


def test_the_org_admin_may_not_read_special_care(app, client, make, estate, case_id):
    from tests.conftest import login

    site = estate.site
    make.user(role=None, org_admin=True, site=site, username="olga")
    login(client, "olga")
    assert client.get(f"{estate.url}/special/{case_id}").status_code == 403


def test_another_sites_record_is_a_404(app, client, auth, make, estate):
    other = make.estate(
        plugins=["care"], units=[{"number": "1A"}], residents=[{"unit": 0}], staff={"oz": "manager"}
    )
    with app.app_context():
        case = CareCase(
            site_id=other.site.id,
            resident_id=other.residents[0].id,
            kind="bereavement",
            happened_on=estate.today,
            summary="Secret",
            created_at=core_clock.now(),
            created_by_id=other.manager.id,
        )
        db.session.add(case)
        db.session.commit()
        other_case = case.id
    auth.login("mia")
    assert client.get(f"{estate.url}/special/{other_case}").status_code == 404
    answer = client.post(
        f"{estate.url}/special/new",
        data={
            "resident_id": other.residents[0].id,
            "kind": "illness",
            "happened_on": estate.today.isoformat(),
            "summary": "x",
        },
    )
    assert answer.status_code == 404


def test_a_visit_is_recorded_with_the_next_follow_up(app, client, auth, estate, case_id):
    auth.login("ben")
    next_time = (estate.today + timedelta(days=14)).isoformat()
    answer = client.post(
        f"{estate.url}/special/{case_id}/visits",
        data={"note": "Brought fruit; he is recovering", "follow_up_on": next_time},
    )
    assert answer.status_code == 303
    page = client.get(f"{estate.url}/special/{case_id}").get_data(as_text=True)
    assert "Brought fruit; he is recovering" in page and next_time in page


def test_a_record_or_visit_without_its_text_is_refused_and_nothing_is_kept(
    app, client, auth, estate, case_id
):
    auth.login("ben")
    answer = client.post(f"{estate.url}/special/{case_id}/visits", data={"note": " "})
    assert answer.status_code == 422
    assert "Write how the visit went." in answer.get_data(as_text=True)
    refused = client.post(
        f"{estate.url}/special/new",
        data={"resident_id": estate.residents["Chan Tai Man"].id, "kind": "hospital"},
    )
    assert refused.status_code == 422
    assert "Write what happened." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(CareVisit)).all() == []
        assert len(db.session.scalars(select(CareCase)).all()) == 1


def test_the_work_log_shows_the_visit_without_what_was_said(app, client, auth, estate, case_id):
    auth.login("ben")
    client.post(f"{estate.url}/special/{case_id}/visits", data={"note": "Private words"})
    log = client.get(f"/s/{estate.site.slug}/log/{estate.today.isoformat()}")
    page = log.get_data(as_text=True)
    assert "Special care visit" in page and "Hospital stay" in page
    assert "Private words" not in page


def test_the_residents_page_lists_who_read_their_special_care_for_the_manager_only(
    app, client, auth, estate, case_id
):
    chan = estate.residents["Chan Tai Man"].id
    auth.login("ben")
    client.get(f"{estate.url}/special/{case_id}")
    client.get(f"{estate.url}/special")
    resident_page = f"/s/{estate.site.slug}/residents/{chan}"
    assert "Who read sensitive records" not in client.get(resident_page).get_data(as_text=True)
    auth.logout()

    auth.login("mia")
    html = client.get(resident_page).get_data(as_text=True)
    section = html.partition('id="sensitive-reads"')[2].partition("</section>")[0]
    assert section.count("care.special.viewed") == 1 and section.count("care.special.listed") == 1
    # The resident's history of changes does not repeat the reads.
    assert "care.special" not in html.partition('id="changes"')[2].partition("</section>")[0]
    audit_page = client.get(f"/s/{estate.site.slug}/audit/?resident={chan}")
    assert audit_page.get_data(as_text=True).count("care.special.") == 2  # reads, not writes
    # A neighbour whose record nobody opened has nobody listed.
    granny = estate.residents["陳婆婆"].id
    other = client.get(f"/s/{estate.site.slug}/residents/{granny}").get_data(as_text=True)
    assert "Nobody has read them." in other
