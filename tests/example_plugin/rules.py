"""The example plugin's rules and queries, outside any request."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.models import Site
from tests.example_plugin.models import ExampleNote

# A note keeps its first 200 characters (the column's size).
TEXT_LIMIT = 200


def count(site: Site, resident_id: int | None = None) -> int:
    """How many notes ``site`` holds (about ``resident_id`` when given)."""
    query = select(func.count(ExampleNote.id)).where(ExampleNote.site_id == site.id)
    if resident_id is not None:
        query = query.where(ExampleNote.resident_id == resident_id)
    return db.session.scalar(query)


def matching(site: Site, query: str) -> list[ExampleNote]:
    """The notes of ``site`` whose text holds ``query``."""
    return db.session.scalars(
        select(ExampleNote).where(ExampleNote.site_id == site.id, ExampleNote.text.contains(query))
    ).all()


class NoteRows:
    """The rows of a notes file for the core's import page: one note per row."""

    def __init__(self, site: Site, table, *, writing: bool = False) -> None:
        self.site, self.table = site, table

    def check(self, start: int, end: int):
        from core.imports import RowReader
        from core.imports.values import text_cell

        problems, records = [], []
        for index in range(start, end):
            number, cells = self.table.record(index)
            reader = RowReader(number, cells, self.table.headers)
            text = reader.get("text", text_cell, required=True, limit=TEXT_LIMIT)
            problems.extend(reader.problems)
            if text is not None:
                records.append(text)
        return problems, records

    def write(self, records, batch, user) -> tuple[int, int]:
        db.session.add_all(ExampleNote(site_id=self.site.id, text=text) for text in records)
        return len(records), 0
