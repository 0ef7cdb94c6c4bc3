"""Forms take only their own fields: whatever else is posted with them is never saved.

Each test posts a valid submission plus the fields an attacker would add (``site_id`` of
site B, ``organization_id``, ``is_org_admin``, ``active``, ``session_epoch``, roles,
``version_id``, ``created_by_id``, ``staff_id``, ids of site B's residents, units and
buildings, ``status``, ``attempts``, counts and amounts) and checks that the rows saved
carry what the server decides: site A, the logged-in user, the values of the form.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core import clock as core_clock
from core.clock import today as site_today
from core.extensions import db
from core.models import (
    Building,
    ButlerAssignment,
    Contact,
    ImportBatch,
    Membership,
    Occupancy,
    Organization,
    OutboxMessage,
    Pet,
    PluginEnablement,
    Resident,
    Unit,
    User,
    Vehicle,
)
from tests.conftest import login
from tests.example_plugin import ExampleNote
from tests.security.conftest import SiteObjects, World

PASTED_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def extras(world: World, *, keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Fields no form of the core takes, each naming site B or granting something.

    ``keep`` leaves out those the form under test has as fields of its own.
    """
    b = world.b
    values: dict[str, Any] = {
        "id": "424242",
        "site_id": str(b.site.id),
        "site_slug": b.site.slug,
        "organization_id": str(b.site.organization_id),
        "is_org_admin": ["y", "1", "true", "on"],
        "active": "0",
        "session_epoch": "99",
        "role": "org_admin",
        "roles": ["org_admin", "manager"],
        "version_id": "99",
        "created_by_id": str(b.ids["user_id"]),
        "staff_id": str(b.ids["user_id"]),
        "user_id": str(b.ids["user_id"]),
        "resident_id": str(b.ids["resident_id"]),
        "unit_id": str(b.ids["unit_id"]),
        "building_id": str(b.ids["building_id"]),
        "occupancy_id": str(b.ids["occupancy_id"]),
        "status": "done",
        "attempts": "99",
        "total_rows": "1000",
        "processed_rows": "1000",
        "created_rows": "1000",
        "amount": "-1000000",
        "archived_at": "2001-01-01 00:00:00",
        "created_at": "2001-01-01 00:00:00",
        "password_hash": "$argon2id$v=19$m=8,t=1,p=1$stolen",
        "totp_secret": PASTED_SECRET,
        "last_site_id": str(b.site.id),
    }
    for name in keep:
        values.pop(name)
    return values


def post(client: FlaskClient, url: str, *parts: dict[str, Any], files=None):
    """Post the fields of ``parts`` (later ones win; a list is a field given several times)."""
    merged: dict[str, Any] = {}
    for part in parts:
        merged.update(part)
    data = MultiDict()
    for name, value in merged.items():
        for v in value if isinstance(value, list) else [value]:
            data.add(name, v)
    for name, (content, filename) in (files or {}).items():
        data.add(name, (io.BytesIO(content), filename))
    return client.post(url, data=data)


def rows(app: Flask, model: type, *criteria) -> list[Any]:
    """The rows of ``model`` matching ``criteria``, by id, their columns loaded."""
    with app.app_context():
        found = db.session.scalars(select(model).where(*criteria).order_by(model.id)).all()
        db.session.expunge_all()
    return list(found)


def one(app: Flask, model: type, ident: int) -> Any:
    (found,) = rows(app, model, model.id == ident)
    return found


def newest(app: Flask, model: type, *criteria) -> Any:
    found = rows(app, model, *criteria)
    assert found, f"no {model.__name__} was saved"
    return found[-1]


def recent(when) -> bool:
    return abs(core_clock.now() - when) < timedelta(minutes=5)


@pytest.fixture
def admin(client: FlaskClient, world: World) -> User:
    """Site A's org admin, logged in."""
    user = world.users["org_admin"]
    assert login(client, user.username).status_code == 302
    return user


@pytest.fixture
def import_dir(app: Flask, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "BUTLER_IMPORT_DIR", str(tmp_path / "imports"))


