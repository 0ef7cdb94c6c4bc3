"""The plugin's one page: is the gateway set up, and how this site's SMS have fared."""

from __future__ import annotations

from flask import Blueprint, render_template

from core.security import requires
from sms_gateway import labels, rules, settings

bp = Blueprint("sms_gateway", __name__, template_folder="templates")


@bp.route("/")
@requires("sms_gateway.view")
def index():
    try:
        config, problem = settings.current(), None
    except ValueError as error:
        config, problem = None, str(error)
    return render_template(
        "sms_gateway/index.html",
        config=config,
        problem=problem,
        counts=rules.sms_counts(),
        not_set=labels.NOT_SET,
    )
