"""Flask extensions, created unbound and initialised in ``create_app``."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so that migrations can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()


@migrate.configure
def _plugin_migrations(config):
    """Give Alembic the core's revisions and those of every installed plugin."""
    core_versions = Path(__file__).resolve().parent / "migrations" / "versions"
    plugin_dirs = current_app.extensions["butler.plugins"].migration_dirs()
    config.set_main_option("version_locations", " ".join([str(core_versions), *plugin_dirs]))
    config.set_main_option("path_separator", "space")
    return config