def org_of(app: Flask, which: SiteObjects) -> Organization:
    with app.app_context():
        org = db.session.get(Organization, which.site.organization_id)
        db.session.expunge(org)
    return org


def site_b_unchanged(app: Flask, world: World, before: dict) -> bool:
    return site_b_state(app, world) == before


def site_b_state(app: Flask, world: World) -> dict:
    site_id = world.b.site.id
    state = {}
    with app.app_context():
        for model in (Resident, Building, Unit, Occupancy, Contact, Vehicle, Pet, ButlerAssignment):
            state[model.__name__] = [
                tuple(getattr(r, c.key) for c in model.__table__.columns)
                for r in db.session.scalars(
                    select(model).where(model.site_id == site_id).order_by(model.id)
                )
            ]
        state["members"] = sorted(
            (m.user_id, m.role)
            for m in db.session.scalars(select(Membership).where(Membership.site_id == site_id))
        )
    return state


# --- Residents ------------------------------------------------------------------------


def test_new_resident_belongs_to_site_a_whatever_else_is_posted(app, client, world, admin):
    a, b = world.a, world.b
    before_b = site_b_state(app, world)
    answer = post(
        client,
        "/s/site-a/residents/new",
        extras(world, keep=("building_id", "role")),
        {"birth_date": "1950-01-01", "notes": "Planted", "employer": "Planted"},
        {
            "name": "陳大文",
            "phone": "91230000",
            "preferred_locale": "zh_Hant",
            "building_id": str(a.ids["building_id"]),
            "unit_number": "3A",
            "role": "tenant",
            "moved_in": "2024-05-01",
        },
    )
    assert answer.status_code == 303
    person = newest(app, Resident, Resident.name == "陳大文")
    assert person.site_id == a.site.id
    assert person.id != 424242
    assert person.version_id == 1
    assert person.archived_at is None
    assert (person.birth_date, person.notes, person.employer) == (None, "", "")
    (stay,) = rows(app, Occupancy, Occupancy.resident_id == person.id)
    assert (stay.site_id, stay.unit_id, stay.role) == (a.site.id, a.ids["unit_id"], "tenant")
    assert stay.unit_id != b.ids["unit_id"]
    assert site_b_unchanged(app, world, before_b)


def test_a_building_of_site_b_cannot_house_a_new_resident(app, client, world, admin):
    answer = post(
        client,
        "/s/site-a/residents/new",
        {
            "name": "陳大文",
            "phone": "91230000",
            "building_id": str(world.b.ids["building_id"]),
            "unit_number": "3A",  # site B has a unit 3A too
            "role": "owner",
        },
    )
    assert answer.status_code == 422
    assert rows(app, Resident, Resident.name == "陳大文") == []


def test_editing_contact_details_changes_only_them(app, client, world, admin):
    a = world.a
    person = one(app, Resident, a.ids["resident_id"])
    before_b = site_b_state(app, world)
    answer = post(
        client,
        f"/s/site-a/residents/{person.id}/contact/edit",
        extras(world, keep=("version_id",)),
        {"birth_date": "1950-01-01", "notes": "Planted", "hobbies": "Planted"},
        {
            "name": "陳小文",
            "phone": "91234567",
            "preferred_locale": "en",
            "version_id": str(person.version_id),
        },
    )
    assert answer.status_code == 303
    after = one(app, Resident, person.id)
    assert after.name == "陳小文"
    assert after.site_id == a.site.id
    assert (after.birth_date, after.notes, after.hobbies) == (None, "", "")
    assert after.archived_at is None
    assert after.version_id == person.version_id + 1
    assert site_b_unchanged(app, world, before_b)


