"""Alembic environment for Butler: the core's and every plugin's revisions in one history.

The core's revisions carry the branch label ``core``; each plugin's carry its own name.
``flask --app wsgi db upgrade heads`` brings every installed part to its head. Migrations
connect as the owner of the tables: ``MIGRATION_DATABASE_URL`` when the app's own
``DATABASE_URL`` is a restricted role (``core.database.owner_engine``).
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from core import search_index
from core.database import owner_engine

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
metadata = migrate_ext.db.metadata


def _skip_empty_autogenerate(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline() -> None:
    url = owner_engine(current_app).url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = owner_engine(current_app)
    options = dict(migrate_ext.configure_args)
    options.setdefault("process_revision_directives", _skip_empty_autogenerate)
    options.setdefault("compare_type", True)
    options.setdefault("include_name", search_index.include_name)
    options["render_as_batch"] = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            **options,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
