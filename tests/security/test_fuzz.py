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
that route: a new plugin adds its forms there.

``BUTLER_FUZZ_EXAMPLES`` sets the examples per form (default 40, about a minute in all).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf.file import FileField
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.routing import Rule
from werkzeug.test import encode_multipart
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
)
from wtforms.fields.core import UnboundField

from core import clock as core_clock
from core import create_app, imports, reset_links
from core.database import owner_engine
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
from core.models import Building, ImportBatch, Resident, Site, Unit, User
from core.roles import ROLE_CODES
from core.testing import walks
from core.testing.auth import login
from core.testing.factories import PASSWORD, Factory
from core.views.buildings import BuildingForm, UnitForm
from core.views.today import NoteForm, WeatherForm
from core.views.transfer import ImportForm
from core.views.worklog import RemarkForm
from tests.conftest import app_config
from tests.security.conftest import FUZZ_TALLY, World, plugin_names, url_of

EXAMPLES = int(os.environ.get("BUTLER_FUZZ_EXAMPLES", "40"))
# Refusals are audited ("access.denied", "login.failure"): the only tables they may write
# (a refused form that shows a sensitive record again audits the read, with its resident).
WRITTEN_BY_REFUSALS = frozenset({"audit_log", "audit_read"})

# --- Kinds of fields and the odd values each receives ---------------------------------

TEXT, INT, DECIMAL, DATE, BOOL, CHOICE, MULTI, FILE, ID = (
    "text",
    "int",
    "decimal",
    "date",
    "bool",
    "choice",
    "multi",
    "file",
    "id",
)


def kind_of(field_class: type) -> str:
    for base, kind in (
        (FileField, FILE),
        (SelectMultipleField, MULTI),
        (BooleanField, BOOL),
        (DateField, DATE),
        (IntegerField, INT),
        (DecimalField, DECIMAL),
        (RadioField, CHOICE),
        (SelectField, CHOICE),
    ):
        if issubclass(field_class, base):
            return kind
    return TEXT  # StringField, TextAreaField, PasswordField, HiddenField


def fields_of(form_class: type, prefix: str = "") -> dict[str, str]:
    """The names of the fields ``form_class`` reads from a post, and their kinds."""
    found = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if not name.startswith("_") and isinstance(unbound, UnboundField):
            found[prefix + name] = kind_of(unbound.field_class)
    assert found, f"{form_class.__name__} has no fields"
    return found


