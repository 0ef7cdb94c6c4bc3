"""A password reset by an admin forces a new one at the next login; a TOTP code is
accepted once (the step of the last one is kept).

Revision ID: core_0014
Revises: core_0013
Create Date: 2026-12-07 23:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "core_0014"
down_revision = "core_0013"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: SQLite's batch mode would copy user_account, which the rows of
    # many tables point at.
    op.add_column(
        "user_account",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("user_account", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("must_change_password")
