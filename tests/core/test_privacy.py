"""An organisation admin answers an access request and erases a resident archived long
enough ago; nobody else may, and an erasure too early is refused with the date it may be
done. (tests/security/test_erasure.py walks every plugin's tables.)"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from core import audit_guard
from core.extensions import db
from core.models import AuditLog, Contact, Organization, Resident, Site
from tests.conftest import login


@pytest.fixture
def estate(app, make):
    """Harbour View with Ada, its organisation admin, Mia its manager and Ben a butler."""
    built = make.estate(
        name="Harbour View", units=[{"number": "3A"}], staff={"mia": "manager", "ben": "butler"}
    )
    admin_of(app, make, built.site, "ada")
    return built


def admin_of(app, make, site, username: str) -> None:
    with app.app_context():
        org = db.session.get(Organization, site.organization_id)
    make.user(role=None, org_admin=True, org=org, username=username)


def _resident(make, built, clock, archived_years_ago: float | None, **fields):
    fields.setdefault("name", "Chan Tai Man")
    fields.setdefault("email", "chan.tm@example.test")
    resident = make.resident(built.site, built.units[0], **fields)
    if archived_years_ago is not None:
        make.update(resident, archived_at=clock.now() - timedelta(days=365.25 * archived_years_ago))
    return resident


def _page(site, resident) -> str:
    return f"/s/{site.slug}/personal-data/residents/{resident.id}"


def test_admin_erases_a_resident_archived_long_ago(app, client, make, estate, clock):
    resident = _resident(make, estate, clock, 7, phone="61234567")
    make._save(
        Contact(
            site_id=estate.site.id,
            resident_id=resident.id,
            kind="call",
            at=clock.now(),
            summary="Asked about parking",
            staff_id=estate.staff["ben"].id,
        )
    )
    login(client, "ada")
    shown = client.get(f"/s/{estate.site.slug}/residents/{resident.id}").get_data(as_text=True)
    assert "Personal data: export or erase" in shown
    wrong = client.post(f"{_page(estate.site, resident)}/erase", data={"confirm_name": "Chan"})
    assert wrong.status_code == 422
    assert "This is not the resident&#39;s name as it is written here." in wrong.get_data(
        as_text=True
    )
    erased = client.post(
        f"{_page(estate.site, resident)}/erase", data={"confirm_name": "Chan Tai Man"}
    )
    assert erased.status_code == 303
    page = client.get(erased.headers["Location"]).get_data(as_text=True)
    assert "The resident&#39;s personal data are erased." in page
    assert "Erase this resident" not in page
    with app.app_context():
        person = db.session.get(Resident, resident.id)
        assert (person.name, person.phone, person.email) == (f"#{resident.id}", "", "")
        assert db.session.scalars(sa.select(Contact)).all() == []
        entry = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action == "resident.erased")
        ).one()
        # Who, when, which resident, how many rows: no name, phone or e-mail.
        assert entry.object_type == "Resident" and entry.object_id == resident.id
        assert entry.user_id is not None and entry.at is not None
        detail = json.loads(entry.detail)
        assert detail["tables"]["contact"] == {"deleted": 1, "anonymised": 0}
        for value in ("Chan Tai Man", "61234567", "chan.tm@example.test", "parking"):
            assert value not in entry.detail
    again = client.post(
        f"{_page(estate.site, resident)}/erase", data={"confirm_name": f"#{resident.id}"}
    )
    assert again.status_code == 409
    restored = client.post(f"/s/{estate.site.slug}/residents/{resident.id}/restore")
    assert "An erased resident cannot be restored." in client.get(
        restored.headers["Location"]
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Resident, resident.id).archived_at is not None


@pytest.mark.parametrize(
    ("archived", "message"),
    [
        (2, "was archived less than 6 years ago: they can be erased from"),
        (None, "Only an archived resident can be erased"),
    ],
)
def test_a_resident_not_yet_eligible_is_refused(
    app, client, make, estate, clock, archived, message
):
    resident = _resident(make, estate, clock, archived)
    login(client, "ada")
    assert message in client.get(_page(estate.site, resident)).get_data(as_text=True)
    refused = client.post(
        f"{_page(estate.site, resident)}/erase", data={"confirm_name": "Chan Tai Man"}
    )
    assert refused.status_code == 409
    assert message in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Resident, resident.id).name == "Chan Tai Man"
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(AuditLog.action == "resident.erased")
        )


def test_the_sites_setting_decides_when(app, client, make, estate, clock):
    resident = _resident(make, estate, clock, 2)
    login(client, "ada")
    settings = f"/s/{estate.site.slug}/personal-data/settings"
    for bad, message in (("0", "from 1 to 50"), ("51", "from 1 to 50"), ("", "Enter a number")):
        refused = client.post(settings, data={"erasure_after_years": bad})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Site, estate.site.id).erasure_after_years == 6
    assert client.post(settings, data={"erasure_after_years": "1"}).status_code == 303
    assert "Erase this resident" in client.get(_page(estate.site, resident)).get_data(as_text=True)


def test_the_export_is_audited_and_holds_the_core_rows(app, client, make, estate, clock):
    resident = _resident(make, estate, clock, None, phone="61234567")
    make._save(
        AuditLog(
            site_id=estate.site.id,
            action="changed",
            object_type="Resident",
            object_id=resident.id,
            ip="10.1.2.3",
        )
    )
    login(client, "ada")
    exported = client.get(f"{_page(estate.site, resident)}/export.json")
    document = json.loads(exported.data)
    assert document["resident_id"] == resident.id
    assert document["plugins"]["core"]["resident"][0]["phone"] == "61234567"
    assert document["plugins"]["core"]["occupancy"][0]["unit_id"] == estate.units[0].id
    # The record's history comes without the staff's addresses.
    assert [row["action"] for row in document["plugins"]["core"]["audit_log"]] == ["changed"]
    assert "ip" not in document["plugins"]["core"]["audit_log"][0]
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action == "resident.data_exported")
        ).one()
        assert json.loads(entry.detail)["format"] == "json"
        assert "61234567" not in entry.detail


@pytest.mark.parametrize("who", ["mia", "ben"])
def test_other_roles_may_not_export_or_erase(app, client, make, estate, clock, who):
    resident = _resident(make, estate, clock, 7)
    login(client, who)
    page = _page(estate.site, resident)
    for url in (page, f"{page}/export.json", f"{page}/export.xlsx"):
        assert client.get(url).status_code == 403
    assert client.post(f"{page}/erase", data={"confirm_name": "Chan Tai Man"}).status_code == 403
    assert "Personal data: export or erase" not in client.get(
        f"/s/{estate.site.slug}/residents/{resident.id}"
    ).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Resident, resident.id).erased_at is None


def test_an_admin_of_another_company_gets_404(app, client, make, estate, clock):
    resident = _resident(make, estate, clock, 7)
    other = make.site(name="Elsewhere")
    admin_of(app, make, other, "otto")
    login(client, "otto")
    page = _page(estate.site, resident)
    assert client.get(page).status_code == 404
    assert client.post(f"{page}/erase", data={"confirm_name": "Chan Tai Man"}).status_code == 404
    # Nor through their own site with this resident's id.
    assert client.get(_page(other, resident)).status_code == 404


def test_the_audit_guard_lets_an_erasure_blank_a_detail_and_nothing_else(app, make):
    site = make.site()
    with app.app_context():
        entry = AuditLog(site_id=site.id, action="resident.updated", detail='{"a": 1}')
        db.session.add(entry)
        db.session.commit()
        for values in ({"detail": '{"a": 2}'}, {"detail": audit_guard.REDACTED, "action": "x"}):
            with pytest.raises(DatabaseError):
                db.session.execute(
                    sa.update(AuditLog).where(AuditLog.id == entry.id).values(**values)
                )
            db.session.rollback()
        with pytest.raises(DatabaseError):
            db.session.execute(sa.delete(AuditLog).where(AuditLog.id == entry.id))
        db.session.rollback()
        db.session.execute(
            sa.update(AuditLog).where(AuditLog.id == entry.id).values(detail=audit_guard.REDACTED)
        )
        db.session.commit()
        assert db.session.get(AuditLog, entry.id).detail == audit_guard.REDACTED


def test_a_resident_archived_on_29_february_may_be_erased_from_1_march(app, make):
    from datetime import UTC, date, datetime

    from core import privacy

    site = make.site()
    with app.app_context():
        site = db.session.get(Site, site.id)
        site.erasure_after_years = 2
        archived = Resident(
            site_id=site.id, name="Leap", archived_at=datetime(2024, 2, 29, tzinfo=UTC)
        )
        assert privacy.erasable_on(site, archived) == date(2026, 3, 1)
        db.session.rollback()
