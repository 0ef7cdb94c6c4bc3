"""Organisations (property companies) and their sites."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import Archivable, Timestamps, new_cache_version

SITE_KINDS = ("residential", "hotel")
LOCALES = ("en", "zh_Hant", "zh_Hans")


class Organization(Timestamps, db.Model):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Role codes, space-separated, whose holders must use a second factor to log in.
    second_factor_roles: Mapped[str] = mapped_column(String(400), default="", server_default="")

    sites: Mapped[list[Site]] = relationship(back_populates="organization", order_by="Site.name")


class Site(Timestamps, Archivable, db.Model):
    """A residential estate or a hotel, run by one organisation."""

    __tablename__ = "site"
    __table_args__ = (
        CheckConstraint("kind IN ('residential', 'hotel')", name="kind"),
        CheckConstraint("default_locale IN ('en', 'zh_Hant', 'zh_Hans')", name="default_locale"),
        CheckConstraint("erasure_after_years BETWEEN 1 AND 50", name="erasure_after_years"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="residential")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Hong_Kong")
    default_locale: Mapped[str] = mapped_column(String(10), default="zh_Hant")
    currency: Mapped[str] = mapped_column(String(3), default="HKD")
    address: Mapped[str] = mapped_column(String(300), default="")
    # A resident archived this many years ago may be erased (core/privacy.py).
    erasure_after_years: Mapped[int] = mapped_column(Integer, default=6, server_default="6")
    # Retention (core/retention.py): days after which the daily purge removes finished job
    # runs, delivered outbox messages and finished imports (with any file left of them).
    retention_job_run_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    retention_outbox_days: Mapped[int] = mapped_column(Integer, default=180, server_default="180")
    retention_import_days: Mapped[int] = mapped_column(Integer, default=30, server_default="30")

    organization: Mapped[Organization] = relationship(back_populates="sites")

    # A new random stamp whenever the site or its plugin enablements change
    # (core/sitecache.py): a worker's cached copy of the site, its plugins and its
    # navigation is good while the stamp it was cached under is the one in the database.
    cache_version: Mapped[str] = mapped_column(
        String(32), default=lambda: new_cache_version(), server_default="0"
    )
    # One more at the commit of every transaction that wrote the site's own rows (its
    # residents, requests, orders…; not the audit log): a worker's cached dashboard is
    # good while the number it was built under is the one in the database.
    data_version: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_hotel(self) -> bool:
        return self.kind == "hotel"

    def __repr__(self) -> str:
        return f"<Site {self.slug}>"
