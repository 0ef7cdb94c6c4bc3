"""Community events: events, their audience buildings, registrations and photos.

Revision ID: events_0001
Revises:
Create Date: 2026-11-28 06:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "events_0001"
down_revision = None
branch_labels = ("events",)
depends_on = "core_0006"

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "events_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("ends_at", TZ, nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("registration_opens_at", TZ, nullable=True),
        sa.Column("registration_closes_at", TZ, nullable=True),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("series_key", sa.String(length=32), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("cancelled_at", TZ, nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_events_event_capacity")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_events_event_times")),
        sa.CheckConstraint("price >= 0", name=op.f("ck_events_event_price")),
        sa.CheckConstraint(
            "audience IN ('site', 'buildings')", name=op.f("ck_events_event_audience")
        ),
        sa.CheckConstraint(
            "min_age IS NULL OR max_age IS NULL OR min_age <= max_age",
            name=op.f("ck_events_event_age_band"),
        ),
        sa.CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL "
            "OR registration_opens_at < registration_closes_at",
            name=op.f("ck_events_event_registration_window"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_events_event_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["user_account.id"], name=op.f("fk_events_event_staff_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events_event")),
    )
    with op.batch_alter_table("events_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_event_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_events_event_site_id_starts_at", ["site_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_events_event_site_id_series_key", ["site_id", "series_key"], unique=False
        )

    op.create_table(
        "events_audience_building",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["building.id"],
            name=op.f("fk_events_audience_building_building_id_building"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events_event.id"],
            name=op.f("fk_events_audience_building_event_id_events_event"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_events_audience_building_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events_audience_building")),
        sa.UniqueConstraint(
            "site_id",
            "event_id",
            "building_id",
            name=op.f("uq_events_audience_building_site_id_event_id_building_id"),
        ),
    )
    with op.batch_alter_table("events_audience_building", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_audience_building_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "events_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("queued_at", TZ, nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("feedback_score", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint("places > 0", name=op.f("ck_events_registration_places")),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waiting', 'cancelled')",
            name=op.f("ck_events_registration_status"),
        ),
        sa.CheckConstraint(
            "channel IN ('phone', 'walk_in')", name=op.f("ck_events_registration_channel")
        ),
        sa.CheckConstraint(
            "feedback_score IS NULL OR (feedback_score >= 1 AND feedback_score <= 5)",
            name=op.f("ck_events_registration_feedback_score"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events_event.id"],
            name=op.f("fk_events_registration_event_id_events_event"),
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["user_account.id"],
            name=op.f("fk_events_registration_registered_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name=op.f("fk_events_registration_resident_id_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_events_registration_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events_registration")),
        sa.UniqueConstraint(
            "site_id",
            "event_id",
            "resident_id",
            name=op.f("uq_events_registration_site_id_event_id_resident_id"),
        ),
    )
    with op.batch_alter_table("events_registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_registration_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_events_registration_site_id_event_id_status",
            ["site_id", "event_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            "ix_events_registration_site_id_resident_id",
            ["site_id", "resident_id"],
            unique=False,
        )

    op.create_table(
        "events_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events_event.id"], name=op.f("fk_events_photo_event_id_events_event")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_events_photo_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_events_photo_uploaded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events_photo")),
    )
    with op.batch_alter_table("events_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_photo_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_events_photo_site_id_event_id", ["site_id", "event_id"], unique=False
        )


def downgrade():
    op.drop_table("events_photo")
    op.drop_table("events_registration")
    op.drop_table("events_audience_building")
    op.drop_table("events_event")
