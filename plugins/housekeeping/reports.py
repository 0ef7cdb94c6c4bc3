"""Housekeeping's figures: the monthly report (rooms cleaned per attendant per day,
inspection pass rate, linen loss, master keys not returned after their shift) as figures
and as an XLSX file, and the dashboard's room counts."""

from __future__ import annotations

import io
from datetime import date, datetime, time

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from core import clock, tenancy
from core.charts import Chart, Series
from core.exports import neutralise
from core.extensions import db
from core.models import Site, User
from core.plugins.api import Sheet
from core.tenancy import current_site
from plugins.housekeeping.models import (
    HousekeepingAssignment,
    HousekeepingDayCleaned,
    HousekeepingInspection,
    HousekeepingKeyIssue,
    HousekeepingLinenItem,
    HousekeepingLinenMovement,
    HousekeepingRoom,
    HousekeepingStocktake,
)


def _utc(day: date) -> datetime:
    """The moment ``day`` starts at the site."""
    return datetime.combine(day, time(), tzinfo=clock.zone(current_site()))


def month_figures(first: date, following: date) -> dict:
    """The report's three parts for the month starting ``first``."""
    d = HousekeepingDayCleaned
    cleaned = db.session.execute(
        tenancy.select(d, User.display_name, d.day, func.sum(d.rooms), func.sum(d.credits))
        .join(User, User.id == d.attendant_id)
        .where(d.day >= first, d.day < following)
        .group_by(User.display_name, d.day)
        .order_by(User.display_name, d.day)
    ).all()
    passed, total = db.session.execute(
        tenancy.select(
            HousekeepingInspection,
            func.count(HousekeepingInspection.id).filter(HousekeepingInspection.passed.is_(True)),
            func.count(HousekeepingInspection.id),
        ).where(
            HousekeepingInspection.inspected_at >= _utc(first),
            HousekeepingInspection.inspected_at < _utc(following),
        )
    ).one()
    late = db.session.scalars(
        tenancy.select(HousekeepingKeyIssue)
        .where(
            HousekeepingKeyIssue.issued_at >= _utc(first),
            HousekeepingKeyIssue.issued_at < _utc(following),
            HousekeepingKeyIssue.shift_ends_at < clock.now(),
            or_(
                HousekeepingKeyIssue.returned_at.is_(None),
                HousekeepingKeyIssue.returned_at > HousekeepingKeyIssue.shift_ends_at,
                HousekeepingKeyIssue.lost.is_(True),
            ),
        )
        .options(selectinload(HousekeepingKeyIssue.key), selectinload(HousekeepingKeyIssue.holder))
        .order_by(HousekeepingKeyIssue.issued_at)
    ).all()
    return {
        "linen": linen_losses(first, following),
        "cleaned": cleaned,
        "passed": passed or 0,
        "inspections": total or 0,
        "pass_rate": round(100 * (passed or 0) / total) if total else None,
        "late_keys": late,
    }


def linen_losses(first: date, following: date) -> list[dict]:
    """Per item: pieces discarded in the month, pieces missing at its stocktake, and the
    loss rate against the stock before those losses."""
    discarded = dict(
        db.session.execute(
            tenancy.select(
                HousekeepingLinenMovement,
                HousekeepingLinenMovement.item_id,
                func.sum(HousekeepingLinenMovement.quantity),
            )
            .where(
                HousekeepingLinenMovement.kind == "discarded",
                HousekeepingLinenMovement.moved_at >= _utc(first),
                HousekeepingLinenMovement.moved_at < _utc(following),
            )
            .group_by(HousekeepingLinenMovement.item_id)
        ).all()
    )
    takes = {
        take.item_id: take
        for take in db.session.scalars(
            tenancy.select(HousekeepingStocktake).where(
                HousekeepingStocktake.period == first.strftime("%Y-%m")
            )
        )
    }
    rows = []
    for item in db.session.scalars(
        tenancy.select(HousekeepingLinenItem).order_by(HousekeepingLinenItem.name)
    ):
        take = takes.get(item.id)
        gone = int(discarded.get(item.id) or 0)
        missing = max(0, -take.discrepancy) if take else 0
        base = (take.expected if take else item.total) + gone
        rows.append(
            {
                "item": item.name,
                "discarded": gone,
                "missing": missing,
                "counted": take is not None,
                "rate": round(100 * (gone + missing) / base, 1) if base else None,
            }
        )
    return rows


