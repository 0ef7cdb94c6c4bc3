"""Importing units and residents from CSV and XLSX files: read, check every row, then write.

An upload is read once (``start``) into a table of text cells; a problem with the whole
file (wrong type, too large, unknown columns) refuses it at once. The batch then moves on
one step at a time (``advance``): each step checks the next chunk of rows, so a page can
show progress without threads. When every row is checked and none has a problem,
everything is written in one transaction; from a file with a problem nothing is written.

Rows are matched to what the site already holds by natural keys (units by building code
and unit number; residents by their number, else by name and phone), so importing the
same file twice creates nothing the second time.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text, update

from core import audit, clock
from core.extensions import db
from core.i18n import LOCALE_NAMES, match_language_tag
from core.models import (
    UNIT_STATUSES,
    AuditLog,
    Building,
    ImportBatch,
    Occupancy,
    Resident,
    Site,
    Unit,
    User,
)

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
CHUNK_ROWS = 500  # rows checked per step; BUTLER_IMPORT_CHUNK_ROWS overrides it
MAX_PROBLEMS = 1000  # checking stops here: nobody reads further, and the report stays small
EXTENSIONS = ("csv", "xlsx")
KIND_PERMISSIONS = {"units": "buildings.edit", "residents": "residents.edit"}
FINISHED = ("invalid", "done", "failed")
ABANDONED_AFTER = timedelta(days=1)
ROLES = ("owner", "tenant", "family", "domestic_helper")

KIND_LABELS = {"units": _l("Units"), "residents": _l("Residents")}
STATUS_LABELS = {
    "validating": _l("Checking"),
    "invalid": _l("Not imported: problems found"),
    "importing": _l("Saving"),
    "done": _l("Imported"),
    "failed": _l("Failed"),
}


# --- Columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an import file: its code (the header), what it holds, how to write it."""

    code: str
    label: Any  # lazy string
    hint: Any  # lazy string
    example: str
    required: bool = False
    aliases: tuple[str, ...] = ()


BUILDING_ALIASES = ("樓棟", "楼栋", "大廈", "大厦", "座")
UNIT_ALIASES = ("單元", "单元", "房號", "房号", "室")

UNIT_COLUMNS: tuple[Column, ...] = (
    Column(
        "building_code",
        _l("Building code"),
        _l("The code of a building of this site, e.g. T1."),
        "T1",
        True,
        BUILDING_ALIASES,
    ),
    Column(
        "unit_number",
        _l("Unit number"),
        _l("The number of the unit within its building."),
        "12A",
        True,
        UNIT_ALIASES,
    ),
    Column(
        "floor",
        _l("Floor"),
        _l("A whole number, no higher than the building's top floor."),
        "12",
        True,
        ("樓層", "楼层"),
    ),
    Column(
        "area_m2", _l("Area (m²)"), _l("Square metres, e.g. 68.5."), "68.5", False, ("面積", "面积")
    ),
    Column(
        "status",
        _l("Status"),
        _l("occupied, vacant, renovating or let."),
        "occupied",
        False,
        ("狀態", "状态"),
    ),
    Column(
        "room_type",
        _l("Room type"),
        _l("Free text, e.g. 3 bedrooms."),
        "3 bedrooms",
        False,
        ("房型", "戶型", "户型"),
    ),
)

DATE_HINT = _l("A date written YYYY-MM-DD, e.g. 1985-03-31.")
YES_NO_HINT = _l("yes or no.")

