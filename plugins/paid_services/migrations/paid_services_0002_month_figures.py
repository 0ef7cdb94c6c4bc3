"""Paid services: the month figures the revenue report reads, and each order's share.

The figures of the orders already there are counted here (``rollup.rebuild``), so the
report shows the same numbers before and after the upgrade.

Revision ID: paid_services_0002
Revises: paid_services_0001
Create Date: 2026-12-08 02:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "paid_services_0002"
down_revision = "paid_services_0001"
branch_labels = None
depends_on = None

FIGURES = (
    ("delivered_lines", sa.Integer()),
    ("delivered_minor", sa.BigInteger()),
    ("payments", sa.Integer()),
    ("collected_minor", sa.BigInteger()),
    ("sold_orders", sa.Integer()),
    ("sold_minor", sa.BigInteger()),
)


def _columns(table: str) -> list:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=False),
        *(sa.Column(name, kind, nullable=False) for name, kind in FIGURES),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f(f"fk_{table}_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade():
    op.create_table(
        "paid_services_month_figure",
        *_columns("paid_services_month_figure"),
        sa.UniqueConstraint(
            "site_id", "month", "service_id", "seller_id", name="uq_paid_services_month_figure_key"
        ),
    )
    with op.batch_alter_table("paid_services_month_figure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paid_services_month_figure_site_id"), ["site_id"], unique=False
        )
    op.create_table(
        "paid_services_order_share",
        sa.Column("order_id", sa.Integer(), nullable=False),
        *_columns("paid_services_order_share"),
    )
    with op.batch_alter_table("paid_services_order_share", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paid_services_order_share_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_paid_services_order_share_site_id_order_id", ["site_id", "order_id"], unique=False
        )

    from plugins.paid_services.rollup import rebuild

    connection = op.get_bind()
    for (site_id,) in connection.execute(
        sa.text("SELECT DISTINCT site_id FROM paid_services_order")
    ):
        rebuild(site_id, connection)


def downgrade():
    op.drop_table("paid_services_order_share")
    op.drop_table("paid_services_month_figure")
