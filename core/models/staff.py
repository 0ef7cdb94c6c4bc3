"""Staff: user accounts, their roles per site, and butlers' buildings."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.extensions import db
from core.models.base import SiteOwned, Timestamps, UTCDateTime
from core.models.building import Building
from core.models.site import Organization, Site


class User(UserMixin, Timestamps, db.Model):
    """A member of staff who logs in."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # An organisation admin holds the org_admin role on every site of the organisation.
    is_org_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    last_site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    # Bumped to end every session of the user (password change, deactivation).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when an admin resets the password to a one-time one: the next login must
    # choose a new password before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (TOTP), optional, for org admins and managers.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The 30-second step of the last code accepted: a code is good once, never replayed.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    organization: Mapped[Organization] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}.{self.session_epoch}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Membership(SiteOwned, Timestamps, db.Model):
    """A user's role on a site. A user may hold several roles on one site."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("site_id", "user_id", "role"),
        Index("ix_membership_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[str] = mapped_column(String(40))

    user: Mapped[User] = relationship(back_populates="memberships")
    site: Mapped[Site] = relationship()


class ButlerAssignment(SiteOwned, Timestamps, db.Model):
    """A butler responsible for a building from one date until another.

    A building has one responsible butler at a time (a partial unique index keeps it so);
    ended assignments stay as history.
    """

    __tablename__ = "butler_assignment"
    __table_args__ = (
        Index(
            "uq_butler_assignment_current",
            "site_id",
            "building_id",
            unique=True,
            sqlite_where=text("ends_on IS NULL"),
            postgresql_where=text("ends_on IS NULL"),
        ),
        Index("ix_butler_assignment_site_id_user_id", "site_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    building: Mapped[Building] = relationship()
    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """A login, kept on the server so that it can be ended: logging out, a password change
    or a deactivation revokes it, and a copied cookie is worth nothing afterwards.

    The cookie holds a random token; only its SHA-256 is stored here.
    """

    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A one-time code that replaces the authenticator app once (hash only)."""

    __tablename__ = "recovery_code"
    __table_args__ = (Index("ix_recovery_code_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
