"""Every form of the core and of its plugins, fed odd values, never gets a server error.

Each POST route of ``app.url_map`` (site routes with site A's real ids, and ``/login``,
``/language``, ``/account/password``, ``/sites``…) receives values that Hypothesis makes
up: strings of 10,000 characters, Chinese, Arabic and Hebrew, emoji, combining marks,
control characters and NUL, huge and negative numbers, floats, dates written every which
way, fields left out, given twice or as lists, files where text is expected, JSON and
undecodable bodies. Most examples start from a submission the form accepts and spoil
some of its fields, so that both the refusals and the saves are reached.

For every example:
- the answer is never a 5xx (in tests the exception itself reaches the test);
- a refusal (4xx) changes no table: same rows, same checksum (``audit_log`` aside, since
  refusals are audited);
- nothing of site B changes, and no redirect leads off the site.

After an example that saved something, the database is put back as it was, so every
example starts from the same world.

``FORMS`` is the one table of what each POST route expects: its fields (read from the
form class the view uses, or from the ``name=`` attributes of the page) and a valid
submission. A POST route without an entry fails ``test_form_survives_odd_values`` for
that route: a plugin registers its entries (core.testing.walks.register_forms).

``BUTLER_FUZZ_EXAMPLES`` sets the examples per form (default 40, about a minute in all).

The walk itself is core.testing.fuzz (installed with Butler, so that a plugin's own
suite runs it on its forms); this file holds the core's entries and walks every route.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from core import clock as core_clock
from core import create_app, reset_links
from core.extensions import db
from core.forms.account import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ResetPasswordForm,
    SecondFactorForm,
    TurnOffSecondFactorForm,
    TurnOnSecondFactorForm,
)
from core.forms.privacy import EraseForm, ErasureSettingForm
from core.forms.residents import (
    ContactDetailsForm,
    ContactForm,
    HomeVisitForm,
    MoveInForm,
    MoveOutForm,
    NewResidentForm,
    PetForm,
    VehicleForm,
)
from core.forms.site import RetentionForm
from core.forms.staff import (
    AssignForm,
    ExistingStaffForm,
    NewStaffForm,
    RolesForm,
    SecondFactorRolesForm,
)
from core.models import Building, Resident, Site, Unit, User
from core.testing import fuzz as kit
from core.testing import walks
from core.testing.auth import login
from core.testing.factories import PASSWORD, Factory
from core.testing.fuzz import (  # noqa: F401 (a plugin's forms(kit) may use them)
    AWKWARD_FILES,
    BOOL,
    CHOICE,
    DATE,
    DECIMAL,
    EXAMPLES,
    FILE,
    ID,
    INT,
    MULTI,
    TEXT,
    File,
    Form,
    Setting,
    _anonymous,
    fields_of,
    fuzz_route,
    log_in_as,
)
from core.views.buildings import BuildingForm, UnitForm
from core.views.today import NoteForm, WeatherForm
from core.views.transfer import ImportForm
from core.views.worklog import RemarkForm
from tests.conftest import app_config
from tests.security.conftest import FUZZ_TALLY, World, plugin_names


def _half_logged_in(s: Setting, client: FlaskClient) -> None:
    """The admin has a second factor and has given the password: the code is next."""
    s.notes["secret"] = pyotp.random_base32()
    s.make.update(s.admin, totp_secret=s.notes["secret"], totp_enabled_at=core_clock.now())
    response = login(client, s.admin.username)
    assert response.status_code == 302 and "second-factor" in response.location


def _setting_up_second_factor(s: Setting, client: FlaskClient) -> None:
    log_in_as("org_admin")(s, client)
    assert client.get("/account/second-factor").status_code == 200
    with client.session_transaction() as session:
        s.notes["secret"] = session["totp_setup"]


def _with_second_factor(s: Setting, client: FlaskClient) -> None:
    log_in_as("org_admin")(s, client)
    s.make.update(s.admin, totp_secret=pyotp.random_base32(), totp_enabled_at=core_clock.now())


def _reset_token(s: Setting) -> str:
    """A good reset link's token for the admin (the walk puts the password back after
    every post, so the token stays good)."""
    with s.app.app_context():
        return reset_links.make_token(db.session.get(User, s.admin.id))


def _current_code(s: Setting) -> dict[str, Any]:
    return {"code": pyotp.TOTP(s.notes["secret"]).at(core_clock.now())}


def _another_unit(s: Setting, client: FlaskClient) -> None:
    with s.app.app_context():
        building = db.session.get(Building, s.world.a.ids["building_id"])
        db.session.add(
            Unit(site_id=building.site_id, building_id=building.id, floor=5, number="5B")
        )
        db.session.commit()
    log_in_as("org_admin")(s, client)


def _someone_off_site(s: Setting, client: FlaskClient) -> None:
    """An account of site A's company that works on none of its sites yet."""
    with s.app.app_context():
        db.session.add(
            User(
                organization_id=s.world.a.site.organization_id,
                username="off-site",
                display_name="Off Site",
                password_hash="x",
            )
        )
        db.session.commit()
    log_in_as("org_admin")(s, client)


