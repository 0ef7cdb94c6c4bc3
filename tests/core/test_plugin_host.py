"""The plugin host: start-up checks, discovery, per-site enablement rules and gating."""

from __future__ import annotations

import re
import textwrap
from types import SimpleNamespace

import pytest
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from core.plugins import hookimpl
from core.plugins.api import PluginInfo
from core.plugins.host import EnablementRefused, PluginError, host
from tests import example_plugin
from tests.conftest import login


def plugin(name, kinds=("residential", "hotel"), requires=(), **hooks):
    """A plugin object made of ``hooks`` (plain functions), as a third party might write."""

    class Plugin:
        @hookimpl
        def butler_plugin_info(self):
            return PluginInfo(
                name=name, label=name.title(), kinds=frozenset(kinds), requires=tuple(requires)
            )

    for hook, function in hooks.items():
        setattr(Plugin, hook, hookimpl(staticmethod(function)))
    return Plugin()


def app_with(make_app, app, *plugins):
    return make_app({**app.config, "BUTLER_EXTRA_PLUGINS": ["tests.example_plugin", *plugins]})


# --- Start-up checks --------------------------------------------------------------------


def test_a_misnamed_blueprint_stops_start_up(make_app, app):
    bad = plugin("laundry", butler_blueprints=lambda: [Blueprint("washing", __name__)])
    with pytest.raises(PluginError, match="blueprint named 'washing'.*named after the plugin"):
        app_with(make_app, app, bad)


def test_a_table_outside_the_plugins_namespace_stops_start_up(make_app, app):
    stray = SimpleNamespace(
        __tablename__="notes", __table__=SimpleNamespace(columns={"site_id": 1})
    )
    bad = plugin("laundry", butler_models=lambda: [stray])
    with pytest.raises(PluginError, match="table 'notes': its tables must start with 'laundry_'"):
        app_with(make_app, app, bad)


def test_a_table_without_site_id_stops_start_up(make_app, app):
    stray = SimpleNamespace(__tablename__="laundry_bag", __table__=SimpleNamespace(columns={}))
    bad = plugin("laundry", butler_models=lambda: [stray])
    with pytest.raises(PluginError, match="'laundry_bag' has no site_id"):
        app_with(make_app, app, bad)


def test_a_misspelled_hook_stops_start_up(make_app, app):
    bad = plugin("laundry", butler_nav_item=lambda site, user: [])
    with pytest.raises(PluginError, match="butler_nav_item"):
        app_with(make_app, app, bad)


def test_a_missing_required_plugin_stops_start_up(make_app, app):
    bad = plugin("laundry", requires=("linen",))
    with pytest.raises(PluginError, match="'laundry' requires 'linen', which is not installed"):
        app_with(make_app, app, bad)


def test_a_permission_outside_the_plugins_namespace_stops_start_up(make_app, app):
    from core.roles import Permission

    bad = plugin("laundry", butler_permissions=lambda: [Permission("wash", _l("Wash"))])
    with pytest.raises(PluginError, match="permission 'wash'"):
        app_with(make_app, app, bad)


def test_two_plugins_of_one_name_stop_start_up(make_app, app):
    with pytest.raises(PluginError, match="two plugins are called 'example'"):
        app_with(make_app, app, plugin("example"))


# --- Discovery through entry points ------------------------------------------------------