def test_home_visit_form_cannot_rename_the_resident_or_give_consent(app, client, world, admin):
    person = one(app, Resident, world.a.ids["resident_id"])
    answer = post(
        client,
        f"/s/site-a/residents/{person.id}/home_visit/edit",
        extras(world, keep=("version_id",)),
        {"name": "Mallory", "phone": "66666666", "consent_sms": "y", "ref": "R-9"},
        {"employer": "港鐵", "version_id": str(person.version_id)},
    )
    assert answer.status_code == 303
    after = one(app, Resident, person.id)
    assert after.employer == "港鐵"
    assert (after.name, after.phone, after.ref) == (person.name, person.phone, person.ref)
    assert after.consent_sms is False
    assert after.site_id == world.a.site.id


def test_a_contact_is_written_by_the_logged_in_user(app, client, world, admin):
    a = world.a
    answer = post(
        client,
        f"/s/site-a/residents/{a.ids['resident_id']}/contacts",
        extras(world),
        {"at": "2000-01-01T00:00:00", "staff_id": str(world.users["butler"].id)},
        {"kind": "visit", "summary": "Lift noise at night"},
    )
    assert answer.status_code == 303
    contact = newest(app, Contact, Contact.summary == "Lift noise at night")
    assert contact.staff_id == admin.id
    assert contact.resident_id == a.ids["resident_id"]
    assert contact.site_id == a.site.id
    assert recent(contact.at)


def test_a_vehicle_and_a_pet_belong_to_the_resident_of_the_page(app, client, world, admin):
    a = world.a
    page = f"/s/site-a/residents/{a.ids['resident_id']}"
    vehicle = post(client, f"{page}/vehicles", extras(world), {"plate": "XY 1234"})
    pet = post(client, f"{page}/pets", extras(world), {"species": "dog", "name": "Lucky"})
    assert (vehicle.status_code, pet.status_code) == (303, 303)
    car = newest(app, Vehicle, Vehicle.plate == "XY 1234")
    dog = newest(app, Pet, Pet.species == "dog")
    for saved in (car, dog):
        assert (saved.site_id, saved.resident_id) == (a.site.id, a.ids["resident_id"])


def test_moving_in_uses_the_unit_named_by_building_and_number(app, client, world, make, admin):
    a = world.a
    with app.app_context():
        unit = Unit(site_id=a.site.id, building_id=a.ids["building_id"], floor=5, number="5B")
        db.session.add(unit)
        db.session.commit()
        unit_id = unit.id
    answer = post(
        client,
        f"/s/site-a/residents/{a.ids['resident_id']}/occupancies",
        extras(world, keep=("building_id", "role")),
        {"moved_out": "2024-12-31", "unit_id": str(world.b.ids["unit_id"])},
        {
            "building_id": str(a.ids["building_id"]),
            "unit_number": "5B",
            "role": "tenant",
            "moved_in": "2024-03-01",
        },
    )
    assert answer.status_code == 303
    stay = newest(app, Occupancy, Occupancy.unit_id == unit_id)
    assert (stay.site_id, stay.resident_id) == (a.site.id, a.ids["resident_id"])
    assert stay.role == "tenant"
    assert stay.moved_out is None


def test_moving_out_changes_only_the_date(app, client, world, admin):
    a = world.a
    before = one(app, Occupancy, a.ids["occupancy_id"])
    answer = post(
        client,
        f"/s/site-a/residents/{a.ids['resident_id']}/occupancies/{before.id}/end",
        extras(world),
        {"moved_in": "1999-01-01", "is_primary_contact": "n"},
        {"moved_out": "2024-06-30"},
    )
    assert answer.status_code == 303
    after = one(app, Occupancy, before.id)
    assert after.moved_out == date(2024, 6, 30)
    kept = ("moved_in", "role", "unit_id", "resident_id", "site_id", "is_primary_contact")
    assert {k: getattr(after, k) for k in kept} == {k: getattr(before, k) for k in kept}


def test_archiving_a_resident_takes_the_servers_time(app, client, world, admin):
    ident = world.a.ids["resident_id"]
    answer = post(client, f"/s/site-a/residents/{ident}/archive", extras(world))
    assert answer.status_code == 303
    assert recent(one(app, Resident, ident).archived_at)


# --- Buildings and units --------------------------------------------------------------


