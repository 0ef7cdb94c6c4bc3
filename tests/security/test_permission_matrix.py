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

The engine is core.testing.matrix (installed with Butler, so that a plugin's own suite
runs it too); this file walks it over every route of the suite's application.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, url_for

from core.extensions import db
from core.models import ImportBatch
from core.testing import walks
from core.testing.matrix import (
    OWN_SITE,
    Probe,
    SharedWorld,
    ask,
    endpoint_problems,
    plan,
    rules_of,
)
from tests.security.conftest import plugin_names, site_endpoints, site_routes

# The walk may grow; it must never silently shrink below this (see test_the_matrix_...).
FLOOR = 1700


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
    problems, _asked = endpoint_problems(app, shared, endpoint)
    assert problems == []


def test_the_matrix_checks_at_least_the_floor_of_combinations(app, shared, capsys):
    world, _clients = shared.get()
    total = sum(len(plan(world, rules_of(app, endpoint))) for endpoint in site_endpoints())
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
                status, _location = ask(clients[role], probe)
                if status not in (allowed if may else {403}):
                    problems.append(f"{probe}: got {status}")
    finally:
        shared.empty()
    assert problems == []
