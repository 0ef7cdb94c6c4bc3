"""Housekeeping: public areas and their checklists, the day's functions, inspections and
night spot checks.

Revision ID: housekeeping_0003
Revises: housekeeping_0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "housekeeping_0003"
down_revision = "housekeeping_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "housekeeping_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("checklist", sa.String(length=2000), nullable=False),
        sa.Column("attendant_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('lobby', 'restaurant', 'banquet', 'office', 'back_of_house', 'toilet')",
            name=op.f("ck_housekeeping_area_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["attendant_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_area_attendant_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_area_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_area")),
        sa.UniqueConstraint("site_id", "name", name=op.f("uq_housekeeping_area_site_id_name")),
    )
    with op.batch_alter_table("housekeeping_area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_housekeeping_area_site_id"), ["site_id"], unique=False)

    op.create_table(
        "housekeeping_function",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("covers", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("covers >= 0", name=op.f("ck_housekeeping_function_covers")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_housekeeping_function_period")),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["housekeeping_area.id"],
            name=op.f("fk_housekeeping_function_area_id_housekeeping_area"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_function_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_function")),
    )
    with op.batch_alter_table("housekeeping_function", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housekeeping_function_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_housekeeping_function_site_id_day", ["site_id", "day"], unique=False
        )

    op.create_table(
        "housekeeping_spot_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("night", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("failed_items", sa.String(length=2000), nullable=False),
        sa.Column("findings", sa.String(length=500), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(unit_id IS NULL) <> (area_id IS NULL)", name=op.f("ck_housekeeping_spot_check_what")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["housekeeping_area.id"],
            name=op.f("fk_housekeeping_spot_check_area_id_housekeeping_area"),
        ),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_spot_check_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_spot_check_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_housekeeping_spot_check_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_spot_check")),
    )
    with op.batch_alter_table("housekeeping_spot_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housekeeping_spot_check_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_housekeeping_spot_check_site_id_checked_at", ["site_id", "checked_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("housekeeping_spot_check", schema=None) as batch_op:
        batch_op.drop_index("ix_housekeeping_spot_check_site_id_checked_at")
        batch_op.drop_index(batch_op.f("ix_housekeeping_spot_check_site_id"))

    op.drop_table("housekeeping_spot_check")
    with op.batch_alter_table("housekeeping_function", schema=None) as batch_op:
        batch_op.drop_index("ix_housekeeping_function_site_id_day")
        batch_op.drop_index(batch_op.f("ix_housekeeping_function_site_id"))

    op.drop_table("housekeeping_function")
    with op.batch_alter_table("housekeeping_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housekeeping_area_site_id"))

    op.drop_table("housekeeping_area")
