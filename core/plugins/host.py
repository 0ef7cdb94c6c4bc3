"""The plugin host: discovery, start-up checks, per-site enablement and the per-site relay.

The application factory hands the host the core's default plugin (``core.defaults``,
registered as the always-on plugin ``core``) and the first-party plugins
(``plugins.FIRST_PARTY``); third-party ones come from the ``butler.plugins`` entry-point
group. The host depends on ``core.extensions``, ``core.models`` and ``core.plugins`` only
(and the two leaves ``core.clock`` and ``core.audit``, which depend on nothing else): it
never imports the modules it loads.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pluggy
import sqlalchemy as sa
from flask import Blueprint, Flask, abort, current_app, g, has_app_context
from flask_babel import gettext as _

from core import audit, clock
from core.extensions import db
from core.models import PluginEnablement, Site
from core.plugins import hookspecs
from core.plugins.api import (
    API_VERSION,
    OLDEST_API_VERSION,
    Channel,
    Job,
    Permission,
    PluginInfo,
)

PROJECT = "butler"
CORE = "core"
ENTRY_POINT_GROUP = "butler.plugins"


class PluginError(RuntimeError):
    """A plugin cannot be loaded; the message says which and why."""


class EnablementRefused(ValueError):
    """An org admin asked for something the plugin rules forbid; the message says why."""


def flatten(results: Iterable[Any]) -> list[Any]:
    """One list from the per-plugin lists a hook returns (``None`` results skipped)."""
    flat: list[Any] = []
    for result in results:
        if result is None:
            continue
        flat.extend(result if isinstance(result, list | tuple) else [result])
    return flat


@dataclass(frozen=True)
class InstalledPlugin:
    info: PluginInfo
    module: Any
    blueprints: tuple[Blueprint, ...]
    models: tuple[type, ...]
    permissions: tuple[Permission, ...] = ()
    jobs: tuple[Job, ...] = ()
    import_kinds: tuple = ()


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
        self.core: InstalledPlugin | None = None
        self.plugins: dict[str, InstalledPlugin] = {}
        self.jobs: list[tuple[str, Job]] = []
        self.channels: dict[str, Channel] = {}
        # Each channel name's providers, plugins before the core: (plugin name, channel).
        self.channel_providers: dict[str, list[tuple[str, Channel]]] = {}
        self._relays: dict[frozenset[str], SiteHooks] = {}
        self._loaded: list[tuple[Any, Any]] = []  # (module, what its butler_plugin_info said)
        self._callers: dict[tuple[str, str], Any] = {}
        self.first_party: tuple[str, ...] = ()  # module paths, as the factory gave them

    # --- Start-up ----------------------------------------------------------------------

    def load(self, app: Flask, default: Any, first_party: Sequence[Any] = ()) -> None:
        """Register the default plugin, the first-party, configured and entry-point
        plugins; then check them all (``_check``)."""
        self.pm.register(default, name=CORE)
        self.first_party = tuple(first_party)
        for dotted in (*first_party, *app.config.get("BUTLER_EXTRA_PLUGINS", ())):
            module = importlib.import_module(dotted) if isinstance(dotted, str) else dotted
            self._register(module)
        if app.config.get("BUTLER_LOAD_ENTRY_POINTS", True):
            before = set(self.pm.get_plugins())
            self.pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
            for plugin in set(self.pm.get_plugins()) - before:
                self.pm.unregister(plugin)
                self._register(plugin)
        self._check()

    def _register(self, module: Any) -> None:
        """Register ``module`` under the name its ``butler_plugin_info`` gives (checked later)."""
        self.pm.register(module)
        info = self._caller(module, "butler_plugin_info")()
        self.pm.unregister(module)
        name = getattr(info, "name", None)
        taken = not isinstance(name, str) or self.pm.has_plugin(name)
        self.pm.register(module, name=None if taken else name)
        self._loaded.append((module, info))

    def _check(self) -> None:
        """Every start-up check, in one place: hook names, plugin names and kinds, blueprint
        names, table prefixes and ``site_id``, permission prefixes, required plugins."""
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as error:
            raise PluginError(
                f"a plugin implements a hook Butler does not know: {error}"
            ) from error
        self.core = self._collect(CORE)
        if self.core.info.name != CORE:
            raise PluginError("the default plugin's butler_plugin_info() must name it 'core'")
        for module, info in self._loaded:
            if not isinstance(info, PluginInfo):
                raise PluginError(
                    f"{self.pm.get_name(module)}: butler_plugin_info() must be a @hookimpl "
                    f"returning a PluginInfo"
                )
            name = info.name
            if not name.isidentifier() or name == CORE:
                raise PluginError(
                    f"plugin name {name!r} must be a Python identifier other than 'core'"
                )
            if name in self.plugins or self.pm.get_plugin(name) is not module:
                raise PluginError(f"two plugins are called {name!r}")
            _check_api_version(info)
            unknown = set(info.kinds) - {"residential", "hotel"}
            if not info.kinds or unknown:
                raise PluginError(f"plugin {name!r}: kinds must be residential and/or hotel")
            plugin = self.plugins[name] = self._collect(name)
            for bp in plugin.blueprints:
                if bp.name != name:
                    raise PluginError(
                        f"plugin {name!r} has a blueprint named {bp.name!r}: "
                        f"a plugin's blueprint must be named after the plugin"
                    )
            for model in plugin.models:
                table = model.__tablename__
                if not table.startswith(f"{name}_"):
                    raise PluginError(
                        f"plugin {name!r} has a table {table!r}: "
                        f"its tables must start with '{name}_'"
                    )
                if "site_id" not in model.__table__.columns:
                    raise PluginError(f"plugin {name!r}: table {table!r} has no site_id column")
            for kind in plugin.import_kinds:
                if not kind.code.startswith(f"{name}."):
                    raise PluginError(
                        f"plugin {name!r} declares import kind {kind.code!r}: "
                        f"its import kinds must start with '{name}.'"
                    )
            for permission in plugin.permissions:
                if not permission.name.startswith(f"{name}."):
                    raise PluginError(
                        f"plugin {name!r} declares permission {permission.name!r}: "
                        f"its permissions must start with '{name}.'"
                    )
        for name, plugin in self.plugins.items():
            for required in plugin.info.requires:
                if required not in self.plugins:
                    raise PluginError(
                        f"plugin {name!r} requires {required!r}, which is not installed"
                    )

    def _collect(self, name: str) -> InstalledPlugin:
        """What the plugin ``name`` declares through its app-scope hooks."""

        def declared(hook: str) -> tuple:
            return tuple(flatten(self.hook_of(name, hook)()))

        return InstalledPlugin(
            info=self.hook_of(name, "butler_plugin_info")(),
            module=self.pm.get_plugin(name),
            blueprints=declared("butler_blueprints"),
            models=declared("butler_models"),
            permissions=declared("butler_permissions"),
            jobs=declared("butler_jobs"),
            import_kinds=declared("butler_import_kinds"),
        )

    def _caller(self, module: Any, hook: str):
        """A caller of ``hook`` that reaches ``module`` and no other registered plugin."""
        others = [plugin for plugin in self.pm.get_plugins() if plugin is not module]
        return self.pm.subset_hook_caller(hook, remove_plugins=others)

    def hook_of(self, name: str, hook: str):
        """The (cached) caller of ``hook`` on the one plugin ``name`` (lifecycle hooks)."""
        key = (name, hook)
        caller = self._callers.get(key)
        if caller is None:
            caller = self._callers[key] = self._caller(self.pm.get_plugin(name), hook)
        return caller

    def install(self, app: Flask) -> None:
        """Mount the blueprints (the core's as they are, each plugin's under its name, behind
        its gate); declare the permissions and jobs; gather the outbox channels."""
        perms = app.extensions["butler.permissions"]
        for bp in self.core.blueprints:
            app.register_blueprint(bp)
        perms.add(self.core.permissions)
        self.jobs.extend((CORE, job) for job in self.core.jobs)
        for name, plugin in self.plugins.items():
            for bp in plugin.blueprints:
                app.register_blueprint(bp, url_prefix=f"/s/<site_slug>/{name}")
                app.before_request_funcs.setdefault(bp.name, []).append(_gate(name))
            perms.add(plugin.permissions)
            self.jobs.extend((name, job) for job in plugin.jobs)
        for name in (*self.plugins, CORE):
            for channel in flatten(self.hook_of(name, "butler_outbox_channels")()):
                self.channel_providers.setdefault(channel.name, []).append((name, channel))
                self.channels.setdefault(channel.name, channel)

    def channel_for(self, site_id: int, name: str) -> Channel | None:
        """The channel ``name`` that delivers for the site: a plugin's where the plugin is
        on for that site, else the core's (None when nobody offers it)."""
        providers = self.channel_providers.get(name, [])
        plugins = [plugin for plugin, _channel in providers if plugin != CORE]
        enabled = set()
        if plugins:
            enabled = set(
                db.session.scalars(
                    sa.select(PluginEnablement.plugin).where(
                        PluginEnablement.site_id == site_id,
                        PluginEnablement.plugin.in_(plugins),
                        PluginEnablement.enabled.is_(True),
                    )
                )
            )
        for plugin, channel in providers:
            if plugin == CORE or plugin in enabled:
                return channel
        return None

    def hold_reason(self, site_id: int, name: str) -> str | None:
        """Why messages of channel ``name`` wait unsent on the site, or None when they go."""
        channel = self.channel_for(site_id, name)
        if channel is None or channel.holds is None:
            return None
        return channel.holds(site_id)

    def translation_dirs(self) -> list[str]:
        return [str(d) for d in flatten(self.pm.hook.butler_translation_dirs())]

    def migration_dirs(self) -> list[str]:
        return [str(d) for d in flatten(self.pm.hook.butler_migration_dirs())]

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

    def names_ever_enabled(self, site: Site) -> list[str]:
        """The plugins on ``site`` now or at any time before, by name (the core's aside).

        Turning a plugin off keeps its rows: an access request and an erasure must reach
        them, so they call these plugins one by one (``hook_of``), not ``hooks_for``.
        """
        names = db.session.scalars(
            sa.select(PluginEnablement.plugin).where(PluginEnablement.site_id == site.id)
        )
        return sorted(n for n in set(names) if n in self.plugins)

    def refusal_to_enable(self, site: Site, name: str) -> str | None:
        """Why ``name`` cannot be turned on for ``site`` (a message), or None."""
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
        self.hook_of(name, lifecycle)(site=site)
        audit.record(
            "plugin.enabled" if enabled else "plugin.disabled",
            row,
            site=site,
            user=user,
            detail={"plugin": name},
        )


def _check_api_version(info: PluginInfo) -> None:
    """Refuse to start with a plugin written for a plugin API this Butler does not offer."""
    version = info.api_version
    if isinstance(version, int) and OLDEST_API_VERSION <= version <= API_VERSION:
        return
    offered = (
        f"{API_VERSION}"
        if OLDEST_API_VERSION == API_VERSION
        else f"{OLDEST_API_VERSION} to {API_VERSION}"
    )
    advice = (
        "upgrade Butler"
        if isinstance(version, int) and version > API_VERSION
        else "upgrade the plugin"
    )
    raise PluginError(
        f"plugin {info.name!r} was written for Butler's plugin API {version!r}; this Butler "
        f"runs plugins of API {offered}: {advice}, or uninstall the plugin"
    )


def _in_app_context() -> bool:
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


def init_app(app: Flask, default: Any, first_party: Sequence[Any] = ()) -> PluginHost:
    """Make the application's host and load ``default`` (the core) and ``first_party``."""
    plugin_host = PluginHost()
    app.extensions["butler.plugins"] = plugin_host
    plugin_host.load(app, default, first_party)
    return plugin_host
