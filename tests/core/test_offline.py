"""A phone that was offline sends its queued forms once: a replayed key writes nothing again."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from core import offline
from core.extensions import db
from core.models import Contact, SubmissionKey
from tests.conftest import login

KEY = "6f1c2a8e-4b7d-4f0e-9a3c-1d2e3f4a5b6c"


def household(make):
    site = make.site(slug="harbour")
    tower = make.building(site, code="T1")
    unit = make.unit(tower, number="12A")
    resident = make.resident(site, unit, name="Chan Tai Man")
    butler = make.user(site=site, role="butler", username="ben")
    make.assignment(butler, tower)
    return site, resident


def contacts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Contact))


def post_contact(client, site, resident, key=KEY, summary="Asked about the lift"):
    return client.post(
        f"/s/{site.slug}/residents/{resident.id}/contacts",
        data={"kind": "visit", "summary": summary},
        headers={"Idempotency-Key": key},
    )


def test_a_replayed_submission_is_written_once_and_refused_as_a_duplicate(app, client, make):
    site, resident = household(make)
    login(client, "ben")
    assert post_contact(client, site, resident).status_code == 303
    again = post_contact(client, site, resident)
    assert again.status_code == 409
    assert again.headers["X-Butler-Duplicate"] == "1"
    assert "This form was sent before and has been written once." in again.get_data(as_text=True)
    assert contacts(app) == 1
    with app.app_context():
        kept = db.session.scalars(select(SubmissionKey)).one()
    assert (kept.key, kept.site_id, kept.path) == (
        KEY,
        site.id,
        f"/s/harbour/residents/{resident.id}/contacts",
    )


def test_a_refused_form_keeps_no_key_so_the_corrected_one_goes_through(app, client, make):
    site, resident = household(make)
    login(client, "ben")
    refused = post_contact(client, site, resident, summary="")
    assert refused.status_code == 422
    assert contacts(app) == 0
    assert post_contact(client, site, resident, summary="Water stop on Friday").status_code == 303
    assert contacts(app) == 1


def test_forms_without_a_key_are_not_affected(app, client, make):
    site, resident = household(make)
    login(client, "ben")
    for _ in range(2):
        response = client.post(
            f"/s/{site.slug}/residents/{resident.id}/contacts",
            data={"kind": "call", "summary": "Called twice"},
        )
        assert response.status_code == 303
    assert contacts(app) == 2


def test_a_key_is_kept_per_site(app, client, make):
    site, resident = household(make)
    other = make.site(slug="hills")
    login(client, "ben")
    assert post_contact(client, site, resident).status_code == 303
    with app.app_context():
        db.session.add(SubmissionKey(site_id=other.id, key="another-site-key", path="/"))
        db.session.commit()
    assert post_contact(client, site, resident, key="another-site-key").status_code == 303


def test_a_malformed_key_is_refused_and_writes_nothing(app, client, make):
    site, resident = household(make)
    login(client, "ben")
    response = post_contact(client, site, resident, key="<script>")
    assert response.status_code == 400
    assert contacts(app) == 0


def test_the_phone_gets_the_service_worker_and_the_manifest(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert "/static/css/app.css" in worker.get_data(as_text=True)
    manifest = json.loads(client.get("/manifest.webmanifest").get_data(as_text=True))
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    chinese = client.get("/offline", headers={"Accept-Language": "zh-TW"})
    assert "你已離線" in chinese.get_data(as_text=True)


def test_every_page_carries_the_offline_banner_and_script(app, client, make):
    site, _resident = household(make)
    login(client, "ben")
    page = client.get(f"/s/{site.slug}/").get_data(as_text=True)
    assert 'id="offline-banner"' in page and "js/offline.js" in page
    assert 'rel="manifest"' in page


def test_old_keys_are_forgotten_after_a_month(app, make, clock):
    site, _resident = household(make)
    with app.app_context():
        db.session.add(SubmissionKey(site_id=site.id, key="old-key-0001", path="/"))
        db.session.commit()
        clock.advance(days=29)
        db.session.add(SubmissionKey(site_id=site.id, key="new-key-0001", path="/"))
        db.session.commit()
        clock.advance(days=2)
        assert offline.forget_old_keys(site.id) == 1
        db.session.commit()
        assert db.session.scalars(select(SubmissionKey.key)).all() == ["new-key-0001"]


def test_a_page_marked_for_offline_says_so(app):
    @offline.keep_offline
    def today():
        return "the day's work"

    with app.test_request_context():
        response = today()
    assert response.headers["X-Butler-Offline"] == "keep"
