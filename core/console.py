"""The ``butler`` console script, and the two commands it adds to ``flask butler``.

``butler …`` is ``flask --app wsgi butler …`` for an installed Butler: the same group,
with the application built by ``create_app()`` from the environment, wherever the command
is run from. ``butler migrate`` brings the core and every installed plugin to their
latest revisions; ``butler serve`` serves the application with gunicorn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext
from flask_migrate import upgrade
from gunicorn.app.base import BaseApplication

from core import create_app
from core.config import ConfigError
from core.extensions import db


@click.command("migrate")
@with_appcontext
def migrate_command() -> None:
    """Bring the database to the latest revision of the core and of every plugin."""
    upgrade(revision="heads")
    click.echo("The database is up to date.")


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, help="Worker processes.")
@click.option("--threads", default=4, show_default=True, help="Threads per worker.")
def serve_command(host: str, port: int, workers: int, threads: int) -> None:
    """Serve Butler with gunicorn (behind a TLS proxy in production)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def post_fork(_server: Any, _worker: Any) -> None:
        # Connections opened before the fork must not be shared by the workers.
        with app.app_context():
            db.engine.dispose(close=False)

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("post_fork", post_fork)
            self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            return app

    click.echo(f"Butler is at http://{host}:{port}")
    Server().run()


def main(argv: Sequence[str] | None = None) -> None:
    """The ``butler`` console script: the ``flask butler`` group of ``create_app()``."""
    try:
        app = create_app()
    except ConfigError as error:
        raise SystemExit(f"butler: {error}") from error
    group = app.cli.commands["butler"]
    group.main(
        args=None if argv is None else list(argv),
        prog_name="butler",
        obj=ScriptInfo(create_app=lambda: app),
    )
