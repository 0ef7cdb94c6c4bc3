"""Reading an upload: the file's type and characters, its header row, its rows of text."""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from core.imports.columns import COLUMNS, _header_key, _letter, _number

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
EXTENSIONS = ("csv", "xlsx")


class FileProblem(ValueError):
    """The whole file is refused; the message tells the user why."""


@dataclass
class Table:
    """The cells of an upload as text: the matched columns and the rows with a value."""

    kind: str
    columns: list[str]  # column codes, in the order of the file
    headers: dict[str, str]  # code → the header as the user wrote it
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)

    def record(self, index: int) -> tuple[int, dict[str, str]]:
        number, cells = self.rows[index]
        return number, dict(zip(self.columns, cells, strict=True))

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind,
                "columns": self.columns,
                "headers": self.headers,
                "rows": self.rows,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Table:
        data = json.loads(text)
        rows = [(number, cells) for number, cells in data["rows"]]
        return cls(data["kind"], data["columns"], data["headers"], rows)


ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls format


def extension_of(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def read_upload(data: bytes, filename: str, kind: str) -> Table:
    """The table of an uploaded file, or ``FileProblem`` saying why it cannot be imported."""
    ext = extension_of(filename)
    if ext not in EXTENSIONS:
        raise FileProblem(_("Choose a .csv or .xlsx file."))
    if len(data) > MAX_BYTES:
        raise FileProblem(
            _(
                "The file is larger than %(size)s MB. Split it into smaller files.",
                size=MAX_BYTES // (1024 * 1024),
            )
        )
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise FileProblem(
            _(
                "This file is an old (.xls) or password-protected Excel file. "
                "Save it as .xlsx without a password, or as CSV."
            )
        )
    if ext == "xlsx":
        if not _is_workbook(data):
            raise FileProblem(
                _("This file is not an Excel workbook (.xlsx). Save it as .xlsx or as CSV.")
            )
        return _tabulate(_xlsx_rows(data), kind)
    if data.startswith(ZIP_MAGIC):
        raise FileProblem(_("This is an Excel workbook, not a CSV file: name it .xlsx."))
    text = _decode(data, kind)
    return _tabulate(_csv_rows(text), kind)


def _is_workbook(data: bytes) -> bool:
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _looks_binary(data: bytes) -> bool:
    # NUL anywhere, not only in the head: no text holds it, and PostgreSQL refuses it.
    if b"\x00" in data:
        return True
    head = data[:8192]
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13))
    return controls > len(head) // 100


def _decode(data: bytes, kind: str) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16, GB18030 or Big5."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif not _looks_binary(data):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        decoded = []
        for encoding in ("gb18030", "big5hkscs"):
            try:
                decoded.append((encoding, data.decode(encoding)))
            except UnicodeDecodeError:
                continue
        if decoded:
            return _likeliest(decoded, kind)
        raise FileProblem(_("The characters of this file could not be read. Save it as CSV UTF-8."))
    raise FileProblem(_("This file is not a CSV file. Save it as CSV UTF-8 or as .xlsx."))