def test_new_building_belongs_to_site_a(app, client, world, admin):
    before_b = site_b_state(app, world)
    answer = post(
        client,
        "/s/site-a/buildings/new",
        extras(world),
        {"code": "T9", "name": "Tower 9", "floors": "30"},
    )
    assert answer.status_code == 303
    building = newest(app, Building, Building.code == "T9")
    assert building.site_id == world.a.site.id
    assert building.id != 424242
    assert (building.version_id, building.archived_at) == (1, None)
    assert site_b_unchanged(app, world, before_b)


def test_a_new_unit_goes_into_the_building_of_the_page(app, client, world, admin):
    a = world.a
    answer = post(
        client,
        f"/s/site-a/buildings/{a.ids['building_id']}/units/new",
        extras(world),
        # Room types are for hotels: a residential estate's unit form has none.
        {"room_type": "Presidential suite"},
        {"floor": "5", "number": "5C", "status": "vacant"},
    )
    assert answer.status_code == 303
    unit = newest(app, Unit, Unit.number == "5C")
    assert (unit.site_id, unit.building_id) == (a.site.id, a.ids["building_id"])
    assert (unit.room_type, unit.version_id, unit.archived_at) == ("", 1, None)


def test_editing_a_unit_cannot_move_it_to_another_building(app, client, world, make, admin):
    a = world.a
    other = make.building(a.site, code="T2")
    before = one(app, Unit, a.ids["unit_id"])
    answer = post(
        client,
        f"/s/site-a/units/{before.id}/edit",
        extras(world, keep=("version_id", "status")),
        {"building_id": str(other.id)},
        {
            "floor": "4",
            "number": "3A",
            "status": "occupied",
            "version_id": str(before.version_id),
        },
    )
    assert answer.status_code == 303
    after = one(app, Unit, before.id)
    assert after.floor == 4
    assert (after.building_id, after.site_id) == (a.ids["building_id"], a.site.id)


# --- Staff ----------------------------------------------------------------------------


def test_a_new_staff_member_is_an_active_plain_account_of_the_company(app, client, world, admin):
    a = world.a
    answer = post(
        client,
        "/s/site-a/staff/new",
        extras(world, keep=("roles",)),
        {
            "username": "new-butler",
            "display_name": "New Butler",
            "roles": ["butler"],
        },
    )
    assert answer.status_code == 200
    user = newest(app, User, User.username == "new-butler")
    assert user.organization_id == a.site.organization_id
    assert user.is_org_admin is False
    assert user.active is True
    assert user.session_epoch == 0
    assert user.password_hash.startswith("$argon2id$") and "stolen" not in user.password_hash
    assert (user.totp_secret, user.last_site_id) == (None, None)
    memberships = rows(app, Membership, Membership.user_id == user.id)
    assert [(m.site_id, m.role) for m in memberships] == [(a.site.id, "butler")]


def test_a_new_staff_member_cannot_be_made_org_admin_through_roles(app, client, world, admin):
    answer = post(
        client,
        "/s/site-a/staff/new",
        {"username": "sneaky", "display_name": "Sneaky", "roles": ["butler", "org_admin"]},
    )
    assert answer.status_code == 422
    assert rows(app, User, User.username == "sneaky") == []


def test_bringing_a_colleague_onto_the_site_gives_only_the_roles_chosen(
    app, client, world, make, admin
):
    a = world.a
    elsewhere = make.site(org=org_of(app, world.a))
    colleague = make.user(role="butler", site=elsewhere, username="kit")
    answer = post(
        client,
        "/s/site-a/staff/existing",
        extras(world),
        {"existing-is_org_admin": "y", "existing-site_id": str(world.b.site.id)},
        {"existing-username": "kit", "existing-roles": ["front_desk"]},
    )
    assert answer.status_code == 303
    assert one(app, User, colleague.id).is_org_admin is False
    held = rows(app, Membership, Membership.user_id == colleague.id)
    assert [(m.site_id, m.role) for m in held if m.site_id != elsewhere.id] == [
        (a.site.id, "front_desk")
    ]


