"""The butler's work log (《管家工作日志》): what one butler did on one day.

Every enabled plugin adds its lines through the site-scope hook
``butler_work_log(site, butler, day)``, returning ``WorkLogEntry``s: the rounds walked
and the findings raised (inspections), the requests taken and closed (service desk),
the visits made, the care given. The core puts them in time order and keeps the
butler's remarks for the day. The page is ``/s/<site>/log`` (``core.views.worklog``);
a month of logs goes into the butler's hand-in pack.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from core import clock, tenancy
from core.extensions import db
from core.models import Membership, Site, User, WorkLogRemark
from core.plugins.api import Permission, Report, Sheet, WorkLogEntry
from core.plugins.host import flatten, host
from core.roles import MANAGERS_AND_ASSISTANTS
from core.security import roles_on

VIEW = "worklog.view"
VIEW_ALL = "worklog.view_all"
WRITE = "worklog.write"
# Whose day is logged: the people with buildings and rounds of their own.
LOGGED_ROLES = frozenset({"butler"})
PERMISSIONS: tuple[Permission, ...] = (
    Permission(VIEW, _l("Open one's own work log"), LOGGED_ROLES | MANAGERS_AND_ASSISTANTS),
    Permission(VIEW_ALL, _l("Read every butler's work log"), MANAGERS_AND_ASSISTANTS),
    Permission(WRITE, _l("Write one's remarks on one's work log"), LOGGED_ROLES),
)
REMARK_LIMIT = 2000
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def entries(site: Site, butler: User, day: date) -> list[WorkLogEntry]:
    """The day's lines from every plugin on for ``site``, earliest first."""
    found = flatten(host().hooks_for(site).butler_work_log(site=site, butler=butler, day=day))
    lines = [e for e in found if isinstance(e, WorkLogEntry)]
    return sorted(lines, key=lambda e: (e.time or _EARLIEST, e.key))


def remark_of(site: Site, butler: User, day: date) -> WorkLogRemark | None:
    return db.session.scalar(
        tenancy.select(WorkLogRemark, site=site).where(
            WorkLogRemark.user_id == butler.id, WorkLogRemark.day == day
        )
    )


def save_remark(site: Site, butler: User, day: date, body: str) -> WorkLogRemark:
    """Write the butler's remarks for ``day`` (one set per butler and day)."""
    row = remark_of(site, butler, day)
    if row is None:
        row = WorkLogRemark(site_id=site.id, user_id=butler.id, day=day, body=body)
        db.session.add(row)
    else:
        row.body = body
    db.session.flush()
    return row


def butlers(site: Site) -> list[User]:
    """The site's butlers, by name, for the manager's list of logs."""
    ids = tenancy.select(Membership, Membership.user_id, site=site).where(
        Membership.role.in_(LOGGED_ROLES)
    )
    return list(
        db.session.scalars(
            db.select(User).where(User.id.in_(ids)).order_by(User.display_name, User.id)
        )
    )


def is_logged(site: Site, user: User) -> bool:
    """Whether ``user`` keeps a log on ``site`` (holds a butler's role there). Reads the
    roles the permission check already cached for the request."""
    return bool(roles_on(user, site) & LOGGED_ROLES)


def butler_of(site: Site, user_id: int) -> User | None:
    """The user ``user_id`` if they keep a log on ``site``, else None (one query)."""
    ids = tenancy.select(Membership, Membership.user_id, site=site).where(
        Membership.role.in_(LOGGED_ROLES), Membership.user_id == user_id
    )
    return db.session.scalar(db.select(User).where(User.id.in_(ids)))


def month_sheet(site: Site, period: str, butler: User) -> Sheet:
    """A month of ``butler``'s logs for the hand-in pack: one row per line of each day
    (the day's remarks as a last row), up to the site's today."""
    year, month = (int(part) for part in period.split("-"))
    first = date(year, month, 1)
    last = min(date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1), clock.today(site))
    remarks = {
        r.day: r.body
        for r in db.session.scalars(
            tenancy.select(WorkLogRemark, site=site).where(
                WorkLogRemark.user_id == butler.id,
                WorkLogRemark.day >= first,
                WorkLogRemark.day <= last,
            )
        )
    }
    rows, keys = [], []
    zone = clock.zone(site)
    day = first
    while day <= last:
        for e in entries(site, butler, day):
            at = e.time.astimezone(zone).strftime("%H:%M") if e.time else None
            rows.append((day, at, str(e.kind), e.title, e.detail, e.outcome))
            keys.append(e.key)
        if remarks.get(day):
            rows.append((day, None, gettext("Remarks"), remarks[day], "", ""))
            keys.append(f"worklog.remarks.{day.isoformat()}")
        day += timedelta(days=1)
    return Sheet(
        title=gettext("Work log"),
        columns=(
            gettext("Date"),
            gettext("When"),
            gettext("Work"),
            gettext("What"),
            gettext("Details"),
            gettext("Outcome"),
        ),
        rows=tuple(rows),
        keys=tuple(keys),
    )


def report() -> Report:
    """The work log as a report of the hand-in pack (it has no site-wide page)."""
    return Report(
        key="core.work_log",
        title=_l("Work log"),
        endpoint="worklog.index",
        permission=VIEW,
        description=_l("Every day's work, line by line, with the butler's remarks."),
        order=5,
        sheet=month_sheet,
    )
