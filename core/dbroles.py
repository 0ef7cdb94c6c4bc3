"""The two PostgreSQL roles: the owner, who migrates, and the restricted app role.

The owner role creates and alters the tables (``flask db upgrade heads`` connects as it,
through ``MIGRATION_DATABASE_URL``). The app role, which the running application connects
as (``DATABASE_URL``), owns nothing: it may read and write rows and draw ids from
sequences, but it cannot ALTER, DROP or TRUNCATE a table, cannot disable or drop a
trigger (both need the table's owner), and has no DELETE on ``audit_log`` and UPDATE of its
``detail`` column only (erasure's marker, core/privacy.py; the trigger lets nothing else
through), so the append-only guard holds twice. ``grant_app_role`` sets this up,
idempotently; run it again after every migration and restore (it re-checks every table,
the audit log's revoke included).
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, Engine, text

from core.audit_guard import TABLE as AUDIT_TABLE

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MIGRATIONS_TABLE = "alembic_version"


class RoleRefused(Exception):
    """The role cannot be made the app role; the message says why."""


def grant_statements(role: str, database: str) -> list[str]:
    """The SQL that creates ``role`` if missing and gives it the app's rights, and no more."""
    if not ROLE_NAME.match(role):
        raise RoleRefused(f"{role!r} is not a plain role name (lower-case letters, digits and _).")
    quoted_db = '"' + database.replace('"', '""') + '"'
    return [
        # Two processes creating the role at once: the loser's error is swallowed.
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; END IF; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {quoted_db} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        # PostgreSQL before 15 lets every role create tables in public.
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA public FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        # Tables the owner makes later (a plugin's migration) are usable at once; the
        # audit log's revoke below is what a new run of this command restores after a
        # restore re-creates the table.
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        *(
            # Only once the table exists (a database built by create_all has no
            # alembic_version).
            f"DO $$ BEGIN IF to_regclass('public.{table}') IS NOT NULL THEN "
            f"REVOKE {rights} ON {table} FROM {role}; END IF; END $$"
            for table, rights in (
                (AUDIT_TABLE, "UPDATE, DELETE"),
                (MIGRATIONS_TABLE, "INSERT, UPDATE, DELETE"),
            )
        ),
        # Erasing a resident replaces the detail of the audit rows about them with a marker
        # (core/audit_guard.py lets exactly that change through): that column alone.
        f"DO $$ BEGIN IF to_regclass('public.{AUDIT_TABLE}') IS NOT NULL THEN "
        f"GRANT UPDATE (detail) ON {AUDIT_TABLE} TO {role}; END IF; END $$",
    ]


def _check_role(conn: Connection, role: str) -> None:
    row = conn.execute(
        text("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = :r"),
        {"r": role},
    ).one_or_none()
    if row is not None and any(row):
        raise RoleRefused(
            f"{role} may create roles or databases or is a superuser: the app role must not."
        )
    owned = conn.execute(
        text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = :r"
        ),
        {"r": role},
    ).scalar_one()
    if owned:
        raise RoleRefused(
            f"{role} owns {owned} table(s) or sequence(s) of the database: the owner role "
            "must own them (ALTER TABLE ... OWNER TO, as the owner), not the app role."
        )
    if conn.execute(text("SELECT current_user")).scalar_one() == role:
        raise RoleRefused(f"Run this as the owner role, not as {role} itself.")


def grant_app_role(engine: Engine, role: str) -> None:
    """Create ``role`` if missing and grant it the app's rights on ``engine``'s database.

    ``engine`` connects as the owner of the tables. Safe to run again: it is meant to be,
    after every migration.
    """
    if engine.dialect.name != "postgresql":
        raise RoleRefused("Database roles are a PostgreSQL matter: SQLite has none.")
    statements = grant_statements(role, engine.url.database or "")
    with engine.begin() as conn:
        _check_role(conn, role)
        for statement in statements:
            conn.exec_driver_sql(statement)
