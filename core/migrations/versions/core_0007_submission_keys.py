"""Submission keys: the Idempotency-Key of each form a site has written (offline replays).

Revision ID: core_0007
Revises: core_0006
Create Date: 2026-12-07 06:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "core_0007"
down_revision = "core_0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "submission_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_submission_key_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_submission_key_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_key")),
        sa.UniqueConstraint("site_id", "key", name=op.f("uq_submission_key_site_id_key")),
    )
    with op.batch_alter_table("submission_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_key_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_submission_key_site_id_created_at", ["site_id", "created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("submission_key", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_key_site_id_created_at")
        batch_op.drop_index(batch_op.f("ix_submission_key_site_id"))
    op.drop_table("submission_key")
