"""The columns of the import files: codes, labels, hints, and the Chinese names accepted."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

ROLES = ("owner", "tenant", "family", "domestic_helper")

KIND_LABELS = {"units": _l("Units"), "residents": _l("Residents")}


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