LONG = st.builds(
    lambda piece, n: piece * n,
    st.sampled_from(["x", "界", "🏠", "e\u0301", "\u202e", "\x00", "<", "'", " ", "\n"]),
    st.integers(10_000, 10_020),
)
UNICODE = st.sampled_from(
    [
        "陳大文",
        "张伟",
        "黃小明 Wong Siu Ming",
        "مرحبا بالعالم",
        "שלום עולם",
        "\u202eevil.exe\u202c",
        "\u200f\u200e\u061c",
        "👩‍👩‍👧‍👦🏠",
        "🇭🇰",
        "e\u0301\u0302\u0303\u0304\u0305",
        "Z\u0336\u0334\u0335\u0337\u0338",
        "\ufeff",
        "\u200b\u200c\u200d",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "ＡＢＣ１２３",
        "ß İ ﬃ",
        "\u00a0",
        "\u2028\u2029",
        "\uffff\ufffe",
        "\U0010ffff",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%s%n%x",
        "{{7*7}}",
        "../../etc/passwd",
        "NULL",
        "None",
        "[]",
    ]
)
CONTROLS = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=31) | st.sampled_from("\x7f\x85"),
    min_size=1,
    max_size=5,
)
WITH_CONTROLS = st.builds(
    lambda a, c, b: a + c + b, st.text(max_size=5), CONTROLS, st.text(max_size=5)
)
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        [
            str(2**31),
            str(-(2**31) - 1),
            str(2**63),
            str(2**63 - 1),
            str(-(2**63) - 1),
            "9" * 400,
            "1e999999",
            "-1e-999999",
            "NaN",
            "sNaN",
            "-Infinity",
            "inf",
            "0x1F",
            "1_000",
            "+5",
            " 7 ",
            "5.",
            ".5",
            "-0",
            "00012",
            "١٢٣",
            "１２",
            "Ⅻ",
            "½",
            "1,5",
            "12abc",
        ]
    ),
    st.floats().map(str),
    st.floats().map(repr),
)
DATES = st.one_of(
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
    st.builds(
        lambda day, fmt: day.strftime(fmt),
        st.dates(date(1000, 1, 1), date(9999, 12, 31)),
        st.sampled_from(
            ["%d/%m/%Y", "%m/%d/%Y", "%Y%m%d", "%Y/%m/%d", "%d.%m.%Y", "%Y-%m-%dT00:00:00"]
            + ["%d %B %Y", "%Y年%m月%d日", "%y-%m-%d"]
        ),
    ),
    st.sampled_from(
        [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "0000-01-01",
            "0001-01-01",
            "1899-12-31",
            "1900-01-01",
            "9999-12-31",
            "10000-01-01",
            "-2024-01-01",
            "2024-1-1",
            "２０２４-０１-０１",
            "today",
            "2024-01-01\x00",
            " 2024-01-01 ",
            "2024-01-01 12:00",
        ]
    ),
)
ANY = st.one_of(
    st.just(""),
    st.text(max_size=30),
    LONG,
    UNICODE,
    CONTROLS,
    WITH_CONTROLS,
    NUMBERS,
    DATES,
)
CODES = st.sampled_from(
    [*ROLE_CODES, "owner", "tenant", "family", "call", "visit", "en", "zh_Hant", "zh_Hans"]
    + ["residents", "units", "occupied", "vacant", "let", "contact", "home_visit"]
)


@dataclass(frozen=True)
class File:
    """A file part of a multipart post."""

    content: bytes
    filename: str
    mimetype: str = "application/octet-stream"

    def __repr__(self) -> str:  # the falsifying example stays readable
        more = "…" if len(self.content) > 120 else ""
        return f"File({self.content[:120]!r}{more}, {self.filename[:80]!r})"


# --- Files to upload -------------------------------------------------------------------

HEADERS = sorted(
    {c.code for kind in imports.COLUMNS.values() for c in kind}
    | {a for kind in imports.COLUMNS.values() for c in kind for a in c.aliases[:1]}
    | {"Name*", " PHONE ", "unknown", "", "name", "姓名"}
)
CELLS = st.one_of(
    st.sampled_from(["T1", "t1", "3A", "5B", "owner", "tenant", "業主", "yes", "no", "是"]),
    st.sampled_from(["2020-01-01", "91234567", "+852 9123 4567", "a@b.co", "zh_Hant", "12"]),
    st.text(max_size=12),
    UNICODE,
    CONTROLS,
    NUMBERS,
    DATES,
    LONG,
)
FILENAMES = st.one_of(
    st.just("residents.csv"),
    st.sampled_from(
        [
            "residents.csv",
            "units.xlsx",
            "RESIDENTS.CSV",
            "../../etc/passwd.csv",
            "..\\..\\boot.csv",
            "C:\\Users\\mia\\住戶.csv",
            "住戶資料.xlsx",
            "x" * 10_000 + ".csv",
            ".csv",
            "csv",
            "file.csv.exe",
            "file.xlsx.csv",
            "\u202egpj.csv",
            "résumé\u0301.csv",
        ]
    ),
    st.text(max_size=20).map(lambda name: name + ".csv"),
)


@st.composite
def csv_files(draw) -> File:
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=9, unique=True))
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 1), max_size=4))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t"])))
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5hkscs"]))
    return File(out.getvalue().encode(encoding, errors="replace"), draw(FILENAMES), "text/csv")


