"""What every site page needs before its view runs, kept in each worker's memory.

A site page needs the site, the plugins enabled on it and the navigation bar. They change
rarely, so a worker keeps them, each under the site's ``cache_version``: a random stamp
renewed (in the same transaction) by every write to the site row or to its plugin
enablements (``_renew_changed_sites``, on every flush of every session). The request's
one statement that loads the user, their session and their roles on the site
(``core.auth``) also reads the site's id and stamp; a copy cached under another stamp is
dropped and read again, so a change made by any worker is seen by the next request of
every worker.

A bulk write through the session (``session.execute(update(PluginEnablement)…)``)
renews every site's stamp at its commit; a write on a raw connection must call
``renew(site_id)`` itself (the bench's seeding runs before any request).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from core import clock
from core.extensions import db
from core.models import PluginEnablement, Site
from core.models.base import new_cache_version
from core.plugins.host import host

# Navigation bars kept at most (sites × role sets × locales); the whole map is dropped
# when it is full, which only costs a rebuild.
NAV_LIMIT = 2_000


@dataclass(frozen=True)
class CachedSite:
    version: str
    values: dict[str, Any]  # the site row's columns
    enabled: frozenset[str]  # plugin names switched on


class SiteCache:
    """One worker's copies, by site id; the navigation bars by (site, stamp, roles, locale)."""

    def __init__(self) -> None:
        self.sites: dict[int, CachedSite] = {}
        self.nav: dict[tuple, tuple] = {}
        self.dashboards: dict[tuple, tuple] = {}  # key -> (built at, widgets)


def init_app(app: Flask) -> None:
    app.extensions["butler.sitecache"] = SiteCache()


def _cache() -> SiteCache:
    return current_app.extensions["butler.sitecache"]


def site_for(site_id: int, version: str, data_version: int) -> Site | None:
    """The open site ``site_id`` as a row of this request's session, with its enabled
    plugins known to the host: from memory when cached under ``version``, else read
    (two statements) and cached. ``data_version`` is the one just read with it."""
    cache = _cache()
    entry = cache.sites.get(site_id)
    if entry is not None and entry.version == version:
        site = _attach(entry.values)
        set_committed_value(site, "data_version", data_version)
        g.setdefault("_butler_enabled", {})[site.id] = entry.enabled
        return site
    # The site before its enablements: a change committed between the two reads leaves
    # the older stamp with the newer plugins, which the next request reads again.
    site = db.session.get(Site, site_id)
    if site is None or site.archived_at is not None:
        return None
    enabled = host().enabled_names(site)
    columns = {attr.key: getattr(site, attr.key) for attr in Site.__mapper__.column_attrs}
    cache.sites[site_id] = CachedSite(site.cache_version, columns, enabled)
    return site


def _attach(values: dict[str, Any]) -> Site:
    """A persistent ``Site`` of this session made from cached columns, without a query."""
    key = Site.__mapper__.identity_key_from_primary_key((values["id"],))
    existing = db.session.identity_map.get(key)
    if existing is not None:
        return existing
    site = Site(**values)
    make_transient_to_detached(site)
    db.session.add(site)
    return site


def navigation(key: tuple, build) -> tuple:
    """The navigation cached under ``key`` (which holds the site's stamp), or ``build()``."""
    nav = _cache().nav
    found = nav.get(key)
    if found is None:
        if len(nav) >= NAV_LIMIT:
            nav.clear()
        found = nav[key] = build()
    return found


def dashboard(key: tuple, build) -> list:
    """The dashboard's widgets cached under ``key`` (which holds the site's data version),
    or ``build()``: for at most ``BUTLER_DASHBOARD_CACHE_SECONDS``, since some figures
    move with the clock alone (what is overdue, this week's events)."""
    boards = _cache().dashboards
    seconds = current_app.config.get("BUTLER_DASHBOARD_CACHE_SECONDS", 30)
    now = clock.now()
    found = boards.get(key)
    if found is not None and abs((now - found[0]).total_seconds()) <= seconds:
        return found[1]
    if len(boards) >= NAV_LIMIT:
        boards.clear()
    widgets = build()
    if seconds > 0:
        boards[key] = (now, widgets)
    return widgets


