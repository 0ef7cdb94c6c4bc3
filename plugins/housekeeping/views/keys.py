"""The master-key register: keys issued at shift start, signed back at shift end.

A key is out to one person at a time. The view checks first, for a friendly message; the
partial unique index ``uq_housekeeping_key_issue_open`` settles the race when two
supervisors issue the same key at the same moment: the second insert fails and its
supervisor is told who has the key.
"""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy
from core.extensions import db
from core.models import User
from core.security import requires
from core.tenancy import current_site
from plugins.housekeeping.forms import IssueForm, KeyForm, LostForm
from plugins.housekeeping.labels import SHIFT_LABELS
from plugins.housekeeping.models import HousekeepingKey, HousekeepingKeyIssue
from plugins.housekeeping.rules import shift_end
from plugins.housekeeping.views import bp
from plugins.housekeeping.views.common import members, render

HISTORY = 20


def open_issue(key: HousekeepingKey) -> HousekeepingKeyIssue | None:
    return db.session.scalar(
        tenancy.select(HousekeepingKeyIssue).where(
            HousekeepingKeyIssue.key_id == key.id, HousekeepingKeyIssue.returned_at.is_(None)
        )
    )


def register_rows() -> list[tuple[HousekeepingKey, HousekeepingKeyIssue | None, User | None]]:
    """Every key with its open custody and holder, in one query."""
    site = current_site()
    holder = aliased(User)
    return list(
        db.session.execute(
            tenancy.select(HousekeepingKey, HousekeepingKey, HousekeepingKeyIssue, holder)
            .outerjoin(
                HousekeepingKeyIssue,
                and_(
                    HousekeepingKeyIssue.key_id == HousekeepingKey.id,
                    HousekeepingKeyIssue.site_id == site.id,
                    HousekeepingKeyIssue.returned_at.is_(None),
                ),
            )
            .outerjoin(holder, holder.id == HousekeepingKeyIssue.holder_id)
            .order_by(HousekeepingKey.code)
        ).all()
    )


def _page(status: int = 200, key_form=None, issue_forms=None, lost_forms=None, error=None):
    staff = members()
    rows = register_rows()
    issue_forms = issue_forms or {}
    lost_forms = lost_forms or {}
    forms = {}
    for key, _issue, _holder in rows:
        form = issue_forms.get(key.id) or IssueForm(formdata=None, prefix=f"k{key.id}")
        form.holder_id.choices = [SelectChoice(u.id, u.display_name) for u in staff]
        forms[key.id] = (
            form,
            lost_forms.get(key.id) or LostForm(formdata=None, prefix=f"l{key.id}"),
        )
    history = db.session.scalars(
        tenancy.select(HousekeepingKeyIssue)
        .options(
            selectinload(HousekeepingKeyIssue.key),
            selectinload(HousekeepingKeyIssue.holder),
        )
        .order_by(HousekeepingKeyIssue.issued_at.desc(), HousekeepingKeyIssue.id.desc())
        .limit(HISTORY)
    ).all()
    return render(
        "housekeeping/keys.html",
        status,
        rows=rows,
        forms=forms,
        history=history,
        key_form=key_form or KeyForm(formdata=None),
        shift_labels=SHIFT_LABELS,
        at=clock.now(),
        error=error,
    )


@bp.route("/keys")
@requires("housekeeping.keys")
def keys():
    return _page()


@bp.route("/keys", methods=["POST"])
@requires("housekeeping.keys_manage")
def add_key():
    form = KeyForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        taken = db.session.scalar(
            tenancy.select(HousekeepingKey).where(HousekeepingKey.code == code)
        )
        if taken is None:
            key = tenancy.new(HousekeepingKey, code=code, opens=(form.opens.data or "").strip())
            db.session.flush()
            audit.record("housekeeping.key_added", key, detail={"key": code})
            db.session.commit()
            flash(_("Key %(code)s is in the register.", code=code), "success")
            return redirect(url_for("housekeeping.keys"), code=303)
        form.code.errors.append(_("The register already has this key."))
    return _page(422, key_form=form)


