"""The triggers that make ``audit_log`` append-only, as SQL for SQLite and PostgreSQL.

The statements live here once and have two users: the Alembic revision ``core_0006``
(databases built by migrations) and an ``after_create`` listener on the model's table
(databases built by ``db.create_all()``, as the test suite does). Keeping one copy means
the two kinds of database cannot drift apart.

What the guard refuses: on both databases any UPDATE or DELETE of an audit row; on
PostgreSQL also TRUNCATE, which skips row triggers. One UPDATE passes: setting ``detail``
to ``REDACTED`` and nothing else, which erasing a resident does to the rows that name them
(``core/privacy.py``): the row stays, who did what and when stays, the values go.

It protects against the application and against mistakes at a SQL prompt, not against
someone who may change the schema: that is a matter of database roles (see
``docs/security.md``).

Two things to remember when changing this file:
- the SQL must not contain ``%``: SQLAlchemy's ``DDL`` formats its text with it;
- on SQLite, a later revision that rebuilds ``audit_log`` (``batch_alter_table`` copies
  the table and drops the old one) loses the triggers and must create them again.
"""

from __future__ import annotations

from sqlalchemy import DDL, Table, event

TABLE = "audit_log"
MESSAGE = "audit_log is append-only"
DIALECTS = ("sqlite", "postgresql")

SQLITE_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")
PG_FUNCTION = "audit_log_append_only"
PG_ROW_TRIGGER = "audit_log_append_only_rows"
PG_TRUNCATE_TRIGGER = "audit_log_append_only_truncate"


REDACTED = '{"erased": true}'
# The columns an erasure leaves as they were: only ``detail`` may change, to REDACTED.
_KEPT = ("id", "at", "site_id", "user_id", "action", "object_type", "object_id", "ip")


def create_statements(dialect: str, redaction: bool = True) -> list[str]:
    """The statements that install the guard on ``dialect`` ("sqlite" or "postgresql");
    ``redaction=False`` gives the guard as it was before erasure (core_0015's downgrade)."""
    if dialect == "sqlite":
        unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _KEPT)
        allowed = f" WHEN NOT (NEW.detail = '{REDACTED}' AND {unchanged})" if redaction else ""
        return [
            f"CREATE TRIGGER {SQLITE_TRIGGERS[0]} BEFORE UPDATE ON {TABLE}{allowed} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            f"CREATE TRIGGER {SQLITE_TRIGGERS[1]} BEFORE DELETE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        ]
    if dialect == "postgresql":
        new_row = ", ".join(f"NEW.{c}" for c in _KEPT)
        old_row = ", ".join(f"OLD.{c}" for c in _KEPT)
        allowed = (
            f"IF TG_OP = 'UPDATE' AND NEW.detail = '{REDACTED}' "
            f"AND ({new_row}) IS NOT DISTINCT FROM ({old_row}) THEN RETURN NEW; END IF; "
            if redaction
            else ""
        )
        return [
            # TG_OP names what was refused: UPDATE, DELETE or TRUNCATE.
            f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {allowed}"
            f"RAISE EXCEPTION '{MESSAGE}' USING DETAIL = TG_OP || ' of audit rows refused'; "
            "END $$",
            f"CREATE TRIGGER {PG_ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
            f"CREATE TRIGGER {PG_TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {TABLE} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()",
        ]
    raise ValueError(f"no audit guard for the {dialect!r} database")


def drop_statements(dialect: str) -> list[str]:
    """The statements that remove the guard from ``dialect`` (each safe when absent)."""
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {PG_TRUNCATE_TRIGGER} ON {TABLE}",
            f"DROP TRIGGER IF EXISTS {PG_ROW_TRIGGER} ON {TABLE}",
            f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()",
        ]
    raise ValueError(f"no audit guard for the {dialect!r} database")


def attach(table: Table) -> None:
    """Make ``create_all`` install the guard after creating ``table`` (and drop its function)."""
    for dialect in DIALECTS:
        for statement in create_statements(dialect):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
    # Dropping the table drops its triggers; the PostgreSQL function outlives it.
    event.listen(
        table,
        "after_drop",
        DDL(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()").execute_if(dialect="postgresql"),
    )
