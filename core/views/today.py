"""The day page: a butler's landing page on a phone (``core.day`` holds its rules)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField

from core import audit, clock, day, htmx, worklog
from core.contributions import collect
from core.extensions import db
from core.forms import text_field
from core.models import MorningNote
from core.offline import keep_offline
from core.security import can, requires
from core.tenancy import current_site, get_or_404

bp = Blueprint("today", __name__, url_prefix="/s/<site_slug>/today")
MAX_KEY = 120


class NoteForm(FlaskForm):
    body = text_field(
        _l("The morning meeting's note"),
        max=day.NOTE_LIMIT,
        required=_l("Write what the meeting decided."),
        rows=4,
    )
    building_id = SelectField(_l("For"), coerce=int, validate_choice=True, default=0)


class WeatherForm(FlaskForm):
    kind = SelectField(_l("The day's weather"), validate_choice=True, default="")


def _weather_form(kind: str | None = None) -> WeatherForm:
    form = WeatherForm(kind=kind or "")
    form.kind.choices = [("", _("Ordinary day")), *((k, str(v)) for k, v in day.WEATHER.items())]
    return form


def _note_form() -> NoteForm:
    form = NoteForm()
    form.building_id.choices = day.building_choices(current_site())
    return form


def _page(form: NoteForm | None = None, status: int = 200, weather_form: WeatherForm | None = None):
    site = current_site()
    today = clock.today(site)
    writer = can(current_user, day.WRITE_NOTE, site)
    weather = day.weather_of(site, today)
    items = day.arrange(
        collect("butler_day_items", day=today), day.ticked_keys(site, current_user, today)
    )
    notes = [
        day.view_of(site, current_user, note, writer)
        for note in day.notes_for(site, current_user, today, sees_all=writer)
    ]
    return (
        render_template(
            "core/today.html",
            today=today,
            items=items,
            notes=notes,
            writer=writer,
            form=form or (_note_form() if writer else None),
            weather=weather,
            weather_label=day.WEATHER.get(weather) if weather else None,
            weather_form=weather_form
            or (_weather_form(weather) if can(current_user, day.SET_WEATHER, site) else None),
            keeps_log=worklog.is_logged(site, current_user),
        ),
        status,
    )


@bp.route("/")
@requires(day.VIEW)
@keep_offline
def index():
    return _page()


@bp.route("/notes", methods=["POST"])
@requires(day.WRITE_NOTE)
def write_note():
    form = _note_form()
    if not form.validate():
        return _page(form, 422)
    site = current_site()
    note = day.write_note(
        site, current_user, clock.today(site), form.body.data, form.building_id.data or None
    )
    audit.record("day.note_written", note)
    db.session.commit()
    return redirect(url_for(".index"), code=303)


@bp.route("/weather", methods=["POST"])
@requires(day.SET_WEATHER)
def set_weather():
    site = current_site()
    form = _weather_form()
    if not form.validate():
        return _page(status=422, weather_form=form)
    today = clock.today(site)
    day.set_weather(site, today, form.kind.data or None, by=current_user)
    audit.record("day.weather_set", detail={"day": today.isoformat(), "kind": form.kind.data})
    db.session.commit()
    return redirect(url_for(".index"), code=303)


@bp.route("/notes/<int:note_id>/read", methods=["POST"])
@requires(day.VIEW)
def read_note(note_id: int):
    site = current_site()
    note = get_or_404(MorningNote, note_id)
    writer = can(current_user, day.WRITE_NOTE, site)
    if note not in day.notes_for(site, current_user, note.day, sees_all=writer):
        abort(404)
    day.mark_read(site, current_user, note)
    db.session.commit()
    if htmx.is_htmx():
        view = day.view_of(site, current_user, note, writer)
        return render_template("core/_morning_note.html", n=view, writer=writer)
    return redirect(url_for(".index"), code=303)


@bp.route("/ticks", methods=["POST"])
@requires(day.VIEW)
def tick():
    site = current_site()
    key = request.form.get("key", "").strip()[:MAX_KEY]
    today = clock.today(site)
    offered = {i.key: i for i in collect("butler_day_items", day=today) if i.tickable}
    if key not in offered:  # not (or no longer) on this person's day
        flash(_("That item is no longer on your day."), "error")
        return redirect(url_for(".index"), code=303)
    done = request.form.get("done") == "1"
    day.tick(site, current_user, today, key, done)
    db.session.commit()
    if htmx.is_htmx():
        item = day.arrange([offered[key]], day.ticked_keys(site, current_user, today))[0]
        return render_template("core/_day_item.html", item=item, today=today)
    return redirect(url_for(".index"), code=303)