def _issue_form(key: HousekeepingKey) -> IssueForm:
    form = IssueForm()
    form.holder_id.choices = [SelectChoice(u.id, u.display_name) for u in members()]
    return form


@bp.route("/keys/<int:key_id>/issue", methods=["POST"])
@requires("housekeeping.keys")
def issue_key(key_id: int):
    site = current_site()
    key = tenancy.get_or_404(HousekeepingKey, key_id)
    form = _issue_form(key)
    if not form.validate_on_submit():
        return _page(422, issue_forms={key.id: form})
    if key.lost_at is not None:
        return _page(422, error=_("Key %(code)s is recorded lost.", code=key.code))
    out = open_issue(key)
    if out is not None:
        return _already_out(key, out.holder.display_name)
    at = clock.now()
    custody = tenancy.new(
        HousekeepingKeyIssue,
        key_id=key.id,
        holder_id=form.holder_id.data,
        issued_by_id=current_user.id,
        issued_at=at,
        shift_ends_at=shift_end(site, form.shift.data, at),
    )
    try:
        db.session.flush()
    except IntegrityError:
        # Someone issued it between our check and our insert: the index said no.
        db.session.rollback()
        key = tenancy.get_or_404(HousekeepingKey, key_id)
        out = open_issue(key)
        return _already_out(key, out.holder.display_name if out else "")
    holder = db.session.get(User, custody.holder_id)
    audit.record(
        "housekeeping.key_issued",
        custody,
        detail={"key": key.code, "to": holder.display_name, "shift": form.shift.data},
    )
    db.session.commit()
    flash(
        _("Key %(code)s is issued to %(name)s.", code=key.code, name=holder.display_name),
        "success",
    )
    return redirect(url_for("housekeeping.keys"), code=303)


def _already_out(key: HousekeepingKey, holder: str):
    message = (
        _(
            "Key %(code)s is already out with %(name)s: it must be signed back first.",
            code=key.code,
            name=holder,
        )
        if holder
        else _("Key %(code)s is already out: it must be signed back first.", code=key.code)
    )
    return _page(409, error=message)


@bp.route("/key-issues/<int:issue_id>/return", methods=["POST"])
@requires("housekeeping.keys")
def return_key(issue_id: int):
    custody = tenancy.get_or_404(HousekeepingKeyIssue, issue_id)
    key = custody.key
    if custody.returned_at is None:
        custody.returned_at = clock.now()
        custody.returned_to_id = current_user.id
        audit.record(
            "housekeeping.key_returned",
            custody,
            detail={
                "key": key.code,
                "by": custody.holder.display_name,
                "late": custody.returned_at > custody.shift_ends_at,
            },
        )
        db.session.commit()
        flash(_("Key %(code)s is signed back.", code=key.code), "success")
    else:
        flash(_("Key %(code)s was already signed back.", code=key.code), "success")
    return redirect(url_for("housekeeping.keys"), code=303)


@bp.route("/keys/<int:key_id>/lost", methods=["POST"])
@requires("housekeeping.keys_manage")
def key_lost(key_id: int):
    key = tenancy.get_or_404(HousekeepingKey, key_id)
    form = LostForm()
    if not form.validate_on_submit():
        return _page(422, lost_forms={key.id: form})
    if key.lost_at is None:
        at = clock.now()
        key.lost_at, key.lost_note = at, form.note.data.strip()
        out = open_issue(key)
        if out is not None:
            out.returned_at, out.lost = at, True
        audit.record(
            "housekeeping.key_lost",
            key,
            detail={
                "key": key.code,
                "note": key.lost_note,
                "holder": out.holder.display_name if out else "",
            },
        )
        db.session.commit()
    flash(_("Key %(code)s is recorded lost.", code=key.code), "success")
    return redirect(url_for("housekeeping.keys"), code=303)
