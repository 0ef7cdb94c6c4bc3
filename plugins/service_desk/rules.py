"""The rules of a request's life: which step may follow which, and what each step records.

Every function takes the request, the person doing the step and the time, changes the
request, adds the step to its timeline and returns nothing; a step that is not allowed
raises ``FlowError`` with a message for the person (nothing is changed then). The caller
commits. Views take the time from ``core.clock``, which tests hold with the ``clock`` fixture.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _

from core import tenancy
from core.extensions import db
from core.models import Resident, Site, User
from plugins.service_desk.labels import DEFAULT_CATEGORIES, STATUS_LABELS
from plugins.service_desk.models import (
    ServiceDeskCallback,
    ServiceDeskCategory,
    ServiceDeskEvent,
    ServiceDeskRequest,
    ServiceDeskVisit,
)

# How long after the work is done the callback (回訪) is due.
CALLBACK_WITHIN = timedelta(hours=24)


class FlowError(ValueError):
    """The step is not allowed now; the message says why."""


def _event(request: ServiceDeskRequest, user: User | None, action: str, at: datetime, note=""):
    event = ServiceDeskEvent(
        site_id=request.site_id,
        request_id=request.id,
        user_id=user.id if user is not None else None,
        action=action,
        at=at,
        note=note,
    )
    db.session.add(event)
    return event


def _require(request: ServiceDeskRequest, *statuses: str) -> None:
    if request.status not in statuses:
        raise FlowError(
            _(
                "This step is not possible while the request is %(status)s.",
                status=status_label(request.status),
            )
        )


def status_label(status: str) -> str:

    return str(STATUS_LABELS.get(status, status))


def log(
    *,
    category: ServiceDeskCategory,
    resident: Resident,
    unit_id: int | None,
    building_id: int | None,
    channel: str,
    description: str,
    user: User,
    at: datetime,
) -> ServiceDeskRequest:
    """A new request, its promised reply and completion times fixed from its category."""
    request = ServiceDeskRequest(
        site_id=resident.site_id,
        type=category.type,
        category_id=category.id,
        resident_id=resident.id,
        unit_id=unit_id,
        building_id=building_id,
        channel=channel,
        description=description,
        status="new",
        received_at=at,
        logged_by_id=user.id,
        reply_due_at=at + timedelta(minutes=category.reply_minutes),
        complete_due_at=at + timedelta(hours=category.complete_hours),
    )
    db.session.add(request)
    db.session.flush()
    _event(request, user, "logged", at, description[:500])
    return request


def acknowledge(request: ServiceDeskRequest, user: User, reply: str, at: datetime) -> None:
    """The reply given to the resident: the first promise kept (or kept late)."""
    _require(request, "new")
    if not reply.strip():
        raise FlowError(_("Write the reply given to the resident."))
    request.status = "acknowledged"
    request.acknowledged_at = at
    request.reply = reply.strip()
    _event(request, user, "acknowledged", at, request.reply)


def assign(
    request: ServiceDeskRequest,
    user: User,
    kind: str,
    at: datetime,
    assignee: User | None = None,
    contractor: str = "",
) -> None:
    """Hand the request to a staff member, the front desk or a contractor."""
    _require(request, "acknowledged", "assigned", "in_progress")
    if kind == "staff" and assignee is None:
        raise FlowError(_("Choose the staff member."))
    if kind == "contractor" and not contractor.strip():
        raise FlowError(_("Name the contractor."))
    request.assignee_kind = kind
    request.assignee_id = assignee.id if assignee is not None else None
    request.contractor = contractor.strip() if kind == "contractor" else ""
    request.assigned_at = at
    if request.status == "acknowledged":
        request.status = "assigned"
    who = assignee.display_name if assignee is not None else request.contractor
    _event(request, user, f"assigned_{kind}", at, who)


def record_visit(
    request: ServiceDeskRequest,
    user: User,
    visitor: str,
    visited_at: datetime,
    accompanied: bool,
    note: str,
    at: datetime,
) -> ServiceDeskVisit:
    """A worker came: the request is in progress."""
    _require(request, "assigned", "in_progress")
    if not visitor.strip():
        raise FlowError(_("Name who came."))
    visit = ServiceDeskVisit(
        site_id=request.site_id,
        request_id=request.id,
        visitor=visitor.strip(),
        visited_at=visited_at,
        accompanied=accompanied,
        note=note.strip(),
        recorded_by_id=user.id,
    )
    db.session.add(visit)
    request.status = "in_progress"
    _event(request, user, "visited", at, visitor.strip())
    return visit


def complete(request: ServiceDeskRequest, user: User, note: str, at: datetime) -> None:
    """The work is done; the callback is due within ``CALLBACK_WITHIN``."""
    _require(request, "acknowledged", "assigned", "in_progress")
    request.status = "done"
    request.done_at = at
    request.callback_due_at = at + CALLBACK_WITHIN
    _event(request, user, "done", at, note.strip())


def call_back(
    request: ServiceDeskRequest,
    user: User,
    method: str,
    satisfaction: str,
    comment: str,
    at: datetime,
) -> ServiceDeskCallback:
    """The callback (回訪). A dissatisfied resident reopens the request."""
    _require(request, "done")
    callback = ServiceDeskCallback(
        site_id=request.site_id,
        request_id=request.id,
        at=at,
        method=method,
        satisfaction=satisfaction,
        comment=comment.strip(),
        by_id=user.id,
    )
    db.session.add(callback)
    request.called_back_at = at
    request.satisfaction = satisfaction
    _event(request, user, f"called_back_{satisfaction}", at, comment.strip())
    if satisfaction == "dissatisfied":
        request.status = "in_progress"
        request.done_at = None
        request.callback_due_at = None
        request.reopen_count = (request.reopen_count or 0) + 1
        _event(request, user, "reopened", at)
    else:
        request.status = "called_back"
    return callback


def close(request: ServiceDeskRequest, user: User, at: datetime) -> None:
    """Close after a callback; a complaint also needs its root cause and the sign-off."""
    if request.status == "closed":
        raise FlowError(_("The request is closed."))
    if request.status != "called_back":
        raise FlowError(_("Call the resident back before closing the request."))
    if request.type == "complaint":
        if not request.root_cause:
            raise FlowError(_("Write the complaint's root cause before closing it."))
        if request.signed_off_at is None:
            raise FlowError(_("A manager must sign the complaint off before it is closed."))
    request.status = "closed"
    request.closed_at = at
    _event(request, user, "closed", at)


def escalate(request: ServiceDeskRequest, user: User, to: str, note: str, at: datetime) -> None:
    """Pass the request up to the property assistant or the manager."""
    if not request.is_open:
        raise FlowError(_("A closed request cannot be escalated."))
    if not note.strip():
        raise FlowError(_("Say why the request is escalated."))
    request.escalated_to = to
    request.escalated_at = at
    _event(request, user, f"escalated_{to}", at, note.strip())


def set_root_cause(request: ServiceDeskRequest, user: User, cause: str, at: datetime) -> None:
    if request.type != "complaint":
        raise FlowError(_("Only complaints have a root cause."))
    if not request.is_open:
        raise FlowError(_("The request is closed."))
    if request.signed_off_at is not None:
        raise FlowError(_("The complaint is signed off: its root cause can no longer change."))
    if not cause.strip():
        raise FlowError(_("Write the root cause."))
    request.root_cause = cause.strip()
    _event(request, user, "root_cause", at, request.root_cause)


def sign_off(request: ServiceDeskRequest, user: User, at: datetime) -> None:
    """A manager's sign-off of a complaint, after its root cause is written and work done."""
    if request.type != "complaint":
        raise FlowError(_("Only complaints are signed off."))
    _require(request, "done", "called_back")
    if not request.root_cause:
        raise FlowError(_("Write the complaint's root cause before it is signed off."))
    if request.signed_off_at is not None:
        raise FlowError(_("The complaint is already signed off."))
    request.signed_off_by_id = user.id
    request.signed_off_at = at
    _event(request, user, "signed_off", at)


# --- A site's default categories, created when the plugin is turned on --------------


def seed_categories(site: Site) -> int:
    """Add the default categories the site lacks, named in its language; the count added."""
    existing = set(
        db.session.execute(
            tenancy.select(
                ServiceDeskCategory, ServiceDeskCategory.type, ServiceDeskCategory.name, site=site
            )
        ).all()
    )
    added = 0
    with force_locale(site.default_locale or "en"):
        for type_, label, reply_minutes, complete_hours in DEFAULT_CATEGORIES:
            name = str(label)
            if (type_, name) in existing:
                continue
            db.session.add(
                ServiceDeskCategory(
                    site_id=site.id,
                    type=type_,
                    name=name,
                    reply_minutes=reply_minutes,
                    complete_hours=complete_hours,
                    active=True,
                )
            )
            added += 1
    db.session.flush()
    return added