def renew(site_id: int) -> None:
    """Give ``site_id`` a new stamp, for a write that does not go through a flush."""
    db.session.execute(
        sa.update(Site).where(Site.id == site_id).values(cache_version=new_cache_version()),
        execution_options={STAMPING: True},
    )


@event.listens_for(Session, "before_flush")
def _renew_changed_sites(session: Session, _context, _instances) -> None:
    """A new stamp for every site whose row or plugin enablements this flush writes."""
    changed: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, PluginEnablement):
            changed.add(obj.site_id)
        elif isinstance(obj, Site) and obj in session.dirty and session.is_modified(obj):
            changed.add(obj.id)
    for site_id in changed:
        if site_id is None:
            continue
        key = Site.__mapper__.identity_key_from_primary_key((site_id,))
        site = session.identity_map.get(key)
        if site is not None:
            site.cache_version = new_cache_version()
        else:
            session.execute(
                sa.update(Site)
                .where(Site.id == site_id)
                .values(cache_version=new_cache_version())
                .execution_options(synchronize_session=False, **{STAMPING: True})
            )


# --- The data version: which sites a transaction wrote -----------------------------------

WRITES = "butler_site_writes"  # in session.info: ids of the sites this transaction wrote
ALL = "all"  # …or this, for a bulk write whose sites are not known
RENEW_ALL = "butler_renew_all_sites"  # in session.info: a bulk write to sites or enablements
STAMPING = "butler_stamping"  # the execution option of the stamps' own updates
# Rows that change no figure of a dashboard: the audit trail and its index of sensitive
# reads (a page view can write both).
QUIET_TABLES = frozenset({"audit_log", "audit_read"})


@event.listens_for(Session, "after_flush")
def _note_flushed_rows(session: Session, _context) -> None:
    touched = session.info.setdefault(WRITES, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        site_id = getattr(obj, "site_id", None)
        if site_id is not None and obj.__tablename__ not in QUIET_TABLES:
            touched.add(site_id)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state) -> None:
    """``session.execute(update(Model)…)`` and the like: which rows they touch is not
    known, so a write to the sites or their enablements renews every site's stamp at the
    commit, and a write to a site's rows counts for the request's site (outside a
    request, for every site)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is None or state.execution_options.get(STAMPING):
        return
    info = state.session.info
    if table.name in ("site", "plugin_enablement"):
        info[RENEW_ALL] = True
    if "site_id" not in table.c or table.name in QUIET_TABLES:
        return
    site = g.get("site") if has_request_context() else None
    info.setdefault(WRITES, set()).add(site.id if site is not None else ALL)


@event.listens_for(Session, "before_commit")
def _count_site_writes(session: Session) -> None:
    """One more on each written site's ``data_version``, last thing before the commit
    (the site rows are locked for the commit only, always in the same order)."""
    session.flush()
    site = Site.__table__
    if session.info.pop(RENEW_ALL, False):
        session.execute(
            sa.update(site).values(cache_version=new_cache_version(), updated_at=site.c.updated_at),
            execution_options={STAMPING: True},
        )
    touched = session.info.pop(WRITES, None)
    if not touched:
        return
    counted = sa.update(site).values(
        data_version=site.c.data_version + 1, updated_at=site.c.updated_at
    )
    if ALL not in touched:
        counted = counted.where(site.c.id.in_(sorted(touched)))
    session.execute(counted, execution_options={STAMPING: True})


@event.listens_for(Session, "after_rollback")
def _forget_site_writes(session: Session) -> None:
    session.info.pop(WRITES, None)
    session.info.pop(RENEW_ALL, None)