def resident_csv() -> File:
    content = "name,phone,building_code,unit_number,role\n陳大文,91234567,T1,3A,tenant\n"
    return File(content.encode("utf-8-sig"), "residents.csv", "text/csv")


NEXT = {"next": TEXT}


def _tick_of_today(s: Setting) -> dict[str, Any]:
    with s.app.app_context():
        today = core_clock.today(db.session.get(Site, s.world.a.site.id))
    return {"key": f"example.reread.{today.isoformat()}", "done": "1"}


def _admin_with_an_erasable_resident(s: Setting, client: FlaskClient) -> None:
    """Site A's resident archived long ago, so that the valid erasure is accepted."""
    with s.app.app_context():
        resident = db.session.get(Resident, s.world.a.ids["resident_id"])
        resident.archived_at = core_clock.now() - timedelta(days=20 * 366)
        db.session.commit()
    log_in_as("org_admin")(s, client)


# The one table: every POST route (``endpoint`` or ``endpoint:variant``) and its form.
FORMS: dict[str, Form] = {
    "auth.login": Form(
        fields_of(LoginForm),
        lambda s: {"username": s.admin.username, "password": PASSWORD, "next": "/sites"},
        start=_anonymous,
    ),
    "auth.second_factor": Form(fields_of(SecondFactorForm), _current_code, start=_half_logged_in),
    "auth.logout": Form({}),
    "auth.change_password": Form(
        fields_of(ChangePasswordForm),
        lambda s: {
            "current_password": PASSWORD,
            "new_password": "granite lantern orchard",
            "confirm": "granite lantern orchard",
        },
    ),
    "auth.account_second_factor": Form(
        fields_of(TurnOnSecondFactorForm), _current_code, start=_setting_up_second_factor
    ),
    "auth.account_second_factor:turn-off": Form(
        fields_of(TurnOffSecondFactorForm),
        lambda s: {"password": PASSWORD},
        start=_with_second_factor,
    ),
    "auth.forgot_password": Form(
        fields_of(ForgotPasswordForm), lambda s: {"username": s.admin.username}, start=_anonymous
    ),
    "auth.reset_password": Form(
        fields_of(ResetPasswordForm),
        lambda s: {"new_password": "granite lantern orchard", "confirm": "granite lantern orchard"},
        start=_anonymous,
        url={"token": _reset_token},
    ),
    "auth.set_language": Form(fields_of(LanguageForm), lambda s: {"locale": "zh_Hant"}),
    "sites.choose": Form({"site_id": ID}, lambda s: {"site_id": str(s.world.a.site.id)}),
    "admin.toggle": Form({"enabled": BOOL}, lambda s: {"enabled": "0"}),
    "admin.settings": Form(
        fields_of(RetentionForm),
        lambda s: {
            "retention_job_run_days": "60",
            "retention_outbox_days": "365",
            "retention_import_days": "7",
        },
        seeds=({"retention_outbox_days": "99999999999999999999"},),
    ),
    "buildings.create": Form(
        fields_of(BuildingForm), lambda s: {"code": "T9", "name": "Tower 9", "floors": "30"}
    ),
    "buildings.edit": Form(
        fields_of(BuildingForm),
        lambda s: {
            "code": "T1",
            "name": "Tower One",
            "floors": "25",
            "version_id": s.version(Building, "building_id"),
        },
    ),
    "buildings.archive": Form(NEXT, lambda s: {"next": "/s/site-a/buildings/"}),
    "buildings.restore": Form(NEXT, lambda s: {"next": "/s/site-a/buildings/"}),
    "buildings.unit_create": Form(
        fields_of(UnitForm),
        lambda s: {"floor": "5", "number": "5C", "area_m2": "70.50", "status": "vacant"},
    ),
    "buildings.unit_edit": Form(
        fields_of(UnitForm),
        lambda s: {
            "floor": "3",
            "number": "3A",
            "area_m2": "65.5",
            "status": "occupied",
            "version_id": s.version(Unit, "unit_id"),
        },
    ),
    "buildings.unit_archive": Form(NEXT, lambda s: {"next": "/s/site-a/buildings/"}),
    "buildings.unit_restore": Form(NEXT, lambda s: {"next": "/s/site-a/buildings/"}),
    "example.add_note": Form(
        {"text": TEXT}, lambda s: {"text": "Likes the garden"}, start=log_in_as("manager")
    ),
    "transfer.upload": Form(
        fields_of(ImportForm),
        lambda s: {"kind": "residents", "file": resident_csv()},
        seeds=tuple({"file": File(data, "residents.csv", "text/csv")} for data in AWKWARD_FILES),
    ),
    "transfer.step": Form({}),
    "outbox.resend": Form({}),
    "privacy.erase": Form(
        fields_of(EraseForm),
        lambda s: {"confirm_name": "Resident of site-a"},
        start=_admin_with_an_erasable_resident,
    ),
    "privacy.settings": Form(fields_of(ErasureSettingForm), lambda s: {"erasure_after_years": "8"}),
    "residents.new": Form(
        fields_of(NewResidentForm),
        lambda s: {
            "name": "陳大文",
            "ref": "R-0002",
            "phone": "+852 9123 4567",
            "email": "chan@example.com",
            "preferred_locale": "zh_Hant",
            "consent_sms": "y",
            "building_id": s.id("building_id"),
            "unit_number": "3A",
            "role": "tenant",
            "moved_in": "2024-05-01",
        },
    ),
    "residents.edit_section": Form(
        fields_of(ContactDetailsForm),
        lambda s: {
            "name": "陳小文",
            "phone": "91234567",
            "preferred_locale": "en",
            "consent_email": "y",
            "version_id": s.version(Resident, "resident_id"),
        },
    ),
    "residents.edit_section:home_visit": Form(
        fields_of(HomeVisitForm),
        lambda s: {
            "birth_date": "1960-02-29",
            "employer": "港鐵",
            "emergency_contact_phone": "+852 6123 4567",
            "notes": "Prefers visits after 6 pm",
            "version_id": s.version(Resident, "resident_id"),
        },
        url={"section": "home_visit"},
    ),
    "residents.archive": Form({}),
    "residents.restore": Form({}),
    "residents.add_contact": Form(
        fields_of(ContactForm), lambda s: {"kind": "visit", "summary": "Lift noise at night"}
    ),
    "residents.move_in": Form(
        fields_of(MoveInForm),
        lambda s: {
            "building_id": s.id("building_id"),
            "unit_number": "5B",
            "role": "tenant",
            "moved_in": "2024-03-01",
            "is_primary_contact": "y",
        },
        start=_another_unit,
    ),
    "residents.move_out": Form(fields_of(MoveOutForm), lambda s: {"moved_out": "2024-06-30"}),
    "residents.add_pet": Form(fields_of(PetForm), lambda s: {"species": "dog", "name": "Lucky"}),
    "residents.add_vehicle": Form(
        fields_of(VehicleForm),
        lambda s: {"plate": "XY 1234", "description": "Red Tesla", "parking_space": "B2-17"},
    ),
    "staff.create": Form(
        fields_of(NewStaffForm),
        lambda s: {
            "username": "new-butler",
            "display_name": "New Butler",
            "email": "nb@example.com",
            "phone": "+852 9000 0000",
            "roles": ["butler"],
        },
    ),
    "staff.add_existing": Form(
        fields_of(ExistingStaffForm, prefix="existing-"),
        lambda s: {"existing-username": "off-site", "existing-roles": ["butler", "front_desk"]},
        start=_someone_off_site,
    ),
    "staff.roles": Form(fields_of(RolesForm), lambda s: {"roles": ["butler", "front_desk"]}),
    "staff.deactivate": Form({}),
    "staff.reactivate": Form({}),
    "staff.reset_password": Form({}),
    "staff.second_factor_roles": Form(
        fields_of(SecondFactorRolesForm), lambda s: {"roles": ["manager", "butler"]}
    ),
    # Handing in the month's pack takes no field: the month is in the URL.
    "handin.submit": Form({}, start=log_in_as("butler")),
    "today.write_note": Form(
        fields_of(NoteForm),
        lambda s: {"body": "Lift 2 is under repair until noon", "building_id": "0"},
        start=log_in_as("assistant"),
    ),
    "today.read_note": Form({}, start=log_in_as("butler")),
    "today.set_weather": Form(
        fields_of(WeatherForm), lambda s: {"kind": "rain"}, start=log_in_as("assistant")
    ),
    # The example plugin offers one item to tick: "example.reread.<the site's date>".
    "today.tick": Form({"key": TEXT, "done": TEXT}, _tick_of_today, start=log_in_as("butler")),
    "worklog.remarks": Form(
        fields_of(RemarkForm),
        lambda s: {"body": "Walked Tower 1 twice; the roof door was left open"},
        start=log_in_as("butler"),
    ),
    "staff.assign": Form(
        fields_of(AssignForm),
        lambda s: {"butler": str(s.world.users["butler"].id), "expected": s.id("user_id")},
    ),
}


