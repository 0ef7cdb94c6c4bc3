"""The application factory (``core.create_app`` calls it).

It hands the plugin host the core's default plugin (``core.defaults``) and the list of
first-party plugins (``plugins.FIRST_PARTY``): the host itself imports neither.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from core import (
    auth,
    channels,
    charts,
    cli,
    database,
    defaults,
    errors,
    formdata,
    headers,
    htmx,
    i18n,
    imports,
    logs,
    navigation,
    offline,
    paths,
    printing,
    security,
    sitecache,
    tenancy,
    throttle,
    totp,
)
from core.config import from_environment
from core.extensions import csrf, db, login_manager, migrate
from core.plugins import host as plugin_host
from plugins import FIRST_PARTY


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Butler application; ``config`` overrides what the environment says."""
    app = Flask(
        "core",
        instance_path=str(paths.instance_folder()),
        template_folder=str(paths.app_folder("templates")),
        static_folder="static",
    )
    app.config.update(from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)
    logs.init_app(app)
    hops = app.config.get("BUTLER_PROXY_HOPS", 0)
    if hops:
        # Behind a TLS proxy: take the client's address and scheme from its headers, so
        # throttling and the audit log see the real address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    # Plugins are found first: their catalogues and migrations are needed below.
    plugins = plugin_host.init_app(app, default=defaults, first_party=FIRST_PARTY)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(app.config)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(paths.PACKAGE / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    database.init_app(app)
    htmx.init_app(app)
    headers.init_app(app)
    i18n.init_app(app, extra_translation_dirs=plugins.translation_dirs())
    security.init_app(app)
    formdata.init_app(app)
    tenancy.init_app(app)
    sitecache.init_app(app)
    navigation.init_app(app)
    plugins.install(app)  # the core's blueprints (from its default plugin), then plugins'
    channels.warn_of_held_sms(app)
    imports.register_all(app)  # the plugins' kinds of import file
    throttle.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    app.before_request(totp.second_factor_first)
    cli.init_app(app)
    charts.init_app(app)
    offline.init_app(app)
    printing.init_app(app)
    return app
