"""Events views: The resident's panel."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    render_template,
)
from sqlalchemy.orm import selectinload

from core import clock
from core.extensions import db
from core.models import Resident
from core.security import requires
from core.tenancy import get_or_404
from plugins.events.labels import STATUS_LABELS
from plugins.events.models import Event, Registration
from plugins.events.views.base import PANEL_LIMIT, bp

# --- The resident's panel -----------------------------------------------------------------


@bp.route("/residents/<int:resident_id>/panel")
@requires("events.view")
def resident_panel(resident_id: int):
    resident = get_or_404(Resident, resident_id)
    registrations = db.session.scalars(
        sa.select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.site_id == resident.site_id,
            Registration.resident_id == resident.id,
        )
        .options(selectinload(Registration.event))
        .order_by(Event.starts_at.desc(), Registration.id)
        .limit(PANEL_LIMIT)
    ).all()
    return render_template(
        "events/_panel.html",
        resident=resident,
        registrations=registrations,
        status_labels=STATUS_LABELS,
        now=clock.now(),
    )
