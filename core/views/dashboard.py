"""The site dashboard: the widgets the core and the enabled plugins contribute."""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup

from core.contributions import collect
from core.security import requires

bp = Blueprint("dashboard", __name__, url_prefix="/s/<site_slug>")


@bp.route("/")
@requires("site.view")
def index():
    widgets = [
        (widget, Markup(render_template(widget.template, **widget.context)))
        for widget in collect("butler_dashboard_widgets")
    ]
    return render_template("core/dashboard.html", widgets=widgets)