def key_state(custody: HousekeepingKeyIssue) -> str:
    if custody.lost:
        return _("Lost")
    if custody.returned_at is None:
        return _("Not returned")
    return _("Returned late")


def month_xlsx(figures: dict) -> bytes:
    def clean(value):
        if isinstance(value, str):
            return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
        return value

    book = Workbook()
    sheet = book.active
    sheet.title = _("Rooms cleaned")[:31]
    sheet.append([_("Attendant"), _("Day"), _("Rooms"), _("Credits")])
    for name, day, rooms, credits in figures["cleaned"]:
        sheet.append([clean(name), day, rooms, credits])
    sheet = book.create_sheet(_("Inspections")[:31])
    sheet.append([_("Inspections"), _("Passed"), _("Pass rate (%)")])
    sheet.append([figures["inspections"], figures["passed"], figures["pass_rate"]])
    sheet = book.create_sheet(_("Linen loss")[:31])
    sheet.append([_("Item"), _("Discarded"), _("Missing at the stocktake"), _("Loss rate (%)")])
    for row in figures["linen"]:
        sheet.append([clean(row["item"]), row["discarded"], row["missing"], row["rate"]])
    sheet = book.create_sheet(_("Keys not returned")[:31])
    sheet.append([_("Key"), _("Holder"), _("Shift ended"), _("State")])
    zone = clock.zone(current_site())
    for custody in figures["late_keys"]:
        sheet.append(
            [
                clean(custody.key.code),
                clean(custody.holder.display_name),
                custody.shift_ends_at.astimezone(zone).replace(tzinfo=None),
                key_state(custody),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dashboard_figures(site: Site) -> dict:
    """The dashboard widget's figures: rooms by status and master keys out past their
    shift (a hook: the site is named, there is no request)."""
    room = HousekeepingRoom
    counts = dict(
        db.session.execute(
            tenancy.select(room, room.status, func.count(room.id), site=site).group_by(room.status)
        ).all()
    )
    overdue = db.session.scalar(
        tenancy.select(HousekeepingKeyIssue, func.count(HousekeepingKeyIssue.id), site=site).where(
            HousekeepingKeyIssue.returned_at.is_(None),
            HousekeepingKeyIssue.shift_ends_at < clock.now(),
        )
    )
    return {"counts": counts, "overdue_keys": overdue or 0}


# --- The attendant's share, for the hand-in pack ----------------------------------------


def butler_sheet(site: Site, period: str, butler: User) -> Sheet:
    """The rooms ``butler`` (a room attendant) cleaned each day of ``period``, with their
    credits: the attendant's line of the month's "Rooms cleaned"."""
    first = date(int(period[:4]), int(period[5:7]), 1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    a = HousekeepingAssignment
    days = db.session.execute(
        tenancy.select(a, a.day, func.count(a.id), func.sum(a.credits), site=site)
        .where(
            a.attendant_id == butler.id,
            a.day >= first,
            a.day < following,
            a.cleaned_at.is_not(None),
        )
        .group_by(a.day)
        .order_by(a.day)
    ).all()
    rows = [(day, int(rooms), int(credits or 0)) for day, rooms, credits in days]
    rows.append((_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)))
    return Sheet(
        title=_("Rooms cleaned"),
        columns=(_("Day"), _("Rooms"), _("Credits")),
        rows=tuple(rows),
        keys=(*(d.isoformat() for d, _r, _c in days), "total"),
    )


def cleaned_chart(cleaned: list, days: dict) -> Chart:
    """Rooms cleaned on each day of the month, all attendants together."""
    per_day: dict = {}
    for _name, day, rooms, _credits in cleaned:
        per_day[day] = per_day.get(day, 0) + rooms
    order = sorted(per_day)
    return Chart(
        "line" if len(order) > 1 else "bar",
        _("Rooms cleaned each day"),
        labels=tuple(days.get(day, day.isoformat()) for day in order),
        series=(Series(_("Rooms"), tuple(per_day[day] for day in order)),),
    )
