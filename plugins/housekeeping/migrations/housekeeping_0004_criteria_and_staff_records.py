"""Housekeeping: evaluations on criteria (quality, speed, grooming, attendance), and the
staff records of grooming checks, discipline and training.

Revision ID: housekeeping_0004
Revises: housekeeping_0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "housekeeping_0004"
down_revision = "housekeeping_0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "housekeeping_staff_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('grooming', 'discipline', 'training')",
            name=op.f("ck_housekeeping_staff_record_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_staff_record_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_housekeeping_staff_record_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_housekeeping_staff_record_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housekeeping_staff_record")),
    )
    with op.batch_alter_table("housekeeping_staff_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housekeeping_staff_record_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_housekeeping_staff_record_site_id_user_id", ["site_id", "user_id"], unique=False
        )

    with op.batch_alter_table("housekeeping_evaluation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quality", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("speed", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("grooming", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("attendance", sa.Integer(), nullable=True))
        for column in ("quality", "speed", "grooming", "attendance"):
            batch_op.create_check_constraint(
                op.f(f"ck_housekeeping_evaluation_{column}"),
                f"{column} IS NULL OR {column} BETWEEN 1 AND 5",
            )


def downgrade():
    with op.batch_alter_table("housekeeping_evaluation", schema=None) as batch_op:
        for column in ("quality", "speed", "grooming", "attendance"):
            batch_op.drop_constraint(op.f(f"ck_housekeeping_evaluation_{column}"), type_="check")
        batch_op.drop_column("attendance")
        batch_op.drop_column("grooming")
        batch_op.drop_column("speed")
        batch_op.drop_column("quality")

    with op.batch_alter_table("housekeeping_staff_record", schema=None) as batch_op:
        batch_op.drop_index("ix_housekeeping_staff_record_site_id_user_id")
        batch_op.drop_index(batch_op.f("ix_housekeeping_staff_record_site_id"))

    op.drop_table("housekeeping_staff_record")
