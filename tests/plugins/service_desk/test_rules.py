"""The rules of a request's life, checked on the models directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import Resident, User
from plugins.service_desk import rules
from plugins.service_desk.models import ServiceDeskCategory, ServiceDeskEvent, ServiceDeskRequest
from tests.plugins.service_desk.helpers import build_estate

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 09:00 in Hong Kong


@pytest.fixture
def estate(app, make):
    return build_estate(app, make)


def _log(estate, category=None):
    return rules.log(
        category=db.session.get(ServiceDeskCategory, (category or estate.plumbing).id),
        resident=db.session.get(Resident, estate.resident.id),
        unit_id=estate.unit.id,
        building_id=estate.tower.id,
        channel="phone",
        description="Kitchen tap leaks",
        user=db.session.get(User, estate.butler.id),
        at=T0,
    )


def test_a_request_promises_its_reply_and_completion_from_its_category(ctx, estate):
    request = _log(estate)
    assert request.reply_due_at == T0 + timedelta(minutes=30)
    assert request.complete_due_at == T0 + timedelta(hours=48)
    assert not request.overdue(T0 + timedelta(minutes=30))
    assert request.reply_overdue(T0 + timedelta(minutes=31))


def test_a_repair_walks_from_intake_to_close_and_every_step_is_on_its_timeline(ctx, estate):
    butler = db.session.get(User, estate.butler.id)
    request = _log(estate)
    rules.acknowledge(request, butler, "A plumber comes at 2 pm", T0 + timedelta(minutes=10))
    rules.assign(
        request, butler, "contractor", T0 + timedelta(minutes=12), contractor="Ace Plumbing"
    )
    rules.record_visit(request, butler, "Mr Lee", T0 + timedelta(hours=5), True, "", T0)
    rules.complete(request, butler, "Washer replaced", T0 + timedelta(hours=6))
    rules.call_back(request, butler, "call", "satisfied", "", T0 + timedelta(hours=20))
    rules.close(request, butler, T0 + timedelta(hours=21))
    db.session.flush()
    assert request.status == "closed"
    actions = db.session.scalars(
        db.select(ServiceDeskEvent.action)
        .where(ServiceDeskEvent.request_id == request.id)
        .order_by(ServiceDeskEvent.id)
    ).all()
    assert actions == [
        "logged",
        "acknowledged",
        "assigned_contractor",
        "visited",
        "done",
        "called_back_satisfied",
        "closed",
    ]


def test_a_dissatisfied_callback_reopens_the_request(ctx, estate):
    butler = db.session.get(User, estate.butler.id)
    request = _log(estate)
    rules.acknowledge(request, butler, "Coming", T0)
    rules.complete(request, butler, "", T0 + timedelta(hours=1))
    rules.call_back(
        request, butler, "visit", "dissatisfied", "Still drips", T0 + timedelta(hours=2)
    )
    assert request.status == "in_progress"
    assert request.done_at is None and request.reopen_count == 1
    with pytest.raises(rules.FlowError):
        rules.close(request, butler, T0 + timedelta(hours=3))


def test_a_request_cannot_be_closed_without_a_callback(ctx, estate):
    butler = db.session.get(User, estate.butler.id)
    request = _log(estate)
    rules.acknowledge(request, butler, "Coming", T0)
    rules.complete(request, butler, "", T0 + timedelta(hours=1))
    with pytest.raises(rules.FlowError, match="Call the resident back"):
        rules.close(request, butler, T0 + timedelta(hours=2))
    assert request.status == "done"


def test_the_database_refuses_a_closed_request_without_a_callback(ctx, estate):
    request = _log(estate)
    db.session.commit()
    request.status = "closed"
    request.closed_at = T0
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_complaint_needs_its_root_cause_and_a_managers_sign_off(ctx, estate):
    butler = db.session.get(User, estate.butler.id)
    manager = db.session.get(User, estate.manager.id)
    request = _log(estate, estate.noise)
    rules.acknowledge(request, butler, "We will speak to the neighbour", T0)
    rules.complete(request, butler, "Spoke to 13A", T0 + timedelta(hours=1))
    with pytest.raises(rules.FlowError, match="root cause"):
        rules.sign_off(request, manager, T0)
    rules.set_root_cause(request, butler, "Renovation outside permitted hours", T0)
    rules.call_back(request, butler, "call", "neutral", "", T0 + timedelta(hours=2))
    with pytest.raises(rules.FlowError, match="sign"):
        rules.close(request, butler, T0 + timedelta(hours=3))
    rules.sign_off(request, manager, T0 + timedelta(hours=3))
    rules.close(request, butler, T0 + timedelta(hours=4))
    db.session.commit()
    assert db.session.get(ServiceDeskRequest, request.id).status == "closed"


def test_steps_out_of_order_are_refused(ctx, estate):
    butler = db.session.get(User, estate.butler.id)
    request = _log(estate)
    with pytest.raises(rules.FlowError):
        rules.call_back(request, butler, "call", "satisfied", "", T0)
    with pytest.raises(rules.FlowError):
        rules.record_visit(request, butler, "Mr Lee", T0, False, "", T0)
    with pytest.raises(rules.FlowError):
        rules.acknowledge(request, butler, "   ", T0)


def test_escalation_is_recorded(ctx, estate):
    butler = db.session.get(User, estate.butler.id)
    request = _log(estate)
    rules.escalate(request, butler, "manager", "Needs the owners' committee", T0)
    assert request.escalated_to == "manager" and request.escalated_at == T0
