"""Templates to fill in: an empty CSV file, and a workbook that says how to fill it."""

from __future__ import annotations

import codecs
import csv
import io

from flask_babel import gettext as _

from core.imports.columns import COLUMNS, KIND_LABELS


def template_csv(kind: str) -> bytes:
    """An empty CSV file with the column names of ``kind``, readable by Excel (BOM)."""
    out = io.StringIO()
    csv.writer(out).writerow([c.code for c in COLUMNS[kind]])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    """A workbook: the columns to fill in on the first sheet, how to fill them on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(KIND_LABELS[kind])[:31]
    sheet.append([c.code for c in COLUMNS[kind]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet(str(_("How to fill in"))[:31])
    help_sheet.append(
        [
            str(_("Column")),
            str(_("What it holds")),
            str(_("Required")),
            str(_("How to write it")),
            str(_("Example")),
        ]
    )
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS[kind]:
        help_sheet.append(
            [
                column.code,
                str(column.label),
                str(_("yes")) if column.required else str(_("no")),
                str(column.hint),
                column.example,
            ]
        )
    help_sheet.append([])
    help_sheet.append(
        [str(_("Only the first sheet is imported. Chinese column names are accepted too."))]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
