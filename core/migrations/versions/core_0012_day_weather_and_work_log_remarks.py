"""A day marked rainy or typhoon, and the butler's remarks on their work log.

Revision ID: core_0012
Revises: core_0011
Create Date: 2026-12-07 14:35:07.049451

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "core_0012"
down_revision = "core_0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "day_weather",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["user_account.id"], name=op.f("fk_day_weather_set_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_day_weather_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_weather")),
        sa.UniqueConstraint("site_id", "day", name=op.f("uq_day_weather_site_id_day")),
    )
    with op.batch_alter_table("day_weather", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_day_weather_site_id"), ["site_id"], unique=False)

    op.create_table(
        "work_log_remark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_work_log_remark_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_work_log_remark_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_log_remark")),
        sa.UniqueConstraint(
            "site_id", "user_id", "day", name=op.f("uq_work_log_remark_site_id_user_id_day")
        ),
    )
    with op.batch_alter_table("work_log_remark", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_log_remark_site_id"), ["site_id"], unique=False)


def downgrade():
    with op.batch_alter_table("work_log_remark", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_log_remark_site_id"))

    op.drop_table("work_log_remark")
    with op.batch_alter_table("day_weather", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_day_weather_site_id"))

    op.drop_table("day_weather")
