"""Job runs hold a lease: a run still "running" past it is taken for dead.

Revision ID: core_0010
Revises: core_0009
Create Date: 2026-12-07 11:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "core_0010"
down_revision = "core_0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job_run") as batch:
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("job_run") as batch:
        batch.drop_column("lease_until")