@st.composite
def xlsx_files(draw) -> File:
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=9, unique=True))
    value = st.one_of(
        CELLS.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("?", text)),
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.datetimes(datetime(1900, 3, 1), datetime(9999, 12, 31)),
        st.booleans(),
        st.none(),
    )
    rows = draw(st.lists(st.lists(value, max_size=len(header) + 1), max_size=4))
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return File(out.getvalue(), "residents.xlsx")


@cache
def too_big() -> bytes:
    return b"name,phone\n" + b"a,91234567\n" * (imports.MAX_BYTES // 11 + 1)


# Files known to be awkward: each is also posted once by itself (see ``Form.seeds``).
AWKWARD_FILES = [
    b"",
    b"   \r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    imports.OLE_MAGIC + b"\x00" * 64,
    imports.ZIP_MAGIC + b"not really a zip",
    b'name,phone\n"unclosed,91234567\n',
    b"name,phone\n\x00\x00\x00,91234567\n",
    # NUL past the part of the file looked at to tell text from binary.
    b"name,phone\n" + b"".join(b"R%d,9%07d\n" % (n, n) for n in range(800)) + b"b\x00c,91234568\n",
    "name,phone\n陳大文,91234567\n".encode("utf-16"),
    "name,phone\n陳大文,91234567\n".encode("big5"),
    b'name;phone\r\n"a""b";91234567\r\n',
    b"name,phone,,,\nA,91234567,,,x\n",
]
FILES = st.one_of(
    csv_files(),
    xlsx_files(),
    st.builds(File, st.binary(max_size=400), FILENAMES),
    st.builds(File, st.sampled_from(AWKWARD_FILES), FILENAMES),
    # Files over the size limit are refused in tests/core/test_imports.py: posting them
    # here makes Werkzeug's test client spool them to a temporary file it never closes.
)


# --- What each route expects -----------------------------------------------------------


@dataclass
class Setting:
    """What a route's entry may use: the world, the factory, and notes set by its start."""

    app: Flask
    world: World
    make: Factory
    notes: dict[str, Any] = field(default_factory=dict)

    def id(self, name: str, plugin: str | None = None) -> str:
        """Site A's id called ``name`` (a plugin's own ids when ``plugin`` is given)."""
        return str(self.world.a.ids_for(plugin)[name])

    def version(self, model: type, name: str, plugin: str | None = None) -> str:
        with self.app.app_context():
            return str(db.session.get(model, self.world.a.ids_for(plugin)[name]).version_id)

    @property
    def admin(self) -> User:
        return self.world.users["org_admin"]


def log_in_as(role: str) -> Callable[[Setting, FlaskClient], None]:
    def start(s: Setting, client: FlaskClient) -> None:
        assert login(client, s.world.users[role].username).status_code == 302

    return start


def _anonymous(s: Setting, client: FlaskClient) -> None:
    pass


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


@dataclass(frozen=True)
class Form:
    """A POST route's form: its fields, a submission it accepts, who posts it."""

    fields: dict[str, str]
    valid: Callable[[Setting], dict[str, Any]] = lambda s: {}
    start: Callable[[Setting, FlaskClient], None] = log_in_as("org_admin")
    url: dict[str, Any] = field(default_factory=dict)  # URL arguments other than the world's
    # Changes to the valid submission known to be awkward, each posted once besides the
    # examples Hypothesis makes up.
    seeds: tuple[dict[str, Any], ...] = ()


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
FORMS.update(walks.forms_of(sys.modules[__name__]))


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


def post_rule(app: Flask, endpoint: str) -> Rule:
    return next(
        r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods
    )


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


# --- Posting ---------------------------------------------------------------------------


@dataclass
class Post:
    """One made-up submission and how it travels."""

    pairs: list[tuple[str, Any]]
    mode: str  # "form", "multipart", "json" or "raw"
    body: Any = None  # the JSON document, or the raw bytes
    content_type: str = ""
    htmx: bool = False

    def send(self, client: FlaskClient, url: str):
        headers = {"HX-Request": "true"} if self.htmx else {}
        if self.mode == "json":
            return client.post(url, json=self.body, headers=headers)
        if self.mode == "raw":
            return client.post(url, data=self.body, content_type=self.content_type, headers=headers)
        files = any(isinstance(value, File) for _name, value in self.pairs)
        if self.mode == "form" and not files:
            return client.post(url, data=MultiDict(self.pairs), headers=headers)
        # Encoded in memory: the test client spools large bodies to a file it never closes.
        boundary, body = encode_multipart(
            MultiDict(
                (name, FileStorage(io.BytesIO(v.content), v.filename, content_type=v.mimetype))
                if isinstance(v, File)
                else (name, v)
                for name, v in self.pairs
            )
        )
        return client.post(
            url,
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
            headers=headers,
        )


def pairs_of(submission: dict[str, Any]) -> list[tuple[str, Any]]:
    """The name-value pairs of a submission (a list is a field given several times)."""
    return [
        (name, v)
        for name, value in submission.items()
        for v in (value if isinstance(value, list) else [value])
    ]


def odd_value(kind: str, ids: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    if kind == FILE:
        return FILES
    specific = {
        TEXT: ANY,
        INT: NUMBERS | ids,
        ID: ids | NUMBERS,
        DECIMAL: NUMBERS,
        DATE: DATES,
        BOOL: st.sampled_from(["y", "n", "on", "off", "true", "false", "0", "1", "yes"]),
        CHOICE: CODES | ids,
        MULTI: CODES,
    }[kind]
    return st.one_of(specific, ANY)


EXTRA_NAMES = st.one_of(
    st.sampled_from(
        ["site_id", "organization_id", "is_org_admin", "id", "csrf_token", "version_id"]
        + ["role", "roles", "active", "__proto__", "", "x" * 300, "名字", "a[]", "a.b"]
    ),
    st.text(max_size=10),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
SPOILS = ["odd"] * 3 + ["missing", "empty", "twice", "many"]


@st.composite
def submissions(draw, form: Form, valid: dict[str, Any], ids: st.SearchStrategy[str]) -> Post:
    # Spoil a few fields (often none or one, so that odd values that are acceptable
    # get saved); the others keep their valid value.
    names = sorted(form.fields)
    spoiled = draw(st.sets(st.sampled_from(names))) if names else set()
    pairs: list[tuple[str, Any]] = []
    for name in names:
        odd = odd_value(form.fields[name], ids)
        given = valid.get(name)
        action = draw(st.sampled_from(SPOILS)) if name in spoiled else "valid"
        if action == "valid" and given is not None:
            pairs.extend(pairs_of({name: given}))
        elif action == "odd":
            pairs.append((name, draw(odd)))
        elif action == "empty":
            pairs.append((name, ""))
        elif action == "twice":
            first = given if given is not None and not isinstance(given, list) else draw(odd)
            pairs.extend([(name, first), (name, draw(odd))])
        elif action == "many":
            pairs.extend((name, v) for v in draw(st.lists(odd, min_size=2, max_size=5)))
    pairs.extend(draw(st.lists(st.tuples(EXTRA_NAMES, ANY), max_size=3)))
    mode = draw(st.sampled_from(["form"] * 6 + ["multipart", "json", "raw"]))
    htmx = draw(st.booleans())
    if mode == "multipart" and pairs and draw(st.booleans()):
        # A file where the form expects text.
        name, value = pairs[0]
        if isinstance(value, str):
            pairs[0] = (name, File(value.encode("utf-8"), "notes.txt", "text/plain"))
    if mode == "json":
        body = draw(
            st.one_of(
                st.just({n: v for n, v in pairs if not isinstance(v, File)}),
                st.dictionaries(st.sampled_from([n for n, _ in pairs] or ["x"]), JSON_VALUES),
                JSON_VALUES,
            )
        )
        return Post([], mode, body=body, htmx=htmx)
    if mode == "raw":
        text_pairs = [(n, v) for n, v in pairs if isinstance(v, str)]
        encoded = "&".join(f"{n}={v}" for n, v in text_pairs).encode("utf-8")
        junk = draw(st.sampled_from([b"", b"%", b"%zz", b"%ff%fe%00", b"&&==&", b";", b"\xff\xfe"]))
        body = draw(st.sampled_from([encoded + junk, junk + encoded])) + draw(
            st.binary(max_size=40)
        )
        content_type = draw(
            st.sampled_from(
                [
                    "application/x-www-form-urlencoded",
                    "application/x-www-form-urlencoded; charset=latin-1",
                    "multipart/form-data; boundary=b",
                    "multipart/form-data",
                    "text/plain",
                    "application/json",
                ]
            )
        )
        return Post([], mode, body=body, content_type=content_type, htmx=htmx)
    return Post(pairs, mode, htmx=htmx)


# --- The state of the database ---------------------------------------------------------

Snapshot = dict[str, list[tuple]]


def snapshot(app: Flask) -> Snapshot:
    """Every row of every table, in primary-key order."""
    with app.app_context(), db.engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    return [
        name
        for name in before
        if name not in WRITTEN_BY_REFUSALS and before[name] != after.get(name)
    ]


def checksum(rows: list[tuple]) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:12]


def describe(before: Snapshot, after: Snapshot, names: list[str]) -> str:
    lines = []
    for name in names:
        old, new = before[name], after[name]
        gone = [r for r in old if r not in new][:3]
        added = [r for r in new if r not in old][:3]
        lines.append(
            f"{name}: {len(old)} rows ({checksum(old)}) -> {len(new)} rows ({checksum(new)});"
            f" gone {gone!r:.300}; new {added!r:.300}"
        )
    return "\n".join(lines)


def restore(app: Flask, rows: Snapshot, names: list[str]) -> None:
    """Put the tables ``names`` back as ``rows`` has them (the audit log is append-only).

    Only the tables an example changed are rewritten: the others already hold what
    ``rows`` holds. Rows of other tables refer to rows deleted and inserted again here,
    so the foreign keys are checked at the commit (SQLite) or not at all (PostgreSQL's
    replica role, for this one transaction; the owner is a superuser). No
    foreign key cascades, so deleting a parent row touches no other table.
    """
    tables = [
        t
        for t in db.metadata.sorted_tables
        if t.name in names and t.name not in WRITTEN_BY_REFUSALS
    ]
    with app.app_context(), owner_engine(app).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for table in reversed(tables):
            conn.execute(table.delete())
        for table in tables:
            if rows[table.name]:
                keys = [c.key for c in table.columns]
                conn.execute(
                    table.insert(), [dict(zip(keys, r, strict=True)) for r in rows[table.name]]
                )


def site_b_rows(rows: Snapshot, world: World) -> dict[str, list[tuple]]:
    """The rows that belong to site B or to its organisation."""
    site_id, org_id = world.b.site.id, world.b.site.organization_id
    owner_column = {"site": ("id", site_id), "organization": ("id", org_id)}
    owner_column["user_account"] = ("organization_id", org_id)
    found = {}
    for table in db.metadata.sorted_tables:
        column, value = owner_column.get(table.name, ("site_id", site_id))
        keys = [c.key for c in table.columns]
        if column in keys:
            at = keys.index(column)
            found[table.name] = [r for r in rows[table.name] if r[at] == value]
    return found


def assert_stays_on_site(response) -> None:
    for header in ("Location", "HX-Redirect", "HX-Location"):
        target = response.headers.get(header)
        if target:
            parts = urlsplit(target)
            assert parts.netloc in ("", "localhost") and not target.startswith("//"), (
                f"{header} leads off the site: {target!r}"
            )


BATCH_URL = re.compile(r"/imports/(\d+)$")


def follow_import(app: Flask, client: FlaskClient, url: str, location: str) -> None:
    """Check the uploaded rows to the end: the rows are fuzzed too."""
    match = BATCH_URL.search(urlsplit(location).path)
    if not match:
        return
    batch_id = int(match.group(1))
    for _ in range(5):
        response = client.post(f"{url}{batch_id}/step")
        assert response.status_code < 500
        with app.app_context():
            status = db.session.get(ImportBatch, batch_id).status
        if status != "validating":
            break
    # "failed" means writing found what checking missed: checking must find every problem.
    assert status in ("invalid", "done"), f"the import ended {status!r}"


# --- The test --------------------------------------------------------------------------


def test_form_survives_odd_values(
    route: str, app: Flask, world: World, make: Factory, tmp_path, monkeypatch
) -> None:
    form = FORMS.get(route)
    if form is None:
        pytest.fail(missing_entry([route]))
    monkeypatch.setitem(app.config, "BUTLER_IMPORT_DIR", str(tmp_path / "imports"))
    endpoint = route.partition(":")[0]
    rule = post_rule(app, endpoint)
    setting = Setting(app, world, make)
    client = app.test_client()
    form.start(setting, client)
    # A URL argument may be made by the start (a reset link's token, for its account).
    extra = {k: v(setting) if callable(v) else v for k, v in form.url.items()}
    url = url_of(rule, {**world.values(world.a, rule), **extra})
    valid = form.valid(setting)
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    saved = client.get_cookie(cookie_name)
    baseline = snapshot(app)
    site_b = site_b_rows(baseline, world)
    plugin = endpoint.partition(".")[0]
    known_ids = {
        *world.a.ids_for(plugin).values(),
        *world.b.ids_for(plugin).values(),
        world.a.site.id,
        world.b.site.id,
    }
    # A world may give a URL argument that is text (a survey link's token), not an id.
    known = known_ids | {u.id for u in world.users.values()}
    ids = st.sampled_from(
        sorted(known, key=lambda v: (isinstance(v, str), 0 if isinstance(v, str) else v, str(v)))
    ).map(str)
    tally = {"examples": 0, "accepted": 0, "refused": 0}

    def post(submission: Post) -> int:
        """Post from the starting state; check the answer; put the database back."""
        if saved is None:
            client.delete_cookie(cookie_name)
        else:
            client.set_cookie(cookie_name, saved.value)
        after = None
        try:
            response = submission.send(client, url)
            status = response.status_code
            assert status < 500, f"{status} from {route}"
            assert_stays_on_site(response)
            if endpoint == "transfer.upload" and status in (302, 303):
                follow_import(app, client, url, response.location)
            after = snapshot(app)
            if 400 <= status < 500:
                changed = changed_tables(baseline, after)
                assert not changed, f"refused with {status}, yet:\n" + describe(
                    baseline, after, changed
                )
            assert site_b_rows(after, world) == site_b, "site B's rows changed"
            return status
        finally:
            if after is None:
                after = snapshot(app)
            changed = changed_tables(baseline, after)
            if changed:
                restore(app, baseline, changed)

    # The valid submission is accepted: otherwise the examples would only reach refusals.
    status = post(Post(pairs_of(valid), "form"))
    assert status < 400, f"{route}: the valid submission of FORMS is refused ({status})"

    def post_odd_values(submission: Post) -> None:
        status = post(submission)
        tally["examples"] += 1
        tally["accepted" if status < 400 else "refused"] += 1

    fuzz = given(submission=submissions(form, valid, ids))(post_odd_values)
    for seed in form.seeds:
        fuzz = example(submission=Post(pairs_of({**valid, **seed}), "form"))(fuzz)
    settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )(fuzz)()
    FUZZ_TALLY[route] = tally
    assert tally["examples"] >= EXAMPLES
