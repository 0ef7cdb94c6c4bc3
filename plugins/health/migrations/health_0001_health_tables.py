"""Health checks: profiles and consent, checks and normal ranges, campaigns, slots,
invitations, results and erasures.

Revision ID: health_0001
Revises:
Create Date: 2026-11-28 05:44:55.873733

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "health_0001"
down_revision = None
branch_labels = ("health",)
depends_on = "core_0006"


def upgrade():
    op.create_table(
        "health_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("plausible_min", sa.Integer(), nullable=False),
        sa.Column("plausible_max", sa.Integer(), nullable=False),
        sa.Column("plausible_min2", sa.Integer(), nullable=True),
        sa.Column("plausible_max2", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("standard", sa.Boolean(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind = 'single' OR (plausible_min2 IS NOT NULL AND plausible_max2 IS NOT NULL"
            " AND plausible_min2 < plausible_max2)",
            name=op.f("ck_health_check_plausible2"),
        ),
        sa.CheckConstraint("kind IN ('single', 'pair')", name=op.f("ck_health_check_kind")),
        sa.CheckConstraint(
            "decimals >= 0 AND decimals <= 2", name=op.f("ck_health_check_decimals")
        ),
        sa.CheckConstraint("plausible_min < plausible_max", name=op.f("ck_health_check_plausible")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_health_check_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_check")),
        sa.UniqueConstraint("site_id", "code", name=op.f("uq_health_check_site_id_code")),
    )
    with op.batch_alter_table("health_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_check_site_id"), ["site_id"], unique=False)
    op.create_table(
        "health_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_health_campaign_dates")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_health_campaign_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_health_campaign_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_campaign")),
    )
    with op.batch_alter_table("health_campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_campaign_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_health_campaign_site_id_starts_on", ["site_id", "starts_on"], unique=False
        )
    op.create_table(
        "health_erasure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_by_id", sa.Integer(), nullable=True),
        sa.Column("results_deleted", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["erased_by_id"],
            ["user_account.id"],
            name=op.f("fk_health_erasure_erased_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_health_erasure_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_health_erasure_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_erasure")),
    )
    with op.batch_alter_table("health_erasure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_erasure_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_health_erasure_site_id_resident_id", ["site_id", "resident_id"], unique=False
        )
    op.create_table(
        "health_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("consent_given_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_given_by_id", sa.Integer(), nullable=True),
        sa.Column("consent_withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("sex IN ('', 'F', 'M')", name=op.f("ck_health_profile_sex")),
        sa.CheckConstraint(
            "consent = false OR consent_given_at IS NOT NULL",
            name=op.f("ck_health_profile_consent_has_a_date"),
        ),
        sa.ForeignKeyConstraint(
            ["consent_given_by_id"],
            ["user_account.id"],
            name=op.f("fk_health_profile_consent_given_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["consent_withdrawn_by_id"],
            ["user_account.id"],
            name=op.f("fk_health_profile_consent_withdrawn_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_health_profile_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_health_profile_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_profile")),
        sa.UniqueConstraint(
            "site_id", "resident_id", name=op.f("uq_health_profile_site_id_resident_id")
        ),
    )
    with op.batch_alter_table("health_profile", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_profile_site_id"), ["site_id"], unique=False)
    op.create_table(
        "health_range",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=3), nullable=False),
        sa.Column("age_min", sa.Integer(), nullable=False),
        sa.Column("age_max", sa.Integer(), nullable=False),
        sa.Column("low", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.Column("low2", sa.Integer(), nullable=True),
        sa.Column("high2", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("sex IN ('any', 'F', 'M')", name=op.f("ck_health_range_sex")),
        sa.CheckConstraint(
            "age_min >= 0 AND age_max <= 150 AND age_min <= age_max",
            name=op.f("ck_health_range_ages"),
        ),
        sa.CheckConstraint("low <= high", name=op.f("ck_health_range_bounds")),
        sa.CheckConstraint(
            "low2 IS NULL OR high2 IS NULL OR low2 <= high2", name=op.f("ck_health_range_bounds2")
        ),
        sa.ForeignKeyConstraint(
            ["check_id"], ["health_check.id"], name=op.f("fk_health_range_check_id_health_check")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_health_range_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_range")),
    )
    with op.batch_alter_table("health_range", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_range_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_health_range_site_id_check_id", ["site_id", "check_id"], unique=False
        )
    op.create_table(
        "health_campaign_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["health_campaign.id"],
            name=op.f("fk_health_campaign_check_campaign_id_health_campaign"),
        ),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["health_check.id"],
            name=op.f("fk_health_campaign_check_check_id_health_check"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_health_campaign_check_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_campaign_check")),
        sa.UniqueConstraint(
            "site_id",
            "campaign_id",
            "check_id",
            name=op.f("uq_health_campaign_check_site_id_campaign_id_check_id"),
        ),
    )
    with op.batch_alter_table("health_campaign_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_health_campaign_check_site_id"), ["site_id"], unique=False
        )
    op.create_table(
        "health_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("value2", sa.Integer(), nullable=True),
        sa.Column("flag", sa.String(length=6), nullable=False),
        sa.Column("range_low", sa.Integer(), nullable=True),
        sa.Column("range_high", sa.Integer(), nullable=True),
        sa.Column("range_low2", sa.Integer(), nullable=True),
        sa.Column("range_high2", sa.Integer(), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "flag IN ('', 'normal', 'low', 'high')", name=op.f("ck_health_result_flag")
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["health_campaign.id"],
            name=op.f("fk_health_result_campaign_id_health_campaign"),
        ),
        sa.ForeignKeyConstraint(
            ["check_id"], ["health_check.id"], name=op.f("fk_health_result_check_id_health_check")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["user_account.id"],
            name=op.f("fk_health_result_entered_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_health_result_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_health_result_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_result")),
        sa.UniqueConstraint(
            "site_id",
            "campaign_id",
            "resident_id",
            "check_id",
            name=op.f("uq_health_result_site_id_campaign_id_resident_id_check_id"),
        ),
    )
    with op.batch_alter_table("health_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_result_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_health_result_site_id_campaign_id", ["site_id", "campaign_id"], unique=False
        )
        batch_op.create_index(
            "ix_health_result_site_id_resident_id_check_id",
            ["site_id", "resident_id", "check_id", "measured_on"],
            unique=False,
        )
    op.create_table(
        "health_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_health_slot_capacity")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["health_campaign.id"],
            name=op.f("fk_health_slot_campaign_id_health_campaign"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_health_slot_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_slot")),
    )
    with op.batch_alter_table("health_slot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_slot_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_health_slot_site_id_campaign_id", ["site_id", "campaign_id"], unique=False
        )
    op.create_table(
        "health_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("attended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assessment", sa.Text(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status <> 'booked' OR slot_id IS NOT NULL",
            name=op.f("ck_health_invitation_booked_has_slot"),
        ),
        sa.CheckConstraint(
            "status IN ('invited', 'booked', 'attended', 'missed', 'declined')",
            name=op.f("ck_health_invitation_status"),
        ),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["user_account.id"],
            name=op.f("fk_health_invitation_assessed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["health_campaign.id"],
            name=op.f("fk_health_invitation_campaign_id_health_campaign"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_health_invitation_invited_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_health_invitation_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_health_invitation_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["health_slot.id"], name=op.f("fk_health_invitation_slot_id_health_slot")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_invitation")),
        sa.UniqueConstraint(
            "site_id",
            "campaign_id",
            "resident_id",
            name=op.f("uq_health_invitation_site_id_campaign_id_resident_id"),
        ),
    )
    with op.batch_alter_table("health_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_health_invitation_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_health_invitation_site_id_resident_id", ["site_id", "resident_id"], unique=False
        )
        batch_op.create_index(
            "ix_health_invitation_site_id_slot_id", ["site_id", "slot_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("health_invitation", schema=None) as batch_op:
        batch_op.drop_index("ix_health_invitation_site_id_slot_id")
        batch_op.drop_index("ix_health_invitation_site_id_resident_id")
        batch_op.drop_index(batch_op.f("ix_health_invitation_site_id"))
    op.drop_table("health_invitation")
    with op.batch_alter_table("health_slot", schema=None) as batch_op:
        batch_op.drop_index("ix_health_slot_site_id_campaign_id")
        batch_op.drop_index(batch_op.f("ix_health_slot_site_id"))
    op.drop_table("health_slot")
    with op.batch_alter_table("health_result", schema=None) as batch_op:
        batch_op.drop_index("ix_health_result_site_id_resident_id_check_id")
        batch_op.drop_index("ix_health_result_site_id_campaign_id")
        batch_op.drop_index(batch_op.f("ix_health_result_site_id"))
    op.drop_table("health_result")
    with op.batch_alter_table("health_campaign_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_campaign_check_site_id"))
    op.drop_table("health_campaign_check")
    with op.batch_alter_table("health_range", schema=None) as batch_op:
        batch_op.drop_index("ix_health_range_site_id_check_id")
        batch_op.drop_index(batch_op.f("ix_health_range_site_id"))
    op.drop_table("health_range")
    with op.batch_alter_table("health_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_profile_site_id"))
    op.drop_table("health_profile")
    with op.batch_alter_table("health_erasure", schema=None) as batch_op:
        batch_op.drop_index("ix_health_erasure_site_id_resident_id")
        batch_op.drop_index(batch_op.f("ix_health_erasure_site_id"))
    op.drop_table("health_erasure")
    with op.batch_alter_table("health_campaign", schema=None) as batch_op:
        batch_op.drop_index("ix_health_campaign_site_id_starts_on")
        batch_op.drop_index(batch_op.f("ix_health_campaign_site_id"))
    op.drop_table("health_campaign")
    with op.batch_alter_table("health_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_health_check_site_id"))
    op.drop_table("health_check")
