"""Searching the audit log: who may read which rows, the filters, the rows of a page.

Organisation admins read the rows of every site of their company (and the company's
logins, which belong to no site); anyone else who holds ``audit.view`` reads the rows of
the sites where they hold it. The page starts on the current site; "all sites" is a
choice, so that the first page a manager opens reads one site's index only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core import clock
from core.extensions import db
from core.models import AuditLog, AuditRead, Site, User
from core.security import can, sites_of

PER_PAGE = 50
MAX_EXPORT = 20_000
ALL_SITES = "all"
COLUMNS = (
    _l("When"),
    _l("Site"),
    _l("Done by"),
    _l("Username"),
    _l("Action"),
    _l("Object type"),
    _l("Object id"),
    _l("Address"),
    _l("Detail"),
)


def readable_sites(user: User, current: Site) -> list[Site]:
    """The sites of ``current``'s company whose audit rows ``user`` may read, by name."""
    sites = db.session.scalars(
        sa.select(Site)
        .where(Site.organization_id == current.organization_id)
        .order_by(Site.name, Site.id)
    ).all()
    if _org_admin_of(user, current):
        return list(sites)
    mine = sites_of(user)
    return [s for s in sites if s.id in mine and can(user, "audit.view", s)]


def _org_admin_of(user: User, site: Site) -> bool:
    return bool(user.is_org_admin and user.organization_id == site.organization_id)


