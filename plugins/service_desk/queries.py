"""Finding requests: the lists' filters, the butler's counts, "mine" and "overdue"."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from core import clock, tenancy
from core.buildings import looked_after
from core.extensions import db
from core.models import Building, Resident, Site, Unit, User
from core.plugins.api import DayItem, WorkLogEntry
from core.search import like_escape
from plugins.service_desk.labels import ACTION_LABELS
from plugins.service_desk.models import (
    OPEN_STATUSES,
    TYPES,
    ServiceDeskCategory,
    ServiceDeskEvent,
    ServiceDeskRequest,
)

PER_PAGE = 50
VIEWS = ("mine", "open", "overdue", "callback", "escalated", "closed", "all")
R = ServiceDeskRequest


@dataclass(frozen=True)
class RequestFilter:
    view: str = "mine"
    building_id: int | None = None
    category_id: int | None = None
    type: str = ""
    page: int = 1

    def args(self, **changes: Any) -> dict[str, Any]:
        f = replace(self, **changes)
        args: dict[str, Any] = {"view": f.view}
        if f.building_id:
            args["building"] = f.building_id
        if f.category_id:
            args["category"] = f.category_id
        if f.type:
            args["type"] = f.type
        if f.page != 1:
            args["page"] = f.page
        return args


def _int(value: str | None) -> int | None:
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 < number < 2**31 else None


def filter_from_args(args: MultiDict, default_view: str = "mine") -> RequestFilter:
    view = args.get("view", default_view)
    page = _int(args.get("page")) or 1
    return RequestFilter(
        view=view if view in VIEWS else default_view,
        building_id=_int(args.get("building")),
        category_id=_int(args.get("category")),
        type=args.get("type", "") if args.get("type") in TYPES else "",
        page=min(page, 100_000),
    )


def my_buildings(site_id: int, user_id: int):
    return looked_after(site_id, user_id)


def mine(site_id: int, user_id: int):
    """Requests the user answers for: assigned to them, or from their buildings."""
    return or_(R.assignee_id == user_id, R.building_id.in_(my_buildings(site_id, user_id)))


def is_open():
    # An IN list, not "<> 'closed'": the (site_id, status) index then finds the open rows.
    return R.status.in_(OPEN_STATUSES)


def overdue(now: datetime):
    """Open requests past their promised reply or completion time."""
    return and_(
        is_open(),
        or_(
            and_(R.acknowledged_at.is_(None), R.reply_due_at < now),
            and_(R.done_at.is_(None), R.complete_due_at < now),
        ),
    )


def _filtered(stmt: Select, f: RequestFilter, site: Site, user_id: int, now: datetime) -> Select:
    stmt = stmt.where(R.site_id == site.id)
    if f.view == "mine":
        stmt = stmt.where(is_open(), mine(site.id, user_id))
    elif f.view == "open":
        stmt = stmt.where(is_open())
    elif f.view == "overdue":
        stmt = stmt.where(overdue(now))
    elif f.view == "callback":
        stmt = stmt.where(R.status == "done")
    elif f.view == "escalated":
        stmt = stmt.where(is_open(), R.escalated_to.is_not(None))
    elif f.view == "closed":
        stmt = stmt.where(R.status == "closed")
    if f.building_id:
        stmt = stmt.where(R.building_id == f.building_id)
    if f.category_id:
        stmt = stmt.where(R.category_id == f.category_id)
    if f.type:
        stmt = stmt.where(R.type == f.type)
    return stmt


def _order(f: RequestFilter) -> tuple:
    if f.view in ("closed", "all"):
        return (R.received_at.desc(), R.id.desc())
    if f.view == "callback":
        return (R.callback_due_at, R.id)
    return (R.complete_due_at, R.id)


def list_options() -> tuple:
    """Load with each request only what a list shows of its resident, unit and the rest."""
    return (
        joinedload(R.resident).load_only(Resident.name, Resident.phone),
        joinedload(R.unit).load_only(Unit.number),
        joinedload(R.building).load_only(Building.code),
        joinedload(R.category).load_only(ServiceDeskCategory.type, ServiceDeskCategory.name),
        joinedload(R.assignee).load_only(User.display_name),
    )


def rows_query(f: RequestFilter, site: Site, user_id: int, now: datetime) -> Select:
    """One page of requests with their resident, unit, category and assignee, in one query.

    The page's ids are chosen first, from the request table alone; only those rows are
    joined to the rest (joining every open request before sorting costs ten times more).
    """
    page = (
        _filtered(select(R.id), f, site, user_id, now)
        .order_by(*_order(f))
        .limit(PER_PAGE)
        .offset((f.page - 1) * PER_PAGE)
        .subquery("page")
    )
    return select(R).join(page, page.c.id == R.id).options(*list_options()).order_by(*_order(f))


def count_query(f: RequestFilter, site: Site, user_id: int, now: datetime) -> Select:
    return _filtered(select(func.count(R.id)), f, site, user_id, now)


def end_of_local_day(site: Site, now: datetime) -> datetime:
    """The end of ``now``'s day on the site's clock, as an aware datetime."""
    zone = clock.zone(site)
    local_day = now.astimezone(zone).date()
    return datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=zone)


def butler_counts(site: Site, user_id: int | None, now: datetime) -> dict[str, int]:
    """A butler's open requests (the site's, without ``user_id``), those overdue, and the
    callbacks due by the end of today."""
    today_ends = end_of_local_day(site, now)
    row = db.session.execute(
        select(
            func.count(R.id),
            func.coalesce(func.sum(case((overdue(now), 1), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case((and_(R.status == "done", R.callback_due_at < today_ends), 1), else_=0)
                ),
                0,
            ),
        ).where(
            R.site_id == site.id,
            is_open(),
            mine(site.id, user_id) if user_id is not None else True,
        )
    ).one()
    return {"open": row[0], "overdue": int(row[1]), "callbacks": int(row[2])}


SEARCH_LIMIT = 10


def search(site: Site, query: str) -> list[ServiceDeskRequest]:
    """Requests whose number is ``query`` ("#12" or "12") or whose description holds it."""

    text = query.strip()
    number = text.lstrip("#")
    conditions = [R.description.ilike(f"%{like_escape(text)}%", escape="\\")]
    if number.isdigit() and 0 < int(number) < 2**31:
        conditions.append(R.id == int(number))
    return list(
        db.session.scalars(
            tenancy.select(R, site=site)
            .options(joinedload(R.category), joinedload(R.resident))
            .where(or_(*conditions))
            .order_by(R.received_at.desc(), R.id.desc())
            .limit(SEARCH_LIMIT)
        )
    )


DAY_LIMIT = 30


def day_requests(site: Site, user: User, now: datetime) -> list[ServiceDeskRequest]:
    """For the day page: the user's overdue requests and the callbacks due by tonight
    (the site's, for someone who answers for none)."""
    today_ends = end_of_local_day(site, now)
    whose = mine(site.id, user.id) if has_buildings_or_assigned(site, user) else True
    rows = db.session.scalars(
        tenancy.select(R, site=site)
        .options(joinedload(R.category))
        .where(
            whose,
            or_(
                overdue(now),
                and_(
                    R.status == "done",
                    R.callback_due_at.is_not(None),
                    R.callback_due_at < today_ends,
                ),
            ),
        )
        .order_by(R.id)
        .limit(DAY_LIMIT)
    ).all()
    return rows


def day_items(site: Site, user: User, now: datetime) -> list[DayItem]:
    items = []
    for item in day_requests(site, user, now):
        url = url_for("service_desk.show", request_id=item.id)
        title = f"#{item.id} {item.category.name}: {item.description[:60]}"
        if item.status == "done":
            items.append(
                DayItem(
                    key=f"service_desk.callback.{item.id}",
                    title=title,
                    url=url,
                    kind=_l("Callback due"),
                    time=item.callback_due_at,
                    overdue=item.callback_due_at < now,
                    permission="service_desk.view",
                )
            )
        else:
            due = item.reply_due_at if item.acknowledged_at is None else item.complete_due_at
            items.append(
                DayItem(
                    key=f"service_desk.request.{item.id}",
                    title=title,
                    url=url,
                    kind=_l("Request overdue"),
                    time=due,
                    overdue=True,
                    permission="service_desk.view",
                )
            )
    return items


def has_buildings_or_assigned(site: Site, user: User) -> bool:
    """Whether ``user`` answers for some requests (a building of theirs, or one assigned)."""
    return bool(
        db.session.scalar(
            select(
                or_(
                    looked_after(site.id, user.id).exists(),
                    tenancy.select(R, R.id, site=site)
                    .where(is_open(), R.assignee_id == user.id)
                    .exists(),
                )
            )
        )
    )


def work_log(site: Site, butler: User, day: date) -> list[WorkLogEntry]:
    """The steps ``butler`` took on requests during the site's ``day``, one line each."""
    start, end = clock.day_bounds(site, day)
    steps = db.session.execute(
        tenancy.select(ServiceDeskEvent, site=site)
        .add_columns(R)
        .join(R, R.id == ServiceDeskEvent.request_id)
        .where(
            ServiceDeskEvent.user_id == butler.id,
            ServiceDeskEvent.at >= start,
            ServiceDeskEvent.at < end,
        )
        .order_by(ServiceDeskEvent.at, ServiceDeskEvent.id)
    ).all()
    return [
        WorkLogEntry(
            key=f"service_desk.event.{step.id}",
            time=step.at,
            kind=_l("Service request"),
            title=f"#{req.id} {req.description[:60]}",
            url=url_for("service_desk.show", request_id=req.id),
            detail=str(ACTION_LABELS.get(step.action, step.action)),
            outcome=step.note[:200],
        )
        for step, req in steps
    ]
