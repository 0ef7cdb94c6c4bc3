"""The append-only audit log: who did what, where and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.audit_guard import attach as attach_audit_guard
from core.extensions import db
from core.models.base import SiteOwned, UTCDateTime


class AuditLog(db.Model):
    """One recorded action. Rows are only ever inserted.

    ``site_id`` is nullable because some actions (a failed login) belong to no site.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_site_id_object", "site_id", "object_type", "object_id"),
        Index("ix_audit_log_site_id_at", "site_id", "at"),
        # The audit page's "who" filter and a person's own trail, newest first.
        Index("ix_audit_log_user_id_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(60), default="")
    object_id: Mapped[int | None] = mapped_column(Integer)
    # JSON text of what changed: field -> [old, new]. Never secrets or health values.
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


class AuditRead(SiteOwned, db.Model):
    """Which resident's sensitive records one audited page view showed.

    A page view writes one ``audit_log`` row; a list of several residents' records adds
    one of these per resident, so that a resident's page can say who read their records
    and when through an index instead of a scan of the whole log. Neither id is a foreign
    key: the reads stay listed when a resident's row is erased.
    """

    __tablename__ = "audit_read"
    __table_args__ = (
        Index("ix_audit_read_site_id_resident_id_audit_id", "site_id", "resident_id", "audit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a key on audit_log would let its TRUNCATE fail on the key before
    # the append-only guard could refuse it (and say why).
    audit_id: Mapped[int] = mapped_column(Integer)
    resident_id: Mapped[int] = mapped_column(Integer)


# create_all installs the same triggers as the migration core_0006 (core/audit_guard.py).
attach_audit_guard(AuditLog.__table__)