RESIDENT_COLUMNS: tuple[Column, ...] = (
    Column(
        "ref",
        _l("Resident number"),
        _l("The company's own number for the resident; finds them again next time."),
        "R-0001",
        False,
        ("業戶編號", "业户编号", "住戶編號", "住户编号", "編號", "编号"),
    ),
    Column("name", _l("Name"), _l("The resident's full name."), "陳大文", True, ("姓名",)),
    Column(
        "phone",
        _l("Phone"),
        _l("Digits, spaces, + or -. Needed when there is no resident number."),
        "+852 9123 4567",
        False,
        ("電話", "电话", "手機", "手机"),
    ),
    Column(
        "phone2",
        _l("Second phone"),
        _l("Digits, spaces, + or -."),
        "",
        False,
        ("電話2", "电话2", "其他電話", "其他电话"),
    ),
    Column(
        "email",
        _l("E-mail"),
        _l("An e-mail address."),
        "chan@example.com",
        False,
        ("e_mail", "電郵", "电邮", "郵箱", "邮箱", "電子郵件", "电子邮件"),
    ),
    Column("birth_date", _l("Birth date"), DATE_HINT, "1985-03-31", False, ("出生日期", "生日")),
    Column(
        "building_code",
        _l("Building code"),
        _l("The building where the resident lives; give the unit too."),
        "T1",
        False,
        BUILDING_ALIASES,
    ),
    Column(
        "unit_number",
        _l("Unit number"),
        _l("The unit where the resident lives, in that building."),
        "12A",
        False,
        UNIT_ALIASES,
    ),
    Column(
        "role",
        _l("Role"),
        _l("owner, tenant, family or domestic_helper. Needed with a unit."),
        "owner",
        False,
        ("身份", "角色"),
    ),
    Column(
        "moved_in",
        _l("Moved in"),
        _l("A date written YYYY-MM-DD; today when left empty."),
        "2020-06-01",
        False,
        ("入住日期",),
    ),
    Column(
        "is_primary_contact",
        _l("Main contact of the unit"),
        YES_NO_HINT,
        "yes",
        False,
        ("主要聯絡人", "主要联系人"),
    ),
    Column(
        "preferred_locale",
        _l("Preferred language"),
        _l("en, zh_Hant or zh_Hans."),
        "zh_Hant",
        False,
        ("語言", "语言"),
    ),
    Column(
        "consent_sms",
        _l("Agrees to receive SMS"),
        YES_NO_HINT,
        "yes",
        False,
        ("同意短訊", "同意短信"),
    ),
    Column(
        "consent_email",
        _l("Agrees to receive e-mail"),
        YES_NO_HINT,
        "no",
        False,
        ("同意電郵", "同意邮件"),
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {"units": UNIT_COLUMNS, "residents": RESIDENT_COLUMNS}

# Values accepted besides the codes, so that a sheet typed in Chinese imports as it is.
ROLE_ALIASES = {
    "業主": "owner",
    "业主": "owner",
    "租客": "tenant",
    "住客": "tenant",
    "家屬": "family",
    "家属": "family",
    "家人": "family",
    "家傭": "domestic_helper",
    "家佣": "domestic_helper",
    "外傭": "domestic_helper",
    "外佣": "domestic_helper",
    "domestic helper": "domestic_helper",
}
STATUS_ALIASES = {
    "已入住": "occupied",
    "入住": "occupied",
    "空置": "vacant",
    "裝修中": "renovating",
    "装修中": "renovating",
    "裝修": "renovating",
    "装修": "renovating",
    "出租": "let",
    "已出租": "let",
}
YES = {"yes", "y", "true", "1", "是", "x", "✓"}
NO = {"no", "n", "false", "0", "否"}


def _header_key(text: str) -> str:
    """A header as it is compared: case and spacing ignored, a trailing * dropped."""
    text = unicodedata.normalize("NFKC", text).strip().rstrip("*").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


def _letter(index: int) -> str:
    """The spreadsheet letter of a column (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _number(value: int) -> str:
    return format_decimal(value)


# --- Reading a file --------------------------------------------------------------------


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


# --- Checking values -------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A problem found in a row: the row number and column the user sees, and what is wrong."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class CellError(ValueError):
    """A cell's value cannot be used; the message says how to write it."""


PHONE_CHARS = set("0123456789 +-()")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


def _text(value: str, limit: int) -> str:
    if len(value) > limit:
        raise CellError(_("Write at most %(max)s characters.", max=limit))
    return value


def _whole(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CellError(_("Write a whole number.")) from None


def _area(value: str) -> Decimal:
    try:
        area = Decimal(value.replace(",", "")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise CellError(_("Write a number, e.g. 68.5.")) from None
    if not area.is_finite() or area <= 0 or area >= 1_000_000:
        raise CellError(_("Write a number above 0 and below 1,000,000."))
    return area


def _date(value: str, *, latest: date | None = None) -> date:
    match = DATE.match(value)
    try:
        when = date(*(int(part) for part in match.groups())) if match else None
    except ValueError:
        when = None
    if when is None:
        raise CellError(_("Write the date as YYYY-MM-DD, e.g. 1985-03-31."))
    if when.year < 1900:
        raise CellError(_("Give a date after 1900."))
    if latest is not None and when > latest:
        raise CellError(_("This date is in the future."))
    return when


def _yes_no(value: str) -> bool:
    folded = value.casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise CellError(_("Write yes or no."))


def _choice(value: str, choices: tuple[str, ...], aliases: dict[str, str]) -> str:
    folded = value.casefold().replace("-", "_")
    for code in choices:
        if folded == code:
            return code
    if value in aliases or folded in aliases:
        return aliases.get(value) or aliases[folded]
    raise CellError(_("Write one of: %(choices)s.", choices=", ".join(choices)))


def _phone(value: str) -> str:
    value = _text(value, 40)
    if value and (not set(value) <= PHONE_CHARS or sum(c.isdigit() for c in value) < 6):
        raise CellError(_("Write a phone number with digits, spaces, + or -."))
    return value


def _email(value: str) -> str:
    value = _text(value, 200)
    if value and not EMAIL.match(value):
        raise CellError(_("This is not an e-mail address."))
    return value


def _locale(value: str) -> str:
    by_name = {name.casefold(): code for code, name in LOCALE_NAMES.items()}
    code = by_name.get(value.casefold()) or match_language_tag(value)
    if code is None:
        raise CellError(_("Write one of: %(choices)s.", choices="en, zh_Hant, zh_Hans"))
    return code


class RowReader:
    """Parses the cells of one row, collecting a problem for each cell that cannot be used."""

    def __init__(self, number: int, cells: dict[str, str], headers: dict[str, str]) -> None:
        self.number = number
        self.cells = cells
        self.headers = headers
        self.problems: list[Problem] = []

    def raw(self, code: str) -> str:
        return self.cells.get(code, "")

    def problem(self, code: str, message: str) -> None:
        self.problems.append(Problem(self.number, self.headers.get(code, code), message))

    def get(self, code: str, parse, *, required: bool = False, **options: Any) -> Any:
        """The parsed value of a cell; None when it is empty (or cannot be used)."""
        value = self.raw(code)
        if not value:
            if required:
                self.problem(code, _("This column needs a value."))
            return None
        try:
            return parse(value, **options)
        except CellError as error:
            self.problem(code, str(error))
            return None


def _site_buildings(site: Site) -> dict[str, Building]:
    buildings = db.session.scalars(select(Building).where(Building.site_id == site.id))
    return {b.code.casefold(): b for b in buildings}


def _building(reader: RowReader, buildings: dict[str, Building]) -> Building | None:
    code = reader.raw("building_code")
    building = buildings.get(code.casefold())
    if building is None:
        reader.problem(
            "building_code", _("There is no building with the code %(code)s here.", code=code)
        )
    elif building.archived_at is not None:
        reader.problem("building_code", _("Building %(code)s is archived.", code=building.code))
        return None
    return building


def _site_units(site: Site) -> dict[tuple[int, str], Unit]:
    units = db.session.scalars(select(Unit).where(Unit.site_id == site.id))
    return {(u.building_id, u.number.casefold()): u for u in units}


# --- Units -----------------------------------------------------------------------------


@dataclass
class UnitRecord:
    row: int
    building: Building
    number: str
    floor: int
    values: dict[str, Any]  # the optional fields given in the row


class UnitRows:
    """Checks and writes the rows of a units file."""

    def __init__(self, site: Site, table: Table, *, writing: bool = False) -> None:
        self.site = site
        self.table = table
        self.buildings = _site_buildings(site)
        self.units = _site_units(site)

    def _key(self, cells: dict[str, str]) -> tuple[str, str]:
        return cells.get("building_code", "").casefold(), cells.get("unit_number", "").casefold()

    def check(self, start: int, end: int) -> tuple[list[Problem], list[UnitRecord]]:
        """The problems of rows ``start`` to ``end`` (indexes), and the rows ready to write."""
        seen: dict[tuple[str, str], int] = {}
        for index in range(start):
            number, cells = self.table.record(index)
            seen.setdefault(self._key(cells), number)
        problems: list[Problem] = []
        records: list[UnitRecord] = []
        for index in range(start, end):
            number, cells = self.table.record(index)
            reader = RowReader(number, cells, self.table.headers)
            record = self._row(reader)
            key = self._key(cells)
            if all(key) and key in seen:
                reader.problem(
                    "unit_number", _("Same building and unit as row %(row)s.", row=seen[key])
                )
            seen.setdefault(key, number)
            problems.extend(reader.problems)
            if not reader.problems and record is not None:
                records.append(record)
        return problems, records

    def _row(self, reader: RowReader) -> UnitRecord | None:
        building = _building(reader, self.buildings) if reader.raw("building_code") else None
        if not reader.raw("building_code"):
            reader.problem("building_code", _("This column needs a value."))
        number = reader.get("unit_number", _text, required=True, limit=20)
        floor = reader.get("floor", _whole, required=True)
        values = {
            "area_m2": reader.get("area_m2", _area),
            "status": reader.get("status", _choice, choices=UNIT_STATUSES, aliases=STATUS_ALIASES),
            "room_type": reader.get("room_type", _text, limit=40),
        }
        if building is None or number is None or floor is None:
            return None
        if floor > building.floors:
            reader.problem(
                "floor",
                _(
                    "Floor %(floor)s is above the top floor of building %(code)s (%(top)s).",
                    floor=floor,
                    code=building.code,
                    top=building.floors,
                ),
            )
        elif floor < -9:
            reader.problem("floor", _("Write a floor of -9 or above."))
        existing = self.units.get((building.id, number.casefold()))
        if existing is not None and existing.archived_at is not None:
            label = f"{building.code}-{number}"
            reader.problem("unit_number", _("Unit %(unit)s is archived.", unit=label))
        values = {k: v for k, v in values.items() if v is not None}
        return UnitRecord(reader.number, building, number, floor, values)

    def write(self, records: list[UnitRecord], batch: ImportBatch, user: User) -> tuple[int, int]:
        """Create or update a unit per record; returns (created, updated)."""
        created = updated = 0
        new: list[Unit] = []
        for record in records:
            unit = self.units.get((record.building.id, record.number.casefold()))
            if unit is None:
                unit = Unit(
                    site_id=self.site.id,
                    building_id=record.building.id,
                    number=record.number,
                    floor=record.floor,
                    status=record.values.get("status", "vacant"),
                    area_m2=record.values.get("area_m2"),
                    room_type=record.values.get("room_type", ""),
                )
                new.append(unit)
                self.units[(record.building.id, record.number.casefold())] = unit
                created += 1
            elif _apply(unit, {"floor": record.floor, **record.values}):
                updated += 1
        _add_all(Unit, new)
        return created, updated


def _add_all(model: type, rows: list[Any]) -> None:
    """Add new rows to the session, on PostgreSQL with their ids taken beforehand.

    Rows whose ids are known go in one pipelined executemany. Without them SQLAlchemy
    sends INSERT … RETURNING in pages of 1,000 rows, whose parameters psycopg parses
    slowly: 20,000 residents took twice as long.
    """
    if rows and db.session.get_bind().dialect.name == "postgresql":
        with db.session.no_autoflush:
            ids = db.session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": model.__tablename__, "count": len(rows)},
            ).all()
        if None not in ids:
            for row, ident in zip(rows, ids, strict=True):
                row.id = ident
    db.session.add_all(rows)


def _apply(obj: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; True when something changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


# --- Residents -------------------------------------------------------------------------

PERSONAL = (
    "name",
    "phone",
    "phone2",
    "email",
    "birth_date",
    "preferred_locale",
    "consent_sms",
    "consent_email",
)


@dataclass
class ResidentRecord:
    row: int
    key: tuple[str, ...]
    ref: str | None
    values: dict[str, Any]  # the personal fields given in the row (name always)
    unit: Unit | None
    role: str | None
    moved_in: date | None
    primary: bool | None
    existing: Resident | None = None


def _resident_key(cells: dict[str, str]) -> tuple[str, ...]:
    ref = cells.get("ref", "")
    return ("ref", ref) if ref else ("person", cells.get("name", ""), cells.get("phone", ""))


class KnownResident(NamedTuple):
    """What checking needs of a resident on file (writing loads the resident itself)."""

    id: int
    ref: str | None
    name: str
    phone: str
    archived_at: datetime | None


class ResidentIndex:
    """The site's residents, found by their number and by name and phone.

    One query reads them all. Lists of hundreds of values (``IN (...)``) were slower:
    PostgreSQL compared every resident with every value while its statistics lagged
    behind a large import.
    """

    def __init__(self, site: Site, *, objects: bool = False) -> None:
        self.by_ref: dict[str, Any] = {}
        self.by_person: dict[tuple[str, str], list[Any]] = {}
        if objects:
            found: Iterable[Any] = db.session.scalars(
                select(Resident).where(Resident.site_id == site.id)
            )
        else:
            found = (
                KnownResident(*row)
                for row in db.session.execute(
                    select(
                        Resident.id,
                        Resident.ref,
                        Resident.name,
                        Resident.phone,
                        Resident.archived_at,
                    ).where(Resident.site_id == site.id)
                )
            )
        for r in found:
            if r.ref:
                self.by_ref[r.ref] = r
            self.by_person.setdefault((r.name, r.phone), []).append(r)

    def find(self, ref: str | None, name: str, phone: str) -> Any:
        """The resident a row means, or None for a new one; CellError when it is ambiguous."""
        if ref:
            found = self.by_ref.get(ref)
            if found is not None or not phone:
                return found
            # A number not seen before: the resident may be on file without one yet.
            unnumbered = [r for r in self.by_person.get((name, phone), []) if r.ref is None]
            return unnumbered[0] if len(unnumbered) == 1 else None
        matches = self.by_person.get((name, phone), [])
        if len(matches) > 1:
            raise CellError(
                _("Several residents have this name and phone: add their resident number.")
            )
        return matches[0] if matches else None


def _placement(key: tuple[str, ...], cells: dict[str, str]) -> tuple[Any, ...]:
    """A resident in a unit, as rows name them."""
    return key, cells.get("building_code", "").casefold(), cells.get("unit_number", "").casefold()


class ResidentRows:
    """Checks and writes the rows of a residents file."""

    def __init__(self, site: Site, table: Table, *, writing: bool = False) -> None:
        self.site = site
        self.table = table
        self.writing = writing  # load the residents themselves, not just what checks need
        self.buildings = _site_buildings(site)
        self.units = _site_units(site)

    def check(self, start: int, end: int) -> tuple[list[Problem], list[ResidentRecord]]:
        """The problems of rows ``start`` to ``end`` (indexes), and the rows ready to write."""
        first: dict[tuple[str, ...], tuple[int, dict[str, str]]] = {}
        placed: dict[tuple[Any, ...], int] = {}
        for index in range(start):
            number, cells = self.table.record(index)
            self._remember(number, cells, first, placed)
        chunk = [self.table.record(i) for i in range(start, end)]
        index = ResidentIndex(self.site, objects=self.writing)
        problems: list[Problem] = []
        records: list[ResidentRecord] = []
        for number, cells in chunk:
            reader = RowReader(number, cells, self.table.headers)
            record = self._row(reader, index)
            self._against_earlier(reader, cells, first, placed)
            self._remember(number, cells, first, placed)
            problems.extend(reader.problems)
            if not reader.problems and record is not None:
                records.append(record)
        return problems, records

    @staticmethod
    def _remember(number, cells, first, placed) -> None:
        key = _resident_key(cells)
        first.setdefault(key, (number, cells))
        placed.setdefault(_placement(key, cells), number)

    def _against_earlier(self, reader: RowReader, cells, first, placed) -> None:
        """A resident on several rows (one per unit) must be the same person on each."""
        key = _resident_key(cells)
        if key in first:
            earlier, earlier_cells = first[key]
            for code in PERSONAL:
                mine, theirs = cells.get(code, ""), earlier_cells.get(code, "")
                if mine and theirs and mine != theirs:
                    reader.problem(
                        code,
                        _(
                            "Row %(row)s has the same resident with a different value here.",
                            row=earlier,
                        ),
                    )
        if cells.get("unit_number"):
            where = _placement(key, cells)
            if where in placed:
                reader.problem(
                    "unit_number",
                    _("Row %(row)s already puts this resident in this unit.", row=placed[where]),
                )

    def _row(self, reader: RowReader, index: ResidentIndex) -> ResidentRecord | None:
        ref = reader.get("ref", _text, limit=40)
        name = reader.get("name", _text, required=True, limit=120)
        values: dict[str, Any] = {
            "name": name,
            "phone": reader.get("phone", _phone),
            "phone2": reader.get("phone2", _phone),
            "email": reader.get("email", _email),
            "birth_date": reader.get("birth_date", _date, latest=clock.today(self.site)),
            "preferred_locale": reader.get("preferred_locale", _locale),
            "consent_sms": reader.get("consent_sms", _yes_no),
            "consent_email": reader.get("consent_email", _yes_no),
        }
        if not ref and not reader.raw("phone"):
            reader.problem(
                "phone",
                _("Give a phone number or a resident number, so the resident is found next time."),
            )
        unit = self._unit(reader)
        role = reader.get("role", _choice, choices=ROLES, aliases=ROLE_ALIASES)
        moved_in = reader.get("moved_in", _date)
        primary = reader.get("is_primary_contact", _yes_no)
        if unit is not None and role is None and not reader.raw("role"):
            reader.problem(
                "role",
                _("Write the resident's role in the unit: %(roles)s.", roles=", ".join(ROLES)),
            )
        if unit is None and not reader.raw("unit_number") and not reader.raw("building_code"):
            for code in ("role", "moved_in", "is_primary_contact"):
                if reader.raw(code):
                    reader.problem(code, _("This needs a building and a unit on the same row."))
        existing = None
        if name is not None:
            try:
                existing = index.find(ref, name, reader.raw("phone"))
            except CellError as error:
                reader.problem("name", str(error))
        if existing is not None and existing.archived_at is not None:
            reader.problem("name", _("This resident is archived: restore them before importing."))
        if reader.problems or name is None:
            return None
        return ResidentRecord(
            row=reader.number,
            key=_resident_key(reader.cells),
            ref=ref,
            values={k: v for k, v in values.items() if v is not None},
            unit=unit,
            role=role,
            moved_in=moved_in,
            primary=primary,
            existing=existing,
        )

    def _unit(self, reader: RowReader) -> Unit | None:
        code, number = reader.raw("building_code"), reader.raw("unit_number")
        if not code and not number:
            return None
        if not code or not number:
            reader.problem(
                "unit_number" if code else "building_code",
                _("Give both the building and the unit, or neither."),
            )
            return None
        building = _building(reader, self.buildings)
        if building is None:
            return None
        unit = self.units.get((building.id, number.casefold()))
        if unit is None:
            reader.problem(
                "unit_number",
                _(
                    "There is no unit %(unit)s in building %(code)s.",
                    unit=number,
                    code=building.code,
                ),
            )
        elif unit.archived_at is not None:
            label = f"{building.code}-{unit.number}"
            reader.problem("unit_number", _("Unit %(unit)s is archived.", unit=label))
            return None
        return unit

    def write(
        self, records: list[ResidentRecord], batch: ImportBatch, user: User
    ) -> tuple[int, int]:
        """Create or update the residents and where they live; returns (created, updated)."""
        from core.plugins.host import host

        hooks = host().hooks_for(self.site)
        people: dict[tuple[str, ...], Resident] = {}
        new: list[Resident] = []
        changed: set[int] = set()  # id() of the residents this import changed
        claimed: dict[int, int] = {}
        for record in records:
            resident = people.get(record.key) or record.existing
            if resident is None:
                resident = Resident(site_id=self.site.id, ref=record.ref or None, **record.values)
                new.append(resident)
            elif record.key not in people:
                if resident.id in claimed:
                    raise ImportConflict(record.row, claimed[resident.id])
                claimed[resident.id] = record.row
                fields = dict(record.values)
                if record.ref and resident.ref != record.ref:
                    fields["ref"] = record.ref
                if _apply(resident, fields):
                    changed.add(id(resident))
            people[record.key] = resident
        _add_all(Resident, new)
        db.session.flush()
        placed = self._place(records, people, changed)
        created_ids = {id(r) for r in new}
        created = updated = 0
        for record in records:
            resident = people[record.key]
            if id(resident) in created_ids:
                created += 1
            elif id(resident) in changed or record.row in placed:
                updated += 1
        written = created_ids | changed
        touched = {id(r): r for r in people.values() if id(r) in written}
        logged = [
            audit.record("import.resident", r, detail={"batch": batch.id}, user=user)
            for r in touched.values()
        ]
        _add_all(AuditLog, logged)
        for resident in new:
            hooks.butler_resident_created(site=self.site, resident=resident)
        return created, updated

    def _place(self, records, people, changed) -> set[int]:
        """Move residents into their units unless they already live there; the rows that did."""
        current: dict[tuple[int, int], Occupancy] = {}
        for occupancy in db.session.scalars(
            select(Occupancy).where(
                Occupancy.site_id == self.site.id, Occupancy.moved_out.is_(None)
            )
        ):
            current.setdefault((occupancy.resident_id, occupancy.unit_id), occupancy)
        today = clock.today(self.site)
        rows: set[int] = set()
        new: list[Occupancy] = []
        for record in records:
            if record.unit is None:
                continue
            resident = people[record.key]
            occupancy = current.get((resident.id, record.unit.id))
            if occupancy is None:
                occupancy = Occupancy(
                    site_id=self.site.id,
                    resident_id=resident.id,
                    unit_id=record.unit.id,
                    role=record.role,
                    moved_in=record.moved_in or today,
                    is_primary_contact=bool(record.primary),
                )
                new.append(occupancy)
                current[(resident.id, record.unit.id)] = occupancy
                if record.unit.status == "vacant":
                    record.unit.status = "let" if record.role == "tenant" else "occupied"
                rows.add(record.row)
                changed.add(id(resident))
            else:
                values: dict[str, Any] = {"role": record.role}
                if record.moved_in is not None:
                    values["moved_in"] = record.moved_in
                if record.primary is not None:
                    values["is_primary_contact"] = record.primary
                if _apply(occupancy, values):
                    rows.add(record.row)
                    changed.add(id(resident))
        _add_all(Occupancy, new)
        return rows


class ImportConflict(Exception):
    """Two rows of a file update the same resident; found only when the whole file is read."""

    def __init__(self, row: int, earlier: int) -> None:
        super().__init__(row, earlier)
        self.row = row
        self.earlier = earlier


CHECKERS = {"units": UnitRows, "residents": ResidentRows}


# --- The batch, step by step -----------------------------------------------------------


def storage_dir() -> Path:
    """Where uploads wait while they are checked: under the instance folder, not served."""
    configured = current_app.config.get("BUTLER_IMPORT_DIR") or os.environ.get("BUTLER_IMPORT_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _files(batch: ImportBatch) -> tuple[Path, Path]:
    """The uploaded file as it came, and its cells as read (what the steps use)."""
    folder = storage_dir()
    ext = extension_of(batch.filename)
    return folder / f"{batch.id}.{ext}", folder / f"{batch.id}.cells.json"


def start(site: Site, user: User, kind: str, filename: str, data: bytes) -> ImportBatch:
    """A new batch for an uploaded file, stored for the steps; ``FileProblem`` if refused.

    The caller commits.
    """
    table = read_upload(data, filename, kind)
    expire_abandoned(site)
    batch = ImportBatch(
        site_id=site.id,
        kind=kind,
        filename=filename[-200:],
        status="validating",
        total_rows=len(table.rows),
        processed_rows=0,
        problems="",
        created_by_id=user.id,
    )
    db.session.add(batch)
    db.session.flush()
    original, cells = _files(batch)
    for path, content in ((original, data), (cells, table.to_json().encode("utf-8"))):
        path.write_bytes(content)
        path.chmod(0o600)
    return batch


def expire_abandoned(site: Site) -> None:
    """End the site's imports left unchecked for a day (a closed tab), and drop their files."""
    stale = db.session.scalars(
        select(ImportBatch).where(
            ImportBatch.site_id == site.id,
            ImportBatch.status == "validating",
            ImportBatch.created_at < clock.now() - ABANDONED_AFTER,
        )
    ).all()
    for batch in stale:
        batch.status = "failed"
        batch.finished_at = clock.now()
        batch.problems = json.dumps(
            [
                Problem(
                    None,
                    "",
                    _("Left unfinished for a day, so nothing was imported. Upload it again."),
                ).as_dict()
            ],
            ensure_ascii=False,
        )
        discard_files(batch)


def discard_files(batch: ImportBatch) -> None:
    for path in _files(batch):
        path.unlink(missing_ok=True)


def problems_of(batch: ImportBatch) -> list[dict[str, Any]]:
    return json.loads(batch.problems) if batch.problems else []


def chunk_rows() -> int:
    return int(current_app.config.get("BUTLER_IMPORT_CHUNK_ROWS", CHUNK_ROWS))


def advance(batch: ImportBatch, site: Site, user: User) -> None:
    """Do the next step of ``batch``: check the next chunk of rows, or write them all.

    Commits. Two requests racing for the same step (a double click, two tabs) cannot both
    do it: each step is claimed by an UPDATE that only matches the state it started from.
    """
    if batch.status != "validating":
        return
    cells_file = _files(batch)[1]
    if not cells_file.exists():
        _finish(
            batch,
            "failed",
            [Problem(None, "", _("The uploaded file is gone from the server. Upload it again."))],
        )
        return
    table = Table.from_json(cells_file.read_text("utf-8"))
    if batch.processed_rows < batch.total_rows:
        _check_next(batch, site, table)
    else:
        _write(batch, site, user, table)


def _check_next(batch: ImportBatch, site: Site, table: Table) -> None:
    begin = batch.processed_rows
    end = min(begin + chunk_rows(), batch.total_rows)
    found, _records = CHECKERS[batch.kind](site, table).check(begin, end)
    problems = problems_of(batch) + [p.as_dict() for p in found]
    status, finished_at = "validating", None
    if len(problems) >= MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS]
        problems.append(
            Problem(
                None,
                "",
                _(
                    "Checking stopped after %(count)s problems: correct these and upload "
                    "the file again.",
                    count=_number(MAX_PROBLEMS),
                ),
            ).as_dict()
        )
        status, finished_at = "invalid", clock.now()
    elif end == batch.total_rows and problems:
        status, finished_at = "invalid", clock.now()
    claimed = db.session.execute(
        update(ImportBatch)
        .where(
            ImportBatch.id == batch.id,
            ImportBatch.status == "validating",
            ImportBatch.processed_rows == begin,
        )
        .values(
            processed_rows=end,
            problems=json.dumps(problems, ensure_ascii=False) if problems else "",
            status=status,
            finished_at=finished_at,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    db.session.refresh(batch)
    if claimed and status == "invalid":
        discard_files(batch)


def _write(batch: ImportBatch, site: Site, user: User, table: Table) -> None:
    """Check the whole file once more and write it in one transaction, or nothing."""
    claimed = db.session.execute(
        update(ImportBatch)
        .where(
            ImportBatch.id == batch.id,
            ImportBatch.status == "validating",
            ImportBatch.processed_rows == ImportBatch.total_rows,
        )
        .values(status="importing")
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        db.session.refresh(batch)
        return
    # Until this transaction commits, other requests still see "validating"; a second
    # step waits on the row lock and then finds nothing left to claim.
    rows = CHECKERS[batch.kind](site, table, writing=True)
    try:
        problems, records = rows.check(0, len(table.rows))
        if problems:
            # Something changed since the rows were checked (a building archived, a
            # resident added by a colleague): report it like any other problem.
            db.session.rollback()
            _finish(batch, "invalid", problems[:MAX_PROBLEMS])
            return
        created, updated = rows.write(records, batch, user)
        db.session.flush()
    except ImportConflict as conflict:
        db.session.rollback()
        _finish(
            batch,
            "invalid",
            [
                Problem(
                    conflict.row,
                    table.headers.get("name", "name"),
                    _("Row %(row)s also updates this resident.", row=conflict.earlier),
                )
            ],
        )
        return
    except Exception:  # noqa: BLE001 - whatever failed, nothing may stay half-written
        # Roll back first: until then the failed session cannot even read batch.id.
        db.session.rollback()
        log.exception("import %s failed while writing", batch.id)
        _finish(
            batch,
            "failed",
            [
                Problem(
                    None,
                    "",
                    _(
                        "Saving failed, so nothing was imported. Someone may have changed the "
                        "same records meanwhile: upload the file again."
                    ),
                )
            ],
        )
        return
    batch.status = "done"
    batch.created_rows = created
    batch.updated_rows = updated
    batch.finished_at = clock.now()
    audit.record(
        "import.done",
        batch,
        detail={
            "kind": batch.kind,
            "rows": batch.total_rows,
            "created": created,
            "updated": updated,
            "unchanged": batch.total_rows - created - updated,
        },
        site=site,
        user=user,
    )
    db.session.commit()
    discard_files(batch)


def _finish(batch: ImportBatch, status: str, problems: list[Problem]) -> None:
    """End ``batch`` with ``status`` and its problems (in a transaction of its own)."""
    db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == "validating")
        .values(
            status=status,
            problems=json.dumps([p.as_dict() for p in problems], ensure_ascii=False),
            finished_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    )
    if status == "failed":
        audit.record("import.failed", batch, detail={"kind": batch.kind}, site=None)
    db.session.commit()
    db.session.refresh(batch)
    discard_files(batch)


# --- Templates to fill in --------------------------------------------------------------


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
