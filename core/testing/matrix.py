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

The engine is here, in the installed test support, so that a plugin's own suite runs the
same matrix on its routes: ``check_permission_matrix(app, "my_plugin")`` (Butler's suite
runs it on every route, tests/security/test_permission_matrix.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from core.extensions import db
from core.security import LOGGED_IN, PUBLIC, permission_of
from core.testing import walks
from core.testing.app import empty_tables
from core.testing.factories import Factory
from core.testing.world import (
    World,
    build_world,
    changed_tables,
    database_state,
    logged_in,
    methods_of,
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


@dataclass(frozen=True)
class Probe:
    endpoint: str
    method: str
    who: str  # a role code, or ANONYMOUS
    where: str
    url: str

    def __str__(self) -> str:
        return f"{self.method} {self.url} as {self.who} ({self.where})"


def rules_of(app: Flask, endpoint: str) -> list[Rule]:
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


def ask(client: FlaskClient, probe: Probe) -> tuple[int, str]:
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
    probes = plan(world, rules_of(app, endpoint))
    public = permission_of(app.view_functions[endpoint]) == PUBLIC
    away = [probe for probe in probes if probe.where != OWN_SITE]
    home = [probe for probe in probes if probe.where == OWN_SITE]
    problems: list[str] = []
    asked = 0
    before = before or database_state(app, skip={"audit_log", "audit_read"})
    for batch in (away, home):
        for probe in batch:
            status, location = ask(clients[probe.who], probe)
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
        with self.app.app_context():
            empty_tables()
            db.session.remove()
        self.world, self.clients, self.pristine = None, {}, None


def plugin_endpoints(app: Flask, plugin: str) -> list[str]:
    """The endpoints of plugin ``plugin``'s site routes, sorted."""
    return sorted({r.endpoint for r in site_routes(app) if r.endpoint.partition(".")[0] == plugin})


def endpoint_problems(app: Flask, shared: SharedWorld, endpoint: str) -> tuple[list[str], int]:
    """The matrix of one endpoint on the shared world: its problems, and the probes asked.

    A route that declares no permission, or a plugin's route without a registered world,
    is a problem before anything is asked.
    """
    if permission_of(app.view_functions[endpoint]) is None:
        return [f"{endpoint} declares no permission (@requires)"], 0
    plugin = endpoint.partition(".")[0]
    world, clients = shared.get()
    if plugin in world.plugins and plugin not in walks.WORLDS:
        return [
            f"{endpoint}: plugin {plugin!r} has no world for the permission matrix (it is off "
            "on both sites, so every answer is a 404): "
            + walks.how_to_join("register_world", plugin)
        ], 0
    try:
        problems, asked = run_matrix(app, world, clients, endpoint, shared.pristine)
    finally:
        shared.settle()
    if asked != len(plan(world, rules_of(app, endpoint))) or not asked:
        problems.append(
            f"{endpoint}: {asked} probes asked, {len(plan(world, rules_of(app, endpoint)))} planned"
        )
    return problems, asked


def check_permission_matrix(app: Flask, plugin: str) -> int:
    """Walk the matrix over every site route of plugin ``plugin``; fail with every problem.

    For a plugin's own suite: ``check_permission_matrix(app, "my_plugin")`` in a test,
    with the plugin loaded by ``app`` and its world registered (``core.testing.walks``).
    Returns the number of requests made. The database is emptied at the end.
    """
    endpoints = plugin_endpoints(app, plugin)
    assert endpoints, f"plugin {plugin!r} has no site routes in this application"
    shared = SharedWorld(app)
    problems: list[str] = []
    total = 0
    try:
        for endpoint in endpoints:
            found, asked = endpoint_problems(app, shared, endpoint)
            problems += found
            total += asked
    finally:
        shared.empty()
    assert not problems, "\n".join(problems)
    return total