@dataclass
class AuditFilter:
    """The audit page's filters, read from the query string and checked."""

    who: str = ""
    action: str = ""
    object_type: str = ""
    object_id: int | None = None
    site: str = ""  # a site's slug, ALL_SITES, or "" for the current site
    resident_id: int | None = None
    since: date | None = None
    until: date | None = None
    ip: str = ""
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Any) -> AuditFilter:
        f = cls(
            who=args.get("who", "").strip()[:60],
            action=args.get("action", "").strip()[:60],
            object_type=args.get("object_type", "").strip()[:60],
            site=args.get("site", "").strip()[:40],
            ip=args.get("ip", "").strip()[:64],
        )
        f.object_id = f._number(args, "object_id")
        f.resident_id = f._number(args, "resident")
        f.since = f._day(args, "since")
        f.until = f._day(args, "until")
        if f.since and f.until and f.until < f.since:
            f.errors["until"] = str(_l("The end of the period comes before its start."))
        page = args.get("page", "1")
        f.page = int(page) if page.isdigit() and 0 < len(page) < 6 else 1
        return f

    def _number(self, args: Any, name: str) -> int | None:
        raw = args.get(name, "").strip()
        if not raw:
            return None
        if raw.isdigit() and len(raw) < 10:
            return int(raw)
        self.errors[name] = str(_l("Enter a whole number."))
        return None

    def _day(self, args: Any, name: str) -> date | None:
        raw = args.get(name, "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors[name] = str(_l("Enter a date like 2026-12-31."))
            return None

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string of this filter with ``changes`` (for links)."""
        values = {
            "who": self.who,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "site": self.site,
            "resident": self.resident_id,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "ip": self.ip,
            "page": self.page if self.page > 1 else None,
        } | changes
        return {k: v for k, v in values.items() if v not in (None, "")}


@dataclass
class AuditQuery:
    """The rows a filter finds, as slices that each follow one index, newest first.

    Each site is one slice of the index ``(site_id, at)`` (and the company's logins, of
    no site, one more): several sites are read as the newest rows of each slice, merged,
    so that the first page of "all sites" reads a page per site, not the whole log.
    """

    slices: list[sa.ColumnElement[bool]]
    filters: list[sa.ColumnElement[bool]]

    def select(self, limit: int, offset: int = 0) -> sa.Select:
        """The rows ``offset`` to ``offset + limit``, with who did each and the site's name."""
        newest = (AuditLog.at.desc(), AuditLog.id.desc())
        stmt = (
            sa.select(AuditLog, User.display_name, User.username, Site.name)
            .outerjoin(User, User.id == AuditLog.user_id)
            .outerjoin(Site, Site.id == AuditLog.site_id)
        )
        if len(self.slices) == 1:
            stmt = stmt.where(self.slices[0], *self.filters)
        else:
            heads = [
                sa.select(AuditLog.id)
                .where(part, *self.filters)
                .order_by(*newest)
                .limit(offset + limit)
                .subquery()
                for part in self.slices
            ]
            stmt = stmt.where(AuditLog.id.in_(sa.union_all(*(sa.select(h.c.id) for h in heads))))
        return stmt.order_by(*newest).limit(limit).offset(offset)


def query(f: AuditFilter, user: User, current: Site) -> AuditQuery | None:
    """What the filter finds among the rows ``user`` may read; None when the chosen site
    is not theirs."""
    sites = readable_sites(user, current)
    if f.site == ALL_SITES:
        chosen = sites
    elif f.site:
        chosen = [s for s in sites if s.slug == f.site]
        if not chosen:
            return None
    else:
        chosen = [s for s in sites if s.id == current.id]
    ids = [s.id for s in chosen]
    slices: list[sa.ColumnElement[bool]] = [AuditLog.site_id == i for i in ids]
    if f.site == ALL_SITES and _org_admin_of(user, current):
        # Logins and refusals of the company's staff belong to no site.
        staff = sa.select(User.id).where(User.organization_id == current.organization_id)
        slices.append(sa.and_(AuditLog.site_id.is_(None), AuditLog.user_id.in_(staff)))
    if not slices:
        slices = [sa.false()]
    filters: list[sa.ColumnElement[bool]] = []
    if f.who:
        pattern = f"%{_escape(f.who.lower())}%"
        named = sa.select(User.id).where(
            User.organization_id == current.organization_id,
            sa.or_(
                User.username.like(pattern, escape="\\"),
                sa.func.lower(User.display_name).like(pattern, escape="\\"),
            ),
        )
        filters.append(AuditLog.user_id.in_(named))
    if f.action:
        filters.append(AuditLog.action.startswith(f.action, autoescape=True))
    if f.object_type:
        filters.append(AuditLog.object_type == f.object_type)
    if f.object_id is not None:
        filters.append(AuditLog.object_id == f.object_id)
    if f.ip:
        filters.append(AuditLog.ip.startswith(f.ip, autoescape=True))
    if f.since:
        filters.append(AuditLog.at >= clock.day_bounds(current, f.since)[0])
    if f.until:
        filters.append(AuditLog.at < clock.day_bounds(current, f.until)[1])
    if f.resident_id is not None:
        reads = sa.select(AuditRead.audit_id).where(
            AuditRead.site_id.in_(ids), AuditRead.resident_id == f.resident_id
        )
        filters.append(AuditLog.id.in_(reads))
    return AuditQuery(slices, filters)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def page_of(found: AuditQuery, page: int) -> tuple[list[Any], bool]:
    """The rows of ``page`` and whether a next page exists (no count of the whole log)."""
    rows = db.session.execute(found.select(PER_PAGE + 1, (page - 1) * PER_PAGE)).all()
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def export_rows(found: AuditQuery, site: Site) -> list[tuple[Any, ...]]:
    """The rows found (at most ``MAX_EXPORT``, newest first) as the export's cells."""
    zone = clock.zone(site)
    return [
        (
            entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            site_name or "",
            name or "",
            username or "",
            entry.action,
            entry.object_type,
            entry.object_id if entry.object_id is not None else "",
            entry.ip,
            entry.detail,
        )
        for entry, name, username, site_name in db.session.execute(found.select(MAX_EXPORT))
    ]


@dataclass(frozen=True)
class SensitiveRead:
    """One page view that showed a resident's sensitive records."""

    at: Any
    who: str
    action: str


def sensitive_reads(site: Site, resident_id: int, limit: int = 20) -> list[SensitiveRead]:
    """Who read the health or special-care records of a resident, newest first."""
    rows = db.session.execute(
        sa.select(AuditLog.at, User.display_name, AuditLog.action)
        .select_from(AuditRead)
        .join(AuditLog, AuditLog.id == AuditRead.audit_id)
        .outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditRead.site_id == site.id, AuditRead.resident_id == resident_id)
        .order_by(AuditRead.audit_id.desc())
        .limit(limit)
    ).all()
    return [SensitiveRead(at, who or "", action) for at, who, action in rows]
