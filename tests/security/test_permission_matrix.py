"""The permission matrix: every route of a site, for every role, at home and next door.

For each route under ``/s/<site_slug>/`` (the core's and every installed plugin's) and
each of its methods, every built-in role asks for it:

- on its own site A, with A's real ids: a role that the permission registry gives the
  view's permission gets an ordinary answer (a page, a redirect, a form's 422, a stale
  edit's 409); every other role gets 403;
- on site B, of another company, with B's real ids: 404, as if the site did not exist;
- on site A's address with B's ids: 404 for every role that may use the route. A role
  that may not gets 403, exactly as with A's own ids: ``@requires`` refuses before the
  view looks anything up (core/security.py), so the answer does not depend on the id and
  says nothing about B. This is the documented order, not a leak;
- logged out: sent to the login page.

A route declared PUBLIC (a resident's personal survey link) answers anyone: logged out
and from another site's people it gives an ordinary answer or a 404 (a link it does not
know), never the login page; with the other site's ids it is a 404 like any other.

POSTs go with an empty body (CSRF is off in the test application), so a form that needs
input answers 422, an ordinary answer. Whatever is asked on site B or with B's ids
changes no row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from core.extensions import db
from core.models import ImportBatch
from core.security import LOGGED_IN, PUBLIC, permission_of
from core.testing import walks
from core.testing.factories import Factory
from tests.security.conftest import (
    World,
    build_world,
    changed_tables,
    database_state,
    logged_in,
    methods_of,
    plugin_names,
    site_endpoints,
    site_routes,
    url_of,
)

OWN_SITE = "own site"
OTHER_SITE = "other site"
OTHER_IDS = "own site, other site's ids"
LOGGED_OUT = "logged out"
ANONYMOUS = "anonymous"

# What a user who may use a route can get back: a page, a created thing, an empty htmx
# answer, a redirect after a POST, a stale edit (409) or a form that wants input (422).
ORDINARY = {200, 201, 204, 302, 303, 409, 422}

# The walk may grow; it must never silently shrink below this (see test_the_matrix_...).
FLOOR = 1700


@dataclass(frozen=True)
class Probe:
    endpoint: str
    method: str
    who: str  # a role code, or ANONYMOUS
    where: str
    url: str

    def __str__(self) -> str:
        return f"{self.method} {self.url} as {self.who} ({self.where})"


def _rules(app: Flask, endpoint: str) -> list[Rule]:
    return [rule for rule in site_routes(app) if rule.endpoint == endpoint]


def _id_arguments(world: World, rule: Rule) -> list[str]:
    return sorted(argument for argument in rule.arguments if argument in world.a.ids)


def _other_ids(world: World, rule: Rule) -> list[dict]:
    """Site A's slug with B's ids: all of them, and each alone when there are several."""
    ids = _id_arguments(world, rule)
    if not ids:
        return []
    own, other = world.values(world.a, rule), world.values(world.b, rule)
    mixes = [own | {name: other[name] for name in ids}]
    if len(ids) > 1:
        mixes += [own | {name: other[name]} for name in ids]
    return mixes


def plan(world: World, rules: list[Rule]) -> list[Probe]:
    """Every request of the matrix for these rules, in the order they are made.

    Logged out first, then the other site and the other site's ids, then the own site,
    last because a granted POST may change what it works on (and nothing asked before it
    may have changed a row).
    """
    probes: list[Probe] = []
    own: list[Probe] = []
    for rule in rules:
        for method in methods_of(rule):
            at_a = url_of(rule, world.values(world.a, rule))
            probes.append(Probe(rule.endpoint, method, ANONYMOUS, LOGGED_OUT, at_a))
            for role in world.users:
                at_b = url_of(rule, world.values(world.b, rule))
                probes.append(Probe(rule.endpoint, method, role, OTHER_SITE, at_b))
                for values in _other_ids(world, rule):
                    url = url_of(rule, values)
                    probes.append(Probe(rule.endpoint, method, role, OTHER_IDS, url))
                own.append(Probe(rule.endpoint, method, role, OWN_SITE, at_a))
    return probes + own


def _granted(app: Flask, endpoint: str, role: str) -> bool:
    """What ``can`` would answer, computed from the registry alone."""
    permission = permission_of(app.view_functions[endpoint])
    if permission in (PUBLIC, LOGGED_IN):
        return True
    return permission in app.extensions["butler.permissions"].for_role(role)


def _ask(client: FlaskClient, probe: Probe) -> tuple[int, str]:
    """The status of the answer and its Location; a crash (propagated in tests) is a 500."""
    try:
        response = client.open(probe.url, method=probe.method)
    except Exception as error:  # the matrix reports it as the 500 a browser would get
        return 500, f"{type(error).__name__}: {error}"
    try:
        response.get_data()
        return response.status_code, response.headers.get("Location", "")
    finally:
        response.close()


def _problem(
    probe: Probe, status: int, location: str, granted: bool, login_path: str, public: bool = False
):
    """What is wrong with the answer to ``probe``, or None."""
    to_login = urlsplit(location).path == login_path
    if public and probe.where in (LOGGED_OUT, OTHER_SITE):
        ok = status in ORDINARY | {404} and not to_login
        wanted = "an ordinary answer or 404 (a public route)"
    elif probe.where == LOGGED_OUT:
        ok = status == 302 and to_login
        wanted = "302 to the login page"
    elif probe.where == OTHER_SITE:
        ok, wanted = status == 404, "404"
    elif probe.where == OTHER_IDS:
        ok, wanted = (status == 404, "404") if granted else (status == 403, "403")
    elif granted:
        ok = status in ORDINARY and not (status in (302, 303) and to_login)
        wanted = "an ordinary answer"
    else:
        ok, wanted = status == 403, "403"
    if ok:
        return None
    return f"{probe}: got {status} {location}".rstrip() + f", wanted {wanted}"


def run_matrix(
    app: Flask, world: World, clients: dict, endpoint: str, before: dict | None = None
) -> tuple[list[str], int]:
    """Ask every probe of ``endpoint``; the problems found and the number of probes asked.

    ``before`` is the state of the database to start from, when the caller knows it.
    """
    with app.test_request_context():
        login_path = url_for("auth.login")
    probes = plan(world, _rules(app, endpoint))
    public = permission_of(app.view_functions[endpoint]) == PUBLIC
    away = [probe for probe in probes if probe.where != OWN_SITE]
    home = [probe for probe in probes if probe.where == OWN_SITE]
    problems: list[str] = []
    asked = 0
    before = before or database_state(app, skip={"audit_log", "audit_read"})
    for batch in (away, home):
        for probe in batch:
            status, location = _ask(clients[probe.who], probe)
            asked += 1
            granted = probe.who != ANONYMOUS and _granted(app, endpoint, probe.who)
            problem = _problem(probe, status, location, granted, login_path, public)
            if problem:
                problems.append(problem)
        if batch is away:
            changed = changed_tables(before, database_state(app, skip={"audit_log", "audit_read"}))
            if changed:
                problems.append(
                    f"{endpoint}: asking logged out, on site B or with B's ids changed {changed}"
                )
    return problems, asked


class SharedWorld:
    """The world and a logged-in client per role, kept from one endpoint to the next.

    Building a world and logging eleven users in costs more than most endpoints' probes,
    so the matrix keeps them while the probes leave every row as it was (the audit log
    aside): the next endpoint then starts from exactly what a fresh world holds. As soon
    as a probe changed something (a granted POST archives, deactivates, turns a plugin
    off...), the database is emptied and everything is built again.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.world: World | None = None
        self.clients: dict[str, FlaskClient] = {}
        self.pristine: dict | None = None

    def get(self) -> tuple[World, dict[str, FlaskClient]]:
        if self.world is None:
            self.world = build_world(self.app, Factory(self.app))
            self.clients = {role: logged_in(self.app, u) for role, u in self.world.users.items()}
            self.clients[ANONYMOUS] = self.app.test_client()
            self.pristine = database_state(self.app, skip={"audit_log", "audit_read"})
        return self.world, self.clients

    def settle(self) -> None:
        """Forget the world if anything changed it."""
        if self.world is None:
            return
        if database_state(self.app, skip={"audit_log", "audit_read"}) != self.pristine:
            self.empty()

    def empty(self) -> None:
        from tests.conftest import _empty_tables

        with self.app.app_context():
            _empty_tables()
            db.session.remove()
        self.world, self.clients, self.pristine = None, {}, None


