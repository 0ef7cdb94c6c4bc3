"""The rest of the home-visit form on residents; contacts; spreadsheet imports.

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-11-28 03:03:30.767019

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('call', 'visit', 'message', 'note')", name=op.f("ck_contact_kind")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_contact_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_contact_site_id_site")),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["user_account.id"], name=op.f("fk_contact_staff_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_contact_site_id_resident_id_at", ["site_id", "resident_id", "at"], unique=False
        )

    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("created_rows", sa.Integer(), nullable=False),
        sa.Column("updated_rows", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('units', 'residents')", name=op.f("ck_import_batch_kind")),
        sa.CheckConstraint(
            "status IN ('validating', 'invalid', 'importing', 'done', 'failed')",
            name=op.f("ck_import_batch_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_import_batch_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_import_batch_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_import_batch_site_id_created_at", ["site_id", "created_at"], unique=False
        )

    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("domestic_helper", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "children_at_school", sa.String(length=300), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column("elderly_at_home", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("special_situations", sa.Text(), nullable=False, server_default="")
        )


def downgrade():

    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_column("special_situations")
        batch_op.drop_column("elderly_at_home")
        batch_op.drop_column("children_at_school")
        batch_op.drop_column("domestic_helper")

    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index("ix_import_batch_site_id_created_at")
        batch_op.drop_index(batch_op.f("ix_import_batch_site_id"))

    op.drop_table("import_batch")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_site_id_resident_id_at")
        batch_op.drop_index(batch_op.f("ix_contact_site_id"))

    op.drop_table("contact")
