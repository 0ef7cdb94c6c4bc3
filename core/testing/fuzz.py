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

Each POST route has an entry (a ``Form``): its fields (read from the form class the view
uses, or from the ``name=`` attributes of the page) and a valid submission. The core's
entries are in Butler's tests/security/test_fuzz.py; a plugin gives its own through
``core.testing.walks.register_forms`` (``kit`` is this module), and its own suite runs
the walk on them with ``check_forms``.

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
from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

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

from core import imports
from core.database import owner_engine
from core.extensions import db
from core.models import ImportBatch, User
from core.roles import ROLE_CODES
from core.testing import walks
from core.testing.app import empty_tables
from core.testing.auth import login
from core.testing.factories import Factory
from core.testing.world import World, build_world, url_of

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


# --- The walk ---------------------------------------------------------------------------


def post_rule(app: Flask, endpoint: str) -> Rule:
    return next(
        r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods
    )


def fuzz_route(
    route: str, form: Form, app: Flask, world: World, make: Factory, tmp_path, monkeypatch
) -> dict[str, int]:
    """Post odd values to ``route`` (``endpoint`` or ``endpoint:variant``) as ``form`` says,
    from ``world``; fail at the first answer that breaks a rule of the module's docstring.

    Returns the tally: examples posted, accepted and refused.
    """
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
    assert status < 400, f"{route}: the valid submission of its entry is refused ({status})"

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
    assert tally["examples"] >= EXAMPLES
    return tally


def plugin_post_endpoints(app: Flask, plugin: str) -> set[str]:
    """The endpoints of plugin ``plugin`` that take a POST."""
    return {
        r.endpoint
        for r in app.url_map.iter_rules()
        if "POST" in r.methods and r.endpoint.partition(".")[0] == plugin
    }


def check_forms(app: Flask, make: Factory, plugin: str, tmp_path, monkeypatch) -> dict:
    """The fuzz walk over every POST route of plugin ``plugin``, each from a fresh world.

    For a plugin's own suite: ``check_forms(app, make, "my_plugin", tmp_path, monkeypatch)``
    in a test, with the plugin's entries registered (``core.testing.walks.register_forms``;
    ``kit`` is this module). Fails when a POST route of the plugin has no entry, or an
    entry names no POST route; returns each route's tally. The database is emptied after
    each route.
    """
    registered = walks.FORMS.get(plugin)
    assert registered is not None, (
        f"plugin {plugin!r} has no entries for the fuzz walk: "
        + walks.how_to_join("register_forms", plugin)
    )
    forms = registered(sys.modules[__name__])
    endpoints = plugin_post_endpoints(app, plugin)
    stale = sorted(k for k in forms if k.partition(":")[0] not in endpoints)
    assert not stale, f"entries of plugin {plugin!r} name routes that take no POST: {stale}"
    missing = sorted(endpoints - {k.partition(":")[0] for k in forms})
    assert not missing, (
        f"POST routes of plugin {plugin!r} without an entry in the fuzzing table: {missing}; "
        "give each one (its fields and a submission it accepts) in the dict its forms(kit) "
        "returns"
    )
    tallies = {}
    for route in sorted(forms):
        world = build_world(app, make)
        try:
            tallies[route] = fuzz_route(
                route, forms[route], app, world, make, tmp_path, monkeypatch
            )
        finally:
            with app.app_context():
                empty_tables()
                db.session.remove()
    return tallies
