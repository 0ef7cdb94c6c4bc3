"""The butler's work log reads the parcels one person signed in or handed over on a
day: an index for each.

Revision ID: care_0002
Revises: care_0001
Create Date: 2026-12-07 23:30:00

"""

from alembic import op

revision = "care_0002"
down_revision = "care_0001"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_care_parcel_site_id_received_by_id_received_at": [
        "site_id",
        "received_by_id",
        "received_at",
    ],
    "ix_care_parcel_site_id_handed_by_id_handed_at": ["site_id", "handed_by_id", "handed_at"],
}


def upgrade():
    with op.batch_alter_table("care_parcel", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(batch_op.f(name), columns, unique=False)


def downgrade():
    with op.batch_alter_table("care_parcel", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(batch_op.f(name))
