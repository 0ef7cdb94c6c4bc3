"""Exporting the resident list to CSV and XLSX, safe to open in a spreadsheet.

The columns carry the names the import understands, so an export can be corrected in a
spreadsheet and imported again. A text cell that a spreadsheet would run as a formula
(it begins with =, +, -, @, a tab or a carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from flask import Response
from sqlalchemy import Select

from core import clock
from core.extensions import db
from core.models import Site, User
from core.residents import ResidentFilter, rows_query

MAX_ROWS = 20_000
COLUMNS = ("ref", "name", "phone", "email", "building_code", "unit_number", "role", "moved_in")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading apostrophe when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def query(f: ResidentFilter, site: Site, user: User) -> Select:
    """The residents of the filter, in the list's order, at most ``MAX_ROWS`` of them."""
    return rows_query(f, site, user, paged=False).limit(MAX_ROWS)


def rows(stmt: Select) -> Iterator[tuple[Any, ...]]:
    """One tuple of values per resident of ``query``, in the order of ``COLUMNS``.

    The values are not neutralised yet: each format does that as it writes them.
    """
    result = db.session.execute(stmt.execution_options(yield_per=500))
    for resident, occupancy, unit, building in result:
        yield (
            resident.ref or "",
            resident.name,
            resident.phone,
            resident.email,
            building.code if building is not None else "",
            unit.number if unit is not None else "",
            occupancy.role if occupancy is not None else "",
            occupancy.moved_in if occupancy is not None else None,
        )


def _csv_line(values: Iterable[Any]) -> str:
    out = io.StringIO()
    cells = [v.isoformat() if isinstance(v, date) else ("" if v is None else v) for v in values]
    csv.writer(out).writerow([neutralise(c) for c in cells])
    return out.getvalue()


def csv_chunks(
    values: Iterable[tuple[Any, ...]],
    lines_per_chunk: int = 200,
    header: Iterable[Any] | None = None,
) -> Iterator[bytes]:
    """A CSV file in pieces: UTF-8 with a BOM, so that Excel shows Chinese names. The
    header row is the residents' columns unless ``header`` is given."""
    buffer = [_csv_line(COLUMNS if header is None else header)]
    yield codecs.BOM_UTF8
    for row in values:
        buffer.append(_csv_line(row))
        if len(buffer) >= lines_per_chunk:
            yield "".join(buffer).encode("utf-8")
            buffer = []
    if buffer:
        yield "".join(buffer).encode("utf-8")


def xlsx_bytes(
    values: Iterable[tuple[Any, ...]],
    sheet_title: str,
    header: Iterable[Any] | None = None,
) -> bytes:
    """A workbook of one sheet: the header row (the residents' columns unless ``header``
    is given), then one row per item of ``values``. Text is neutralised, dates formatted.

    Plugins' reports use it too: ``xlsx_bytes(rows, title, header=[...])``.
    """
    return xlsx_book([(sheet_title, COLUMNS if header is None else header, values)])


def xlsx_book(sheets: Iterable[tuple[str, Iterable[Any], Iterable[Iterable[Any]]]]) -> bytes:
    """A workbook of several sheets, each ``(title, header, rows)``, written as ``xlsx_bytes``
    writes its one."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    for title, header, values in sheets:
        sheet = book.create_sheet(str(title)[:31])
        sheet.append([str(h) for h in header])
        for row in values:
            cells = []
            for value in row:
                if isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd"
                    cells.append(cell)
                elif isinstance(value, str):
                    # Drop what a workbook cannot hold, then neutralise: "\x01=1+2" must
                    # not become the formula "=1+2". A tab or CR is kept, so the
                    # apostrophe still guards them.
                    cells.append(neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
                else:
                    cells.append(value)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def json_attachment(data: Any, filename: str) -> Response:
    """``data`` as a JSON file to save (a data-subject export), never shown as a page."""
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    # <, > and & only ever occur inside JSON strings, so escaping them as \uXXXX keeps the
    # same JSON (it parses back to the same text) while no markup a resident typed is ever
    # in the bytes, should a browser be led to show the file rather than save it.
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        body = body.replace(char, escaped)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


def filename(site: Site, ext: str) -> str:
    """``residents-<site>-<date>.<ext>``, with the date of the site's own time zone."""
    today = clock.today(site)
    return f"residents-{site.slug}-{today.isoformat()}.{ext}"
