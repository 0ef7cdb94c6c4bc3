"""The current site (``g.site``) and queries scoped to it.

Every URL of a site carries its slug (``/s/<site_slug>/…``). The slug is resolved before
the view runs: an anonymous visitor is sent to log in, and a user who holds no role on
the site gets 404, so nothing is revealed about sites they do not belong to.
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, abort, current_app, g
from flask_login import current_user

from core import sitecache
from core.extensions import db, login_manager
from core.models import Site
from core.security import PUBLIC, permission_of, roles_on

M = TypeVar("M")


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_load_site)
    app.url_defaults(_add_site_slug)
    app.context_processor(lambda: {"site": g.get("site")})


def _load_site(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if not values or "site_slug" not in values:
        return
    slug = values.pop("site_slug")
    # A view declared PUBLIC (a resident's personal survey link) is open to anyone, but
    # still belongs to its site: the site must exist, and the view checks its own key.
    public = permission_of(current_app.view_functions.get(endpoint)) == PUBLIC
    # The user loader reads the site's id and cache stamp, and the user's roles there, in
    # its one statement when it knows the slug (core.auth).
    g._butler_slug = slug
    if not public and not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    probe = g.pop("_butler_site_probe", None)
    if probe is None or probe[0] != slug:
        found = db.session.execute(
            sa.select(Site.id, Site.cache_version, Site.data_version).where(
                Site.slug == slug, Site.archived_at.is_(None)
            )
        ).first()
        probe = (slug, *(found or (None, None, None)))
    site = sitecache.site_for(*probe[1:]) if probe[1] is not None else None
    if site is None or (not public and not roles_on(current_user, site)):
        abort(404)
    g.site = site


def _add_site_slug(endpoint: str, values: dict[str, Any]) -> None:
    if "site_slug" in values or g.get("site") is None:
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "site_slug"):
        values["site_slug"] = g.site.slug


def current_site() -> Site:
    """The site of this request; only valid inside ``/s/<site_slug>/`` routes."""
    site = g.get("site")
    if site is None:
        raise RuntimeError("no current site: this is not a site URL")
    return site


def select(model: type[M], *columns: Any, site: Site | int | None = None) -> sa.Select:
    """``SELECT`` of ``model`` (or of ``columns``) limited to one site.

    Inside a site's URL the site is the request's; hooks and jobs, which run outside a
    request, name it: ``select(Model, site=site)`` (a ``Site`` or its id).
    """
    stmt = sa.select(*columns) if columns else sa.select(model)
    return stmt.where(model.site_id == site_id_of(site))


def site_id_of(site: Site | int | None) -> int:
    """The id of ``site``, or of the request's site when it is None."""
    if site is None:
        return current_site().id
    return site if isinstance(site, int) else site.id


def get_or_404(model: type[M], ident: Any) -> M:
    """The ``model`` row with this id on the current site, or a 404."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < ident < _id_limit(model):  # larger than the id column can hold
        abort(404)
    obj = db.session.execute(
        sa.select(model).where(model.id == ident, model.site_id == current_site().id)
    ).scalar_one_or_none()
    if obj is None:
        abort(404)
    return obj


# Id columns are 32-bit integers: a larger number names no row, and PostgreSQL refuses to
# compare one with an integer column (an error, not an empty result).
MAX_ID = 2**31 - 1


def _id_limit(model: type) -> int:
    """One past the largest id ``model``'s id column holds: PostgreSQL refuses to compare
    an ``integer`` column with 2**31 or more, with an error instead of no row."""
    column_type = model.__table__.c.id.type
    return 2**63 if isinstance(column_type, sa.BigInteger) else MAX_ID + 1


def new(model: type[M], **fields: Any) -> M:
    """A new ``model`` row belonging to the current site, added to the session."""
    obj = model(site_id=current_site().id, **fields)
    db.session.add(obj)
    return obj
