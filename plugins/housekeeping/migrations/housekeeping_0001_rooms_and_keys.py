"""Housekeeping: rooms' status, blocks, inspections, assignments, master keys, linen,
deep cleaning, uniforms, supplies and requisitions, machines, duty roster, evaluations.

Revision ID: housekeeping_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "housekeeping_0001"
down_revision = None
branch_labels = ("housekeeping",)
depends_on = "core_0006"


def upgrade():
    op.create_table(
        "housekeeping_cleaning_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('carpet', 'curtains', 'furniture')",
            name=op.f("ck_housekeeping_cleaning_cycle_kind"),
        ),
        sa.CheckConstraint(
            "every_days > 0", name=op.f("ck_housekeeping_cleaning_cycle_every_days")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_cleaning_cycle_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_cleaning_cycle")),
        sa.UniqueConstraint(
            "site_id", "kind", name=op.f("uq_housekeeping_cleaning_cycle_site_id_kind")
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_cleaning_cycle_site_id"),
        "housekeeping_cleaning_cycle",
        ["site_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("opens", sa.String(length=120), nullable=False),
        sa.Column("lost_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lost_note", sa.String(length=300), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_key_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_key")),
        sa.UniqueConstraint("site_id", "code", name=op.f("uq_housekeeping_key_site_id_code")),
    )
    op.create_index(
        op.f("ix_housekeeping_key_site_id"), "housekeeping_key", ["site_id"], unique=False
    )
    op.create_table(
        "housekeeping_linen_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("in_store", sa.Integer(), nullable=False),
        sa.Column("on_floors", sa.Integer(), nullable=False),
        sa.Column("in_laundry", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("in_laundry >= 0", name=op.f("ck_housekeeping_linen_item_in_laundry")),
        sa.CheckConstraint("in_store >= 0", name=op.f("ck_housekeeping_linen_item_in_store")),
        sa.CheckConstraint("on_floors >= 0", name=op.f("ck_housekeeping_linen_item_on_floors")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_linen_item_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_linen_item")),
        sa.UniqueConstraint(
            "site_id", "name", name=op.f("uq_housekeeping_linen_item_site_id_name")
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_linen_item_site_id"),
        "housekeeping_linen_item",
        ["site_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_machine",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("location", sa.String(length=80), nullable=False),
        sa.Column("condition", sa.String(length=10), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "condition IN ('working', 'repair', 'retired')",
            name=op.f("ck_housekeeping_machine_condition"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_machine_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_machine")),
        sa.UniqueConstraint("site_id", "code", name=op.f("uq_housekeeping_machine_site_id_code")),
    )
    op.create_index(
        op.f("ix_housekeeping_machine_site_id"), "housekeeping_machine", ["site_id"], unique=False
    )
    op.create_table(
        "housekeeping_supply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("in_stock", sa.Integer(), nullable=False),
        sa.Column("par", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('cleaning', 'guest')", name=op.f("ck_housekeeping_supply_kind")
        ),
        sa.CheckConstraint("in_stock >= 0", name=op.f("ck_housekeeping_supply_in_stock")),
        sa.CheckConstraint("par >= 0", name=op.f("ck_housekeeping_supply_par")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_supply_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_supply")),
        sa.UniqueConstraint("site_id", "name", name=op.f("uq_housekeeping_supply_site_id_name")),
    )
    op.create_index(
        op.f("ix_housekeeping_supply_site_id"), "housekeeping_supply", ["site_id"], unique=False
    )
    op.create_table(
        "housekeeping_duty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("emergency", sa.String(length=10), nullable=False),
        sa.Column("duty_on", sa.Date(), nullable=False),
        sa.Column("shift", sa.String(length=10), nullable=False),
        sa.Column("task", sa.String(length=120), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "emergency IN ('typhoon', 'flood', 'fire', 'other')",
            name=op.f("ck_housekeeping_duty_emergency"),
        ),
        sa.CheckConstraint(
            "shift IN ('morning', 'afternoon', 'night')", name=op.f("ck_housekeeping_duty_shift")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_duty_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_housekeeping_duty_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_duty")),
        sa.UniqueConstraint(
            "site_id",
            "duty_on",
            "shift",
            "user_id",
            name=op.f("uq_housekeeping_duty_site_id_duty_on_shift_user_id"),
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_duty_site_id"), "housekeeping_duty", ["site_id"], unique=False
    )
    op.create_table(
        "housekeeping_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comments", sa.String(length=1000), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_housekeeping_evaluation_score")),
        sa.ForeignKeyConstraint(
            ["evaluator_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_evaluation_evaluator_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_evaluation_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_evaluation_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_evaluation")),
        sa.UniqueConstraint(
            "site_id",
            "user_id",
            "period",
            name=op.f("uq_housekeeping_evaluation_site_id_user_id_period"),
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_evaluation_site_id"),
        "housekeeping_evaluation",
        ["site_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_key_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shift_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_to_id", sa.Integer(), nullable=True),
        sa.Column("lost", sa.Boolean(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_key_issue_holder_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_key_issue_issued_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["housekeeping_key.id"],
            name=op.f("fk_housekeeping_key_issue_key_id_housekeeping_key"),
        ),
        sa.ForeignKeyConstraint(
            ["returned_to_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_key_issue_returned_to_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_key_issue_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_key_issue")),
    )
    op.create_index(
        op.f("ix_housekeeping_key_issue_site_id"),
        "housekeeping_key_issue",
        ["site_id"],
        unique=False,
    )
    op.create_index(
        "ix_housekeeping_key_issue_site_id_issued_at",
        "housekeeping_key_issue",
        ["site_id", "issued_at"],
        unique=False,
    )
    op.create_index(
        "uq_housekeeping_key_issue_open",
        "housekeeping_key_issue",
        ["site_id", "key_id"],
        unique=True,
        sqlite_where=sa.text("returned_at IS NULL"),
        postgresql_where=sa.text("returned_at IS NULL"),
    )
    op.create_table(
        "housekeeping_linen_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('purchased', 'issued', 'to_laundry', 'returned', 'discarded')",
            name=op.f("ck_housekeeping_linen_movement_kind"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_housekeeping_linen_movement_quantity")),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_linen_movement_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["housekeeping_linen_item.id"],
            name=op.f("fk_housekeeping_linen_movement_item_id_housekeeping_linen_item"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_linen_movement_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_linen_movement")),
    )
    op.create_index(
        op.f("ix_housekeeping_linen_movement_site_id"),
        "housekeeping_linen_movement",
        ["site_id"],
        unique=False,
    )
    op.create_index(
        "ix_housekeeping_linen_movement_site_id_moved_at",
        "housekeeping_linen_movement",
        ["site_id", "moved_at"],
        unique=False,
    )
    op.create_table(
        "housekeeping_linen_par",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("room_type", sa.String(length=40), nullable=False),
        sa.Column("par", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("par >= 0", name=op.f("ck_housekeeping_linen_par_par")),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["housekeeping_linen_item.id"],
            name=op.f("fk_housekeeping_linen_par_item_id_housekeeping_linen_item"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_linen_par_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_linen_par")),
        sa.UniqueConstraint(
            "site_id",
            "item_id",
            "room_type",
            name=op.f("uq_housekeeping_linen_par_site_id_item_id_room_type"),
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_linen_par_site_id"),
        "housekeeping_linen_par",
        ["site_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_requisition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'received')",
            name=op.f("ck_housekeeping_requisition_status"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_requisition_approved_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_requisition_drafted_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_requisition_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_requisition")),
        sa.UniqueConstraint(
            "site_id", "week_of", name=op.f("uq_housekeeping_requisition_site_id_week_of")
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_requisition_site_id"),
        "housekeeping_requisition",
        ["site_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_stocktake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("counted_store", sa.Integer(), nullable=False),
        sa.Column("counted_floors", sa.Integer(), nullable=False),
        sa.Column("counted_laundry", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "counted_floors >= 0", name=op.f("ck_housekeeping_stocktake_counted_floors")
        ),
        sa.CheckConstraint(
            "counted_laundry >= 0", name=op.f("ck_housekeeping_stocktake_counted_laundry")
        ),
        sa.CheckConstraint(
            "counted_store >= 0", name=op.f("ck_housekeeping_stocktake_counted_store")
        ),
        sa.CheckConstraint("expected >= 0", name=op.f("ck_housekeeping_stocktake_expected")),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_stocktake_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["housekeeping_linen_item.id"],
            name=op.f("fk_housekeeping_stocktake_item_id_housekeeping_linen_item"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_stocktake_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_stocktake")),
        sa.UniqueConstraint(
            "site_id",
            "item_id",
            "period",
            name=op.f("uq_housekeeping_stocktake_site_id_item_id_period"),
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_stocktake_site_id"),
        "housekeeping_stocktake",
        ["site_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_supply_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supply_id", sa.Integer(), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_housekeeping_supply_use_quantity")),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_supply_use_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_supply_use_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["supply_id"],
            ["housekeeping_supply.id"],
            name=op.f("fk_housekeeping_supply_use_supply_id_housekeeping_supply"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_supply_use")),
    )
    op.create_index(
        op.f("ix_housekeeping_supply_use_site_id"),
        "housekeeping_supply_use",
        ["site_id"],
        unique=False,
    )
    op.create_index(
        "ix_housekeeping_supply_use_site_id_used_on",
        "housekeeping_supply_use",
        ["site_id", "used_on"],
        unique=False,
    )
    op.create_table(
        "housekeeping_uniform_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=80), nullable=False),
        sa.Column("size", sa.String(length=10), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("condition_out", sa.String(length=10), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("condition_in", sa.String(length=10), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "condition_in IS NULL OR condition_in IN ('new', 'good', 'worn', 'damaged')",
            name=op.f("ck_housekeeping_uniform_issue_condition_in"),
        ),
        sa.CheckConstraint(
            "condition_out IN ('new', 'good', 'worn', 'damaged')",
            name=op.f("ck_housekeeping_uniform_issue_condition_out"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_housekeeping_uniform_issue_quantity")),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_uniform_issue_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_uniform_issue_holder_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_uniform_issue_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_uniform_issue")),
    )
    op.create_index(
        op.f("ix_housekeeping_uniform_issue_site_id"),
        "housekeeping_uniform_issue",
        ["site_id"],
        unique=False,
    )
    op.create_index(
        "ix_housekeeping_uniform_issue_site_id_holder_id",
        "housekeeping_uniform_issue",
        ["site_id", "holder_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("movement", sa.String(length=12), nullable=False),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("attendant_id", sa.Integer(), nullable=True),
        sa.Column("cleaned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "movement IN ('departure', 'stayover', 'arrival')",
            name=op.f("ck_housekeeping_assignment_movement"),
        ),
        sa.CheckConstraint("credits >= 0", name=op.f("ck_housekeeping_assignment_credits")),
        sa.ForeignKeyConstraint(
            ["attendant_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_assignment_attendant_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_assignment_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_housekeeping_assignment_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_assignment")),
        sa.UniqueConstraint(
            "site_id", "day", "unit_id", name=op.f("uq_housekeeping_assignment_site_id_day_unit_id")
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_assignment_site_id"),
        "housekeeping_assignment",
        ["site_id"],
        unique=False,
    )
    op.create_index(
        "ix_housekeeping_assignment_site_id_day_attendant_id",
        "housekeeping_assignment",
        ["site_id", "day", "attendant_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("agreed_with", sa.String(length=120), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('out_of_order', 'out_of_service')", name=op.f("ck_housekeeping_block_kind")
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_housekeeping_block_period")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_block_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_block_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_housekeeping_block_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_block")),
    )
    op.create_index(
        op.f("ix_housekeeping_block_site_id"), "housekeeping_block", ["site_id"], unique=False
    )
    op.create_index(
        "ix_housekeeping_block_site_id_unit_id",
        "housekeeping_block",
        ["site_id", "unit_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_deep_clean",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('carpet', 'curtains', 'furniture')",
            name=op.f("ck_housekeeping_deep_clean_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_deep_clean_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_deep_clean_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_housekeeping_deep_clean_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_deep_clean")),
    )
    op.create_index(
        op.f("ix_housekeeping_deep_clean_site_id"),
        "housekeeping_deep_clean",
        ["site_id"],
        unique=False,
    )
    op.create_index(
        "ix_housekeeping_deep_clean_site_id_unit_id_kind",
        "housekeeping_deep_clean",
        ["site_id", "unit_id", "kind"],
        unique=False,
    )
    op.create_table(
        "housekeeping_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("failed_items", sa.String(length=300), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspector_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_inspection_inspector_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_inspection_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_housekeeping_inspection_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_inspection")),
    )
    op.create_index(
        op.f("ix_housekeeping_inspection_site_id"),
        "housekeeping_inspection",
        ["site_id"],
        unique=False,
    )
    op.create_index(
        "ix_housekeeping_inspection_site_id_inspected_at",
        "housekeeping_inspection",
        ["site_id", "inspected_at"],
        unique=False,
    )
    op.create_index(
        "ix_housekeeping_inspection_site_id_unit_id",
        "housekeeping_inspection",
        ["site_id", "unit_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_requisition_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requisition_id", sa.Integer(), nullable=False),
        sa.Column("supply_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_housekeeping_requisition_line_quantity")),
        sa.ForeignKeyConstraint(
            ["requisition_id"],
            ["housekeeping_requisition.id"],
            name=op.f("fk_housekeeping_requisition_line_requisition_id_housekeeping_requisition"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_requisition_line_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["supply_id"],
            ["housekeeping_supply.id"],
            name=op.f("fk_housekeeping_requisition_line_supply_id_housekeeping_supply"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_requisition_line")),
        sa.UniqueConstraint(
            "site_id",
            "requisition_id",
            "supply_id",
            name=op.f("uq_housekeeping_requisition_line_site_id_requisition_id_supply_id"),
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_requisition_line_site_id"),
        "housekeeping_requisition_line",
        ["site_id"],
        unique=False,
    )
    op.create_table(
        "housekeeping_room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('vacant_dirty', 'vacant_clean', 'inspected', 'occupied', "
            "'occupied_dirty', 'out_of_order', 'out_of_service')",
            name=op.f("ck_housekeeping_room_status"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_room_changed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_room_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_housekeeping_room_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_room")),
        sa.UniqueConstraint(
            "site_id", "unit_id", name=op.f("uq_housekeeping_room_site_id_unit_id")
        ),
    )
    op.create_index(
        op.f("ix_housekeeping_room_site_id"), "housekeeping_room", ["site_id"], unique=False
    )
    op.create_index(
        "ix_housekeeping_room_site_id_status",
        "housekeeping_room",
        ["site_id", "status"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_housekeeping_room_site_id_status", table_name="housekeeping_room")
    op.drop_index(op.f("ix_housekeeping_room_site_id"), table_name="housekeeping_room")
    op.drop_table("housekeeping_room")
    op.drop_index(
        op.f("ix_housekeeping_requisition_line_site_id"), table_name="housekeeping_requisition_line"
    )
    op.drop_table("housekeeping_requisition_line")
    op.drop_index(
        "ix_housekeeping_inspection_site_id_unit_id", table_name="housekeeping_inspection"
    )
    op.drop_index(
        "ix_housekeeping_inspection_site_id_inspected_at", table_name="housekeeping_inspection"
    )
    op.drop_index(op.f("ix_housekeeping_inspection_site_id"), table_name="housekeeping_inspection")
    op.drop_table("housekeeping_inspection")
    op.drop_index(
        "ix_housekeeping_deep_clean_site_id_unit_id_kind", table_name="housekeeping_deep_clean"
    )
    op.drop_index(op.f("ix_housekeeping_deep_clean_site_id"), table_name="housekeeping_deep_clean")
    op.drop_table("housekeeping_deep_clean")
    op.drop_index("ix_housekeeping_block_site_id_unit_id", table_name="housekeeping_block")
    op.drop_index(op.f("ix_housekeeping_block_site_id"), table_name="housekeeping_block")
    op.drop_table("housekeeping_block")
    op.drop_index(
        "ix_housekeeping_assignment_site_id_day_attendant_id", table_name="housekeeping_assignment"
    )
    op.drop_index(op.f("ix_housekeeping_assignment_site_id"), table_name="housekeeping_assignment")
    op.drop_table("housekeeping_assignment")
    op.drop_index(
        "ix_housekeeping_uniform_issue_site_id_holder_id", table_name="housekeeping_uniform_issue"
    )
    op.drop_index(
        op.f("ix_housekeeping_uniform_issue_site_id"), table_name="housekeeping_uniform_issue"
    )
    op.drop_table("housekeeping_uniform_issue")
    op.drop_index(
        "ix_housekeeping_supply_use_site_id_used_on", table_name="housekeeping_supply_use"
    )
    op.drop_index(op.f("ix_housekeeping_supply_use_site_id"), table_name="housekeeping_supply_use")
    op.drop_table("housekeeping_supply_use")
    op.drop_index(op.f("ix_housekeeping_stocktake_site_id"), table_name="housekeeping_stocktake")
    op.drop_table("housekeeping_stocktake")
    op.drop_index(
        op.f("ix_housekeeping_requisition_site_id"), table_name="housekeeping_requisition"
    )
    op.drop_table("housekeeping_requisition")
    op.drop_index(op.f("ix_housekeeping_linen_par_site_id"), table_name="housekeeping_linen_par")
    op.drop_table("housekeeping_linen_par")
    op.drop_index(
        "ix_housekeeping_linen_movement_site_id_moved_at", table_name="housekeeping_linen_movement"
    )
    op.drop_index(
        op.f("ix_housekeeping_linen_movement_site_id"), table_name="housekeeping_linen_movement"
    )
    op.drop_table("housekeeping_linen_movement")
    op.drop_index(
        "uq_housekeeping_key_issue_open",
        table_name="housekeeping_key_issue",
        sqlite_where=sa.text("returned_at IS NULL"),
        postgresql_where=sa.text("returned_at IS NULL"),
    )
    op.drop_index(
        "ix_housekeeping_key_issue_site_id_issued_at", table_name="housekeeping_key_issue"
    )
    op.drop_index(op.f("ix_housekeeping_key_issue_site_id"), table_name="housekeeping_key_issue")
    op.drop_table("housekeeping_key_issue")
    op.drop_index(op.f("ix_housekeeping_evaluation_site_id"), table_name="housekeeping_evaluation")
    op.drop_table("housekeeping_evaluation")
    op.drop_index(op.f("ix_housekeeping_duty_site_id"), table_name="housekeeping_duty")
    op.drop_table("housekeeping_duty")
    op.drop_index(op.f("ix_housekeeping_supply_site_id"), table_name="housekeeping_supply")
    op.drop_table("housekeeping_supply")
    op.drop_index(op.f("ix_housekeeping_machine_site_id"), table_name="housekeeping_machine")
    op.drop_table("housekeeping_machine")
    op.drop_index(op.f("ix_housekeeping_linen_item_site_id"), table_name="housekeeping_linen_item")
    op.drop_table("housekeeping_linen_item")
    op.drop_index(op.f("ix_housekeeping_key_site_id"), table_name="housekeeping_key")
    op.drop_table("housekeeping_key")
    op.drop_index(
        op.f("ix_housekeeping_cleaning_cycle_site_id"), table_name="housekeeping_cleaning_cycle"
    )
    op.drop_table("housekeeping_cleaning_cycle")
