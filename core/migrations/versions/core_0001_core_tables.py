"""The core's tables: organisations, sites, buildings, units, residents, staff, audit.

Revision ID: core_0001
Revises:
Create Date: 2026-11-28 02:27:23.940538

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "core_0001"
down_revision = None
branch_labels = ("core",)
depends_on = None


def upgrade():

    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("slug", name=op.f("uq_organization_slug")),
    )
    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("default_locale", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "default_locale IN ('en', 'zh_Hant', 'zh_Hans')", name=op.f("ck_site_default_locale")
        ),
        sa.CheckConstraint("kind IN ('residential', 'hotel')", name=op.f("ck_site_kind")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_site_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site")),
        sa.UniqueConstraint("slug", name=op.f("uq_site_slug")),
    )
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_site_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "building",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("floors", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_building_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_building")),
        sa.UniqueConstraint("site_id", "code", name=op.f("uq_building_site_id_code")),
    )
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_building_site_id"), ["site_id"], unique=False)

    op.create_table(
        "resident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("phone2", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("employer", sa.String(length=200), nullable=False),
        sa.Column("work_phone", sa.String(length=40), nullable=False),
        sa.Column("work_address", sa.String(length=300), nullable=False),
        sa.Column("hobbies", sa.String(length=300), nullable=False),
        sa.Column("emergency_contact_name", sa.String(length=120), nullable=False),
        sa.Column("emergency_contact_phone", sa.String(length=40), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("preferred_locale", sa.String(length=10), nullable=False),
        sa.Column("consent_sms", sa.Boolean(), nullable=False),
        sa.Column("consent_email", sa.Boolean(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "preferred_locale IN ('', 'en', 'zh_Hant', 'zh_Hans')",
            name=op.f("ck_resident_preferred_locale"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_resident_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident")),
        sa.UniqueConstraint("site_id", "ref", name=op.f("uq_resident_site_id_ref")),
    )
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_resident_site_id"), ["site_id"], unique=False)
        batch_op.create_index("ix_resident_site_id_name", ["site_id", "name"], unique=False)
        batch_op.create_index("ix_resident_site_id_phone", ["site_id", "phone"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_org_admin", sa.Boolean(), nullable=False),
        sa.Column("last_site_id", sa.Integer(), nullable=True),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["last_site_id"], ["site.id"], name=op.f("fk_user_account_last_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_user_account_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_account_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=60), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_audit_log_site_id_site")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_audit_log_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_site_id_at", ["site_id", "at"], unique=False)
        batch_op.create_index(
            "ix_audit_log_site_id_object", ["site_id", "object_type", "object_id"], unique=False
        )

    op.create_table(
        "butler_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_butler_assignment_building_id_building")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_butler_assignment_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_butler_assignment_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_butler_assignment")),
    )
    with op.batch_alter_table("butler_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_butler_assignment_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_butler_assignment_site_id_user_id", ["site_id", "user_id"], unique=False
        )
        batch_op.create_index(
            "uq_butler_assignment_current",
            ["site_id", "building_id"],
            unique=True,
            sqlite_where=sa.text("ends_on IS NULL"),
            postgresql_where=sa.text("ends_on IS NULL"),
        )

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_membership_site_id_site")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_membership_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint(
            "site_id", "user_id", "role", name=op.f("uq_membership_site_id_user_id_role")
        ),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_site_id"), ["site_id"], unique=False)
        batch_op.create_index("ix_membership_user_id", ["user_id"], unique=False)

    op.create_table(
        "pet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("species", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("notes", sa.String(length=300), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_pet_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_pet_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pet")),
    )
    with op.batch_alter_table("pet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pet_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_pet_site_id_resident_id", ["site_id", "resident_id"], unique=False
        )

    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("floor", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("area_m2", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("room_type", sa.String(length=40), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('occupied', 'vacant', 'renovating', 'let')", name=op.f("ck_unit_status")
        ),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_unit_building_id_building")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_unit_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint(
            "site_id", "building_id", "number", name=op.f("uq_unit_site_id_building_id_number")
        ),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_building_id"), ["building_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_site_id"), ["site_id"], unique=False)
        batch_op.create_index("ix_unit_site_id_number", ["site_id", "number"], unique=False)

    op.create_table(
        "vehicle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=120), nullable=False),
        sa.Column("parking_space", sa.String(length=20), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_vehicle_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_vehicle_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle")),
        sa.UniqueConstraint("site_id", "plate", name=op.f("uq_vehicle_site_id_plate")),
    )
    with op.batch_alter_table("vehicle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vehicle_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_vehicle_site_id_resident_id", ["site_id", "resident_id"], unique=False
        )

    op.create_table(
        "occupancy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("moved_in", sa.Date(), nullable=False),
        sa.Column("moved_out", sa.Date(), nullable=True),
        sa.Column("is_primary_contact", sa.Boolean(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('owner', 'tenant', 'family', 'domestic_helper')",
            name=op.f("ck_occupancy_role"),
        ),
        sa.CheckConstraint(
            "moved_out IS NULL OR moved_out >= moved_in", name=op.f("ck_occupancy_dates")
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name=op.f("fk_occupancy_resident_id_resident")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_occupancy_site_id_site")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_occupancy_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occupancy")),
    )
    with op.batch_alter_table("occupancy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_occupancy_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_occupancy_site_id_resident_id", ["site_id", "resident_id"], unique=False
        )
        batch_op.create_index("ix_occupancy_site_id_unit_id", ["site_id", "unit_id"], unique=False)


def downgrade():

    with op.batch_alter_table("occupancy", schema=None) as batch_op:
        batch_op.drop_index("ix_occupancy_site_id_unit_id")
        batch_op.drop_index("ix_occupancy_site_id_resident_id")
        batch_op.drop_index(batch_op.f("ix_occupancy_site_id"))

    op.drop_table("occupancy")
    with op.batch_alter_table("vehicle", schema=None) as batch_op:
        batch_op.drop_index("ix_vehicle_site_id_resident_id")
        batch_op.drop_index(batch_op.f("ix_vehicle_site_id"))

    op.drop_table("vehicle")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index("ix_unit_site_id_number")
        batch_op.drop_index(batch_op.f("ix_unit_site_id"))
        batch_op.drop_index(batch_op.f("ix_unit_building_id"))

    op.drop_table("unit")
    with op.batch_alter_table("pet", schema=None) as batch_op:
        batch_op.drop_index("ix_pet_site_id_resident_id")
        batch_op.drop_index(batch_op.f("ix_pet_site_id"))

    op.drop_table("pet")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index("ix_membership_user_id")
        batch_op.drop_index(batch_op.f("ix_membership_site_id"))

    op.drop_table("membership")
    with op.batch_alter_table("butler_assignment", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_butler_assignment_current",
            sqlite_where=sa.text("ends_on IS NULL"),
            postgresql_where=sa.text("ends_on IS NULL"),
        )
        batch_op.drop_index("ix_butler_assignment_site_id_user_id")
        batch_op.drop_index(batch_op.f("ix_butler_assignment_site_id"))

    op.drop_table("butler_assignment")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_site_id_object")
        batch_op.drop_index("ix_audit_log_site_id_at")

    op.drop_table("audit_log")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_organization_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_index("ix_resident_site_id_phone")
        batch_op.drop_index("ix_resident_site_id_name")
        batch_op.drop_index(batch_op.f("ix_resident_site_id"))

    op.drop_table("resident")
    with op.batch_alter_table("building", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_building_site_id"))

    op.drop_table("building")
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_organization_id"))

    op.drop_table("site")
    op.drop_table("organization")
