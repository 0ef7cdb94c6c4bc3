"""A world of two sites, each with one of everything, for the walks over every route.

Site A and site B belong to different organisations. Each has a building, a unit, a
resident living there (with a contact, a vehicle, a pet), a butler assigned to the
building, an import batch, an outbox message and a morning note. ``World.values(site,
rule)`` gives, for every URL argument of a route, a real value of that site, so a route
can be requested with ids that exist.

Each plugin adds its own objects through ``core.testing.walks.register_world``. A route
with an argument nobody gives fails the walk with a message naming the fix: a plugin
registers its world, the core adds the argument here. The permission matrix
(``core.testing.matrix``), the fuzz walk (``core.testing.fuzz``) and Butler's own
security tests walk this world.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from core import clock as core_clock
from core.extensions import db
from core.forms.residents import SECTIONS
from core.models import (
    Building,
    ButlerAssignment,
    Contact,
    ImportBatch,
    Membership,
    MorningNote,
    Occupancy,
    Organization,
    OutboxMessage,
    Pet,
    Resident,
    Site,
    Unit,
    User,
    Vehicle,
)
from core.plugins.host import host
from core.roles import ROLE_CODES
from core.testing import walks
from core.testing.auth import login
from core.testing.factories import Factory

# URL arguments that are not ids: one value that exists for every site.
FIXED_ARGUMENTS = {"fmt": "csv", "kind": "residents", "name": "example", "section": "contact"}
# The hand-in pack's month (core/views/handin.py).
FIXED_ARGUMENTS["period"] = "2026-10"
# A work log's day (core/views/worklog.py).
FIXED_ARGUMENTS["day"] = "2026-10-05"
# A password reset link (core/reset_links.py): one that is never good, so a 404.
FIXED_ARGUMENTS["token"] = "1.0.0"


def plugin_fixed_arguments(plugin: str) -> dict[str, Any]:
    """The non-id URL arguments plugin ``plugin`` registered with its world."""
    registered = walks.WORLDS.get(plugin)
    return registered.fixed_arguments if registered else {}


@dataclass
class SiteObjects:
    site: Site
    ids: dict[str, int] = field(default_factory=dict)
    # Each plugin's own ids (its registered world's fill), looked up before the core's
    # for the plugin's routes, so that two plugins may use the same argument name.
    plugin_ids: dict[str, dict[str, int]] = field(default_factory=dict)

    def ids_for(self, plugin: str | None = None) -> dict[str, int]:
        return self.ids | self.plugin_ids.get(plugin or "", {})


@dataclass
class World:
    a: SiteObjects
    b: SiteObjects
    users: dict[str, User]  # one user per role, holding that role on site A only
    plugins: frozenset[str] = frozenset()  # the plugins the application loaded

    def values(self, which: SiteObjects, rule: Rule) -> dict[str, Any]:
        values: dict[str, Any] = {}
        plugin = rule.endpoint.partition(".")[0]
        own = which.plugin_ids.get(plugin, {})
        fixed = FIXED_ARGUMENTS | plugin_fixed_arguments(plugin)
        for argument in rule.arguments:
            if argument == "site_slug":
                values[argument] = which.site.slug
            elif argument in own:
                values[argument] = own[argument]
            elif argument in fixed:
                values[argument] = fixed[argument]
            elif argument in which.ids:
                values[argument] = which.ids[argument]
            elif plugin not in walks.WORLDS and plugin in self.plugins:
                raise KeyError(
                    f"{rule.endpoint}: plugin {plugin!r} has no world for the security walks, "
                    f"so URL argument {argument!r} has no value; "
                    + walks.how_to_join("register_world", plugin)
                )
            elif plugin in walks.WORLDS:
                raise KeyError(
                    f"{rule.endpoint}: no value for URL argument {argument!r}: return it "
                    f"from the fill function plugin {plugin!r} gives register_world "
                    "(or give it in fixed_arguments=)"
                )
            else:
                raise KeyError(
                    f"{rule.endpoint}: no sample value for URL argument {argument!r}; "
                    "add it to FIXED_ARGUMENTS of core/testing/world.py"
                )
        return values


def site_routes(app: Flask) -> list[Rule]:
    """Every rule under ``/s/<site_slug>/`` (core and plugins)."""
    return sorted(
        (r for r in app.url_map.iter_rules() if "site_slug" in r.arguments),
        key=lambda r: (r.rule, r.endpoint),
    )


def url_of(rule: Rule, values: dict[str, Any]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def methods_of(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _fill_site(app: Flask, make: Factory, org: Organization, slug: str) -> SiteObjects:
    site = make.site(org=org, slug=slug, name=f"Estate {slug.upper()}")
    with app.app_context():
        building = Building(site_id=site.id, code="T1", name="Tower 1", floors=20)
        db.session.add(building)
        db.session.flush()
        unit = Unit(
            site_id=site.id, building_id=building.id, floor=3, number="3A", status="occupied"
        )
        db.session.add(unit)
        db.session.flush()
        resident = Resident(
            site_id=site.id, name=f"Resident of {slug}", phone="91234567", ref=f"{slug}-1"
        )
        db.session.add(resident)
        db.session.flush()
        occupancy = Occupancy(
            site_id=site.id,
            resident_id=resident.id,
            unit_id=unit.id,
            role="owner",
            moved_in=date(2020, 1, 1),
            is_primary_contact=True,
        )
        staff = User(
            organization_id=org.id,
            username=f"staff-{slug}",
            display_name=f"Staff of {slug}",
            password_hash="x",
        )
        db.session.add_all([occupancy, staff])
        db.session.flush()
        db.session.add_all(
            [
                Membership(site_id=site.id, user_id=staff.id, role="butler"),
                ButlerAssignment(
                    site_id=site.id,
                    building_id=building.id,
                    user_id=staff.id,
                    starts_on=date(2024, 1, 1),
                ),
                Contact(
                    site_id=site.id,
                    resident_id=resident.id,
                    kind="call",
                    at=core_clock.now(),
                    summary="Called about the lift",
                    staff_id=staff.id,
                ),
                Vehicle(site_id=site.id, resident_id=resident.id, plate=f"AB{len(slug)}123"),
                Pet(site_id=site.id, resident_id=resident.id, species="cat"),
            ]
        )
        batch = ImportBatch(
            site_id=site.id,
            kind="residents",
            filename="residents.csv",
            status="invalid",
            created_by_id=staff.id,
            problems="[]",
        )
        message = OutboxMessage(
            site_id=site.id,
            channel="sms",
            recipient="91234567",
            subject="",
            body="Water stop on Friday",
            dedupe_key="w1",
            status="failed",
            attempts=1,
            created_by="core",
        )
        note = MorningNote(
            site_id=site.id,
            day=core_clock.today(db.session.get(Site, site.id)),
            body="Water stop in Tower 1 on Friday: tell the residents",
            author_id=staff.id,
        )
        db.session.add_all([batch, message, note])
        db.session.commit()
        ids = {
            "building_id": building.id,
            "unit_id": unit.id,
            "resident_id": resident.id,
            "occupancy_id": occupancy.id,
            "user_id": staff.id,
            "batch_id": batch.id,
            "message_id": message.id,
            "note_id": note.id,
        }
        plugin_ids = {}
        for registered in walks.worlds():
            filled = registered.fill(db.session.get(Site, site.id), dict(ids))
            plugin_ids[registered.name] = dict(filled)
            db.session.commit()
        db.session.expunge(site) if site in db.session else None
    return SiteObjects(site=site, ids=ids, plugin_ids=plugin_ids)


def build_world(app: Flask, make: Factory) -> World:
    """The two sites and one user per role, committed."""
    org_a, org_b = make.org(name="Company A"), make.org(name="Company B")
    a = _fill_site(app, make, org_a, "site-a")
    b = _fill_site(app, make, org_b, "site-b")
    users = {}
    for role in ROLE_CODES:
        if role == "org_admin":
            users[role] = make.user(role=None, org_admin=True, org=org_a, username="role-org_admin")
        else:
            users[role] = make.user(role=role, site=a.site, username=f"role-{role}")
    return World(a=a, b=b, users=users, plugins=plugin_names(app))


def plugin_names(app: Flask) -> frozenset[str]:
    """The names of the plugins ``app`` loaded (the core aside)."""
    with app.app_context():
        return frozenset(host().plugins)


def logged_in(app: Flask, user: User) -> FlaskClient:
    """A client of ``app`` on which ``user`` has logged in through the login form."""
    client = app.test_client()
    response = login(client, user.username)
    assert response.status_code == 302, f"{user.username} could not log in"
    return client


def database_state(app: Flask, skip: Iterable[str] = ()) -> dict[str, tuple[int, str]]:
    """Each table's row count and a checksum of all its rows, in primary-key order."""
    skipped = set(skip)
    state = {}
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in skipped:
                continue
            rows = conn.execute(table.select().order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
            state[table.name] = (len(rows), digest)
    return state


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]):
    """The names of the tables whose rows differ between two ``database_state`` calls."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


# URL arguments that choose a variant of a page: every variant is walked by the GET walks.
def _variants() -> dict[str, tuple[str, ...]]:
    variants = {
        "section": tuple(SECTIONS),
        "kind": ("residents", "units"),
        "fmt": ("csv", "xlsx"),
    }
    for registered in walks.worlds():
        variants.update(registered.variants)
    return variants


# Arguments of routes outside the sites: one value that exists.
OUTSIDE_ARGUMENTS = {"filename": "favicon.svg", "token": "1.0.0"}


def get_urls(app: Flask, world: World) -> list[tuple[str, str]]:
    """``(endpoint, url)`` for every GET route: site routes with site A's ids (each variant
    of a section, import kind or file format), then the routes outside the sites."""
    variants = _variants()
    urls: list[tuple[str, str]] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if "GET" not in rule.methods:
            continue
        if "site_slug" in rule.arguments:
            base = world.values(world.a, rule)
        else:
            missing = set(rule.arguments) - set(OUTSIDE_ARGUMENTS)
            assert not missing, f"{rule.endpoint}: add {missing} to OUTSIDE_ARGUMENTS"
            base = {name: OUTSIDE_ARGUMENTS[name] for name in rule.arguments}
        choices = [
            [(name, v) for v in variants[name]] for name in rule.arguments if name in variants
        ]
        for combination in itertools.product(*choices):
            urls.append((rule.endpoint, url_of(rule, base | dict(combination))))
    return urls
