"""The plugin's one page: is the gateway set up, and how this site's SMS have fared."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template

from core import tenancy
from core.extensions import db
from core.models import OutboxMessage
from core.security import requires
from sms_gateway import labels, settings

bp = Blueprint("sms_gateway", __name__, template_folder="templates")


@bp.route("/")
@requires("sms_gateway.view")
def index():
    try:
        config, problem = settings.current(), None
    except ValueError as error:
        config, problem = None, str(error)
    counts = dict(
        db.session.execute(
            tenancy.select(OutboxMessage, OutboxMessage.status, sa.func.count())
            .where(OutboxMessage.channel == "sms")
            .group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "sms_gateway/index.html",
        config=config,
        problem=problem,
        counts=counts,
        not_set=labels.NOT_SET,
    )
