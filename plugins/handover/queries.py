"""What the handover plugin shows outside its own pages: the dashboard's box, the day
page's appointments and the work log's handovers."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from core import clock, tenancy
from core.extensions import db
from core.models import Site, Unit, User
from core.plugins.api import DayItem, SearchResult, WorkLogEntry
from core.search import like_escape
from core.security import can
from plugins.handover.labels import BOOKING_LABELS
from plugins.handover.models import HandoverBooking, HandoverDefect, HandoverSlot


def widget_context(site: Site) -> dict:
    """Today's appointments, defects still open and those overdue: two queries."""
    today = clock.today(site)
    start, end = clock.day_bounds(site, today)
    booked = db.session.scalar(
        tenancy.select(HandoverBooking, func.count(), site=site)
        .select_from(HandoverBooking)
        .join(HandoverSlot, HandoverSlot.id == HandoverBooking.slot_id)
        .where(
            HandoverBooking.status != "cancelled",
            HandoverSlot.starts_at >= start,
            HandoverSlot.starts_at < end,
        )
    )
    open_, overdue = db.session.execute(
        tenancy.select(
            HandoverDefect,
            func.count(),
            func.sum(db.case((HandoverDefect.due_on < today, 1), else_=0)),
            site=site,
        ).where(HandoverDefect.status != "closed")
    ).one()
    return {"booked": booked or 0, "open": open_ or 0, "overdue": int(overdue or 0)}


def day_items(site: Site, user: User, day: date) -> list[DayItem]:
    """The day's handover appointments, done once the keys are handed over."""
    start, end = clock.day_bounds(site, day)
    bookings = db.session.scalars(
        tenancy.select(HandoverBooking, site=site)
        .join(HandoverSlot, HandoverSlot.id == HandoverBooking.slot_id)
        .where(
            HandoverBooking.status != "cancelled",
            HandoverSlot.starts_at >= start,
            HandoverSlot.starts_at < end,
        )
        .options(
            selectinload(HandoverBooking.slot),
            selectinload(HandoverBooking.unit).selectinload(Unit.building),
        )
        .order_by(HandoverSlot.starts_at, HandoverBooking.id)
    ).all()
    return [
        DayItem(
            key=f"handover.booking.{b.id}",
            title=b.unit.label,
            url=url_for("handover.booking", booking_id=b.id),
            kind=_l("Handover"),
            time=b.slot.starts_at,
            detail=b.owner_name,
            done=b.status == "handed_over",
            permission="handover.inspect",
        )
        for b in bookings
    ]


def work_log(site: Site, butler: User, day: date) -> list[WorkLogEntry]:
    """The units ``butler`` handed over on the site's ``day``."""
    start, end = clock.day_bounds(site, day)
    bookings = db.session.scalars(
        tenancy.select(HandoverBooking, site=site)
        .where(
            HandoverBooking.handed_over_by_id == butler.id,
            HandoverBooking.handed_over_at >= start,
            HandoverBooking.handed_over_at < end,
        )
        .options(selectinload(HandoverBooking.unit).selectinload(Unit.building))
        .order_by(HandoverBooking.handed_over_at)
    ).all()
    return [
        WorkLogEntry(
            key=f"handover.booking.{b.id}",
            time=b.handed_over_at,
            kind=_l("Handover"),
            title=b.unit.label,
            url=url_for("handover.report", booking_id=b.id),
            detail=b.owner_name,
        )
        for b in bookings
    ]


def search(site: Site, user: User, query: str) -> list[SearchResult]:
    """Bookings whose owner's name holds ``query``, for holders of handover.view."""
    if not query or not can(user, "handover.view", site):
        return []
    pattern = f"%{like_escape(query)}%"
    bookings = db.session.scalars(
        tenancy.select(HandoverBooking, site=site)
        .where(
            HandoverBooking.owner_name.ilike(pattern, escape="\\"),
            HandoverBooking.status != "cancelled",
        )
        .options(selectinload(HandoverBooking.unit).selectinload(Unit.building))
        .order_by(HandoverBooking.id.desc())
        .limit(10)
    ).all()
    return [
        SearchResult(
            title=f"{b.owner_name} · {b.unit.label}",
            url=url_for("handover.booking", booking_id=b.id, site_slug=site.slug),
            kind=_l("Handover"),
            detail=str(BOOKING_LABELS[b.status]),
        )
        for b in bookings
    ]