@pytest.fixture(scope="module")
def shared(app: Flask) -> Iterator[SharedWorld]:
    shared = SharedWorld(app)
    yield shared
    shared.empty()


@pytest.fixture(autouse=True)
def _clean_database() -> Iterator[None]:
    """Replaces the suite's emptying after each test: ``shared`` empties when needed."""
    yield


def test_the_walk_covers_every_site_route_of_the_running_app(app):
    running = sorted({rule.endpoint for rule in site_routes(app)})
    assert site_endpoints() == running


def test_every_plugin_with_site_routes_has_a_world(app):
    # Without one the plugin is off on both sites of the world: every probe would be a 404.
    owners = {rule.endpoint.partition(".")[0] for rule in site_routes(app)}
    missing = sorted((owners & plugin_names()) - set(walks.WORLDS))
    assert not missing, "\n".join(
        f"plugin {name!r} has site routes but no world for the permission matrix: "
        + walks.how_to_join("register_world", name)
        for name in missing
    )


@pytest.mark.parametrize("endpoint", site_endpoints())
def test_every_role_gets_what_its_permission_allows_and_nothing_of_another_site(
    app, shared, endpoint
):
    declared = permission_of(app.view_functions[endpoint])
    assert declared is not None, f"{endpoint} declares no permission (@requires)"
    plugin = endpoint.partition(".")[0]
    if plugin in plugin_names() and plugin not in walks.WORLDS:
        pytest.fail(
            f"{endpoint}: plugin {plugin!r} has no world for the permission matrix (it is off "
            "on both sites, so every answer is a 404): "
            + walks.how_to_join("register_world", plugin)
        )
    world, clients = shared.get()
    try:
        problems, asked = run_matrix(app, world, clients, endpoint, shared.pristine)
    finally:
        shared.settle()
    assert asked == len(plan(world, _rules(app, endpoint))) > 0
    assert problems == []


