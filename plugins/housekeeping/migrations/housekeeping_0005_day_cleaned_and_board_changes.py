"""Housekeeping: rooms cleaned per attendant and day, the month report's daily figures
(kept on every write of an assignment; counted here from the assignments already there),
and when each room's card last changed, for the board's refresh by fragments.

Revision ID: housekeeping_0005
Revises: housekeeping_0004
Create Date: 2026-12-08 02:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "housekeeping_0005"
down_revision = "housekeeping_0004"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (nullable): SQLite's batch mode would copy the table.
    op.add_column("housekeeping_room", sa.Column("updated_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE housekeeping_room SET updated_at = changed_at")
    op.create_table(
        "housekeeping_day_cleaned",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("attendant_id", sa.Integer(), nullable=False),
        sa.Column("rooms", sa.Integer(), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendant_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_day_cleaned_attendant_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_day_cleaned_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_day_cleaned")),
        sa.UniqueConstraint(
            "site_id",
            "day",
            "attendant_id",
            name=op.f("uq_housekeeping_day_cleaned_site_id_day_attendant_id"),
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_day_cleaned_site_id"),
        "housekeeping_day_cleaned",
        ["site_id"],
        unique=False,
    )

    from plugins.housekeeping.rollup import rebuild

    connection = op.get_bind()
    sites = connection.execute(sa.text("SELECT DISTINCT site_id FROM housekeeping_assignment"))
    for (site_id,) in sites.all():
        rebuild(site_id, connection)


def downgrade():
    op.drop_index(
        op.f("ix_housekeeping_day_cleaned_site_id"), table_name="housekeeping_day_cleaned"
    )
    op.drop_table("housekeeping_day_cleaned")
    with op.batch_alter_table("housekeeping_room", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
