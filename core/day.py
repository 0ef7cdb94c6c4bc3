"""The butler's day: what every enabled plugin has for a person today, the morning
meeting's notes with who has read them, and the items a person ticks done.

The page is ``/s/<site>/today`` (``core.views.today``). Plugins add items through the
site-scope hook ``butler_day_items(site, user, day)``, returning ``DayItem``s.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from core import tenancy
from core.buildings import looked_after
from core.extensions import db
from core.models import (
    Building,
    ButlerAssignment,
    DayTick,
    DayWeather,
    Membership,
    MorningNote,
    MorningNoteRead,
    Site,
    User,
)
from core.plugins.api import DayItem, Permission
from core.roles import MANAGERS_AND_ASSISTANTS, OFFICE_ROLES

VIEW = "day.view"
WRITE_NOTE = "day.write_note"
SET_WEATHER = "day.set_weather"
PERMISSIONS: tuple[Permission, ...] = (
    Permission(VIEW, _l("Open the day page"), OFFICE_ROLES),
    Permission(
        WRITE_NOTE, _l("Write the morning meeting's note for the butlers"), MANAGERS_AND_ASSISTANTS
    ),
    Permission(SET_WEATHER, _l("Mark the day rainy or a typhoon day"), MANAGERS_AND_ASSISTANTS),
)

# The day's weather, mildest first: rounds on a wet day gain their waterproofing checks.
WEATHER = {"rain": _l("Rainy day"), "typhoon": _l("Typhoon day")}
NOTE_LIMIT = 2000


def arrange(items: list[DayItem], ticked: set[str]) -> list[DayItem]:
    """Overdue first, then by time (items for "some time today" last), ticks applied."""
    marked = [replace(i, done=True) if i.tickable and i.key in ticked else i for i in items]
    never = datetime.max.replace(tzinfo=None)

    def order(item: DayItem):
        when = item.time.replace(tzinfo=None) if item.time is not None else never
        return (item.done, not item.overdue, when, item.key)

    return sorted(marked, key=order)


def ticked_keys(site: Site, user: User, day: date) -> set[str]:
    return set(
        db.session.scalars(
            tenancy.select(DayTick, DayTick.item_key, site=site).where(
                DayTick.user_id == user.id, DayTick.day == day
            )
        )
    )


def tick(site: Site, user: User, day: date, key: str, done: bool) -> None:
    """Record (or take back) that ``user`` ticked ``key`` done on ``day``."""
    existing = db.session.scalar(
        tenancy.select(DayTick, site=site).where(
            DayTick.user_id == user.id, DayTick.day == day, DayTick.item_key == key
        )
    )
    if done and existing is None:
        db.session.add(DayTick(site_id=site.id, user_id=user.id, day=day, item_key=key))
        try:
            db.session.flush()
        except IntegrityError:  # ticked twice at once: once is kept
            db.session.rollback()
    elif not done and existing is not None:
        db.session.delete(existing)


# --- The morning meeting's notes -------------------------------------------------------


@dataclass(frozen=True)
class NoteView:
    """A note as the page shows it: read by this person or not, and (for its writers) by whom."""

    note: MorningNote
    read: bool
    readers: list[str]
    not_yet: list[str]


def notes_for(site: Site, user: User, day: date, sees_all: bool) -> list[MorningNote]:
    """The day's notes: all of them for those who write them; else the site-wide ones and
    those of the buildings ``user`` looks after."""
    query = tenancy.select(MorningNote, site=site).where(MorningNote.day == day)
    if not sees_all:
        query = query.where(
            sa.or_(
                MorningNote.building_id.is_(None),
                MorningNote.building_id.in_(looked_after(site.id, user.id)),
            )
        )
    return list(db.session.scalars(query.order_by(MorningNote.created_at, MorningNote.id)))


def audience(site: Site, note: MorningNote) -> list[User]:
    """Who the note is for: the site's butlers, or the butler of its building."""
    if note.building_id is None:
        ids = tenancy.select(Membership, Membership.user_id, site=site).where(
            Membership.role == "butler"
        )
    else:
        ids = tenancy.select(ButlerAssignment, ButlerAssignment.user_id, site=site).where(
            ButlerAssignment.building_id == note.building_id, ButlerAssignment.ends_on.is_(None)
        )
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.id.in_(ids), User.active.is_(True))
            .order_by(User.display_name)
        )
    )


def view_of(site: Site, user: User, note: MorningNote, writer: bool) -> NoteView:
    readers = dict(
        db.session.execute(
            tenancy.select(
                MorningNoteRead, MorningNoteRead.user_id, MorningNoteRead.read_at, site=site
            ).where(MorningNoteRead.note_id == note.id)
        ).all()
    )
    names, not_yet = [], []
    if writer:
        for person in audience(site, note):
            (names if person.id in readers else not_yet).append(person.display_name)
    return NoteView(note=note, read=user.id in readers, readers=names, not_yet=not_yet)


def write_note(site: Site, author: User, day: date, body: str, building_id: int | None):
    note = MorningNote(
        site_id=site.id, day=day, body=body, building_id=building_id, author_id=author.id
    )
    db.session.add(note)
    db.session.flush()
    return note


def mark_read(site: Site, user: User, note: MorningNote) -> None:
    """Record once that ``user`` has read ``note``."""
    already = db.session.scalar(
        tenancy.select(MorningNoteRead, MorningNoteRead.id, site=site).where(
            MorningNoteRead.note_id == note.id, MorningNoteRead.user_id == user.id
        )
    )
    if already is None:
        db.session.add(MorningNoteRead(site_id=site.id, note_id=note.id, user_id=user.id))
        try:
            db.session.flush()
        except IntegrityError:  # read twice at once: once is kept
            db.session.rollback()


def building_choices(site: Site) -> list[tuple[int, str]]:
    """(0, all buildings) and the site's buildings, for the note's "for" field."""
    rows = db.session.execute(
        tenancy.select(Building, Building.id, Building.code, Building.name, site=site).order_by(
            Building.code
        )
    ).all()
    return [(0, str(_l("All buildings")))] + [(bid, f"{code} {name}") for bid, code, name in rows]


# --- The day's weather -----------------------------------------------------------------


def weather_of(site: Site, day: date) -> str | None:
    """``rain``, ``typhoon`` or None: what the site's ``day`` was marked."""
    return db.session.scalar(
        tenancy.select(DayWeather, DayWeather.kind, site=site).where(DayWeather.day == day)
    )


def set_weather(
    site: Site, day: date, kind: str | None, by: User | None = None, source: str = "site"
) -> None:
    """Mark ``day`` rainy or a typhoon day (``kind`` None takes the mark away).

    A plugin marking the day (a typhoon notice sent) never makes it milder than it is: a
    rainstorm notice on a typhoon day leaves the typhoon. The office's own choice wins.
    """
    if kind is not None and kind not in WEATHER:
        raise ValueError(f"unknown weather {kind!r}")
    row = db.session.scalar(tenancy.select(DayWeather, site=site).where(DayWeather.day == day))
    if kind is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is not None:
        milder = list(WEATHER).index(kind) < list(WEATHER).index(row.kind)
        if source != "site" and milder:
            return
        row.kind, row.source, row.set_by_id = kind, source, by.id if by else None
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                DayWeather(
                    site_id=site.id,
                    day=day,
                    kind=kind,
                    source=source,
                    set_by_id=by.id if by else None,
                )
            )
    except IntegrityError:  # marked from two places at once: the first mark stays
        pass
