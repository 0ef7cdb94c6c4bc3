"""A butler's month handed in: who, which month, when, and the figures as they stood."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models.base import SiteOwned, UTCDateTime


class HandIn(SiteOwned, db.Model):
    """One butler's hand-in of one month on a site; handing in again replaces it.

    ``snapshot`` is JSON text of every sheet of the pack at the moment of handing in
    (``core.handin.snapshot_of``); ``first_handed_in_at`` and ``times`` keep a note of
    earlier hand-ins when it is replaced.
    """

    __tablename__ = "hand_in"
    __table_args__ = (
        UniqueConstraint("site_id", "butler_id", "period"),
        Index("ix_hand_in_site_id_period", "site_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    butler_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    period: Mapped[str] = mapped_column(String(7))
    handed_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    handed_in_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    first_handed_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    times: Mapped[int] = mapped_column(Integer, default=1)
    snapshot: Mapped[str] = mapped_column(Text, default="")
