"""The example plugin's notes.

Revision ID: example_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "example_0001"
down_revision = None
branch_labels = ("example",)
depends_on = "core_0001"


def upgrade():
    op.create_table(
        "example_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_example_note_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_example_note_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_example_note")),
    )
    op.create_index(op.f("ix_example_note_site_id"), "example_note", ["site_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_example_note_site_id"), table_name="example_note")
    op.drop_table("example_note")
