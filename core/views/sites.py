"""Choosing a site after logging in; the last choice is remembered on the user."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from core.extensions import db
from core.models import Membership, Site, User
from core.navigation import landing_endpoint
from core.security import LOGGED_IN, PUBLIC, requires

bp = Blueprint("sites", __name__)


def sites_of(user: User) -> list[Site]:
    """The open sites where ``user`` holds a role, by name."""
    member_of = select(Membership.site_id).where(Membership.user_id == user.id)
    conditions = [Site.id.in_(member_of)]
    if user.is_org_admin:
        conditions.append(Site.organization_id == user.organization_id)
    return list(
        db.session.scalars(
            select(Site).where(or_(*conditions), Site.archived_at.is_(None)).order_by(Site.name)
        )
    )


def landing_url(user: User) -> str:
    """Where a user goes after logging in: their only site, their last site, or the picker."""
    sites = sites_of(user)
    if len(sites) == 1:
        return _start_of(user, sites[0])
    for site in sites:
        if site.id == user.last_site_id:
            return _start_of(user, site)
    return url_for("sites.choose")


def _start_of(user: User, site: Site) -> str:
    """The page of ``site`` that ``user`` starts on (core.navigation.landing_endpoint)."""
    return url_for(landing_endpoint(site, user), site_slug=site.slug)


@bp.route("/")
@requires(PUBLIC)
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(landing_url(current_user))


@bp.route("/sites", methods=["GET", "POST"])
@requires(LOGGED_IN)
def choose():
    sites = sites_of(current_user)
    if request.method == "POST":
        chosen = next((s for s in sites if str(s.id) == request.form.get("site_id")), None)
        if chosen is None:
            abort(404)
        current_user.last_site_id = chosen.id
        db.session.commit()
        return redirect(_start_of(current_user, chosen), code=303)
    return render_template("core/sites.html", sites=sites, last_site_id=current_user.last_site_id)
