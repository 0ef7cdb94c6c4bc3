"""plugin enablement per site

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-11-28 02:41:21.693002

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "plugin_enablement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plugin", sa.String(length=60), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_plugin_enablement_changed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_plugin_enablement_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plugin_enablement")),
        sa.UniqueConstraint("site_id", "plugin", name=op.f("uq_plugin_enablement_site_id_plugin")),
    )
    with op.batch_alter_table("plugin_enablement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plugin_enablement_site_id"), ["site_id"], unique=False)


def downgrade():

    with op.batch_alter_table("plugin_enablement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plugin_enablement_site_id"))

    op.drop_table("plugin_enablement")
