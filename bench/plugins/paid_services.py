"""Paid services at scale: one large estate with a catalogue and years of orders.

``seed`` writes a catalogue of eight services and 20,000 orders (with their lines and
payments) spread over the estate's residents and staff; ``pages`` names the lists a
butler opens. Every row gets an explicit id and every column a value (COPY on
PostgreSQL fills no defaults).
"""

from __future__ import annotations

from datetime import timedelta

from bench.seed import _bulk
from plugins.paid_services import rollup
from plugins.paid_services.models import (
    PaidServicesLine,
    PaidServicesOrder,
    PaidServicesPayment,
    PaidServicesService,
)

KIND = "residential"
ORDERS = 20_000
CATALOGUE = (
    ("Post-renovation cleaning", "m2", 1800),
    ("Home cleaning", "hour", 15000),
    ("Indoor plant rental", "month", 8000),
    ("Fluorescent tube replacement", "visit", 12000),
    ("Switch or socket repair", "visit", 18000),
    ("Tap repair", "visit", 20000),
    ("Floor drain unblocking", "visit", 25000),
    ("Indoor air testing", "visit", 80000),
)
METHODS = ("cash", "card", "transfer", "wechat_pay", "alipay")


def seed(site_id: int, ctx: dict) -> dict[str, int]:
    rng, now, ids = ctx["rng"], ctx["now"], ctx["ids"]
    residents, units, staff = ctx["resident_ids"], ctx["unit_ids"], ctx["staff_ids"]
    stamps = {"created_at": now, "updated_at": now}

    service_ids = list(ids.take(PaidServicesService, len(CATALOGUE)))
    services = [
        {
            "id": service_id,
            "site_id": site_id,
            "name": name,
            "description": "",
            "unit_of_sale": unit,
            "price_minor": price,
            "active": True,
            **stamps,
        }
        for service_id, (name, unit, price) in zip(service_ids, CATALOGUE, strict=True)
    ]
    orders, lines, payments = [], [], []
    line_ids = iter(ids.take(PaidServicesLine, ORDERS * 2))
    payment_ids = iter(ids.take(PaidServicesPayment, ORDERS * 2))
    for order_id in ids.take(PaidServicesOrder, ORDERS):
        created = now - timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440))
        status = rng.choices(("quoted", "accepted", "delivered", "cancelled"), (1, 2, 12, 1))[0]
        total = 0
        for _n in range(rng.choice((1, 1, 1, 2))):
            index = rng.randrange(len(CATALOGUE))
            name, unit, price = CATALOGUE[index]
            quantity = {"m2": rng.randint(4000, 15000), "hour": rng.choice((200, 300, 400))}.get(
                unit, 100
            )
            line_total = (price * quantity + 50) // 100
            total += line_total
            lines.append(
                {
                    "id": next(line_ids),
                    "site_id": site_id,
                    "order_id": order_id,
                    "service_id": service_ids[index],
                    "description": name,
                    "unit_of_sale": unit,
                    "unit_price_minor": price,
                    "quantity_hundredths": quantity,
                    "total_minor": line_total,
                    "period": None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        paid = 0
        if status in ("accepted", "delivered") and rng.random() < 0.8:
            paid = total if rng.random() < 0.85 else total // 2
            payments.append(
                {
                    "id": next(payment_ids),
                    "site_id": site_id,
                    "order_id": order_id,
                    "kind": "payment",
                    "method": rng.choice(METHODS),
                    "amount_minor": paid,
                    "received_at": created + timedelta(days=rng.randint(0, 20)),
                    "reference": "",
                    "reason": "",
                    "recorded_by_id": rng.choice(staff),
                    "created_at": created,
                    "updated_at": created,
                }
            )
        accepted = status in ("accepted", "delivered")
        scheduled = (created + timedelta(days=rng.randint(1, 14))).date()
        orders.append(
            {
                "id": order_id,
                "site_id": site_id,
                "resident_id": rng.choice(residents),
                "unit_id": rng.choice(units),
                "status": status,
                "note": "",
                "sold_by_id": rng.choice(staff),
                "total_minor": total,
                "paid_minor": paid,
                "accepted_by_name": "業戶" if accepted else "",
                "accepted_at": created + timedelta(hours=2) if accepted else None,
                "accepted_how": "phone" if accepted else None,
                "accepted_recorded_by_id": None,
                "scheduled_on": scheduled if status != "cancelled" else None,
                "assigned_user_id": rng.choice(staff) if accepted else None,
                "contractor": "",
                "delivered_on": scheduled if status == "delivered" else None,
                "delivery_note": "",
                "delivered_recorded_by_id": None,
                "satisfaction": rng.randint(3, 5) if status == "delivered" else None,
                "satisfaction_note": "",
                "cancelled_at": created + timedelta(days=1) if status == "cancelled" else None,
                "cancel_reason": "Changed plans" if status == "cancelled" else "",
                "rental_ended_on": None,
                "service_desk_request_id": None,
                "version_id": 1,
                "created_at": created,
                "updated_at": created,
            }
        )
    _bulk(PaidServicesService, services)
    _bulk(PaidServicesOrder, orders)
    _bulk(PaidServicesLine, lines)
    _bulk(PaidServicesPayment, payments)
    # Bulk rows go around the ORM, which keeps the report's month figures: count them.
    rollup.rebuild(site_id)
    return {
        "paid_services_service": len(services),
        "paid_services_order": len(orders),
        "paid_services_line": len(lines),
        "paid_services_payment": len(payments),
    }


def pages(base: str) -> list[tuple[str, str]]:
    s = f"{base}/paid_services"
    return [
        ("paid services: open orders", f"{s}/"),
        ("paid services: to deliver this week", f"{s}/?show=week"),
        ("paid services: unpaid", f"{s}/?show=unpaid"),
        ("paid services: all, page 50", f"{s}/?show=all&page=50"),
        ("paid services: catalogue", f"{s}/catalogue"),
        ("paid services: revenue report", f"{s}/reports/revenue"),
    ]
