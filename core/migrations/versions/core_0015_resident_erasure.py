"""Residents can be erased: the site's years after archiving, the resident's erased time,
and an audit guard that lets an erasure blank an audit row's detail (and nothing else).

Revision ID: core_0015
Revises: core_0014
Create Date: 2026-12-08 02:30:00

"""

import sqlalchemy as sa
from alembic import op

from core.audit_guard import create_statements, drop_statements

revision = "core_0015"
down_revision = "core_0014"
branch_labels = None
depends_on = None


def _guard(redaction: bool) -> None:
    dialect = op.get_bind().dialect.name
    for statement in (*drop_statements(dialect), *create_statements(dialect, redaction)):
        op.execute(statement)


def upgrade():
    # Plain ADD COLUMNs: SQLite's batch mode would copy site and resident, which the rows
    # of many tables point at. The CHECK on the years is the model's; SQLite cannot add
    # one to an existing table without copying it, so there it lives in the form only.
    op.add_column(
        "site",
        sa.Column("erasure_after_years", sa.Integer(), nullable=False, server_default="6"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_check_constraint(
            "ck_site_erasure_after_years", "site", "erasure_after_years BETWEEN 1 AND 50"
        )
    op.add_column("resident", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    _guard(redaction=True)


def downgrade():
    _guard(redaction=False)
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("ck_site_erasure_after_years", "site", type_="check")
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_column("erasure_after_years")
