"""Plugins add kinds of import file: the CHECK listing the core's two kinds goes.

Revision ID: core_0013
Revises: core_0012
Create Date: 2026-12-07 23:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "core_0013"
down_revision = "core_0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_import_batch_kind"), type_="check")


def downgrade():
    # A plugin's batches would break the old rule: they go with the downgrade.
    op.execute(sa.text("DELETE FROM import_batch WHERE kind NOT IN ('units', 'residents')"))
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_check_constraint("kind", "kind IN ('units', 'residents')")
