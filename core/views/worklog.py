"""The work log pages: a butler's day, line by line, with their remarks; the manager's
list of every butler's log for a day (``core.worklog`` holds the rules)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from core import audit, clock, worklog
from core.extensions import db
from core.forms import text_field
from core.models import User
from core.security import can, requires
from core.tenancy import current_site

bp = Blueprint("worklog", __name__, url_prefix="/s/<site_slug>/log")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


class RemarkForm(FlaskForm):
    body = text_field(_l("My remarks on the day"), max=worklog.REMARK_LIMIT, rows=4)


def _day(text: str | None) -> date:
    """The day asked for (``YYYY-MM-DD``), today when none; 404 for anything else."""
    if not text:
        return clock.today(current_site())
    try:
        asked = date.fromisoformat(text)
    except ValueError:
        abort(404)
    if not FIRST_DAY <= asked <= LAST_DAY:
        abort(404)
    return asked


def _butler() -> User | None:
    """The butler whose log is asked for: ``?butler=<id>`` for those who read every log
    (404 for anyone not a butler of this site, so no one learns who works elsewhere),
    else oneself when one keeps a log here, else None."""
    site = current_site()
    asked = request.args.get("butler", "")
    if asked:
        if not can(current_user, worklog.VIEW_ALL, site) or not (
            asked.isdigit() and len(asked) < 10
        ):
            abort(404)
        butler = worklog.butler_of(site, int(asked))
        if butler is None:
            abort(404)
        return butler
    if worklog.is_logged(site, current_user):
        return current_user._get_current_object()
    return None


@bp.route("/")
@requires(worklog.VIEW)
def index():
    site = current_site()
    day = _day(request.args.get("day"))
    if not can(current_user, worklog.VIEW_ALL, site):
        if not worklog.is_logged(site, current_user):
            abort(404)
        return redirect(url_for(".log", day=day.isoformat()))
    return render_template(
        "core/worklog_index.html",
        day=day,
        butlers=worklog.butlers(site),
        before=(day - timedelta(days=1)).isoformat(),
        after=(day + timedelta(days=1)).isoformat(),
    )


def _page(butler: User, day: date, form: RemarkForm | None = None, status: int = 200):
    site = current_site()
    remark = worklog.remark_of(site, butler, day)
    own = butler.id == current_user.id
    if form is None and own:
        form = RemarkForm(body=remark.body if remark else "")
    entries = worklog.entries(site, butler, day)
    # Hours and minutes are the same digits in every language: written directly, each
    # line skips Babel's date formatter (the page's main cost with a full day of work).
    zone = clock.zone(site)
    times = [e.time.astimezone(zone).strftime("%H:%M") if e.time else "" for e in entries]
    return (
        render_template(
            "core/worklog.html",
            butler=butler,
            day=day,
            today=clock.today(site),
            entries=entries,
            times=times,
            remark=remark,
            form=form if own else None,
            before=(day - timedelta(days=1)).isoformat(),
            after=(day + timedelta(days=1)).isoformat(),
            butler_args={} if own else {"butler": butler.id},
        ),
        status,
    )


@bp.route("/<day>")
@requires(worklog.VIEW)
def log(day: str):
    when = _day(day)
    butler = _butler()
    if butler is None:  # an office reader without a log of their own: the list of logs
        if not can(current_user, worklog.VIEW_ALL, current_site()):
            abort(404)
        return redirect(url_for(".index", day=when.isoformat()))
    return _page(butler, when)


@bp.route("/<day>/remarks", methods=["POST"])
@requires(worklog.WRITE)
def remarks(day: str):
    site = current_site()
    when = _day(day)
    if not worklog.is_logged(site, current_user):
        abort(404)
    butler = current_user._get_current_object()
    form = RemarkForm()
    if not form.validate():
        return _page(butler, when, form, 422)
    row = worklog.save_remark(site, butler, when, form.body.data or "")
    audit.record("worklog.remarks_saved", row)
    db.session.commit()
    flash(_("Your remarks are saved."), "success")
    return redirect(url_for(".log", day=when.isoformat()), code=303)
