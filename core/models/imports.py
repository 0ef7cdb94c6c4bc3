"""Imports of units and residents from spreadsheets: one row per uploaded file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models.base import SiteOwned, UTCDateTime

IMPORT_KINDS = ("units", "residents")
IMPORT_STATUSES = ("validating", "invalid", "importing", "done", "failed")


class ImportBatch(SiteOwned, db.Model):
    """An uploaded file: checked row by row first, written only when every row is valid.

    ``problems`` is JSON: a list of ``{"row": n, "column": name, "message": text}``.
    ``processed_rows`` moves while the file is checked and written, for the progress bar.
    """

    __tablename__ = "import_batch"
    __table_args__ = (
        CheckConstraint(
            "status IN ('validating', 'invalid', 'importing', 'done', 'failed')", name="status"
        ),
        Index("ix_import_batch_site_id_created_at", "site_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "units", "residents" or a plugin's kind ("fees.bills"): plugins add kinds, so the
    # database does not list them (core_0013 dropped the CHECK that did).
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="validating")
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_rows: Mapped[int] = mapped_column(Integer, default=0)
    updated_rows: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
