"""Core pages that gather what plugins contribute: the site search and the reports."""

from __future__ import annotations

import re

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from core import clock
from core.contributions import collect
from core.security import requires
from core.tenancy import current_site

bp = Blueprint("pages", __name__, url_prefix="/s/<site_slug>")

MAX_QUERY = 100
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@bp.route("/search")
@requires("site.view")
def search():
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    results = collect("butler_search", query=query) if len(query) >= 1 else []
    return render_template("core/search.html", query=query, results=results)


@bp.route("/reports")
@requires("reports.view")
def reports():
    period = request.args.get("period", "")
    error = None
    if not PERIOD.match(period):
        if period:
            error = _("Choose a month as YYYY-MM, for example 2026-11.")
        period = clock.this_month(current_site())
    offered = collect("butler_reports", period=period, butler=None)
    links = [(r, url_for(r.endpoint, period=period, **r.url_args)) for r in offered]
    status = 422 if error else 200
    return render_template("core/reports.html", period=period, reports=links, error=error), status
