"""The indexes behind search as you type, as SQL for SQLite and PostgreSQL.

An infix ``LIKE '%wong%'`` cannot use a B-tree, so searching names read every resident
of the site and grew with the estate. Names are found through a trigram index instead:

- PostgreSQL: a GIN index with ``gin_trgm_ops`` (extension ``pg_trgm``) answers
  ``name ILIKE '%…%'`` directly;
- SQLite: an FTS5 table with the ``trigram`` tokenizer (SQLite ≥ 3.34) holds the names,
  with ``resident`` as its content table; three triggers keep it in step with every
  insert, rename and delete (archiving changes nothing it holds: archived residents stay
  searchable in the list's "archived" view).

A trigram index cannot answer a query shorter than three characters, so those look for
names that *start* with the query, and phones, resident numbers and unit numbers are
always prefix searches: each has a prefix index (``text_pattern_ops`` on PostgreSQL,
``COLLATE NOCASE`` on SQLite, where ``LIKE`` ignores ASCII case).

As in ``core/audit_guard.py``, the statements live here once for two users: the Alembic
revision ``core_0019`` and ``after_create`` listeners (``db.create_all()``, the tests and
the bench). The SQL must not contain ``%`` (SQLAlchemy's ``DDL`` formats its text).
"""

from __future__ import annotations

from sqlalchemy import DDL, Table, event

FTS_TABLE = "resident_name_search"
MIN_TRIGRAM = 3
DIALECTS = ("sqlite", "postgresql")

_SQLITE_INDEXES = {
    "resident": (
        ("ix_resident_site_name_nocase", "site_id, name COLLATE NOCASE"),
        ("ix_resident_site_phone_nocase", "site_id, phone COLLATE NOCASE"),
        ("ix_resident_site_ref_nocase", "site_id, ref COLLATE NOCASE"),
    ),
    "unit": (("ix_unit_site_number_nocase", "site_id, number COLLATE NOCASE"),),
}
_PG_INDEXES = {
    "resident": (
        ("ix_resident_name_trgm", "USING gin (name gin_trgm_ops)"),
        ("ix_resident_site_name_prefix", "(site_id, lower(name) text_pattern_ops)"),
        ("ix_resident_site_phone_prefix", "(site_id, phone text_pattern_ops)"),
        ("ix_resident_site_ref_prefix", "(site_id, lower(ref) text_pattern_ops)"),
    ),
    "unit": (("ix_unit_site_number_prefix", "(site_id, lower(number) text_pattern_ops)"),),
}
_OURS = {
    name for indexes in (_SQLITE_INDEXES, _PG_INDEXES) for t in indexes.values() for name, _ in t
}
_SQLITE_TRIGGERS = ("resident_name_search_ai", "resident_name_search_ad", "resident_name_search_au")


def create_statements(dialect: str, table: str) -> list[str]:
    """The statements that build the search indexes of ``table`` ("resident" or "unit")."""
    if dialect == "sqlite":
        statements = [
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})"
            for name, columns in _SQLITE_INDEXES[table]
        ]
        if table == "resident":
            insert = f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES (new.id, new.name);"
            delete = (
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name) "
                "VALUES ('delete', old.id, old.name);"
            )
            statements += [
                # A table left by an earlier create_all would hold stale names.
                f"DROP TABLE IF EXISTS {FTS_TABLE}",
                f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
                "name, content='resident', content_rowid='id', tokenize='trigram')",
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
                f"CREATE TRIGGER IF NOT EXISTS {_SQLITE_TRIGGERS[0]} AFTER INSERT ON resident "
                f"BEGIN {insert} END",
                f"CREATE TRIGGER IF NOT EXISTS {_SQLITE_TRIGGERS[1]} AFTER DELETE ON resident "
                f"BEGIN {delete} END",
                f"CREATE TRIGGER IF NOT EXISTS {_SQLITE_TRIGGERS[2]} "
                f"AFTER UPDATE OF name ON resident BEGIN {delete} {insert} END",
            ]
        return statements
    if dialect == "postgresql":
        statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] if table == "resident" else []
        return statements + [
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} {how}"
            for name, how in _PG_INDEXES[table]
        ]
    raise ValueError(f"no search index for the {dialect!r} database")


def drop_statements(dialect: str, table: str) -> list[str]:
    """The statements that remove them (each safe when absent; the extension stays)."""
    if dialect == "sqlite":
        statements = [f"DROP INDEX IF EXISTS {name}" for name, _ in _SQLITE_INDEXES[table]]
        if table == "resident":
            statements += [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]
            statements.append(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        return statements
    if dialect == "postgresql":
        return [f"DROP INDEX IF EXISTS {name}" for name, _ in _PG_INDEXES[table]]
    raise ValueError(f"no search index for the {dialect!r} database")


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's ``include_name``: leave out of autogenerate what this module builds by
    hand (no model describes the FTS table or the dialect-specific indexes)."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)
    if type_ == "index":
        return name not in _OURS
    return True


def attach(table: Table) -> None:
    """Make ``create_all`` build the search indexes after creating ``table``."""
    for dialect in DIALECTS:
        for statement in create_statements(dialect, table.name):
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))
    if table.name == "resident":
        # The FTS table is no model's: drop_all must take it away with its content table.
        event.listen(
            table,
            "after_drop",
            DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite"),
        )


def forget_erased_names(connection) -> None:
    """After an erasure on SQLite, merge the FTS table's segments: a name taken out of it
    stays in its older segments, as a deleted entry, until they are merged."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
