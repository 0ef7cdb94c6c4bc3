"""Accounts and a readable audit: the roles an organisation requires a second factor of,
the residents each audited read showed, and an index for the audit page's "who" filter.

Revision ID: core_0016
Revises: core_0017
Create Date: 2026-12-08 02:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "core_0016"
down_revision = "core_0017"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: batch mode would copy organization, which many tables point at.
    op.add_column(
        "organization",
        sa.Column("second_factor_roles", sa.String(length=400), nullable=False, server_default=""),
    )
    # Indexes only on audit_log: rebuilding it would drop its append-only triggers.
    op.create_index("ix_audit_log_user_id_at", "audit_log", ["user_id", "at"], unique=False)
    op.create_table(
        "audit_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_audit_read_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_read")),
    )
    with op.batch_alter_table("audit_read", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_read_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_audit_read_site_id_resident_id_audit_id",
            ["site_id", "resident_id", "audit_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("audit_read", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_read_site_id_resident_id_audit_id")
        batch_op.drop_index(batch_op.f("ix_audit_read_site_id"))
    op.drop_table("audit_read")
    op.drop_index("ix_audit_log_user_id_at", table_name="audit_log")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("second_factor_roles")
