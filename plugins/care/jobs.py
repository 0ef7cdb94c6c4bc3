"""The care plugin's job: remind residents of parcels held too long, once per parcel."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from core import outbox, tenancy
from core.extensions import db
from core.models import Site
from plugins.care import rules
from plugins.care.models import CareParcel


def remind_held_parcels(site: Site, now: datetime) -> int:
    """Queue one reminder to the resident of every parcel held longer than the site's
    limit; how many were queued (a parcel reminded before is not reminded again)."""
    parcels = db.session.scalars(
        tenancy.select(CareParcel, site=site)
        .where(CareParcel.handed_at.is_(None), CareParcel.received_at < rules.held_since(site, now))
        .options(selectinload(CareParcel.resident))
        .order_by(CareParcel.id)
    ).all()
    queued = 0
    for parcel in parcels:
        resident = parcel.resident
        address = rules.channel_for(resident) if resident is not None else None
        if address is None:
            continue
        with force_locale(rules.locale_of(site, resident)):
            subject = _("A parcel is still waiting for you")
            body = _(
                "A parcel from %(carrier)s has been waiting for you at the management "
                "office since %(day)s. Please collect it, or tell us who may collect it.",
                carrier=parcel.carrier,
                day=parcel.received_at.astimezone(rules.clock.zone(site)).strftime("%Y-%m-%d"),
            )
        message = outbox.queue(
            site,
            address[0],
            address[1],
            str(subject),
            str(body),
            dedupe_key=f"care:parcel:{parcel.id}:held",
            resident=resident,
            source=rules.SOURCE,
        )
        queued += message is not None
    return queued
