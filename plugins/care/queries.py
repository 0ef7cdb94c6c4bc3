"""What the care plugin adds to the day page, the work log and the dashboard."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from flask import url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func

from core import clock, tenancy
from core.extensions import db
from core.models import Building, Resident, Site, Unit, User
from core.plugins.api import DayItem, WorkLogEntry
from plugins.care import labels, rules
from plugins.care.models import CareCase, CareGreeting, CareParcel, CareVisit


def day_items(site: Site, user: User, day: date) -> list[DayItem]:
    """Today's birthdays in the user's buildings (done once greeted) and the week's coming ones."""
    items = []
    locale = str(get_locale() or "en")
    for b in rules.birthdays(site, day, rules.WEEK, rules.scope_buildings(site, user)):
        today = b.day == day
        detail = f"{b.unit} · {b.age}"
        if b.elderly:
            detail += f" · {_l('Elderly: visit recommended')}"
        if not today:
            detail = f"{format_date(b.day, 'EEE d MMM', locale=locale)} · {detail}"
        items.append(
            DayItem(
                key=f"care.birthday.{b.resident.id}",
                title=b.resident.name,
                url=url_for("care.birthdays"),
                kind=_l("Birthday today") if today else _l("Birthday this week"),
                detail=detail,
                done=b.greeting is not None,
                permission="care.view",
            )
        )
    return items


def work_log(site: Site, butler: User, day: date) -> list[WorkLogEntry]:
    """The greetings, care visits and parcels ``butler`` handled on the site's ``day``."""
    start, end = clock.day_bounds(site, day)
    lines = []
    greetings = db.session.execute(
        tenancy.select(CareGreeting, CareGreeting, Resident.name, site=site)
        .join(Resident, Resident.id == CareGreeting.resident_id)
        .where(CareGreeting.by_id == butler.id, CareGreeting.at >= start, CareGreeting.at < end)
        .order_by(CareGreeting.at)
    ).all()
    for g, name in greetings:
        lines.append(
            WorkLogEntry(
                key=f"care.greeting.{g.id}",
                time=g.at,
                kind=_l("Birthday greeting"),
                title=name,
                url=url_for("care.birthdays"),
                detail=str(labels.METHOD_LABELS[g.method]),
                outcome=g.note[:200],
            )
        )
    visits = db.session.execute(
        tenancy.select(CareVisit, CareVisit, CareCase.kind, Resident.name, site=site)
        .join(CareCase, CareCase.id == CareVisit.case_id)
        .join(Resident, Resident.id == CareCase.resident_id)
        .where(
            CareVisit.by_id == butler.id, CareVisit.visited_at >= start, CareVisit.visited_at < end
        )
        .order_by(CareVisit.visited_at)
    ).all()
    for v, kind, name in visits:
        # The log is read by managers too: the kind of care, not what was said.
        lines.append(
            WorkLogEntry(
                key=f"care.visit.{v.id}",
                time=v.visited_at,
                kind=_l("Special care visit"),
                title=name,
                url=url_for("care.case", case_id=v.case_id),
                detail=str(labels.CASE_LABELS[kind]),
            )
        )
    parcels = db.session.execute(
        tenancy.select(CareParcel, CareParcel, Building.code, Unit.number, site=site)
        .join(Unit, Unit.id == CareParcel.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(
            (
                (CareParcel.received_by_id == butler.id)
                & (CareParcel.received_at >= start)
                & (CareParcel.received_at < end)
            )
            | (
                (CareParcel.handed_by_id == butler.id)
                & (CareParcel.handed_at >= start)
                & (CareParcel.handed_at < end)
            )
        )
    ).all()
    for p, code, number in parcels:
        unit = f"{code}-{number}"
        url = url_for("care.parcel", parcel_id=p.id)
        if p.received_by_id == butler.id and start <= p.received_at < end:
            lines.append(
                WorkLogEntry(
                    key=f"care.parcel_in.{p.id}",
                    time=p.received_at,
                    kind=_l("Parcel signed in"),
                    title=unit,
                    url=url,
                    detail=p.carrier,
                )
            )
        if p.handed_by_id == butler.id and p.handed_at is not None and start <= p.handed_at < end:
            lines.append(
                WorkLogEntry(
                    key=f"care.parcel_out.{p.id}",
                    time=p.handed_at,
                    kind=_l("Parcel handed over"),
                    title=unit,
                    url=url,
                    detail=p.carrier,
                    outcome=p.handed_to,
                )
            )
    return lines


def widget_context(site: Site, user: User) -> dict:
    """Today's birthdays in the user's buildings and the parcels held (and held too long)."""
    today = clock.today(site)
    week = rules.birthdays(site, today, 1, rules.scope_buildings(site, user))
    held = db.session.execute(
        tenancy.select(
            CareParcel,
            func.count(CareParcel.id),
            func.sum(
                case((CareParcel.received_at < rules.held_since(site, clock.now()), 1), else_=0)
            ),
            site=site,
        ).where(CareParcel.handed_at.is_(None))
    ).one()
    return {"birthdays": week, "held": held[0] or 0, "too_long": int(held[1] or 0)}
