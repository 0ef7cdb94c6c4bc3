"""The month's hand-in pack: every report a plugin can cut to one butler, for one month.

The reports hook is called with the butler; each ``Report`` with a ``sheet`` gives its
figures as a ``Sheet`` of plain values. The same sheets make the pack's page, its
workbook (one worksheet per report), its ZIP (one workbook per report) and the snapshot
kept when the butler hands the month in. Comparing the snapshot with the sheets as they
are now lists the changes since hand-in, cell by cell.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import audit, clock
from core.contributions import collect
from core.exports import neutralise
from core.extensions import db
from core.models import HandIn, Membership, Site, User
from core.plugins.api import Report, Sheet
from core.roles import ROLE_CODES, Permission
from core.security import can, permission_of, registry

SUBMIT = "handin.submit"
REVIEW = "handin.review"
VIEW = "handin.view"
HAND_IN_ROLES = frozenset({"butler", "room_attendant"})
REVIEW_ROLES = frozenset(
    {"org_admin", "manager", "assistant", "exec_housekeeper", "asst_housekeeper"}
)
PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        VIEW,
        _l("Open hand-in packs (one's own, or any butler's to review)"),
        HAND_IN_ROLES | REVIEW_ROLES,
    ),
    Permission(SUBMIT, _l("Hand in one's own monthly pack"), HAND_IN_ROLES),
    Permission(REVIEW, _l("See who has handed in and open any butler's pack"), REVIEW_ROLES),
)

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
SHEET_NAME_LIMIT = 31
# Characters a worksheet's name may not hold.
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
SNAPSHOT_VERSION = 1
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_period(text: str | None) -> str | None:
    """``text`` when it is a month ``YYYY-MM`` of the years 2000 to 2100, else None."""
    match = PERIOD.match(text or "")
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        return None
    return text


def previous_month(site: Site) -> str:
    """The month before the site's current one, ``YYYY-MM``: the one usually handed in."""
    today = clock.today(site)
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def is_future(site: Site, period: str) -> bool:
    """True when ``period`` has not started yet at the site."""
    return period > clock.this_month(site)


# --- Who hands in --------------------------------------------------------------------


def hand_in_roles() -> list[str]:
    """The role codes that hold the permission to hand in (by the registry)."""
    return [code for code in ROLE_CODES if SUBMIT in registry().for_role(code)]


def hand_in_people(site: Site) -> list[User]:
    """The active staff of ``site`` whose role there hands in a monthly pack, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.site_id == site.id,
                Membership.role.in_(hand_in_roles()),
                User.active.is_(True),
            )
            .distinct()
            .order_by(User.display_name, User.id)
        )
    )


def hand_in_person(site: Site, user_id: int) -> User | None:
    """The staff member ``user_id`` if they hand in on ``site`` (else None: not theirs)."""
    return next((u for u in hand_in_people(site) if u.id == user_id), None)


# --- The pack's sections ---------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One report of the pack: the report, its sheet for the butler, and a link to the
    site's full report when the viewer may open it."""

    report: Report
    sheet: Sheet
    link: str | None

    @property
    def key(self) -> str:
        return self.report.key


def _link(report: Report, period: str) -> str | None:
    view = current_app.view_functions.get(report.endpoint)
    needed = permission_of(view) if view is not None else None
    if needed is None or not can(current_user, needed):
        return None
    return url_for(report.endpoint, period=period, **report.url_args)


def sections(site: Site, period: str, butler: User) -> list[Section]:
    """The pack of ``butler`` for ``period``: every report the current user may see that
    can be cut per butler, in the reports' order. Reports without a sheet are left out."""
    found = []
    for report in collect("butler_reports", period=period, butler=butler):
        if report.sheet is None:
            continue
        found.append(Section(report, report.sheet(site, period, butler), _link(report, period)))
    return found


# --- Plain values: the snapshot's cells and how a cell reads ---------------------------


