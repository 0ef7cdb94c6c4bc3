"""The health programme's tables: profiles and consent, checks and their normal ranges,
campaigns with their slots and invitations, results, and the record of erasures.

Measured values are integers scaled by the check's number of decimals (a glucose of
5.6 mmol/L with one decimal is stored as 56): never floats. A blood pressure is a pair:
``value`` is the systolic, ``value2`` the diastolic.
"""

from __future__ import annotations

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

from core import clock
from core.extensions import db
from core.models import Resident, SiteOwned, UTCDateTime

SEXES = ("F", "M")
RANGE_SEXES = ("any", "F", "M")
CHECK_KINDS = ("single", "pair")
INVITATION_STATUSES = ("invited", "booked", "attended", "missed", "declined")
FLAGS = ("", "normal", "low", "high")


class HealthProfile(SiteOwned, db.Model):
    """What the programme needs to know about a resident that the core does not hold:
    sex (for sex-specific normal ranges), a birth date when the core has none, and the
    resident's consent to keep a health record, with who recorded it and when."""

    __tablename__ = "health_profile"
    __table_args__ = (
        UniqueConstraint("site_id", "resident_id"),
        CheckConstraint("sex IN ('', 'F', 'M')", name="sex"),
        CheckConstraint(
            "consent = false OR consent_given_at IS NOT NULL", name="consent_has_a_date"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    sex: Mapped[str] = mapped_column(String(1), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_given_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    resident: Mapped[Resident] = relationship()


class HealthCheck(SiteOwned, db.Model):
    """A kind of measurement: blood pressure, glucose, BMI… or one the site defines.

    ``decimals`` says how values are scaled; the plausible bounds (scaled) refuse typing
    mistakes such as a blood pressure of 400.
    """

    __tablename__ = "health_check"
    __table_args__ = (
        UniqueConstraint("site_id", "code"),
        CheckConstraint("kind IN ('single', 'pair')", name="kind"),
        CheckConstraint("decimals >= 0 AND decimals <= 2", name="decimals"),
        CheckConstraint("plausible_min < plausible_max", name="plausible"),
        CheckConstraint(
            "kind = 'single' OR (plausible_min2 IS NOT NULL AND plausible_max2 IS NOT NULL"
            " AND plausible_min2 < plausible_max2)",
            name="plausible2",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(10), default="single")
    decimals: Mapped[int] = mapped_column(Integer, default=0)
    plausible_min: Mapped[int] = mapped_column(Integer)
    plausible_max: Mapped[int] = mapped_column(Integer)
    plausible_min2: Mapped[int | None] = mapped_column(Integer)
    plausible_max2: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=100)
    # True for the checks every site starts with; their names are translated on screen.
    standard: Mapped[bool] = mapped_column(Boolean, default=False)

    ranges: Mapped[list[HealthRange]] = relationship(
        back_populates="check", order_by="HealthRange.id"
    )


class HealthRange(SiteOwned, db.Model):
    """The normal range of a check for a sex (or anyone) and an age band, scaled."""

    __tablename__ = "health_range"
    __table_args__ = (
        CheckConstraint("sex IN ('any', 'F', 'M')", name="sex"),
        CheckConstraint("age_min >= 0 AND age_max <= 150 AND age_min <= age_max", name="ages"),
        CheckConstraint("low <= high", name="bounds"),
        CheckConstraint("low2 IS NULL OR high2 IS NULL OR low2 <= high2", name="bounds2"),
        Index("ix_health_range_site_id_check_id", "site_id", "check_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("health_check.id"))
    sex: Mapped[str] = mapped_column(String(3), default="any")
    age_min: Mapped[int] = mapped_column(Integer, default=0)
    age_max: Mapped[int] = mapped_column(Integer, default=150)
    low: Mapped[int] = mapped_column(Integer)
    high: Mapped[int] = mapped_column(Integer)
    low2: Mapped[int | None] = mapped_column(Integer)
    high2: Mapped[int | None] = mapped_column(Integer)

    check: Mapped[HealthCheck] = relationship(back_populates="ranges")


class HealthCampaign(SiteOwned, db.Model):
    """A health-check day (or days) at a place, with the checks it offers."""

    __tablename__ = "health_campaign"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        Index("ix_health_campaign_site_id_starts_on", "site_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    checks: Mapped[list[HealthCheck]] = relationship(
        secondary="health_campaign_check",
        order_by="HealthCheck.position, HealthCheck.id",
        viewonly=True,
    )
    slots: Mapped[list[HealthSlot]] = relationship(
        back_populates="campaign", order_by="HealthSlot.starts_at"
    )


class HealthCampaignCheck(SiteOwned, db.Model):
    """A check offered by a campaign."""

    __tablename__ = "health_campaign_check"
    __table_args__ = (UniqueConstraint("site_id", "campaign_id", "check_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("health_campaign.id"))
    check_id: Mapped[int] = mapped_column(ForeignKey("health_check.id"))


class HealthSlot(SiteOwned, db.Model):
    """A time at a campaign that takes up to ``capacity`` residents."""

    __tablename__ = "health_slot"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity"),
        Index("ix_health_slot_site_id_campaign_id", "site_id", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("health_campaign.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)

    campaign: Mapped[HealthCampaign] = relationship(back_populates="slots")


class HealthInvitation(SiteOwned, db.Model):
    """A resident invited to a campaign: one per resident and campaign, never two.

    ``assessment`` is the health staff's written assessment of the resident's results.
    """

    __tablename__ = "health_invitation"
    __table_args__ = (
        UniqueConstraint("site_id", "campaign_id", "resident_id"),
        CheckConstraint(
            "status IN ('invited', 'booked', 'attended', 'missed', 'declined')", name="status"
        ),
        CheckConstraint("status <> 'booked' OR slot_id IS NOT NULL", name="booked_has_slot"),
        Index("ix_health_invitation_site_id_resident_id", "site_id", "resident_id"),
        Index("ix_health_invitation_site_id_slot_id", "site_id", "slot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("health_campaign.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("health_slot.id"))
    status: Mapped[str] = mapped_column(String(10), default="invited")
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assessment: Mapped[str] = mapped_column(Text, default="")
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    campaign: Mapped[HealthCampaign] = relationship()
    resident: Mapped[Resident] = relationship()
    slot: Mapped[HealthSlot | None] = relationship()


class HealthResult(SiteOwned, db.Model):
    """One measurement of one check for one resident at one campaign, scaled.

    ``flag`` and the normal range in force are kept as they were when it was entered,
    so a later change of the ranges does not rewrite history.
    """

    __tablename__ = "health_result"
    __table_args__ = (
        UniqueConstraint("site_id", "campaign_id", "resident_id", "check_id"),
        CheckConstraint("flag IN ('', 'normal', 'low', 'high')", name="flag"),
        Index(
            "ix_health_result_site_id_resident_id_check_id",
            "site_id",
            "resident_id",
            "check_id",
            "measured_on",
        ),
        Index("ix_health_result_site_id_campaign_id", "site_id", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("health_campaign.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    check_id: Mapped[int] = mapped_column(ForeignKey("health_check.id"))
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[int] = mapped_column(Integer)
    value2: Mapped[int | None] = mapped_column(Integer)
    flag: Mapped[str] = mapped_column(String(6), default="")
    range_low: Mapped[int | None] = mapped_column(Integer)
    range_high: Mapped[int | None] = mapped_column(Integer)
    range_low2: Mapped[int | None] = mapped_column(Integer)
    range_high2: Mapped[int | None] = mapped_column(Integer)
    # The resident's age when measured: the summary counts by age band without names.
    age: Mapped[int | None] = mapped_column(Integer)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    check: Mapped[HealthCheck] = relationship()


class HealthErasure(SiteOwned, db.Model):
    """The fact that a resident's health values were erased, by whom and when."""

    __tablename__ = "health_erasure"
    __table_args__ = (Index("ix_health_erasure_site_id_resident_id", "site_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    erased_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    results_deleted: Mapped[int] = mapped_column(Integer, default=0)


MODELS = [
    HealthProfile,
    HealthCheck,
    HealthRange,
    HealthCampaign,
    HealthCampaignCheck,
    HealthSlot,
    HealthInvitation,
    HealthResult,
    HealthErasure,
]
