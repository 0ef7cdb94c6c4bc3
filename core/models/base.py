"""Column helpers shared by the core's models and the plugins' models."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, TypeDecorator
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from core import clock


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, PostgreSQL keeps one: this type makes both behave alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone-aware value")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class SiteOwned:
    """A row that belongs to one site. ``site_id`` is set when the object is created."""

    @declared_attr
    def site_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(Integer, ForeignKey("site.id"), nullable=False, index=True)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now, nullable=False
    )


class Archivable:
    """Nothing is hard-deleted: rows are archived and can be restored."""

    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self) -> None:
        self.archived_at = clock.now()

    def restore(self) -> None:
        self.archived_at = None


def new_cache_version() -> str:
    """A fresh ``Site.cache_version``: random, so that a site made again under an id
    that was used before (a test's emptied tables) never matches an old cached copy."""
    return secrets.token_hex(8)