def plain(value: Any) -> Any:
    """A cell as JSON keeps it: numbers, text, None; money and dates as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _sheet_data(section: Section) -> dict[str, Any]:
    sheet = section.sheet
    return {
        "key": section.key,
        "title": str(sheet.title),
        "columns": [str(c) for c in sheet.columns],
        "rows": [
            {"key": key, "cells": [plain(v) for v in row]}
            for key, row in zip(sheet.row_keys(), sheet.rows, strict=True)
        ],
    }


def snapshot_of(found: Iterable[Section]) -> str:
    """Every sheet of the pack as JSON text, for the hand-in record."""
    data = {"version": SNAPSHOT_VERSION, "sheets": [_sheet_data(s) for s in found]}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Change:
    """One cell that differs from the hand-in: where it is, what it was, what it is."""

    report: str
    row: str
    column: str
    then: Any
    now: Any


NOT_IN_PACK = _l("not in the pack")
IN_PACK = _l("in the pack")
WHOLE_REPORT = _l("the whole report")


def changes_since(snapshot: str, found: Iterable[Section]) -> list[Change]:
    """The cells of the current sheets that differ from the snapshot, in the pack's order.

    Rows are matched by their keys and columns by their place; a row that is new or gone
    shows each of its filled cells. A report the viewer may not see is not compared.
    """
    try:
        kept = {s["key"]: s for s in json.loads(snapshot or "{}").get("sheets", [])}
    except (ValueError, AttributeError):
        kept = {}
    out: list[Change] = []
    for section in found:
        now = _sheet_data(section)
        then = kept.get(section.key)
        if then is None:
            out.append(Change(now["title"], str(WHOLE_REPORT), "", str(NOT_IN_PACK), str(IN_PACK)))
            continue
        out.extend(_row_changes(now, then))
    return out


def _row_changes(now: dict[str, Any], then: dict[str, Any]) -> list[Change]:
    old_rows = {r["key"]: r["cells"] for r in then["rows"]}
    new_rows = {r["key"]: r["cells"] for r in now["rows"]}
    order = [r["key"] for r in now["rows"]] + [
        r["key"] for r in then["rows"] if r["key"] not in new_rows
    ]
    columns = now["columns"] if len(now["columns"]) >= len(then["columns"]) else then["columns"]
    found = []
    for key in order:
        old, new = old_rows.get(key, []), new_rows.get(key, [])
        label = (new or old or [key])[0]
        for index, heading in enumerate(columns):
            before = old[index] if index < len(old) else None
            after = new[index] if index < len(new) else None
            if before != after:
                found.append(Change(now["title"], str(label or key), heading, before, after))
    return found


# --- Handing in ------------------------------------------------------------------------


def hand_in_of(site: Site, butler_id: int, period: str) -> HandIn | None:
    return db.session.scalar(
        select(HandIn).where(
            HandIn.site_id == site.id, HandIn.butler_id == butler_id, HandIn.period == period
        )
    )


def record(site: Site, butler: User, period: str, by: User, found: list[Section]) -> HandIn:
    """Keep the pack's figures as handed in now; an earlier hand-in is replaced, its first
    moment and the number of times kept. The caller commits."""
    now = clock.now()
    text = snapshot_of(found)
    detail = {"butler": butler.id, "period": period, "reports": [s.key for s in found]}
    kept = hand_in_of(site, butler.id, period)
    if kept is None:
        fresh = HandIn(
            site_id=site.id,
            butler_id=butler.id,
            period=period,
            handed_in_at=now,
            first_handed_in_at=now,
            handed_in_by_id=by.id,
            times=1,
            snapshot=text,
        )
        try:
            with db.session.begin_nested():
                db.session.add(fresh)
        except IntegrityError:
            # Handed in at the same moment from another tab: replace that one below.
            kept = hand_in_of(site, butler.id, period)
        else:
            audit.record("handin.submitted", fresh, detail=detail)
            return fresh
    kept.handed_in_at = now
    kept.handed_in_by_id = by.id
    kept.times += 1
    kept.snapshot = text
    audit.record("handin.replaced", kept, detail=detail)
    return kept


def status(site: Site, period: str) -> list[tuple[User, HandIn | None]]:
    """Every butler who hands in on ``site``, with their hand-in of ``period`` or None;
    someone no longer active is listed when they handed it in."""
    kept = {
        h.butler_id: h
        for h in db.session.scalars(
            select(HandIn).where(HandIn.site_id == site.id, HandIn.period == period)
        )
    }
    people = hand_in_people(site)
    listed = {u.id for u in people}
    gone = [i for i in kept if i not in listed]
    if gone:
        people += list(db.session.scalars(select(User).where(User.id.in_(gone))))
    return [(u, kept.get(u.id)) for u in people]


# --- Workbooks -------------------------------------------------------------------------


def sheet_names(titles: Iterable[Any]) -> list[str]:
    """A worksheet name for each title: at most 31 characters, none a workbook forbids,
    all different (a spreadsheet compares them without case)."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = NOT_IN_SHEET_NAMES.sub(" ", str(title)).strip().strip("'") or "Sheet"
        name, n = base[:SHEET_NAME_LIMIT], 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _cell(ws: Any, value: Any) -> Any:
    if isinstance(value, str):
        # Drop what a workbook cannot hold, then keep a formula from running.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def _fill(book: Workbook, name: str, sheet: Sheet) -> None:
    ws = book.create_sheet(name)
    ws.append([_cell(ws, str(c)) for c in sheet.columns])
    for row in sheet.rows:
        ws.append([_cell(ws, v) for v in row])


def workbook(found: list[Section], title: str) -> bytes:
    """The pack as one workbook, a worksheet per report."""
    book = Workbook(write_only=True)
    book.properties.title = title
    for name, section in zip(sheet_names(s.sheet.title for s in found), found, strict=True):
        _fill(book, name, section.sheet)
    if not found:
        book.create_sheet("-")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_stem(report_key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", report_key).strip("-") or "report"


def zip_of_workbooks(found: list[Section], period: str, title: str) -> bytes:
    """The pack as a ZIP holding one workbook per report."""
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for section in found:
            stem, n = f"{file_stem(section.key)}-{period}", 1
            name = f"{stem}.xlsx"
            while name in used:
                n += 1
                name = f"{stem}-{n}.xlsx"
            used.add(name)
            archive.writestr(name, workbook([section], f"{title} · {section.sheet.title}"))
    return out.getvalue()