def test_the_matrix_checks_at_least_the_floor_of_combinations(app, shared, capsys):
    world, _clients = shared.get()
    total = sum(len(plan(world, _rules(app, endpoint))) for endpoint in site_endpoints())
    with capsys.disabled():
        print(f"\npermission matrix: {total} endpoint x method x role x site combinations")
    assert total >= FLOOR


def test_a_units_import_batch_needs_buildings_edit_as_well(app, shared):
    # The world's batch holds residents, which residents.edit covers. A batch of units
    # also needs buildings.edit: the view checks it inside (core/views/transfer.py,
    # _require_kind), so a role with residents.edit alone is refused with 403 there.
    world, clients = shared.get()
    with app.app_context():
        batch = ImportBatch(
            site_id=world.a.site.id,
            kind="units",
            filename="units.csv",
            status="invalid",
            created_by_id=world.a.ids["user_id"],
            problems="[]",
        )
        db.session.add(batch)
        db.session.commit()
        batch_id = batch.id
    registry = app.extensions["butler.permissions"]
    problems = []
    try:
        for role in world.users:
            held = registry.for_role(role)
            may = {"residents.edit", "buildings.edit"} <= held
            with app.test_request_context():
                page = url_for("transfer.batch", site_slug=world.a.site.slug, batch_id=batch_id)
                step = url_for("transfer.step", site_slug=world.a.site.slug, batch_id=batch_id)
            for method, url, allowed in (("GET", page, {200}), ("POST", step, {303})):
                probe = Probe("transfer.batch", method, role, OWN_SITE, url)
                status, _location = _ask(clients[role], probe)
                if status not in (allowed if may else {403}):
                    problems.append(f"{probe}: got {status}")
    finally:
        shared.empty()
    assert problems == []
