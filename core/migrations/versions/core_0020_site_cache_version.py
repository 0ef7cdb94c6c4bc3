"""A site's cache version (a stamp renewed by every write to the site or its plugin
enablements) and data version (counted up by every transaction that writes the site's
rows), so that workers may keep the site, its plugins, its navigation and its dashboard
in memory.

Revision ID: core_0020
Revises: core_0019
Create Date: 2026-12-08 02:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "core_0020"
down_revision = "core_0019"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: SQLite's batch mode would copy the site table, which nearly
    # every table points at.
    op.add_column(
        "site",
        sa.Column("cache_version", sa.String(length=32), nullable=False, server_default="0"),
    )
    op.add_column(
        "site", sa.Column("data_version", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade():
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("data_version")
        batch_op.drop_column("cache_version")
