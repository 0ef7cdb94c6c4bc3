"""The manager's view of the outbox: what was sent to residents, what failed, send again."""

from __future__ import annotations

import math

import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core import audit, htmx, tenancy
from core.extensions import db
from core.models import OUTBOX_STATUSES, OutboxMessage
from core.outbox import RESENDABLE, mask_recipient
from core.outbox import resend as put_back
from core.plugins.host import host
from core.security import can, requires

bp = Blueprint("outbox", __name__, url_prefix="/s/<site_slug>/outbox")

PER_PAGE = 50
# The order of the filter links: what needs a person's attention first.
STATUS_ORDER = ("failed", "uncertain", "queued", "sending", "sent")
STATUS_LABELS = {
    "queued": _l("Queued"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "uncertain": _l("Uncertain"),
}


@bp.app_template_filter("masked")
def masked(recipient: str) -> str:
    """A recipient with the middle of the number or address hidden."""
    return mask_recipient(recipient or "")


@bp.context_processor
def _outbox_context() -> dict:
    channels = host().channels
    return {
        "status_labels": STATUS_LABELS,
        "channel_labels": {name: c.label or name for name, c in channels.items()},
        "resendable": RESENDABLE,
        "may_resend": can(current_user, "outbox.resend"),
    }


@bp.route("/")
@requires("outbox.view")
def index():
    status = request.args.get("status")
    if status not in OUTBOX_STATUSES:
        status = None
    query = tenancy.select(OutboxMessage)
    if status:
        query = query.where(OutboxMessage.status == status)
    counts = _counts()
    total = counts.get(status, 0) if status else sum(counts.values())
    pages = max(math.ceil(total / PER_PAGE), 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    needs_attention = sa.case((OutboxMessage.status.in_(RESENDABLE), 0), else_=1)
    messages = db.session.scalars(
        query.order_by(needs_attention, OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "core/outbox/index.html",
        messages=messages,
        status=status,
        statuses=STATUS_ORDER,
        counts=counts,
        total_all=sum(counts.values()),
        page=page,
        pages=pages,
        held=_held_channels(),
    )


def _held_channels() -> list[tuple[str, str]]:
    """(channel label, why) for each channel whose messages wait unsent on this site."""
    site_id = g.site.id
    held = []
    for name, channel in host().channels.items():
        reason = host().hold_reason(site_id, name)
        if reason:
            held.append((str(channel.label or name), str(reason)))
    return held


def _counts() -> dict[str, int]:
    """How many of the site's messages are in each status."""
    rows = db.session.execute(
        tenancy.select(OutboxMessage, OutboxMessage.status, sa.func.count()).group_by(
            OutboxMessage.status
        )
    )
    return {status: count for status, count in rows}


@bp.route("/<int:message_id>/resend", methods=["POST"])
@requires("outbox.resend")
def resend(message_id: int):
    message = tenancy.get_or_404(OutboxMessage, message_id)
    before = {"status": message.status, "attempts": message.attempts}
    requeued = put_back(message)
    if requeued:
        audit.record("outbox.resent", message, detail=before)
        note = _("Back in the queue: it will be sent within minutes.")
    else:
        note = _("Only a failed or uncertain message can be sent again.")
    db.session.commit()
    if htmx.wants_partial():
        html = render_template("core/outbox/_row.html", m=message, note=note)
        return html, 200 if requeued else 409
    flash(note, "success" if requeued else "error")
    return redirect(url_for("outbox.index"), code=303)
