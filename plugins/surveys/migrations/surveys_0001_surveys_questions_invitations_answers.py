"""Surveys: templates and waves, their questions, the households asked, the answers.

Revision ID: surveys_0001
Revises:
Create Date: 2026-12-07 15:33:03.465388

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "surveys_0001"
down_revision = None
branch_labels = ("surveys",)
depends_on = "core_0012"

TZ = sa.DateTime(timezone=True)


def upgrade():

    op.create_table(
        "surveys_survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("is_template", sa.Boolean(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("cadence", sa.String(length=20), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("title_zh_hant", sa.String(length=200), nullable=False),
        sa.Column("title_zh_hans", sa.String(length=200), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=True),
        sa.Column("sample_seed", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("launched_at", TZ, nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint(
            "cadence IN ('monthly', 'quarterly', 'half_yearly', 'annual')",
            name=op.f("ck_surveys_survey_cadence"),
        ),
        sa.CheckConstraint(
            "target IN ('site', 'buildings', 'sample')", name=op.f("ck_surveys_survey_target")
        ),
        sa.CheckConstraint("closes_on >= opens_on", name=op.f("ck_surveys_survey_dates")),
        sa.CheckConstraint(
            "sample_size IS NULL OR sample_size > 0", name=op.f("ck_surveys_survey_sample_size")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_surveys_survey_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_surveys_survey_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["surveys_survey.id"],
            name=op.f("fk_surveys_survey_template_id_surveys_survey"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys_survey")),
    )
    with op.batch_alter_table("surveys_survey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveys_survey_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_surveys_survey_site_id_template_id", ["site_id", "template_id"], unique=False
        )

    op.create_table(
        "surveys_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", TZ, nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "channel IS NULL OR channel IN ('link', 'visit', 'call')",
            name=op.f("ck_surveys_invitation_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["building.id"],
            name=op.f("fk_surveys_invitation_building_id_building"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_surveys_invitation_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["resident.id"],
            name=op.f("fk_surveys_invitation_resident_id_resident"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_surveys_invitation_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys_survey.id"],
            name=op.f("fk_surveys_invitation_survey_id_surveys_survey"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_surveys_invitation_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys_invitation")),
        sa.UniqueConstraint(
            "site_id",
            "survey_id",
            "unit_id",
            name=op.f("uq_surveys_invitation_site_id_survey_id_unit_id"),
        ),
    )
    with op.batch_alter_table("surveys_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_surveys_invitation_site_id"), ["site_id"], unique=False
        )
        batch_op.create_index(
            "ix_surveys_invitation_site_id_recorded_by_id",
            ["site_id", "recorded_by_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_surveys_invitation_site_id_survey_id",
            ["site_id", "survey_id", "building_id"],
            unique=False,
        )

    op.create_table(
        "surveys_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text_en", sa.String(length=300), nullable=False),
        sa.Column("text_zh_hant", sa.String(length=300), nullable=False),
        sa.Column("text_zh_hans", sa.String(length=300), nullable=False),
        sa.Column("options_json", sa.Text(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('rating', 'single', 'multiple', 'nps', 'text')",
            name=op.f("ck_surveys_question_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_surveys_question_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys_survey.id"],
            name=op.f("fk_surveys_question_survey_id_surveys_survey"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys_question")),
    )
    with op.batch_alter_table("surveys_question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveys_question_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_surveys_question_site_id_survey_id", ["site_id", "survey_id"], unique=False
        )

    op.create_table(
        "surveys_target_building",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["building.id"],
            name=op.f("fk_surveys_target_building_building_id_building"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_surveys_target_building_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys_survey.id"],
            name=op.f("fk_surveys_target_building_survey_id_surveys_survey"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys_target_building")),
        sa.UniqueConstraint(
            "site_id",
            "survey_id",
            "building_id",
            name=op.f("uq_surveys_target_building_site_id_survey_id_building_id"),
        ),
    )
    with op.batch_alter_table("surveys_target_building", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_surveys_target_building_site_id"), ["site_id"], unique=False
        )

    op.create_table(
        "surveys_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('link', 'visit', 'call')", name=op.f("ck_surveys_response_channel")
        ),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_surveys_response_building_id_building")
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["surveys_invitation.id"],
            name=op.f("fk_surveys_response_invitation_id_surveys_invitation"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_surveys_response_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys_survey.id"],
            name=op.f("fk_surveys_response_survey_id_surveys_survey"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys_response")),
        sa.UniqueConstraint(
            "site_id", "invitation_id", name=op.f("uq_surveys_response_site_id_invitation_id")
        ),
    )
    with op.batch_alter_table("surveys_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveys_response_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_surveys_response_site_id_survey_id",
            ["site_id", "survey_id", "building_id"],
            unique=False,
        )

    op.create_table(
        "surveys_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("choices", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"], ["building.id"], name=op.f("fk_surveys_answer_building_id_building")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["surveys_question.id"],
            name=op.f("fk_surveys_answer_question_id_surveys_question"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["surveys_response.id"],
            name=op.f("fk_surveys_answer_response_id_surveys_response"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_surveys_answer_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys_answer")),
        sa.UniqueConstraint(
            "site_id",
            "response_id",
            "question_id",
            name=op.f("uq_surveys_answer_site_id_response_id_question_id"),
        ),
    )
    with op.batch_alter_table("surveys_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surveys_answer_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_surveys_answer_site_id_question_id",
            ["site_id", "question_id", "building_id", "value", "choices"],
            unique=False,
        )


def downgrade():

    with op.batch_alter_table("surveys_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_answer_site_id_question_id")
        batch_op.drop_index(batch_op.f("ix_surveys_answer_site_id"))

    op.drop_table("surveys_answer")
    with op.batch_alter_table("surveys_response", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_response_site_id_survey_id")
        batch_op.drop_index(batch_op.f("ix_surveys_response_site_id"))

    op.drop_table("surveys_response")
    with op.batch_alter_table("surveys_target_building", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveys_target_building_site_id"))

    op.drop_table("surveys_target_building")
    with op.batch_alter_table("surveys_question", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_question_site_id_survey_id")
        batch_op.drop_index(batch_op.f("ix_surveys_question_site_id"))

    op.drop_table("surveys_question")
    with op.batch_alter_table("surveys_invitation", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_invitation_site_id_survey_id")
        batch_op.drop_index("ix_surveys_invitation_site_id_recorded_by_id")
        batch_op.drop_index(batch_op.f("ix_surveys_invitation_site_id"))

    op.drop_table("surveys_invitation")
    with op.batch_alter_table("surveys_survey", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_survey_site_id_template_id")
        batch_op.drop_index(batch_op.f("ix_surveys_survey_site_id"))

    op.drop_table("surveys_survey")
