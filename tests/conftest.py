"""The suite's own configuration on top of the core testing plugin (``core.testing``).

``core.testing`` gives the application, the clean database, the factories (``make``),
``auth``, ``clock`` and the walks' registry; this file adds what only this suite needs:
the example plugin loaded in every application, and each first-party plugin's part of the
permission matrix and the fuzz walk (its ``world.py`` and ``fuzz.py``, which register
themselves with ``core.testing.walks`` when pytest loads them).

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set
(``make test`` does both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

pytest_plugins = [
    "core.testing",
    # Each plugin's part of the walks (tests/security): register_world / register_forms.
    "tests.plugins.care.world",
    "tests.plugins.care.fuzz",
    "tests.plugins.events.world",
    "tests.plugins.events.fuzz",
    "tests.plugins.fees.world",
    "tests.plugins.fees.fuzz",
    "tests.plugins.handover.world",
    "tests.plugins.handover.fuzz",
    "tests.plugins.health.world",
    "tests.plugins.health.fuzz",
    "tests.plugins.housekeeping.world",
    "tests.plugins.housekeeping.fuzz",
    "tests.plugins.inspections.world",
    "tests.plugins.inspections.fuzz",
    "tests.plugins.maintenance.world",
    "tests.plugins.maintenance.fuzz",
    "tests.plugins.paid_services.world",
    "tests.plugins.paid_services.fuzz",
    "tests.plugins.service_desk.world",
    "tests.plugins.service_desk.fuzz",
    "tests.plugins.visits.world",
    "tests.plugins.visits.fuzz",
    "tests.plugins.surveys.world",
    "tests.plugins.surveys.fuzz",
]

# The example plugin implements every hook; the suite always runs with it. A third-party
# plugin joins a run by its module's name in BUTLER_TEST_PLUGINS (its walks' registrations
# with ``-p``: docs/plugins.md, "Testing a plugin").
SUITE_CONFIG = {
    "BUTLER_EXTRA_PLUGINS": [
        "tests.example_plugin",
        *os.environ.get("BUTLER_TEST_PLUGINS", "").split(),
    ]
}


def app_config(url: str) -> dict:
    """The settings of this suite's applications on the database at ``url``."""
    from core.testing.app import app_config as core_app_config

    return core_app_config(url) | SUITE_CONFIG


# ``from tests.conftest import login`` (and ``_empty_tables``) keep working; they are looked
# up when asked for, since importing core.testing here, before pytest loads it as a plugin
# (``pytest_plugins`` above), would stop pytest from rewriting its asserts.
_MOVED = {"login": "core.testing.auth:login", "_empty_tables": "core.testing.app:empty_tables"}


def __getattr__(name: str):
    if name not in _MOVED:
        raise AttributeError(name)
    import importlib

    module, _, attribute = _MOVED[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


@pytest.fixture(scope="session")
def butler_config() -> dict:
    return dict(SUITE_CONFIG)


@pytest.fixture(autouse=True)
def _forget_example_calls() -> Iterator[None]:
    from tests import example_plugin

    example_plugin.CALLS.clear()
    example_plugin.DELIVERED.clear()
    yield