def test_a_role_change_cannot_grant_org_admin(app, client, world, admin):
    a = world.a
    staff_id = a.ids["user_id"]
    url = f"/s/site-a/staff/{staff_id}/roles"
    refused = post(client, url, {"roles": ["manager", "org_admin"]})
    assert refused.status_code == 422
    held = rows(app, Membership, Membership.user_id == staff_id)
    assert [(m.site_id, m.role) for m in held] == [(a.site.id, "butler")]

    bystander = world.users["butler"]
    answer = post(
        client,
        url,
        extras(world, keep=("roles",)),
        {"user_id": str(bystander.id), "roles": ["manager"]},
    )
    assert answer.status_code == 303
    held = rows(app, Membership, Membership.user_id == staff_id)
    assert [(m.site_id, m.role) for m in held] == [(a.site.id, "manager")]
    assert one(app, User, staff_id).is_org_admin is False
    assert [m.role for m in rows(app, Membership, Membership.user_id == bystander.id)] == ["butler"]


def test_deactivating_ends_the_account_whatever_is_posted(app, client, world, admin):
    staff_id = world.a.ids["user_id"]
    before = one(app, User, staff_id)
    answer = post(client, f"/s/site-a/staff/{staff_id}/deactivate", extras(world))
    assert answer.status_code == 303
    after = one(app, User, staff_id)
    assert after.active is False
    assert after.session_epoch == before.session_epoch + 1
    assert after.is_org_admin is False


def test_handing_over_a_building_starts_today_on_site_a(app, client, world, admin):
    a = world.a
    butler = world.users["butler"]
    before_b = site_b_state(app, world)
    answer = post(
        client,
        f"/s/site-a/staff/assignments/{a.ids['building_id']}",
        extras(world),
        {"starts_on": "2000-01-01", "ends_on": "2000-12-31"},
        {"butler": str(butler.id), "expected": str(a.ids["user_id"])},
    )
    assert answer.status_code == 303
    current = rows(
        app,
        ButlerAssignment,
        ButlerAssignment.building_id == a.ids["building_id"],
        ButlerAssignment.ends_on.is_(None),
    )
    assert [(c.site_id, c.user_id) for c in current] == [(a.site.id, butler.id)]
    assert current[0].starts_on == site_today(a.site)
    assert site_b_unchanged(app, world, before_b)


# --- Imports, outbox, plugins ---------------------------------------------------------


def test_an_import_batch_belongs_to_site_a_and_to_the_uploader(
    app, client, world, admin, import_dir
):
    csv = "name,phone\n陳大文,91230000\n".encode("utf-8-sig")
    answer = post(
        client,
        "/s/site-a/imports/",
        extras(world),
        {"filename": "../../evil.csv", "problems": "[]", "kind": "residents"},
        files={"file": (csv, "residents.csv")},
    )
    assert answer.status_code == 303
    ident = int(re.search(r"/imports/(\d+)$", answer.headers["Location"]).group(1))
    batch = one(app, ImportBatch, ident)
    assert (batch.site_id, batch.created_by_id) == (world.a.site.id, admin.id)
    assert (batch.status, batch.total_rows, batch.processed_rows) == ("validating", 1, 0)
    assert (batch.created_rows, batch.updated_rows, batch.filename) == (0, 0, "residents.csv")

    step = post(client, f"/s/site-a/imports/{ident}/step", extras(world))
    assert step.status_code == 303
    batch = one(app, ImportBatch, ident)
    assert (batch.status, batch.created_rows, batch.updated_rows) == ("done", 1, 0)
    person = newest(app, Resident, Resident.name == "陳大文")
    assert person.site_id == world.a.site.id


def test_resending_a_message_keeps_its_recipient_and_restarts_its_attempts(
    app, client, world, admin
):
    before = one(app, OutboxMessage, world.a.ids["message_id"])
    answer = post(
        client,
        f"/s/site-a/outbox/{before.id}/resend",
        extras(world),
        {"recipient": "+852 6666 6666", "body": "Pay here", "channel": "pigeon"},
        {"dedupe_key": "other", "subject": "Urgent"},
    )
    assert answer.status_code == 303
    after = one(app, OutboxMessage, before.id)
    assert (after.status, after.attempts) == ("queued", 0)
    kept = ("recipient", "body", "channel", "dedupe_key", "subject", "site_id", "resident_id")
    assert {k: getattr(after, k) for k in kept} == {k: getattr(before, k) for k in kept}


