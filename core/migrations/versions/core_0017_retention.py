"""Retention: how many days a site keeps finished job runs, delivered messages and imports,
and a summary of what each job run did.

Revision ID: core_0017
Revises: core_0015
Create Date: 2026-12-08 02:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "core_0017"
down_revision = "core_0015"
branch_labels = None
depends_on = None

SITE_COLUMNS = (
    ("retention_job_run_days", "90"),
    ("retention_outbox_days", "180"),
    ("retention_import_days", "30"),
)


def upgrade():
    # Plain ADD COLUMNs: SQLite's batch mode would copy site, which most tables point at.
    for name, days in SITE_COLUMNS:
        op.add_column("site", sa.Column(name, sa.Integer(), nullable=False, server_default=days))
    op.add_column("job_run", sa.Column("summary", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.drop_column("summary")
    with op.batch_alter_table("site", schema=None) as batch_op:
        for name, _days in reversed(SITE_COLUMNS):
            batch_op.drop_column(name)
