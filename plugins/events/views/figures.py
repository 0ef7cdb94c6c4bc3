"""Events views: The month's figures and the calendar feeds."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Response,
    render_template,
    request,
)
from flask_babel import gettext as _

from core import clock, tenancy
from core.exports import xlsx_bytes
from core.extensions import db
from core.security import requires
from core.tenancy import current_site, get_or_404
from plugins.events import calendars, reports
from plugins.events.models import Event
from plugins.events.views.base import bp
from plugins.events.views.common import month_of, next_month

# --- Figures ------------------------------------------------------------------------------


@bp.route("/figures")
@requires("events.report")
def monthly_figures():
    first = month_of(request.args.get("period"))
    rows = reports.of_month(current_site(), first)
    return render_template(
        "events/figures.html",
        first=first,
        rows=rows,
        total=reports.total(rows),
        month_chart=reports.month_chart(rows),
        previous=(first - timedelta(days=1)).replace(day=1),
        following=next_month(first),
    )


@bp.route("/figures.xlsx")
@requires("events.report")
def figures_xlsx():
    first = month_of(request.args.get("period"))
    rows = reports.of_month(current_site(), first)
    zone = clock.zone(current_site())
    header = (
        _("Date"),
        _("Event"),
        _("Places"),
        _("Registered"),
        _("Came"),
        _("Did not come"),
        _("Satisfaction (1 to 5)"),
    )
    values = [
        (
            f.event.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            f.event.title,
            f.event.capacity,
            f.registered,
            f.attended,
            f.no_shows,
            round(f.satisfaction, 2) if f.satisfaction is not None else "",
        )
        for f in rows
    ]
    data = xlsx_bytes(values, _("Events"), header=header)
    name = f"events-{current_site().slug}-{first:%Y-%m}.xlsx"
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- Calendars ----------------------------------------------------------------------------


def _ics(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/calendar.ics")
@requires("events.view")
def feed():
    site = current_site()
    since = clock.now() - calendars.FEED_PAST
    events = db.session.scalars(
        tenancy.select(Event, site=site)
        .where(Event.starts_at >= since)
        .order_by(Event.starts_at, Event.id)
    ).all()
    return _ics(calendars.ics(site, events), f"events-{site.slug}.ics")


@bp.route("/<int:event_id>/event.ics")
@requires("events.view")
def event_ics(event_id: int):
    event = get_or_404(Event, event_id)
    return _ics(calendars.ics(current_site(), [event]), f"event-{event.id}.ics")
