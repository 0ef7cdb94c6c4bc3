"""The outbox: messages to residents (SMS, e-mail, notices) waiting to be delivered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models.base import SiteOwned, UTCDateTime

OUTBOX_STATUSES = ("queued", "sending", "sent", "failed", "uncertain")


class OutboxMessage(SiteOwned, db.Model):
    """A message to deliver once through a channel.

    ``dedupe_key`` is unique per site: queueing the same key twice keeps the first message
    only. ``next_attempt_at`` is when a runner may try (again); it is empty once the
    message is sent, uncertain, or has failed too often to be tried automatically.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        UniqueConstraint("site_id", "dedupe_key"),
        Index(
            "ix_outbox_message_site_id_status_next_attempt_at",
            "site_id",
            "status",
            "next_attempt_at",
        ),
        Index("ix_outbox_message_site_id_resident_id", "site_id", "resident_id"),
        CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'uncertain')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    dedupe_key: Mapped[str] = mapped_column(String(200))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a runner last took the message to send it: how "sending" turns "uncertain".
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # "core" or the name of the plugin that queued the message.
    created_by: Mapped[str] = mapped_column(String(60), default="core")

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.channel} {self.status}>"
