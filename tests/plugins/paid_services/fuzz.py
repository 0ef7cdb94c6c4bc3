"""Paid services' entries of the fuzzing table (tests/security/test_fuzz.py)."""

from __future__ import annotations

from datetime import date

from core.extensions import db
from core.testing.walks import register_forms
from plugins.paid_services.forms import (
    AcceptForm,
    CancelForm,
    DeliverForm,
    EndRentalForm,
    LineForm,
    NewOrderForm,
    PaymentForm,
    RefundForm,
    SatisfactionForm,
    ScheduleForm,
    ServiceForm,
)
from plugins.paid_services.models import PaidServicesLine, PaidServicesOrder

NAME = "paid_services"


def _order_as(role: str = "org_admin", rental: bool = False, **fields):
    """A start that puts site A's order in the state the form needs, then logs in."""

    def start(s, client) -> None:
        with s.app.app_context():
            order = db.session.get(PaidServicesOrder, s.world.a.ids_for(NAME)["order_id"])
            for key, value in fields.items():
                setattr(order, key, value)
            if rental:
                line = db.session.get(PaidServicesLine, s.world.a.ids_for(NAME)["line_id"])
                line.unit_of_sale = "month"
            db.session.commit()
        s.kit.log_in_as(role)(s, client)

    return start


def forms(kit) -> dict:
    def start(role="org_admin", **kw):
        inner = _order_as(role, **kw)

        def run(s, client):
            s.kit = kit
            inner(s, client)

        return run

    def service(s) -> str:
        return s.id("service_id", plugin=NAME)

    quoted = {"status": "quoted", "paid_minor": 0}
    delivered = {"status": "delivered", "delivered_on": date(2024, 1, 10)}
    return {
        "paid_services.service_new": kit.Form(
            kit.fields_of(ServiceForm),
            lambda s: {
                "name": "Window cleaning",
                "description": "Outside of the windows, by rope access",
                "unit_of_sale": "visit",
                "price": "1,280.50",
                "active": "y",
            },
            start=kit.log_in_as("manager"),
        ),
        "paid_services.service_edit": kit.Form(
            kit.fields_of(ServiceForm),
            lambda s: {"name": "Home cleaning", "unit_of_sale": "hour", "price": "160"},
            start=kit.log_in_as("manager"),
        ),
        "paid_services.order_new": kit.Form(
            kit.fields_of(NewOrderForm),
            lambda s: {
                "unit_id": s.id("unit_id"),
                "service_id": service(s),
                "quantity": "2.5",
                "note": "Before Chinese New Year",
            },
            start=kit.log_in_as("butler"),
        ),
        "paid_services.add_line": kit.Form(
            kit.fields_of(LineForm),
            lambda s: {"service_id": service(s), "quantity": "1.5"},
            start=start("butler", **quoted),
        ),
        "paid_services.remove_line": kit.Form({}, start=start(**quoted)),
        "paid_services.accept": kit.Form(
            kit.fields_of(AcceptForm),
            lambda s: {"who": "陳大文", "how": "in_person"},
            start=start(**quoted),
        ),
        "paid_services.schedule": kit.Form(
            kit.fields_of(ScheduleForm),
            lambda s: {
                "scheduled_on": "2026-12-03",
                "assigned_user_id": s.id("user_id"),
                "contractor": "Sparkle Cleaning Co.",
            },
        ),
        "paid_services.deliver": kit.Form(
            kit.fields_of(DeliverForm),
            lambda s: {"delivered_on": "2024-05-01", "note": "Done, resident present"},
        ),
        "paid_services.satisfaction": kit.Form(
            kit.fields_of(SatisfactionForm, prefix="satisfaction-"),
            lambda s: {"satisfaction-score": "5", "satisfaction-note": "Very tidy work"},
            start=start(**delivered),
        ),
        "paid_services.cancel": kit.Form(
            kit.fields_of(CancelForm), lambda s: {"reason": "The resident changed their mind"}
        ),
        "paid_services.pay": kit.Form(
            kit.fields_of(PaymentForm),
            lambda s: {"amount": "150.00", "method": "wechat_pay", "reference": "WX-123"},
            start=kit.log_in_as("butler"),
        ),
        "paid_services.refund": kit.Form(
            kit.fields_of(RefundForm, prefix="refund-"),
            lambda s: {
                "refund-amount": "50",
                "refund-method": "cash",
                "refund-reason": "One hour less than booked",
            },
            start=kit.log_in_as("manager"),
        ),
        "paid_services.end_rental": kit.Form(
            kit.fields_of(EndRentalForm),
            lambda s: {"ended_on": "2024-06-30"},
            start=start(rental=True, **delivered),
        ),
    }


register_forms(NAME, forms)
