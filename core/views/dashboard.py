"""The site dashboard: the widgets the core and the enabled plugins contribute."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from core import sitecache
from core.contributions import collect
from core.security import requires, roles_on
from core.tenancy import current_site

bp = Blueprint("dashboard", __name__, url_prefix="/s/<site_slug>")


@bp.route("/")
@requires("site.view")
def index():
    # Built once per worker for the site's data as it stands (its data version), the
    # user and their roles, and the language; kept a short while (core/sitecache.py).
    site = current_site()
    key = (
        site.id,
        site.cache_version,
        site.data_version,
        current_user.id,
        roles_on(current_user, site),
        str(get_locale()),
    )
    return render_template("core/dashboard.html", widgets=sitecache.dashboard(key, _widgets))


def _widgets() -> list:
    """Each widget the user may see with its HTML; the widget kept without its context
    (the rows it was drawn from)."""
    return [
        (
            replace(widget, title=str(widget.title), context={}),
            Markup(render_template(widget.template, **widget.context)),
        )
        for widget in collect("butler_dashboard_widgets")
    ]
