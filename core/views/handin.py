"""The month's hand-in pack: its page, workbook and ZIP, handing it in, and who has."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from core import handin
from core.extensions import db
from core.models import Site, User
from core.security import can, requires
from core.tenancy import current_site

bp = Blueprint("handin", __name__, url_prefix="/s/<site_slug>/hand-in")


@bp.app_template_filter("sheet_cell")
def sheet_cell(value: Any) -> str:
    """A sheet's cell as the page shows it: numbers in the locale's way, money with two
    decimals, dates as YYYY-MM-DD, nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return format_decimal(value, "#,##0.00")
    if isinstance(value, int):
        return format_decimal(value)
    if isinstance(value, float):
        return format_decimal(value, "#,##0.##")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _me() -> User:
    return current_user._get_current_object()


def _whose(site: Site) -> User | None:
    """The butler whose pack is asked for; None when a reviewer gave nobody.

    One's own pack needs ``handin.submit``; anyone else's ``handin.review`` (403
    otherwise, whether or not the id exists), and the id must be a butler of the site
    (404 otherwise).
    """
    raw = request.args.get("butler", "").strip()
    if not raw or (raw == str(current_user.id) and can(current_user, handin.SUBMIT)):
        if can(current_user, handin.SUBMIT):
            return _me()
        if can(current_user, handin.REVIEW):
            return None
        abort(403)
    if not can(current_user, handin.REVIEW):
        abort(403)
    if not raw.isdigit() or len(raw) > 10:
        abort(404)
    return handin.hand_in_person(site, int(raw)) or abort(404)


def _bad_period():
    # The month field offers last month again: a browser's month input cannot hold the
    # bad text, which stays in the address bar.
    return render_template(
        "core/hand_in.html",
        error=_("Choose a month as YYYY-MM, for example 2026-11."),
        period=handin.previous_month(current_site()),
        sections=[],
        butler=None,
    ), 422


def _args(butler: User) -> dict[str, Any]:
    """The query string that names ``butler`` in links, unless it is the viewer."""
    return {} if butler.id == current_user.id else {"butler": butler.id}


def _months_around(period: str) -> tuple[str, str]:
    year, month = int(period[:4]), int(period[5:])
    before = f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"
    after = f"{year + (month == 12):04d}-{month % 12 + 1:02d}"
    return before, after


@bp.route("/")
@requires(handin.VIEW)
def index():
    """The month picker's target: a butler's own pack, or a reviewer's status page."""
    site = current_site()
    asked = request.args.get("period", "")
    period = handin.parse_period(asked) if asked else handin.previous_month(site)
    if period is None:
        return _bad_period()
    butler = _whose(site)
    if butler is None:
        return redirect(url_for("handin.status", period=period))
    return redirect(url_for("handin.pack", period=period, **_args(butler)))


@bp.route("/<period>")
@requires(handin.VIEW)
def pack(period: str):
    site = current_site()
    if handin.parse_period(period) is None:
        return _bad_period()
    butler = _whose(site)
    if butler is None:
        return redirect(url_for("handin.status", period=period))
    found = handin.sections(site, period, butler)
    kept = handin.hand_in_of(site, butler.id, period)
    before, after = _months_around(period)
    return render_template(
        "core/hand_in.html",
        period=period,
        butler=butler,
        sections=found,
        kept=kept,
        handed_in_by=db.session.get(User, kept.handed_in_by_id) if kept else None,
        changes=handin.changes_since(kept.snapshot, found) if kept else [],
        future=handin.is_future(site, period),
        may_review=can(current_user, handin.REVIEW),
        butler_args=_args(butler),
        before=before,
        after=after,
    )


@bp.route("/<period>", methods=["POST"])
@requires(handin.VIEW)
def submit(period: str):
    """Hand the month in: keep a snapshot of every sheet, replacing an earlier one."""
    site = current_site()
    if handin.parse_period(period) is None:
        return _bad_period()
    butler = _whose(site)
    if butler is None:
        return redirect(url_for("handin.status", period=period), code=303)
    if handin.is_future(site, period):
        flash(_("This month has not started yet: hand it in once it has."), "error")
        return redirect(url_for("handin.pack", period=period, **_args(butler)), code=303)
    found = handin.sections(site, period, butler)
    kept = handin.record(site, butler, period, _me(), found)
    db.session.commit()
    if kept.times > 1:
        flash(_("Handed in again: this replaces the earlier hand-in."), "success")
    else:
        flash(_("Handed in. Later changes to these figures will show on this page."), "success")
    return redirect(url_for("handin.pack", period=period, **_args(butler)), code=303)


def _download(period: str, build, ext: str, mimetype: str):
    site = current_site()
    if handin.parse_period(period) is None:
        return _bad_period()
    butler = _whose(site)
    if butler is None:
        return redirect(url_for("handin.status", period=period))
    found = handin.sections(site, period, butler)
    title = f"{butler.display_name} · {period}"
    name = f"hand-in-{site.slug}-{period}-{butler.id}.{ext}"
    return Response(
        build(found, period, title),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/<period>/workbook.xlsx")
@requires(handin.VIEW)
def workbook(period: str):
    return _download(
        period, lambda found, _p, title: handin.workbook(found, title), "xlsx", handin.XLSX
    )


@bp.route("/<period>/pack.zip")
@requires(handin.VIEW)
def zip_file(period: str):
    return _download(period, handin.zip_of_workbooks, "zip", "application/zip")


@bp.route("/<period>/status")
@requires(handin.REVIEW)
def status(period: str):
    site = current_site()
    if handin.parse_period(period) is None:
        return _bad_period()
    rows = handin.status(site, period)
    before, after = _months_around(period)
    return render_template(
        "core/hand_in_status.html",
        period=period,
        rows=rows,
        handed_in=sum(1 for _u, kept in rows if kept is not None),
        before=before,
        after=after,
    )
