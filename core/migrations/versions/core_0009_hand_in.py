"""Hand-ins: a butler's month handed in, with a snapshot of its figures.

Revision ID: core_0009
Revises: core_0007
Create Date: 2026-12-08 06:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "core_0009"
down_revision = "core_0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hand_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("butler_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("handed_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_in_by_id", sa.Integer(), nullable=False),
        sa.Column("first_handed_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["butler_id"], ["user_account.id"], name=op.f("fk_hand_in_butler_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["handed_in_by_id"],
            ["user_account.id"],
            name=op.f("fk_hand_in_handed_in_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_hand_in_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hand_in")),
        sa.UniqueConstraint(
            "site_id", "butler_id", "period", name=op.f("uq_hand_in_site_id_butler_id_period")
        ),
    )
    with op.batch_alter_table("hand_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hand_in_site_id"), ["site_id"], unique=False)
        batch_op.create_index("ix_hand_in_site_id_period", ["site_id", "period"], unique=False)


def downgrade():
    with op.batch_alter_table("hand_in", schema=None) as batch_op:
        batch_op.drop_index("ix_hand_in_site_id_period")
        batch_op.drop_index(batch_op.f("ix_hand_in_site_id"))
    op.drop_table("hand_in")
