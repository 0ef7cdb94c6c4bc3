"""The example plugin's one table: notes, each on a site and maybe about a resident."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models import SiteOwned


class ExampleNote(SiteOwned, db.Model):
    __tablename__ = "example_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"))
    text: Mapped[str] = mapped_column(String(200))
