"""Housekeeping: engineering work orders, guest requests, lost and found, rush rooms,
wage grades, minutes per room type and the hours worked.

Revision ID: housekeeping_0002
Revises: housekeeping_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "housekeeping_0002"
down_revision = "housekeeping_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "housekeeping_grade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("hourly_rate", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("hourly_rate > 0", name=op.f("ck_housekeeping_grade_hourly_rate")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_grade_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_grade")),
        sa.UniqueConstraint("site_id", "name", name=op.f("uq_housekeeping_grade_site_id_name")),
    )
    with op.batch_alter_table("housekeeping_grade", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housekeeping_grade_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "housekeeping_room_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_type", sa.String(length=40), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "minutes BETWEEN 1 AND 600", name=op.f("ck_housekeeping_room_time_minutes")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_room_time_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_room_time")),
        sa.UniqueConstraint(
            "site_id", "room_type", name=op.f("uq_housekeeping_room_time_site_id_room_type")
        ),
    )
    with op.batch_alter_table("housekeeping_room_time", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housekeeping_room_time_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "housekeeping_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lost_days", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "lost_days BETWEEN 1 AND 3650", name=op.f("ck_housekeeping_setting_lost_days")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_setting_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_setting")),
        sa.UniqueConstraint("site_id", name=op.f("uq_housekeeping_setting_site_id")),
    )
    with op.batch_alter_table("housekeeping_setting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housekeeping_setting_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "housekeeping_lost_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("found_where", sa.String(length=120), nullable=False),
        sa.Column("found_by", sa.String(length=120), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("kept_at", sa.String(length=120), nullable=False),
        sa.Column("photo_key", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=False),
        sa.Column("claim_id_seen", sa.String(length=60), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("disposal_reason", sa.String(length=300), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "state <> 'claimed' OR (claimed_by <> '' AND claim_id_seen <> '' AND signed)",
            name=op.f("ck_housekeeping_lost_item_claimed_signed"),
        ),
        sa.CheckConstraint(
            "state <> 'disposed' OR disposal_reason <> ''",
            name=op.f("ck_housekeeping_lost_item_disposed_why"),
        ),
        sa.CheckConstraint(
            "state IN ('kept', 'claimed', 'disposed')", name=op.f("ck_housekeeping_lost_item_state")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_lost_item_closed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_lost_item_logged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_lost_item_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_lost_item")),
    )
    with op.batch_alter_table("housekeeping_lost_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housekeeping_lost_item_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_housekeeping_lost_item_site_id_state", ["site_id", "state"], unique=False
        )

    op.create_table(
        "housekeeping_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("grade_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "minutes BETWEEN 1 AND 1440", name=op.f("ck_housekeeping_shift_minutes")
        ),
        sa.ForeignKeyConstraint(
            ["grade_id"],
            ["housekeeping_grade.id"],
            name=op.f("fk_housekeeping_shift_grade_id_housekeeping_grade"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_shift_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_shift_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_shift")),
        sa.UniqueConstraint(
            "site_id", "user_id", "day", name=op.f("uq_housekeeping_shift_site_id_user_id_day")
        ),
    )
    with op.batch_alter_table("housekeeping_shift", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housekeeping_shift_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index("ix_housekeeping_shift_site_id_day", ["site_id", "day"], unique=False)

    op.create_table(
        "housekeeping_guest_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("what", sa.String(length=300), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("logged_by_id", sa.Integer(), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("satisfaction", sa.String(length=12), nullable=True),
        sa.Column("outcome", sa.String(length=300), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('request', 'complaint')", name=op.f("ck_housekeeping_guest_request_kind")
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR satisfaction IN ('satisfied', 'neutral', 'unsatisfied')",
            name=op.f("ck_housekeeping_guest_request_satisfaction"),
        ),
        sa.CheckConstraint(
            "closed_at IS NULL OR satisfaction IS NOT NULL",
            name=op.f("ck_housekeeping_guest_request_closed_rated"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_guest_request_assigned_to_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_guest_request_logged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_guest_request_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_housekeeping_guest_request_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_guest_request")),
    )
    with op.batch_alter_table("housekeeping_guest_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housekeeping_guest_request_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_housekeeping_guest_request_site_id_logged_at",
            ["site_id", "logged_at"],
            unique=False,
        )

    op.create_table(
        "housekeeping_work_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("problem", sa.String(length=300), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("photo_key", sa.String(length=80), nullable=True),
        sa.Column("block_id", sa.Integer(), nullable=True),
        sa.Column("reported_by_id", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("engineer", sa.String(length=120), nullable=False),
        sa.Column("work_done", sa.String(length=300), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "priority IN ('urgent', 'normal', 'low')",
            name=op.f("ck_housekeeping_work_order_priority"),
        ),
        sa.CheckConstraint(
            "unit_id IS NOT NULL OR place <> ''", name=op.f("ck_housekeeping_work_order_where")
        ),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["housekeeping_block.id"],
            name=op.f("fk_housekeeping_work_order_block_id_housekeeping_block"),
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_work_order_closed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_work_order_reported_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_work_order_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_housekeeping_work_order_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_work_order")),
    )
    with op.batch_alter_table("housekeeping_work_order", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housekeeping_work_order_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_housekeeping_work_order_site_id_closed_at", ["site_id", "closed_at"], unique=False
        )

    with op.batch_alter_table("housekeeping_room", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rush_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rush_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_housekeeping_room_rush_by_id_user_account"),
            "user_account",
            ["rush_by_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("housekeeping_room", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_housekeeping_room_rush_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("rush_by_id")
        batch_op.drop_column("rush_at")

    with op.batch_alter_table("housekeeping_work_order", schema=None) as batch_op:
        batch_op.drop_index("ix_housekeeping_work_order_site_id_closed_at")
        batch_op.drop_index(batch_op.f("ix_housekeeping_work_order_site_id"))

    op.drop_table("housekeeping_work_order")
    with op.batch_alter_table("housekeeping_guest_request", schema=None) as batch_op:
        batch_op.drop_index("ix_housekeeping_guest_request_site_id_logged_at")
        batch_op.drop_index(batch_op.f("ix_housekeeping_guest_request_site_id"))

    op.drop_table("housekeeping_guest_request")
    with op.batch_alter_table("housekeeping_shift", schema=None) as batch_op:
        batch_op.drop_index("ix_housekeeping_shift_site_id_day")
        batch_op.drop_index(batch_op.f("ix_housekeeping_shift_site_id"))

    op.drop_table("housekeeping_shift")
    with op.batch_alter_table("housekeeping_lost_item", schema=None) as batch_op:
        batch_op.drop_index("ix_housekeeping_lost_item_site_id_state")
        batch_op.drop_index(batch_op.f("ix_housekeeping_lost_item_site_id"))

    op.drop_table("housekeeping_lost_item")
    with op.batch_alter_table("housekeeping_setting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housekeeping_setting_site_id"))

    op.drop_table("housekeeping_setting")
    with op.batch_alter_table("housekeeping_room_time", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housekeeping_room_time_site_id"))

    op.drop_table("housekeeping_room_time")
    with op.batch_alter_table("housekeeping_grade", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housekeeping_grade_site_id"))

    op.drop_table("housekeeping_grade")
