"""The plugin host: discovery, start-up checks, per-site enablement and the per-site relay.

First-party plugins are registered explicitly (``FIRST_PARTY``); third-party ones come
from the ``butler.plugins`` entry-point group. The core's own contributions (its
navigation, dashboard widgets, search) are registered as the always-on plugin ``core``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pluggy
import sqlalchemy as sa
from flask import Blueprint, Flask, abort, current_app, g

from core import clock
from core.extensions import db
from core.models import PluginEnablement, Site
from core.plugins import hookspecs
from core.plugins.api import Channel, Job, PluginInfo

PROJECT = "butler"
CORE = "core"
ENTRY_POINT_GROUP = "butler.plugins"

# First-party plugins, in the order their navigation items are offered.
FIRST_PARTY: tuple[str, ...] = (
    "plugins.service_desk",
    "plugins.paid_services",
    "plugins.health",
    "plugins.events",
    "plugins.housekeeping",
)


class PluginError(RuntimeError):
    """A plugin cannot be loaded; the message says which and why."""


class EnablementRefused(ValueError):
    """An org admin asked for something the plugin rules forbid; the message says why."""


@dataclass(frozen=True)
class InstalledPlugin:
    info: PluginInfo
    module: Any
    blueprints: tuple[Blueprint, ...]
    models: tuple[type, ...]


class SiteHooks:
    """Hook callers that reach only the plugins enabled on one site (and the core)."""

    def __init__(self, pm: pluggy.PluginManager, disabled: frozenset[str]) -> None:
        self._pm = pm
        self._disabled = [pm.get_plugin(name) for name in disabled if pm.get_plugin(name)]
        self._callers: dict[str, Any] = {}

    def __getattr__(self, name: str):
        if not name.startswith("butler_"):
            raise AttributeError(name)
        caller = self._callers.get(name)
        if caller is None:
            caller = self._pm.subset_hook_caller(name, remove_plugins=self._disabled)
            self._callers[name] = caller
        return caller


class PluginHost:
    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, InstalledPlugin] = {}
        self.jobs: list[tuple[str, Job]] = []
        self.channels: dict[str, Channel] = {}
        self._relays: dict[frozenset[str], SiteHooks] = {}

    # --- Start-up ----------------------------------------------------------------------

    def load(self, app: Flask) -> None:
        """Register the core, first-party, configured and entry-point plugins; check them."""
        from core import builtin

        self.pm.register(builtin, name=CORE)
        for dotted in (*FIRST_PARTY, *app.config.get("BUTLER_EXTRA_PLUGINS", ())):
            module = importlib.import_module(dotted) if isinstance(dotted, str) else dotted
            self._register(module)
        if app.config.get("BUTLER_LOAD_ENTRY_POINTS", True):
            before = set(self.pm.get_plugins())
            self.pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
            for plugin in set(self.pm.get_plugins()) - before:
                self.pm.unregister(plugin)
                self._register(plugin)
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as error:
            raise PluginError(
                f"a plugin implements a hook Butler does not know: {error}"
            ) from error
        self._check_requirements()

    def _register(self, module: Any) -> None:
        provisional = self.pm.register(module)
        info = self._call_on(module, "butler_plugin_info")
        self.pm.unregister(module)
        if not isinstance(info, PluginInfo):
            raise PluginError(
                f"{provisional}: butler_plugin_info() must be a @hookimpl returning a PluginInfo"
            )
        name = info.name
        if not name.isidentifier() or name == CORE:
            raise PluginError(f"plugin name {name!r} must be a Python identifier other than 'core'")
        if name in self.plugins:
            raise PluginError(f"two plugins are called {name!r}")
        unknown = set(info.kinds) - {"residential", "hotel"}
        if not info.kinds or unknown:
            raise PluginError(f"plugin {name!r}: kinds must be residential and/or hotel")
        self.pm.register(module, name=name)
        blueprints = tuple(self._flatten(self._call_on(module, "butler_blueprints", all_=True)))
        for bp in blueprints:
            if bp.name != name:
                raise PluginError(
                    f"plugin {name!r} has a blueprint named {bp.name!r}: "
                    f"a plugin's blueprint must be named after the plugin"
                )
        models = tuple(self._flatten(self._call_on(module, "butler_models", all_=True)))
        for model in models:
            table = model.__tablename__
            if not table.startswith(f"{name}_"):
                raise PluginError(
                    f"plugin {name!r} has a table {table!r}: its tables must start with '{name}_'"
                )
            if "site_id" not in model.__table__.columns:
                raise PluginError(f"plugin {name!r}: table {table!r} has no site_id column")
        self.plugins[name] = InstalledPlugin(info, module, blueprints, models)

    def _check_requirements(self) -> None:
        for name, plugin in self.plugins.items():
            for required in plugin.info.requires:
                if required not in self.plugins:
                    raise PluginError(
                        f"plugin {name!r} requires {required!r}, which is not installed"
                    )

    def _call_on(self, module: Any, hook: str, all_: bool = False, **kwargs: Any):
        """Call the ``hook`` implementation of one registered plugin, and no other's."""
        caller = getattr(self.pm.hook, hook)
        results = [
            impl.function(**kwargs) for impl in caller.get_hookimpls() if impl.plugin is module
        ]
        if all_:
            return results
        return results[0] if results else None

    @staticmethod
    def _flatten(results: Iterable[Any]) -> list[Any]:
        from core.contributions import flatten

        return flatten(results)

    def install(self, app: Flask) -> None:
        """Mount blueprints, declare permissions, jobs, channels, catalogues, migrations."""
        perms = app.extensions["butler.permissions"]
        for name, plugin in self.plugins.items():
            for bp in plugin.blueprints:
                app.register_blueprint(bp, url_prefix=f"/s/<site_slug>/{name}")
                app.before_request_funcs.setdefault(bp.name, []).append(_gate(name))
            permissions = self._flatten(
                self._call_on(plugin.module, "butler_permissions", all_=True)
            )
            for permission in permissions:
                if not permission.name.startswith(f"{name}."):
                    raise PluginError(
                        f"plugin {name!r} declares permission {permission.name!r}: "
                        f"its permissions must start with '{name}.'"
                    )
            perms.add(permissions)
            for job in self._flatten(self._call_on(plugin.module, "butler_jobs", all_=True)):
                self.jobs.append((name, job))
        for channel in self._flatten(self.pm.hook.butler_outbox_channels()):
            self.channels.setdefault(channel.name, channel)
        self._install_cli(app)

    def _install_cli(self, app: Flask) -> None:
        from core.cli import butler

        self.pm.hook.butler_cli(cli=butler)

    def translation_dirs(self) -> list[str]:
        return [str(d) for d in self._flatten(self.pm.hook.butler_translation_dirs())]

    def migration_dirs(self) -> list[str]:
        return [str(d) for d in self._flatten(self.pm.hook.butler_migration_dirs())]

    # --- Enablement --------------------------------------------------------------------

    def enabled_names(self, site: Site) -> frozenset[str]:
        """Plugins switched on for ``site`` (cached for the request)."""
        cache = g.setdefault("_butler_enabled", {}) if _in_app_context() else {}
        if site.id not in cache:
            names = db.session.scalars(
                sa.select(PluginEnablement.plugin).where(
                    PluginEnablement.site_id == site.id, PluginEnablement.enabled.is_(True)
                )
            )
            cache[site.id] = frozenset(n for n in names if n in self.plugins)
        return cache[site.id]

    def is_enabled(self, site: Site, name: str) -> bool:
        return name == CORE or name in self.enabled_names(site)

    def enabled_site_ids(self, name: str) -> set[int]:
        """Ids of the open sites where plugin ``name`` is on."""
        return set(
            db.session.scalars(
                sa.select(PluginEnablement.site_id)
                .join(Site, Site.id == PluginEnablement.site_id)
                .where(
                    PluginEnablement.plugin == name,
                    PluginEnablement.enabled.is_(True),
                    Site.archived_at.is_(None),
                )
            )
        )

    def hooks_for(self, site: Site) -> SiteHooks:
        """Hook callers for ``site``: disabled plugins are never called."""
        disabled = frozenset(self.plugins) - self.enabled_names(site)
        relay = self._relays.get(disabled)
        if relay is None:
            relay = self._relays[disabled] = SiteHooks(self.pm, disabled)
        return relay

    def refusal_to_enable(self, site: Site, name: str) -> str | None:
        """Why ``name`` cannot be turned on for ``site`` (a message), or None."""
        from flask_babel import gettext as _

        info = self.plugins[name].info
        if not info.serves(site.kind):
            kind = _("hotels") if site.kind == "residential" else _("residential estates")
            return _("%(plugin)s is made for %(kind)s only.", plugin=str(info.label), kind=kind)
        enabled = self.enabled_names(site)
        missing = [self.plugins[r].info.label for r in info.requires if r not in enabled]
        if missing:
            return _(
                "Turn on %(required)s first: %(plugin)s needs it.",
                required=", ".join(str(m) for m in missing),
                plugin=str(info.label),
            )
        return None

    def refusal_to_disable(self, site: Site, name: str) -> str | None:
        from flask_babel import gettext as _

        enabled = self.enabled_names(site)
        needing = [
            str(p.info.label)
            for other, p in self.plugins.items()
            if other in enabled and other != name and name in p.info.requires
        ]
        if needing:
            return _(
                "%(plugin)s cannot be turned off while %(others)s needs it.",
                plugin=str(self.plugins[name].info.label),
                others=", ".join(needing),
            )
        return None

    def set_enabled(self, site: Site, name: str, enabled: bool, user: Any = None) -> None:
        """Turn ``name`` on or off for ``site`` and call its lifecycle hook; caller commits.

        Raises ``EnablementRefused`` with the reason when the rules forbid it.
        """
        from core import audit

        if name not in self.plugins:
            raise KeyError(name)
        reason = (
            self.refusal_to_enable(site, name) if enabled else self.refusal_to_disable(site, name)
        )
        if reason:
            raise EnablementRefused(reason)
        row = db.session.execute(
            sa.select(PluginEnablement).where(
                PluginEnablement.site_id == site.id, PluginEnablement.plugin == name
            )
        ).scalar_one_or_none()
        if row is None:
            row = PluginEnablement(site_id=site.id, plugin=name, enabled=enabled)
            db.session.add(row)
        row.enabled = enabled
        row.changed_at = clock.now()
        row.changed_by_id = getattr(user, "id", None)
        db.session.flush()
        g.pop("_butler_enabled", None) if _in_app_context() else None
        lifecycle = "butler_site_enabled" if enabled else "butler_site_disabled"
        self._call_on(self.plugins[name].module, lifecycle, site=site)
        audit.record(
            "plugin.enabled" if enabled else "plugin.disabled",
            row,
            site=site,
            user=user,
            detail={"plugin": name},
        )


def _in_app_context() -> bool:
    from flask import has_app_context

    return has_app_context()


def _gate(name: str):
    """A before-request function: the plugin's pages are 404 where it is off."""

    def gate() -> None:
        site = g.get("site")
        if site is None or not host().is_enabled(site, name):
            abort(404)

    return gate


def host() -> PluginHost:
    """The plugin host of the current application."""
    return current_app.extensions["butler.plugins"]


def init_app(app: Flask) -> PluginHost:
    plugin_host = PluginHost()
    app.extensions["butler.plugins"] = plugin_host
    plugin_host.load(app)
    return plugin_host
