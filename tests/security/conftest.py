"""The suite's part of the walks over every route: the world and its helpers live in the
installed test support (``core.testing.world``; re-exported here for the security tests);
this file adds the example plugin's part of the world, the routes listed at collection
time (for parametrize) and the fuzz walk's tally.
"""

from __future__ import annotations

import functools

import pytest
from flask import Flask

from core.extensions import db
from core.models import PluginEnablement, Site
from core.testing import walks
from core.testing.factories import Factory
from core.testing.world import (  # noqa: F401 (the suite's security tests import them here)
    FIXED_ARGUMENTS,
    OUTSIDE_ARGUMENTS,
    SiteObjects,
    World,
    build_world,
    changed_tables,
    database_state,
    get_urls,
    logged_in,
    methods_of,
    site_routes,
    url_of,
)

# Forms fuzzed by test_fuzz.py: for each, the examples posted, accepted and refused.
FUZZ_TALLY: dict[str, dict[str, int]] = {}


def pytest_terminal_summary(terminalreporter) -> None:
    if FUZZ_TALLY:
        total = sum(t["examples"] for t in FUZZ_TALLY.values())
        terminalreporter.write_sep(
            "-", f"fuzzing: {len(FUZZ_TALLY)} forms, {total} examples posted"
        )
        for name, t in sorted(FUZZ_TALLY.items()):
            terminalreporter.write_line(
                f"  {name}: {t['examples']} ({t['accepted']} accepted, {t['refused']} refused)"
            )


@pytest.fixture
def world(app: Flask, make: Factory) -> World:
    return build_world(app, make)


@functools.cache
def route_listing_app() -> Flask:
    """An application built like the session's, used only to list routes at collection time.

    Tests are parametrized by endpoint before the session's application exists; this one
    never opens its in-memory database. Tests that use the list check it against ``app``.
    """
    from core import create_app
    from tests.conftest import app_config

    return create_app(app_config("sqlite://"))


@functools.cache
def plugin_names() -> frozenset[str]:
    """The names of the plugins loaded by the suite's applications (the core's aside)."""
    from core.plugins.host import host

    with route_listing_app().app_context():
        return frozenset(host().plugins)


def example_world(site: Site, ids: dict[str, int]) -> dict[str, int]:
    """The example plugin's part: turned on, no ids of its own."""
    db.session.add(PluginEnablement(site_id=site.id, plugin="example", enabled=True))
    return {}


# The example plugin (tests/example_plugin) has no test package of its own.
walks.register_world("example", example_world)


def site_endpoints() -> list[str]:
    """The endpoint of every site route (core and plugins), sorted, for parametrize."""
    return sorted({rule.endpoint for rule in site_routes(route_listing_app())})
