"""Surveys of residents' opinion (客戶意見征詢): templates and waves, their questions, the
households asked, and the answers.

A *template* is a survey row with ``is_template`` set (one per cadence, seeded per site);
a *wave* is a survey started from a template, with the template's questions copied. The
trend compares a wave with the previous wave of the same template, question by ``code``.

Anonymity: an ``Invitation`` is the household's personal link and its "answered" marker
(enough for the response rate); a ``Response`` of an anonymous survey carries no
invitation, no household and no exact time, so nothing joins an answer to a household.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import Building, SiteOwned, Timestamps, Unit, User, UTCDateTime

CADENCES = ("monthly", "quarterly", "half_yearly", "annual")
TARGETS = ("site", "buildings", "sample")
KINDS = ("rating", "single", "multiple", "nps", "text")
CHANNELS = ("link", "visit", "call")
LOCALES = ("en", "zh_Hant", "zh_Hans")


class Translated:
    """Text kept in the three languages; ``text_in(locale)`` falls back to English."""

    def text_in(self, locale: str | None, prefix: str = "text") -> str:
        column = {"zh_Hant": "zh_hant", "zh_Hans": "zh_hans"}.get(locale or "", "en")
        return getattr(self, f"{prefix}_{column}") or getattr(self, f"{prefix}_en")


class Survey(SiteOwned, Timestamps, Translated, db.Model):
    __tablename__ = "surveys_survey"
    __table_args__ = (
        CheckConstraint(
            "cadence IN ('monthly', 'quarterly', 'half_yearly', 'annual')", name="cadence"
        ),
        CheckConstraint("target IN ('site', 'buildings', 'sample')", name="target"),
        CheckConstraint("sample_size IS NULL OR sample_size > 0", name="sample_size"),
        CheckConstraint("closes_on >= opens_on", name="dates"),
        Index("ix_surveys_survey_site_id_template_id", "site_id", "template_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    is_template: Mapped[bool] = mapped_column(Boolean, default=False)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("surveys_survey.id"))
    cadence: Mapped[str] = mapped_column(String(20))
    title_en: Mapped[str] = mapped_column(String(200))
    title_zh_hant: Mapped[str] = mapped_column(String(200), default="")
    title_zh_hans: Mapped[str] = mapped_column(String(200), default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    target: Mapped[str] = mapped_column(String(20), default="site")
    sample_size: Mapped[int | None] = mapped_column(Integer)
    sample_seed: Mapped[int | None] = mapped_column(Integer)
    opens_on: Mapped[date] = mapped_column(Date)
    # The links' expiry date: the last day an answer is taken.
    closes_on: Mapped[date] = mapped_column(Date)
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    questions: Mapped[list[Question]] = relationship(order_by="Question.position", viewonly=True)
    buildings: Mapped[list[Building]] = relationship(
        secondary="surveys_target_building", order_by="Building.code", viewonly=True
    )

    def title_in(self, locale: str | None) -> str:
        return self.text_in(locale, "title")

    def state(self, today: date) -> str:
        """draft, running or closed."""
        if self.launched_at is None:
            return "draft"
        if self.closed_at is not None or today > self.closes_on:
            return "closed"
        return "running"


class TargetBuilding(SiteOwned, db.Model):
    __tablename__ = "surveys_target_building"
    __table_args__ = (UniqueConstraint("site_id", "survey_id", "building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys_survey.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))


class Question(SiteOwned, Translated, db.Model):
    __tablename__ = "surveys_question"
    __table_args__ = (
        CheckConstraint("kind IN ('rating', 'single', 'multiple', 'nps', 'text')", name="kind"),
        Index("ix_surveys_question_site_id_survey_id", "site_id", "survey_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys_survey.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The same question in every wave of a template has the same code (for the trend).
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    text_en: Mapped[str] = mapped_column(String(300))
    text_zh_hant: Mapped[str] = mapped_column(String(300), default="")
    text_zh_hans: Mapped[str] = mapped_column(String(300), default="")
    # The choices of a single or multiple choice: a JSON list of {"en", "zh_Hant", "zh_Hans"}.
    options_json: Mapped[str] = mapped_column(Text, default="[]")

    @property
    def options(self) -> list[dict[str, str]]:
        return json.loads(self.options_json or "[]")

    def options_in(self, locale: str | None) -> list[str]:
        return [o.get(locale or "en") or o.get("en", "") for o in self.options]


class Invitation(SiteOwned, db.Model):
    """A household asked in a wave: its personal link and whether it has answered."""

    __tablename__ = "surveys_invitation"
    __table_args__ = (
        UniqueConstraint("site_id", "survey_id", "unit_id"),
        CheckConstraint("channel IS NULL OR channel IN ('link', 'visit', 'call')", name="channel"),
        Index("ix_surveys_invitation_site_id_survey_id", "site_id", "survey_id", "building_id"),
        Index("ix_surveys_invitation_site_id_recorded_by_id", "site_id", "recorded_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys_survey.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str | None] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    survey: Mapped[Survey] = relationship()
    unit: Mapped[Unit] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class Response(SiteOwned, db.Model):
    """One household's answers to a wave. Anonymous: no invitation, the day only."""

    __tablename__ = "surveys_response"
    __table_args__ = (
        # One answer per household: a second insert for the same link fails.
        UniqueConstraint("site_id", "invitation_id"),
        CheckConstraint("channel IN ('link', 'visit', 'call')", name="channel"),
        Index("ix_surveys_response_site_id_survey_id", "site_id", "survey_id", "building_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys_survey.id"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("surveys_invitation.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    channel: Mapped[str] = mapped_column(String(10))
    answered_on: Mapped[date] = mapped_column(Date)


class Answer(SiteOwned, db.Model):
    """One question's answer: ``value`` for a rating, a 0–10 score or a single choice's
    index; ``choices`` the indexes of a multiple choice (``"0,2"``); ``text`` free text,
    with its ``words`` (cut once, when it is written, for the word counts).

    ``building_id`` repeats the response's, so that the analysis counts a question's
    answers per building from one index alone."""

    __tablename__ = "surveys_answer"
    __table_args__ = (
        UniqueConstraint("site_id", "response_id", "question_id"),
        Index(
            "ix_surveys_answer_site_id_question_id",
            "site_id",
            "question_id",
            "building_id",
            "value",
            "choices",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("surveys_response.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("surveys_question.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    value: Mapped[int | None] = mapped_column(Integer)
    choices: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[str] = mapped_column(Text, default="")


MODELS = [Survey, TargetBuilding, Question, Invitation, Response, Answer]
