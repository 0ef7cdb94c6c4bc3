"""Search as you type through indexes: trigram names, prefix phones, numbers and units.

PostgreSQL gets the pg_trgm extension (created here, by the owner the migrations run as:
the application's own role need not be allowed to) and a GIN trigram index on names;
SQLite an FTS5 trigram table of names kept in step by triggers (it is filled from the
residents already there). Both get prefix indexes for phones, resident and unit numbers.

Revision ID: core_0019
Revises: core_0016
Create Date: 2026-12-08 02:30:00

"""

from alembic import op

# The SQL is imported, not copied: core.search_index is also what db.create_all() runs.
from core.search_index import create_statements, drop_statements

revision = "core_0019"
down_revision = "core_0016"
branch_labels = None
depends_on = None

TABLES = ("unit", "resident")


def upgrade():
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for statement in create_statements(dialect, table):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in reversed(TABLES):
        for statement in drop_statements(dialect, table):
            op.execute(statement)
