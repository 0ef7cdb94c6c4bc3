"""The audit log becomes append-only: triggers refuse UPDATE, DELETE (and TRUNCATE).

Revision ID: core_0006
Revises: core_0005
Create Date: 2026-11-28 05:10:00

"""

from alembic import op

# The SQL is imported, not copied: core.audit_guard is also what db.create_all() runs,
# and one copy keeps migrated and created databases alike. Should the guard ever change,
# the new revision keeps the old statements for its downgrade, and this one stays as is.
from core.audit_guard import create_statements, drop_statements

# revision identifiers, used by Alembic.
revision = "core_0006"
down_revision = "core_0005"
branch_labels = None
depends_on = None


def upgrade():
    for statement in create_statements(op.get_bind().dialect.name, redaction=False):
        op.execute(statement)


def downgrade():
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
