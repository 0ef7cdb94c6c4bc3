"""Paid services: the catalogue, orders and their lines, payments and refunds.

Revision ID: paid_services_0001
Revises:
Create Date: 2026-11-28 05:44:13.466767

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "paid_services_0001"
down_revision = None
branch_labels = ("paid_services",)
depends_on = "core_0006"


def upgrade():
    op.create_table(
        "paid_services_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("unit_of_sale", sa.String(length=10), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "unit_of_sale IN ('visit', 'hour', 'm2', 'month')",
            name=op.f("ck_paid_services_service_unit_of_sale"),
        ),
        sa.CheckConstraint(
            "price_minor >= 0", name=op.f("ck_paid_services_service_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_paid_services_service_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paid_services_service")),
        sa.UniqueConstraint("site_id", "name", name=op.f("uq_paid_services_service_site_id_name")),
    )
    with op.batch_alter_table("paid_services_service", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paid_services_service_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "paid_services_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("sold_by_id", sa.Integer(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("accepted_by_name", sa.String(length=120), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_how", sa.String(length=20), nullable=True),
        sa.Column("accepted_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_on", sa.Date(), nullable=True),
        sa.Column("assigned_user_id", sa.Integer(), nullable=True),
        sa.Column("contractor", sa.String(length=120), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("delivery_note", sa.Text(), nullable=False),
        sa.Column("delivered_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("satisfaction_note", sa.Text(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("rental_ended_on", sa.Date(), nullable=True),
        sa.Column("service_desk_request_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "accepted_how IS NULL OR accepted_how IN ('in_person', 'phone', 'message', 'email')",
            name=op.f("ck_paid_services_order_accepted_how"),
        ),
        sa.CheckConstraint(
            "status IN ('quoted', 'accepted', 'delivered', 'cancelled')",
            name=op.f("ck_paid_services_order_status"),
        ),
        sa.CheckConstraint(
            "paid_minor <= total_minor", name=op.f("ck_paid_services_order_paid_within_total")
        ),
        sa.CheckConstraint(
            "paid_minor >= 0", name=op.f("ck_paid_services_order_paid_not_negative")
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR (satisfaction >= 1 AND satisfaction <= 5)",
            name=op.f("ck_paid_services_order_satisfaction"),
        ),
        sa.CheckConstraint(
            "total_minor >= 0", name=op.f("ck_paid_services_order_total_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["accepted_recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_paid_services_order_accepted_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_user_id"],
            ["user_account.id"],
            name=op.f("fk_paid_services_order_assigned_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["delivered_recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_paid_services_order_delivered_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name=op.f("fk_paid_services_order_resident_id_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_paid_services_order_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["sold_by_id"],
            ["user_account.id"],
            name=op.f("fk_paid_services_order_sold_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_paid_services_order_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paid_services_order")),
    )
    with op.batch_alter_table("paid_services_order", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paid_services_order_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_paid_services_order_site_id_resident_id", ["site_id", "resident_id"], unique=False
        )
        batch_op.create_index(
            "ix_paid_services_order_site_id_scheduled_on", ["site_id", "scheduled_on"], unique=False
        )
        batch_op.create_index(
            "ix_paid_services_order_site_id_status_scheduled_on",
            ["site_id", "status", "scheduled_on"],
            unique=False,
        )
        batch_op.create_index(
            "ix_paid_services_order_site_id_delivered_on", ["site_id", "delivered_on"], unique=False
        )
        batch_op.create_index(
            "ix_paid_services_order_unpaid",
            ["site_id", "status"],
            unique=False,
            sqlite_where=sa.text("paid_minor < total_minor"),
            postgresql_where=sa.text("paid_minor < total_minor"),
        )

    op.create_table(
        "paid_services_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("unit_of_sale", sa.String(length=10), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("quantity_hundredths", sa.Integer(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "unit_of_sale IN ('visit', 'hour', 'm2', 'month')",
            name=op.f("ck_paid_services_line_unit_of_sale"),
        ),
        sa.CheckConstraint(
            "quantity_hundredths > 0", name=op.f("ck_paid_services_line_quantity_positive")
        ),
        sa.CheckConstraint(
            "total_minor >= 0", name=op.f("ck_paid_services_line_total_not_negative")
        ),
        sa.CheckConstraint(
            "unit_price_minor >= 0", name=op.f("ck_paid_services_line_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["paid_services_order.id"],
            name=op.f("fk_paid_services_line_order_id_paid_services_order"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["paid_services_service.id"],
            name=op.f("fk_paid_services_line_service_id_paid_services_service"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_paid_services_line_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paid_services_line")),
        sa.UniqueConstraint(
            "site_id",
            "order_id",
            "period",
            name=op.f("uq_paid_services_line_site_id_order_id_period"),
        ),
    )
    with op.batch_alter_table("paid_services_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paid_services_line_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_paid_services_line_site_id_order_id", ["site_id", "order_id"], unique=False
        )
        batch_op.create_index(
            "ix_paid_services_line_site_id_service_id", ["site_id", "service_id"], unique=False
        )
        batch_op.create_index(
            "ix_paid_services_line_site_id_period", ["site_id", "period"], unique=False
        )

    op.create_table(
        "paid_services_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('payment', 'refund')", name=op.f("ck_paid_services_payment_kind")
        ),
        sa.CheckConstraint(
            "method IN ('cash', 'card', 'transfer', 'wechat_pay', 'alipay')",
            name=op.f("ck_paid_services_payment_method"),
        ),
        sa.CheckConstraint(
            "amount_minor > 0", name=op.f("ck_paid_services_payment_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["paid_services_order.id"],
            name=op.f("fk_paid_services_payment_order_id_paid_services_order"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_paid_services_payment_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_paid_services_payment_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paid_services_payment")),
    )
    with op.batch_alter_table("paid_services_payment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paid_services_payment_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_paid_services_payment_site_id_order_id", ["site_id", "order_id"], unique=False
        )
        batch_op.create_index(
            "ix_paid_services_payment_site_id_received_at", ["site_id", "received_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("paid_services_payment", schema=None) as batch_op:
        batch_op.drop_index("ix_paid_services_payment_site_id_received_at")
        batch_op.drop_index("ix_paid_services_payment_site_id_order_id")
        batch_op.drop_index(batch_op.f("ix_paid_services_payment_site_id"))

    op.drop_table("paid_services_payment")
    with op.batch_alter_table("paid_services_line", schema=None) as batch_op:
        batch_op.drop_index("ix_paid_services_line_site_id_period")
        batch_op.drop_index("ix_paid_services_line_site_id_service_id")
        batch_op.drop_index("ix_paid_services_line_site_id_order_id")
        batch_op.drop_index(batch_op.f("ix_paid_services_line_site_id"))

    op.drop_table("paid_services_line")
    with op.batch_alter_table("paid_services_order", schema=None) as batch_op:
        batch_op.drop_index("ix_paid_services_order_unpaid")
        batch_op.drop_index("ix_paid_services_order_site_id_delivered_on")
        batch_op.drop_index("ix_paid_services_order_site_id_status_scheduled_on")
        batch_op.drop_index("ix_paid_services_order_site_id_scheduled_on")
        batch_op.drop_index("ix_paid_services_order_site_id_resident_id")
        batch_op.drop_index(batch_op.f("ix_paid_services_order_site_id"))

    op.drop_table("paid_services_order")
    with op.batch_alter_table("paid_services_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paid_services_service_site_id"))

    op.drop_table("paid_services_service")
