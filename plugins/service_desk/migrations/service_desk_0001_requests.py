"""Service desk: categories, requests, their events, visits, callbacks and photos.

Revision ID: service_desk_0001
Revises:
Create Date: 2026-11-28 05:41:04.238887

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "service_desk_0001"
down_revision = None
branch_labels = ("service_desk",)
depends_on = "core_0006"


def upgrade():
    op.create_table(
        "service_desk_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("reply_minutes", sa.Integer(), nullable=False),
        sa.Column("complete_hours", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "type IN ('inquiry', 'repair', 'complaint', 'errand', 'feedback')",
            name=op.f("ck_service_desk_category_type"),
        ),
        sa.CheckConstraint(
            "complete_hours > 0", name=op.f("ck_service_desk_category_complete_hours")
        ),
        sa.CheckConstraint(
            "reply_minutes > 0", name=op.f("ck_service_desk_category_reply_minutes")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_service_desk_category_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_desk_category")),
        sa.UniqueConstraint(
            "site_id", "type", "name", name=op.f("uq_service_desk_category_site_id_type_name")
        ),
    )
    with op.batch_alter_table("service_desk_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_desk_category_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "service_desk_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=False),
        sa.Column("reply_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("complete_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("assignee_kind", sa.String(length=20), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("contractor", sa.String(length=120), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("callback_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("called_back_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("satisfaction", sa.String(length=20), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_to", sa.String(length=20), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("signed_off_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "assignee_kind IS NULL OR assignee_kind IN ('staff', 'front_desk', 'contractor')",
            name=op.f("ck_service_desk_request_assignee_kind"),
        ),
        sa.CheckConstraint(
            "channel IN ('phone', 'visit', 'wechat', 'app', 'walk_in')",
            name=op.f("ck_service_desk_request_channel"),
        ),
        sa.CheckConstraint(
            "escalated_to IS NULL OR escalated_to IN ('assistant', 'manager')",
            name=op.f("ck_service_desk_request_escalated_to"),
        ),
        sa.CheckConstraint(
            "status <> 'closed' OR (called_back_at IS NOT NULL AND closed_at IS NOT NULL)",
            name=op.f("ck_service_desk_request_closed_after_callback"),
        ),
        sa.CheckConstraint(
            "status <> 'closed' OR type <> 'complaint' "
            "OR (root_cause <> '' AND signed_off_at IS NOT NULL)",
            name=op.f("ck_service_desk_request_complaint_signed_off"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'assigned', 'in_progress', 'done', "
            "'called_back', 'closed')",
            name=op.f("ck_service_desk_request_status"),
        ),
        sa.CheckConstraint(
            "type IN ('inquiry', 'repair', 'complaint', 'errand', 'feedback')",
            name=op.f("ck_service_desk_request_type"),
        ),
        sa.CheckConstraint("reopen_count >= 0", name=op.f("ck_service_desk_request_reopen_count")),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["user_account.id"],
            name=op.f("fk_service_desk_request_assignee_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["building.id"],
            name=op.f("fk_service_desk_request_building_id_building"),
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["service_desk_category.id"],
            name=op.f("fk_service_desk_request_category_id_service_desk_category"),
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"],
            ["user_account.id"],
            name=op.f("fk_service_desk_request_logged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name=op.f("fk_service_desk_request_resident_id_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_off_by_id"],
            ["user_account.id"],
            name=op.f("fk_service_desk_request_signed_off_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_service_desk_request_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_service_desk_request_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_desk_request")),
    )
    with op.batch_alter_table("service_desk_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_desk_request_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_service_desk_request_site_id_assignee_id", ["site_id", "assignee_id"], unique=False
        )
        batch_op.create_index(
            "ix_service_desk_request_site_id_building_id", ["site_id", "building_id"], unique=False
        )
        batch_op.create_index(
            "ix_service_desk_request_site_id_category_id", ["site_id", "category_id"], unique=False
        )
        batch_op.create_index(
            "ix_service_desk_request_site_id_received_at", ["site_id", "received_at"], unique=False
        )
        batch_op.create_index(
            "ix_service_desk_request_site_id_resident_id", ["site_id", "resident_id"], unique=False
        )
        batch_op.create_index(
            "ix_service_desk_request_site_id_status", ["site_id", "status"], unique=False
        )

    op.create_table(
        "service_desk_callback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("satisfaction", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "method IN ('call', 'visit')", name=op.f("ck_service_desk_callback_method")
        ),
        sa.CheckConstraint(
            "satisfaction IN ('satisfied', 'neutral', 'dissatisfied')",
            name=op.f("ck_service_desk_callback_satisfaction"),
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["user_account.id"], name=op.f("fk_service_desk_callback_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_desk_request.id"],
            name=op.f("fk_service_desk_callback_request_id_service_desk_request"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_service_desk_callback_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_desk_callback")),
    )
    with op.batch_alter_table("service_desk_callback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_desk_callback_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_service_desk_callback_site_id_request_id", ["site_id", "request_id"], unique=False
        )

    op.create_table(
        "service_desk_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_desk_request.id"],
            name=op.f("fk_service_desk_event_request_id_service_desk_request"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_service_desk_event_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_service_desk_event_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_desk_event")),
    )
    with op.batch_alter_table("service_desk_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_desk_event_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_service_desk_event_site_id_request_id", ["site_id", "request_id"], unique=False
        )

    op.create_table(
        "service_desk_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_desk_request.id"],
            name=op.f("fk_service_desk_photo_request_id_service_desk_request"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_service_desk_photo_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_service_desk_photo_uploaded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_desk_photo")),
        sa.UniqueConstraint("site_id", "key", name=op.f("uq_service_desk_photo_site_id_key")),
    )
    with op.batch_alter_table("service_desk_photo", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_desk_photo_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_service_desk_photo_site_id_request_id", ["site_id", "request_id"], unique=False
        )

    op.create_table(
        "service_desk_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("visitor", sa.String(length=120), nullable=False),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accompanied", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_service_desk_visit_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["service_desk_request.id"],
            name=op.f("fk_service_desk_visit_request_id_service_desk_request"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_service_desk_visit_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_desk_visit")),
    )
    with op.batch_alter_table("service_desk_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_desk_visit_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_service_desk_visit_site_id_request_id", ["site_id", "request_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("service_desk_visit", schema=None) as batch_op:
        batch_op.drop_index("ix_service_desk_visit_site_id_request_id")
        batch_op.drop_index(batch_op.f("ix_service_desk_visit_site_id"))

    op.drop_table("service_desk_visit")
    with op.batch_alter_table("service_desk_photo", schema=None) as batch_op:
        batch_op.drop_index("ix_service_desk_photo_site_id_request_id")
        batch_op.drop_index(batch_op.f("ix_service_desk_photo_site_id"))

    op.drop_table("service_desk_photo")
    with op.batch_alter_table("service_desk_event", schema=None) as batch_op:
        batch_op.drop_index("ix_service_desk_event_site_id_request_id")
        batch_op.drop_index(batch_op.f("ix_service_desk_event_site_id"))

    op.drop_table("service_desk_event")
    with op.batch_alter_table("service_desk_callback", schema=None) as batch_op:
        batch_op.drop_index("ix_service_desk_callback_site_id_request_id")
        batch_op.drop_index(batch_op.f("ix_service_desk_callback_site_id"))

    op.drop_table("service_desk_callback")
    with op.batch_alter_table("service_desk_request", schema=None) as batch_op:
        batch_op.drop_index("ix_service_desk_request_site_id_status")
        batch_op.drop_index("ix_service_desk_request_site_id_resident_id")
        batch_op.drop_index("ix_service_desk_request_site_id_received_at")
        batch_op.drop_index("ix_service_desk_request_site_id_category_id")
        batch_op.drop_index("ix_service_desk_request_site_id_building_id")
        batch_op.drop_index("ix_service_desk_request_site_id_assignee_id")
        batch_op.drop_index(batch_op.f("ix_service_desk_request_site_id"))

    op.drop_table("service_desk_request")
    with op.batch_alter_table("service_desk_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_desk_category_site_id"))

    op.drop_table("service_desk_category")
