"""Rooms cleaned per attendant and day, kept up to date on every write of an assignment.

The month report's first table grouped every assignment of the month (a 600-room hotel
writes 18,000 a month). Each write of an assignment now counts its (day, attendant)
again, for the values it has and those it had before the write (a room handed to
another attendant moves from one to the other), into ``housekeeping_day_cleaned``.
``rebuild`` counts a site again from the assignments (bulk loads, the bench).
"""

from __future__ import annotations

from sqlalchemy import delete, event, func, inspect, select, tuple_
from sqlalchemy.orm import Session

from core.extensions import db
from plugins.housekeeping.models import HousekeepingAssignment, HousekeepingDayCleaned

_TOUCHED = "housekeeping_touched_days"


def recount(keys, session=None) -> None:
    """Count the cleaned rooms of each ``(site_id, day, attendant_id)`` again."""
    session = session or db.session
    keys = sorted({k for k in keys if k[2] is not None})
    if not keys:
        return
    a, d = HousekeepingAssignment, HousekeepingDayCleaned
    for start in range(0, len(keys), 300):
        chunk = keys[start : start + 300]
        session.execute(delete(d).where(tuple_(d.site_id, d.day, d.attendant_id).in_(chunk)))
        counted = session.execute(
            select(a.site_id, a.day, a.attendant_id, func.count(a.id), func.sum(a.credits))
            .where(
                tuple_(a.site_id, a.day, a.attendant_id).in_(chunk),
                a.cleaned_at.is_not(None),
            )
            .group_by(a.site_id, a.day, a.attendant_id)
        ).all()
        rows = [
            {"site_id": s, "day": day, "attendant_id": who, "rooms": n, "credits": int(c or 0)}
            for s, day, who, n, c in counted
        ]
        if rows:
            session.execute(d.__table__.insert(), rows)


def rebuild(site_id: int, session=None) -> None:
    """Count the whole site again from its assignments."""
    session = session or db.session
    a, d = HousekeepingAssignment, HousekeepingDayCleaned
    session.execute(delete(d).where(d.site_id == site_id))
    keys = session.execute(
        select(a.site_id, a.day, a.attendant_id)
        .where(a.site_id == site_id, a.cleaned_at.is_not(None))
        .distinct()
    ).all()
    recount([tuple(k) for k in keys], session)


@event.listens_for(Session, "after_flush")
def _note_touched_days(session: Session, _context) -> None:
    touched = session.info.get(_TOUCHED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, HousekeepingAssignment):
            continue
        state = inspect(obj)
        days = {obj.day, *state.attrs.day.history.deleted}
        attendants = {obj.attendant_id, *state.attrs.attendant_id.history.deleted}
        touched |= {(obj.site_id, day, who) for day in days for who in attendants}
    if touched:
        session.info[_TOUCHED] = touched


@event.listens_for(Session, "before_commit")
def _count_touched_days(session: Session) -> None:
    # The commit flushes only after this hook: flush now, so every change is counted.
    if session.new or session.dirty or session.deleted:
        session.flush()
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        recount(touched, session)


@event.listens_for(Session, "after_rollback")
def _forget_touched_days(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
