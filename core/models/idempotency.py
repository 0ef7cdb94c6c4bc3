"""Keys of form submissions already written: a phone replaying its queue writes nothing twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models.base import SiteOwned, UTCDateTime


class SubmissionKey(SiteOwned, db.Model):
    """One ``Idempotency-Key`` a site has accepted, with who sent it, where and when."""

    __tablename__ = "submission_key"
    __table_args__ = (
        UniqueConstraint("site_id", "key"),
        Index("ix_submission_key_site_id_created_at", "site_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    path: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