# Each plugin's entries, registered with core.testing.walks.register_forms (a first-party
# plugin's tests/plugins/<name>/fuzz.py).
FORMS.update(walks.forms_of(kit))


# --- Discovering the routes ------------------------------------------------------------


@cache
def post_endpoints() -> tuple[str, ...]:
    """Every endpoint that takes a POST, read from the url_map of an application."""
    app = create_app(app_config("sqlite://"))
    try:
        return tuple(sorted({r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}))
    finally:
        with app.app_context():
            db.engine.dispose()


def cases() -> list[str]:
    found = []
    for endpoint in post_endpoints():
        keys = [k for k in FORMS if k.partition(":")[0] == endpoint]
        found.extend(keys or [endpoint])
    return found


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "route" in metafunc.fixturenames:
        metafunc.parametrize("route", cases())


def missing_entry(endpoints: list[str]) -> str:
    """What to do about POST routes without an entry: a plugin registers its forms."""
    by_plugin: dict[str, list[str]] = {}
    for endpoint in endpoints:
        owner = endpoint.partition(".")[0]
        by_plugin.setdefault(owner if owner in plugin_names() else "", []).append(endpoint)
    lines = []
    for owner, routes in sorted(by_plugin.items()):
        if owner:
            lines.append(
                f"POST routes of plugin {owner!r} without an entry in the fuzzing table: "
                f"{routes}; give each one (its fields and a submission it accepts) in the "
                "dict its forms(kit) returns, and " + walks.how_to_join("register_forms", owner)
            )
        else:
            lines.append(f"core POST routes without an entry in FORMS of {__file__}: {routes}")
    return "\n".join(lines)


def test_every_entry_names_a_post_route(app: Flask) -> None:
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    stale = sorted(k for k in FORMS if k.partition(":")[0] not in endpoints)
    assert not stale, f"FORMS names routes that take no POST (renamed or removed?): {stale}"
    missing = sorted(endpoints - {k.partition(":")[0] for k in FORMS})
    assert not missing, missing_entry(missing)


# --- The test --------------------------------------------------------------------------


def test_form_survives_odd_values(
    route: str, app: Flask, world: World, make: Factory, tmp_path, monkeypatch
) -> None:
    form = FORMS.get(route)
    if form is None:
        pytest.fail(missing_entry([route]))
    FUZZ_TALLY[route] = fuzz_route(route, form, app, world, make, tmp_path, monkeypatch)
