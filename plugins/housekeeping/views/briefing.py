"""The daily briefing: the executive housekeeper's note and the day's tasks, kept as the
core's morning-meeting note (``core.day``), with who of the team has read it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, clock, day, tenancy
from core.extensions import db
from core.models import MorningNote, MorningNoteRead, User
from core.roles import HOTEL_STAFF, HOUSEKEEPING_EXECUTIVES
from core.security import can, requires
from core.tenancy import current_site
from plugins.housekeeping.forms import BriefingForm
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import render, role_holders


def _notes(on) -> list[MorningNote]:
    """The day's briefings: the site-wide notes written by the executive housekeepers."""
    writers = role_holders(HOUSEKEEPING_EXECUTIVES)
    return list(
        db.session.scalars(
            tenancy.select(MorningNote)
            .where(
                MorningNote.day == on,
                MorningNote.building_id.is_(None),
                MorningNote.author_id.in_(writers or {0}),
            )
            .order_by(MorningNote.created_at, MorningNote.id)
        )
    )


def _team() -> list[User]:
    ids = role_holders(HOTEL_STAFF)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.id.in_(ids or {0}), User.active.is_(True))
            .order_by(User.display_name, User.id)
        )
    )


def tasks_of(body: str) -> tuple[str, list[str]]:
    """The note's text and its tasks: the lines that start with a dash."""
    text, tasks = [], []
    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith(("-", "–", "•")):
            task = stripped.lstrip("-–• ").strip()
            if task:
                tasks.append(task)
        else:
            text.append(line)
    return "\n".join(text).strip(), tasks


def _page(status: int = 200, form=None):
    site = current_site()
    today = clock.today(site)
    notes = _notes(today)
    writer = can(current_user, "housekeeping.briefing")
    read = {
        (note_id, user_id)
        for note_id, user_id in db.session.execute(
            tenancy.select(MorningNoteRead, MorningNoteRead.note_id, MorningNoteRead.user_id).where(
                MorningNoteRead.note_id.in_([n.id for n in notes] or [0])
            )
        )
    }
    team = _team() if writer else []
    shown = []
    for note in notes:
        text, tasks = tasks_of(note.body)
        shown.append(
            {
                "note": note,
                "text": text,
                "tasks": tasks,
                "read": (note.id, current_user.id) in read,
                "readers": [u.display_name for u in team if (note.id, u.id) in read],
                "not_yet": [u.display_name for u in team if (note.id, u.id) not in read],
            }
        )
    return render(
        "housekeeping/briefing.html",
        status,
        today=today,
        notes=shown,
        writer=writer,
        form=form or BriefingForm(formdata=None),
        team_size=len(team),
    )


@bp.route("/briefing")
@requires("housekeeping.view")
def briefing():
    return _page()


@bp.route("/briefing", methods=["POST"])
@requires("housekeeping.briefing")
def write_briefing():
    form = BriefingForm()
    if not form.validate_on_submit():
        return _page(422, form=form)
    site = current_site()
    note = day.write_note(site, current_user, clock.today(site), form.body.data.strip(), None)
    audit.record("housekeeping.briefing_written", note)
    db.session.commit()
    flash(_("The briefing is out to the team."), "success")
    return redirect(url_for("housekeeping.briefing"), code=303)


@bp.route("/briefing/<int:note_id>/read", methods=["POST"])
@requires("housekeeping.view")
def read_briefing(note_id: int):
    site = current_site()
    note = tenancy.get_or_404(MorningNote, note_id)
    if note.building_id is not None:  # a note for one building's butler, not a briefing
        abort(404)
    day.mark_read(site, current_user, note)
    db.session.commit()
    flash(_("Marked as read."), "success")
    return redirect(url_for("housekeeping.briefing"), code=303)
