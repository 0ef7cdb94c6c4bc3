"""Paid services' part of the security world: a service, an order with a line and a payment."""

from __future__ import annotations

from core import clock as core_clock
from core.extensions import db
from core.models import PluginEnablement, Site
from core.testing.walks import register_world
from plugins.paid_services.models import (
    PaidServicesLine,
    PaidServicesOrder,
    PaidServicesPayment,
    PaidServicesService,
)

NAME = "paid_services"


def fill(site: Site, ids: dict[str, int]) -> dict[str, int]:
    db.session.add(PluginEnablement(site_id=site.id, plugin=NAME, enabled=True))
    service = PaidServicesService(
        site_id=site.id, name="Home cleaning", unit_of_sale="hour", price_minor=15000
    )
    db.session.add(service)
    db.session.flush()
    order = PaidServicesOrder(
        site_id=site.id,
        resident_id=ids["resident_id"],
        unit_id=ids["unit_id"],
        status="accepted",
        sold_by_id=ids["user_id"],
        total_minor=30000,
        paid_minor=10000,
        accepted_by_name="Resident",
        accepted_how="phone",
        accepted_at=core_clock.now(),
    )
    db.session.add(order)
    db.session.flush()
    line = PaidServicesLine(
        site_id=site.id,
        order_id=order.id,
        service_id=service.id,
        description=service.name,
        unit_of_sale="hour",
        unit_price_minor=15000,
        quantity_hundredths=200,
        total_minor=30000,
    )
    payment = PaidServicesPayment(
        site_id=site.id,
        order_id=order.id,
        kind="payment",
        method="cash",
        amount_minor=10000,
        received_at=core_clock.now(),
        recorded_by_id=ids["user_id"],
    )
    db.session.add_all([line, payment])
    db.session.flush()
    return {"service_id": service.id, "order_id": order.id, "line_id": line.id}


register_world(NAME, fill)
