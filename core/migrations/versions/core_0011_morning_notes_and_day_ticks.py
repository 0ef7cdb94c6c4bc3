"""The butler's day: morning meeting notes, who has read them, and items ticked done.

Revision ID: core_0011
Revises: core_0010
Create Date: 2026-12-07 11:30:32.452963

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "core_0011"
down_revision = "core_0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "day_tick",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("item_key", sa.String(length=120), nullable=False),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_day_tick_site_id_site")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_day_tick_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_tick")),
        sa.UniqueConstraint(
            "site_id",
            "user_id",
            "day",
            "item_key",
            name=op.f("uq_day_tick_site_id_user_id_day_item_key"),
        ),
    )
    with op.batch_alter_table("day_tick", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_day_tick_site_id"), ["site_id"], unique=False)

    op.create_table(
        "morning_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_morning_note_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_morning_note_building_id_building")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_morning_note_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_morning_note")),
    )
    with op.batch_alter_table("morning_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_morning_note_site_id"), ["site_id"], unique=False)
        batch_op.create_index("ix_morning_note_site_id_day", ["site_id", "day"], unique=False)

    op.create_table(
        "morning_note_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["morning_note.id"], name=op.f("fk_morning_note_read_note_id_morning_note")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_morning_note_read_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_morning_note_read_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_morning_note_read")),
        sa.UniqueConstraint(
            "note_id", "user_id", name=op.f("uq_morning_note_read_note_id_user_id")
        ),
    )
    with op.batch_alter_table("morning_note_read", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_morning_note_read_site_id"), ["site_id"], unique=False)


def downgrade():
    with op.batch_alter_table("morning_note_read", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_morning_note_read_site_id"))

    op.drop_table("morning_note_read")
    with op.batch_alter_table("morning_note", schema=None) as batch_op:
        batch_op.drop_index("ix_morning_note_site_id_day")
        batch_op.drop_index(batch_op.f("ix_morning_note_site_id"))

    op.drop_table("morning_note")
    with op.batch_alter_table("day_tick", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_day_tick_site_id"))

    op.drop_table("day_tick")