def test_a_pip_installed_plugin_is_found_through_its_entry_point(
    make_app, app, tmp_path, monkeypatch
):
    package = tmp_path / "butler_laundry.py"
    package.write_text(
        textwrap.dedent("""
        from core.plugins import hookimpl
        from core.plugins.api import PluginInfo

        @hookimpl
        def butler_plugin_info():
            return PluginInfo(name="laundry", label="Laundry", version="2.0.0")
    """)
    )
    dist = tmp_path / "butler_laundry-2.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: butler-laundry\nVersion: 2.0.0\n")
    (dist / "entry_points.txt").write_text("[butler.plugins]\nlaundry = butler_laundry\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = make_app({**app.config, "BUTLER_LOAD_ENTRY_POINTS": True})
    assert found.extensions["butler.plugins"].plugins["laundry"].info.version == "2.0.0"
    without = make_app({**app.config, "BUTLER_LOAD_ENTRY_POINTS": False})
    assert "laundry" not in without.extensions["butler.plugins"].plugins


# --- Enablement rules ---------------------------------------------------------------------


def test_a_hotel_plugin_cannot_be_turned_on_for_an_estate(make_app, app, make):
    rooms = make_app(
        {
            **app.config,
            "BUTLER_EXTRA_PLUGINS": ["tests.example_plugin", plugin("rooms", kinds=("hotel",))],
        }
    )
    estate = make.site(kind="residential")
    hotel = make.site(kind="hotel")
    with rooms.test_request_context():
        plugins = host()
        with pytest.raises(EnablementRefused, match="Rooms is made for hotels only"):
            plugins.set_enabled(estate, "rooms", True)
        plugins.set_enabled(hotel, "rooms", True)
        db.session.commit()
        assert plugins.is_enabled(hotel, "rooms")


def test_a_plugin_needs_the_plugins_it_requires_turned_on_first(make_app, app, make):
    extra = make_app(
        {
            **app.config,
            "BUTLER_EXTRA_PLUGINS": [
                "tests.example_plugin",
                plugin("addon", requires=("example",)),
            ],
        }
    )
    site = make.site()
    with extra.test_request_context():
        plugins = host()
        with pytest.raises(EnablementRefused, match="Turn on Example notes first"):
            plugins.set_enabled(site, "addon", True)
        plugins.set_enabled(site, "example", True)
        plugins.set_enabled(site, "addon", True)
        with pytest.raises(EnablementRefused, match="cannot be turned off while Addon needs it"):
            plugins.set_enabled(site, "example", False)
        plugins.set_enabled(site, "addon", False)
        plugins.set_enabled(site, "example", False)
        db.session.commit()


def test_turning_off_and_on_again_keeps_the_data(app, make, client):
    site = make.site()
    make.enable(site, "example")
    with app.app_context():
        db.session.add(example_plugin.ExampleNote(site_id=site.id, text="Lift 2 noisy"))
        db.session.commit()
    make.user(role=None, org_admin=True, org=make.org(), username="boss")
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    assert "Lift 2 noisy" in client.get(f"/s/{site.slug}/example/").get_data(as_text=True)
    with app.test_request_context():
        host().set_enabled(site, "example", False)
        db.session.commit()
    assert client.get(f"/s/{site.slug}/example/").status_code == 404
    with app.test_request_context():
        host().set_enabled(site, "example", True)
        db.session.commit()
    assert "Lift 2 noisy" in client.get(f"/s/{site.slug}/example/").get_data(as_text=True)


# --- Gating --------------------------------------------------------------------------------


def plugin_urls(app, site_slug: str, ids: dict[str, int]) -> list[tuple[str, str]]:
    """Every route of every installed plugin, with real ids, as (method, url)."""
    urls = []
    plugin_names = set(app.extensions["butler.plugins"].plugins)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.partition(".")[0] not in plugin_names:
            continue
        values = {"site_slug": site_slug}
        for arg in rule.arguments - {"site_slug"}:
            values[arg] = ids.get(arg, 1)
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m, v=values: str(v[m.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, path))
    return urls


def test_every_plugin_route_is_404_where_the_plugin_is_off(app, client, make):
    site = make.site()
    unit = make.unit(make.building(site))
    resident = make.resident(site, unit)
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    urls = plugin_urls(app, site.slug, {"resident_id": resident.id, "unit_id": unit.id})
    assert len(urls) >= 5
    for method, url in urls:
        assert client.open(url, method=method).status_code == 404, (method, url)
    # Turned on, the gate opens: the example plugin's routes need only these ids (each
    # first-party plugin's tests do the same with ids of its own objects).
    make.enable(site, "example")
    example = [(m, u) for m, u in urls if f"/{site.slug}/example/" in u]
    answers = {(m, u): client.open(u, method=m).status_code for m, u in example}
    assert example and all(code != 404 for code in answers.values()), answers


def test_every_plugin_route_is_404_on_another_site(app, client, make):
    mine, theirs = make.site(), make.site()
    make.enable(mine, "example")
    make.enable(theirs, "example")
    make.user(role="manager", site=mine, username="mia")
    login(client, "mia")
    for method, url in plugin_urls(app, theirs.slug, {}):
        assert client.open(url, method=method).status_code == 404, (method, url)


def test_plugin_pages_answer_403_to_roles_without_its_permission(client, make):
    site = make.site()
    make.enable(site, "example")
    make.user(role="front_desk", site=site, username="fay")
    login(client, "fay")
    assert client.get(f"/s/{site.slug}/example/").status_code == 403
    page = client.get(f"/s/{site.slug}/").get_data(as_text=True)
    assert "Example notes" not in page  # neither nav item nor widget


def test_enablement_is_recorded_in_the_audit_log(app, make):
    from core.models import AuditLog, PluginEnablement

    site = make.site()
    boss = make.user(role=None, org_admin=True, org=make.org())
    with app.test_request_context():
        host().set_enabled(site, "example", True, user=boss)
        db.session.commit()
        row = db.session.scalars(select(PluginEnablement)).one()
        assert row.changed_by_id == boss.id and row.enabled
        audit = db.session.scalars(select(AuditLog)).one()
        assert audit.action == "plugin.enabled" and audit.user_id == boss.id


# --- The core as its own default plugin -----------------------------------------------


def test_the_core_is_its_own_default_plugin(app):
    from core import defaults

    plugins = app.extensions["butler.plugins"]
    assert plugins.pm.get_plugin("core") is defaults
    assert plugins.core.info.name == "core" and "core" not in plugins.plugins
    assert "dashboard" in {bp.name for bp in plugins.core.blueprints}
    assert "site.view" in {p.name for p in plugins.core.permissions}
    with app.app_context():
        from core.security import registry

        assert "site.view" in registry() and "example.view" in registry()
    assert any(r.endpoint == "dashboard.index" for r in app.url_map.iter_rules())


def test_the_first_party_list_lives_with_the_plugins(app):
    import plugins

    host_ = app.extensions["butler.plugins"]
    assert host_.first_party == plugins.FIRST_PARTY
    assert {p.module.__name__ for p in host_.plugins.values()} >= set(plugins.FIRST_PARTY)


def test_a_hook_on_one_plugin_is_a_cached_pluggy_caller(app):
    plugins = app.extensions["butler.plugins"]
    caller = plugins.hook_of("example", "butler_site_enabled")
    assert plugins.hook_of("example", "butler_site_enabled") is caller
    assert {plugins.pm.get_name(i.plugin) for i in caller.get_hookimpls()} == {"example"}
