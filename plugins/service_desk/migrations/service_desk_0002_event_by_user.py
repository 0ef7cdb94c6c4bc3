"""The butler's work log reads one person's steps of one day: an index for it.

Revision ID: service_desk_0002
Revises: service_desk_0001
Create Date: 2026-12-07 23:30:00

"""

from alembic import op

revision = "service_desk_0002"
down_revision = "service_desk_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("service_desk_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_desk_event_site_id_user_id_at"),
            ["site_id", "user_id", "at"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("service_desk_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_desk_event_site_id_user_id_at"))