def _likeliest(decoded: list[tuple[str, str]], kind: str) -> str:
    """Of several readings of a Chinese file, the one that makes sense.

    Every Big5 byte pair is also valid GB18030, so decoding alone cannot tell them apart:
    the reading whose first line names more known columns wins, and on a tie GB18030 wins
    only if its characters are the common simplified ones (GB2312) that GB files use.
    """
    if len(decoded) == 1:
        return decoded[0][1]
    known = _known_headers(kind)

    def header_hits(text: str) -> int:
        first = text.split("\n", 1)[0]
        return sum(_header_key(cell) in known for cell in re.split(r"[,;\t]", first))

    (gb, gb_text), (big5, big5_text) = decoded
    gb_hits, big5_hits = header_hits(gb_text), header_hits(big5_text)
    if gb_hits != big5_hits:
        return gb_text if gb_hits > big5_hits else big5_text
    chinese = [ch for ch in gb_text if ord(ch) > 0x2E80]
    common = 0
    for ch in chinese:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return gb_text if not chinese or common / len(chinese) >= 0.9 else big5_text


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _clean(value: str) -> str:
    """A cell as text, trimmed; the apostrophe that our exports put before = + - @ dropped."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        value = value[1:]
    return value


def _csv_rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for cells in reader:
            yield [_clean(c) for c in cells]
    except csv.Error:
        raise FileProblem(
            _("Row %(row)s could not be read: check its quotation marks.", row=reader.line_num)
        ) from None


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text the user sees (dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    return _clean(str(value))


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The cells of the first sheet, read up to just past the row limit."""
    from openpyxl import load_workbook

    rows: list[list[str]] = []
    filled = blank_run = 0
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it skips; the values are what count.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for values in book.worksheets[0].iter_rows(values_only=True):
                    cells = [_cell_text(v) for v in values]
                    rows.append(cells)
                    blank_run = 0 if any(cells) else blank_run + 1
                    filled += blank_run == 0
                    # Enough to tell the user the file is too long, or a sheet formatted
                    # far below its data: stop reading.
                    if filled > MAX_ROWS + 1 or (filled and blank_run > 1000):
                        break
            finally:
                book.close()
    except Exception:  # noqa: BLE001 - any damage in the workbook means the same to the user
        log.info("unreadable workbook", exc_info=True)
        raise FileProblem(
            _("The workbook could not be read. Open it in Excel, save it again and retry.")
        ) from None
    return rows


def _known_headers(kind: str) -> dict[str, str]:
    """Every accepted header (compared form) → the column code it stands for."""
    known = {}
    for column in COLUMNS[kind]:
        known[_header_key(column.code)] = column.code
        for alias in column.aliases:
            known[_header_key(alias)] = column.code
    return known


def _match_header(cells: list[str], kind: str) -> tuple[list[str], dict[str, str], list[int]]:
    """The columns named in the header row: codes, the user's headers, their positions."""
    known = _known_headers(kind)
    codes: list[str] = []
    headers: dict[str, str] = {}
    positions: list[int] = []
    unknown = []
    for index, header in enumerate(cells):
        if not header:
            continue
        code = known.get(_header_key(header))
        if code is None:
            unknown.append(header)
        elif code in headers:
            raise FileProblem(
                _(
                    "The column %(column)s appears twice (%(first)s and %(second)s).",
                    column=code,
                    first=headers[code],
                    second=header,
                )
            )
        else:
            codes.append(code)
            headers[code] = header
            positions.append(index)
    if unknown:
        raise FileProblem(
            _(
                "Columns not recognised: %(columns)s. Use the column names of the template.",
                columns=", ".join(unknown),
            )
        )
    missing = [c for c in COLUMNS[kind] if c.required and c.code not in headers]
    if missing:
        raise FileProblem(
            _(
                "The first row must name the columns. Missing: %(columns)s.",
                columns=", ".join(f"{c.code} ({c.label})" for c in missing),
            )
        )
    return codes, headers, positions


def _tabulate(raw_rows: Iterable[list[str]], kind: str) -> Table:
    """Match the header row (the first row with a value) and keep the rows below it."""
    table: Table | None = None
    positions: list[int] = []
    for number, cells in enumerate(raw_rows, start=1):
        if not any(cells):
            continue
        if table is None:
            codes, headers, positions = _match_header(cells, kind)
            table = Table(kind, codes, headers)
            continue
        stray = next((i for i, v in enumerate(cells) if v and i not in positions), None)
        if stray is not None:
            raise FileProblem(
                _(
                    "Row %(row)s has a value in column %(letter)s, "
                    "which has no name in the first row.",
                    row=number,
                    letter=_letter(stray),
                )
            )
        if len(table.rows) >= MAX_ROWS:
            raise FileProblem(
                _(
                    "The file has more than %(max)s rows. Split it into smaller files.",
                    max=_number(MAX_ROWS),
                )
            )
        table.rows.append((number, [cells[i] if i < len(cells) else "" for i in positions]))
    if table is None:
        raise FileProblem(_("The file is empty."))
    if not table.rows:
        raise FileProblem(_("The file has no rows below the column names."))
    return table