def test_turning_a_plugin_off_changes_only_this_site(app, client, world, admin):
    answer = post(
        client,
        "/s/site-a/admin/plugins/example",
        extras(world),
        {"plugin": "core", "name": "other"},
        {"enabled": "0"},
    )
    assert answer.status_code == 303
    switches = {
        (e.site_id, e.plugin): e.enabled
        for e in rows(app, PluginEnablement, PluginEnablement.plugin == "example")
    }
    assert switches == {(world.a.site.id, "example"): False, (world.b.site.id, "example"): True}


def test_a_plugins_note_belongs_to_site_a(app, client, world):
    assert login(client, world.users["manager"].username).status_code == 302
    answer = post(client, "/s/site-a/example/notes", extras(world), {"text": "Likes the garden"})
    assert answer.status_code == 201
    note = newest(app, ExampleNote, ExampleNote.text == "Likes the garden")
    assert (note.site_id, note.resident_id) == (world.a.site.id, None)


# --- One's own account ----------------------------------------------------------------


def test_changing_ones_password_changes_nothing_else(app, client, world):
    manager = world.users["manager"]
    assert login(client, manager.username).status_code == 302
    answer = post(
        client,
        "/account/password",
        extras(world),
        {"username": "root", "display_name": "Root", "email": "evil@example.com"},
        {
            "current_password": "correct-horse-battery",
            "new_password": "granite lantern orchard",
            "confirm": "granite lantern orchard",
        },
    )
    assert answer.status_code == 302
    after = one(app, User, manager.id)
    assert (after.username, after.display_name, after.email) == (
        manager.username,
        manager.display_name,
        manager.email,
    )
    assert after.is_org_admin is False and after.active is True
    assert after.organization_id == manager.organization_id
    assert after.session_epoch == manager.session_epoch + 1
    assert after.totp_secret is None


def test_choosing_a_language_changes_only_the_language(app, client, world):
    manager = world.users["manager"]
    assert login(client, manager.username).status_code == 302
    answer = post(client, "/language", extras(world), {"locale": "zh_Hant", "next": "/sites"})
    assert answer.status_code == 302
    after = one(app, User, manager.id)
    assert after.locale == "zh_Hant"
    assert (after.is_org_admin, after.active, after.session_epoch) == (False, True, 0)
    assert after.last_site_id is None


def test_choosing_a_site_of_another_company_is_refused(app, client, world, admin):
    answer = post(client, "/sites", {"site_id": str(world.b.site.id)})
    assert answer.status_code == 404
    assert one(app, User, admin.id).last_site_id is None


def test_logging_in_with_extra_fields_grants_nothing(app, client, world):
    manager = world.users["manager"]
    answer = post(
        client,
        "/login",
        extras(world),
        {"username": manager.username, "password": "correct-horse-battery"},
    )
    assert answer.status_code == 302
    after = one(app, User, manager.id)
    assert (after.is_org_admin, after.active, after.session_epoch) == (False, True, 0)
    assert (after.organization_id, after.totp_secret) == (manager.organization_id, None)


def test_a_second_factor_uses_the_secret_shown_never_one_posted(app, client, world, admin):
    assert client.get("/account/second-factor").status_code == 200
    with client.session_transaction() as session:
        shown = session["totp_setup"]
    answer = post(
        client,
        "/account/second-factor",
        extras(world),
        {"secret": PASTED_SECRET, "totp_setup": PASTED_SECRET},
        {"code": pyotp.TOTP(shown).at(core_clock.now())},
    )
    assert answer.status_code == 200
    after = one(app, User, admin.id)
    assert after.totp_secret == shown
    assert after.totp_enabled_at is not None
