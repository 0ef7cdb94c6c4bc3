"""The monthly rental job: each running rental is charged for the new month, once."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_

from core import money, outbox, tenancy
from core.extensions import db
from core.jobs import local_time
from core.models import Site
from plugins.paid_services import rules
from plugins.paid_services.models import PaidServicesOrder

NAME = "paid_services"


def running_rentals(site: Site, first_day: date) -> list[PaidServicesOrder]:
    """Delivered orders with rental lines, started before ``first_day`` and not ended before."""
    o = PaidServicesOrder
    orders = db.session.scalars(
        tenancy.select(o, site=site)
        .where(
            o.status == "delivered",
            o.delivered_on < first_day,
            or_(o.rental_ended_on.is_(None), o.rental_ended_on >= first_day),
        )
        .order_by(o.id)
    ).all()
    return [order for order in orders if order.monthly_minor]


def charge_rentals(site: Site, now: datetime) -> int:
    """Add this month's charge to every running rental and queue a notice; how many charged.

    A month a rental was running on its first day is charged in full. The line's unique
    key and the notice's dedupe key make a second run of the same month do nothing.
    """
    local = local_time(now, site.timezone)
    period = f"{local.year:04d}-{local.month:02d}"
    first_day = date(local.year, local.month, 1)
    charged = 0
    for order in running_rentals(site, first_day):
        resident = order.resident
        locale = resident.preferred_locale or site.default_locale
        with force_locale(locale):
            names = ", ".join(
                line.description for line in order.lines if line.is_rental and not line.period
            )
            label = _("%(services)s, rental for %(month)s", services=names, month=period)
        line = rules.charge_month(order, period, label)
        if line is None:
            continue
        charged += 1
        with force_locale(locale):
            body = _(
                "Your rental (%(services)s) continues for %(month)s: %(amount)s is added to "
                "order #%(number)s.",
                services=names,
                month=period,
                amount=money.show(line.total_minor, site.currency),
                number=order.id,
            )
            subject = _("Rental for %(month)s", month=period)
        outbox.queue(
            site,
            "notice",
            resident.phone or resident.name,
            subject=subject,
            body=body,
            dedupe_key=f"paid_services-rental-{order.id}-{period}",
            resident=resident,
            source=NAME,
        )
    return charged
