"""Every hook of ``core/plugins/hookspecs.py`` is tested here, one test per hook.

``test_every_hookspec_has_a_test`` fails when a hook is added without a
``test_hook_<name>`` below (tests/core/test_plugin_docs.py checks that docs/plugins.md
describes it, with its full signature). The example plugin in ``tests/example_plugin``
implements them all.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pluggy
from flask import g
from flask_babel import force_locale
from flask_login import login_user
from sqlalchemy import select

from core.extensions import db
from core.plugins import hookspecs
from core.plugins.host import host
from tests import example_plugin
from tests.conftest import login

HOOKS = sorted(
    name
    for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("butler_")
)


def test_every_hookspec_has_a_test():
    tests = {name for name in globals() if name.startswith("test_hook_")}
    assert [h for h in HOOKS if f"test_hook_{h}" not in tests] == []


def test_every_hookspec_has_a_one_line_docstring():
    for name in HOOKS:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert doc.strip() and "\n" not in doc.strip(), name


def calls(kind: str) -> list:
    return [site_id for k, site_id in example_plugin.CALLS if k == kind]


def site_with_example(make, enabled=True):
    site = make.site()
    if enabled:
        make.enable(site, "example")
    return site


# --- App scope ------------------------------------------------------------------------


def test_hook_butler_plugin_info(app):
    info = app.extensions["butler.plugins"].plugins["example"].info
    assert info.name == "example" and info.version == "1.2.3"
    assert str(info.label) == "Example notes"
    assert info.kinds == {"residential", "hotel"}


def test_hook_butler_blueprints(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("example.")]
    assert rules and all(r.rule.startswith("/s/<site_slug>/example/") for r in rules)


def test_hook_butler_models(app):
    assert "example_note" in db.metadata.tables
    assert app.extensions["butler.plugins"].plugins["example"].models == (
        example_plugin.ExampleNote,
    )


def test_hook_butler_permissions(app):
    with app.app_context():
        from core.security import registry

        assert "example.view" in registry()
        assert "example.view" in registry().for_role("butler")
        assert "example.edit" not in registry().for_role("butler")


def test_hook_butler_jobs(app):
    jobs = app.extensions["butler.plugins"].jobs
    assert ("example", "tick") in [(plugin, job.name) for plugin, job in jobs]


def test_hook_butler_cli(runner):
    result = runner.invoke(args=["butler", "example-hello"])
    assert result.exit_code == 0 and "hello from example" in result.output


def test_hook_butler_translation_dirs(app):
    dirs = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    assert str(Path(example_plugin.__file__).parent / "translations") in dirs


def test_hook_butler_migration_dirs(app):
    assert str(Path(example_plugin.__file__).parent / "migrations") in (
        app.extensions["butler.plugins"].migration_dirs()
    )


def test_hook_butler_import_kinds(app, client, make, tmp_path):
    from tests.core.test_imports import run

    app.config["BUTLER_IMPORT_DIR"] = str(tmp_path)
    on, off = site_with_example(make), site_with_example(make, enabled=False)
    user = make.user(role="manager", site=on, username="mia")
    make.membership(user, off, "manager")
    login(client, "mia")
    assert 'value="example.notes"' in client.get(f"/s/{on.slug}/imports/").get_data(as_text=True)
    assert 'value="example.notes"' not in client.get(f"/s/{off.slug}/imports/").get_data(
        as_text=True
    )
    _ident, fragment = run(
        client, on, "notes.csv", b"text\nLikes tea\nAway in June\n", "example.notes"
    )
    assert "Imported" in fragment
    with app.app_context():
        texts = db.session.scalars(
            select(example_plugin.ExampleNote.text).where(
                example_plugin.ExampleNote.site_id == on.id
            )
        ).all()
    assert sorted(texts) == ["Away in June", "Likes tea"]
    app.config.pop("BUTLER_IMPORT_DIR")


def test_hook_butler_outbox_channels(app):
    assert "pigeon" in app.extensions["butler.plugins"].channels


# --- Site scope -----------------------------------------------------------------------


def test_hook_butler_nav_items(client, make):
    on, off = site_with_example(make), site_with_example(make, enabled=False)
    user = make.user(role="manager", site=on, username="mia")
    make.membership(user, off, "manager")
    login(client, "mia")
    assert "Example notes" in client.get(f"/s/{on.slug}/").get_data(as_text=True)
    assert "Example notes" not in client.get(f"/s/{off.slug}/").get_data(as_text=True)
    assert off.id not in calls("nav")


def test_hook_butler_dashboard_widgets(client, make):
    on, off = site_with_example(make), site_with_example(make, enabled=False)
    user = make.user(role="manager", site=on, username="mia")
    make.membership(user, off, "manager")
    login(client, "mia")
    assert "notes in all" in client.get(f"/s/{on.slug}/").get_data(as_text=True)
    assert "notes in all" not in client.get(f"/s/{off.slug}/").get_data(as_text=True)
    assert on.id in calls("widget") and off.id not in calls("widget")


def test_hook_butler_resident_panels(client, make):
    site = site_with_example(make)
    resident = make.resident(site, name="Chan Tai Man")
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    page = client.get(f"/s/{site.slug}/residents/{resident.id}").get_data(as_text=True)
    panel_url = f"/s/{site.slug}/example/residents/{resident.id}/panel"
    assert f'hx-get="{panel_url}"' in page and 'hx-trigger="revealed"' in page
    panel = client.get(panel_url, headers={"HX-Request": "true"})
    assert "Chan Tai Man: 0 notes" in panel.get_data(as_text=True)


def test_hook_butler_unit_panels(client, make):
    site = site_with_example(make)
    unit = make.unit(make.building(site), number="12B")
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    page = client.get(f"/s/{site.slug}/units/{unit.id}").get_data(as_text=True)
    assert f'hx-get="/s/{site.slug}/example/units/{unit.id}/panel"' in page
    assert site.id in calls("unit_panel")


def test_hook_butler_reports(client, make):
    site = site_with_example(make)
    make.user(role="manager", site=site, username="mia")
    ben = make.user(role="butler", site=site, username="ben")
    login(client, "mia")
    page = client.get(f"/s/{site.slug}/reports?period=2026-10").get_data(as_text=True)
    assert "Example notes report" in page
    assert f'href="/s/{site.slug}/example/report?period=2026-10"' in page
    # The hand-in pack calls the hook with the butler. The example plugin's hook takes
    # (site, period) only, as hooks did before: it is still called, and its report, with
    # no sheet to cut per butler, stays out of the pack.
    example_plugin.CALLS.clear()
    pack = client.get(f"/s/{site.slug}/hand-in/2026-10?butler={ben.id}")
    assert pack.status_code == 200
    assert calls("report") == [site.id]
    assert "Example notes report" not in pack.get_data(as_text=True)


def test_hook_butler_day_items(client, make):
    site = site_with_example(make)
    make.user(role="butler", site=site, username="ben")
    login(client, "ben")
    example_plugin.CALLS.clear()
    page = client.get(f"/s/{site.slug}/today/").get_data(as_text=True)
    assert "Read the notes again" in page
    assert calls("day") == [site.id]


def test_hook_butler_work_log(client, make):
    site = site_with_example(make)
    make.user(role="butler", site=site, username="ben")
    with client.application.app_context():
        db.session.add(example_plugin.ExampleNote(site_id=site.id, text="Checked the fire doors"))
        db.session.commit()
    login(client, "ben")
    example_plugin.CALLS.clear()
    page = client.get(f"/s/{site.slug}/log/2026-10-05").get_data(as_text=True)
    assert "Checked the fire doors" in page
    assert calls("worklog") == [site.id]


def test_a_reports_hook_is_given_the_butler_only_when_it_asks_for_it():
    manager = pluggy.PluginManager("butler")
    manager.add_hookspecs(hookspecs)
    seen = []

    class Old:
        @pluggy.HookimplMarker("butler")
        def butler_reports(self, site, period):
            seen.append(("old", period))
            return []

    class New:
        @pluggy.HookimplMarker("butler")
        def butler_reports(self, site, period, butler):
            seen.append(("new", period, butler))
            return []

    manager.register(Old())
    manager.register(New())
    manager.hook.butler_reports(site="s", period="2026-10", butler="ben")
    assert sorted(seen) == [("new", "2026-10", "ben"), ("old", "2026-10")]


def test_hook_butler_search(client, make, app):
    site = site_with_example(make)
    with app.app_context():
        db.session.add(example_plugin.ExampleNote(site_id=site.id, text="Leaking tap in 3A"))
        db.session.commit()
    make.resident(site, name="Leung Ka Yan")
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    page = client.get(f"/s/{site.slug}/search?q=Lea").get_data(as_text=True)
    assert "Leaking tap in 3A" in page
    page = client.get(f"/s/{site.slug}/search?q=Leung").get_data(as_text=True)
    assert "Leung Ka Yan" in page and "Leaking tap" not in page


def test_hook_butler_demo_data(app, runner, make):
    from core.models import Site

    assert runner.invoke(args=["butler", "demo"]).exit_code == 0
    # The example plugin is not first-party: the demo turns it on nowhere.
    assert calls("demo") == []
    with app.app_context():
        harbour = db.session.scalars(select(Site).where(Site.slug == "harbour-view")).one()
        db.session.expunge(harbour)
    make.enable(harbour, "example")
    again = runner.invoke(args=["butler", "demo", "--force"])
    assert again.exit_code == 0, again.output
    assert calls("demo") == [harbour.id]
    with app.app_context():
        notes = db.session.scalars(select(example_plugin.ExampleNote)).all()
        assert [(n.site_id, n.text) for n in notes] == [(harbour.id, "Demo note")]


def test_hook_butler_resident_created(app, make):
    site = site_with_example(make)
    with app.test_request_context():
        g.site = site
        from core.models import Resident

        resident = Resident(site_id=site.id, name="New Resident")
        db.session.add(resident)
        db.session.flush()
        host().hooks_for(site).butler_resident_created(site=site, resident=resident)
        db.session.rollback()
    assert site.id in calls("resident_created")


def test_hook_butler_resident_moved_out(app, make):
    site = site_with_example(make)
    off = site_with_example(make, enabled=False)
    with app.test_request_context():
        for s in (site, off):
            host().hooks_for(s).butler_resident_moved_out(site=s, resident=None, occupancy=None)
    assert site.id in calls("resident_moved_out") and off.id not in calls("resident_moved_out")


def _noted_resident(make, enabled: bool | None):
    """A site and a resident with one example note; the example plugin on, off after being
    on (``False``), or never on (None)."""
    from tests.example_plugin.models import ExampleNote

    site = make.site()
    if enabled is not None:
        make.enable(site, "example", enabled=enabled)
    resident = make.resident(site)
    make._save(ExampleNote(site_id=site.id, resident_id=resident.id, text="Likes the garden"))
    return site, resident


def test_hook_butler_resident_data(app, make):
    from core import privacy
    from core.models import Resident, Site

    found, sites = {}, {}
    for state in (True, False, None):
        site, resident = _noted_resident(make, state)
        sites[state] = site.id
        with app.test_request_context():
            found[state] = privacy.collect(
                db.session.get(Site, site.id), db.session.get(Resident, resident.id)
            )
    # Turned off keeps its rows: the access request still lists them.
    for state in (True, False):
        assert [r["text"] for r in found[state]["example"][0].rows] == ["Likes the garden"]
    assert "example" not in found[None]
    assert calls("resident_data") == [sites[True], sites[False]]


def test_hook_butler_resident_erase(app, make):
    from core import privacy
    from core.models import Resident, Site
    from tests.example_plugin.models import ExampleNote

    site, resident = _noted_resident(make, False)
    with app.test_request_context():
        done = privacy.erase(
            db.session.get(Site, site.id), db.session.get(Resident, resident.id), user=None
        )
        assert db.session.scalars(select(ExampleNote)).all() == []
    assert calls("resident_erase") == [site.id]
    assert {"table": "example_note", "deleted": 1} in [
        {"table": e.table, "deleted": e.deleted} for e in done
    ]


# --- Lifecycle ------------------------------------------------------------------------


def test_hook_butler_site_enabled(app, make):
    site = make.site()
    user = make.user(role=None, org_admin=True, org=make.org())
    with app.test_request_context():
        login_user(user)
        host().set_enabled(site, "example", True, user=user)
        db.session.commit()
    assert calls("enabled") == [site.id]


def test_hook_butler_site_disabled(app, make):
    site = site_with_example(make)
    with app.test_request_context():
        host().set_enabled(site, "example", False)
        db.session.commit()
    assert calls("disabled") == [site.id]
    assert calls("enabled") == []


def test_hooks_for_a_site_reach_only_enabled_plugins(app, make):
    on, off = site_with_example(make), site_with_example(make, enabled=False)
    with app.test_request_context(), force_locale("en"):
        on_plugins = {
            host().pm.get_name(i.plugin)
            for i in host().hooks_for(on).butler_nav_items.get_hookimpls()
        }
        off_plugins = {
            host().pm.get_name(i.plugin)
            for i in host().hooks_for(off).butler_nav_items.get_hookimpls()
        }
    assert on_plugins == {"core", "example"}
    assert off_plugins == {"core"}
