"""Notices to residents (溫馨提示): written from a template in up to three languages, sent
once to consenting residents in their own language, printed for the lobby."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from core import audit, clock, tenancy
from core.buildings import site_buildings
from core.extensions import db
from core.models import Building, Unit
from core.security import requires
from core.tenancy import current_site, get_or_404
from plugins.care import rules
from plugins.care.forms import NoticeForm, SendForm
from plugins.care.labels import LOCALE_LABELS, TEMPLATE_TEXTS
from plugins.care.models import LOCALES, CareNotice, CareNoticeTarget
from plugins.care.views.base import bp, page

LIST_LIMIT = 30  # the latest notices; older ones are in the month's report


def _notice_form(formdata=None, **data) -> NoticeForm:
    site = current_site()
    form = NoticeForm(formdata=formdata, **data) if formdata is not None else NoticeForm(**data)
    form.building_ids.choices = [
        SelectChoice(b.id, f"{b.code} {b.name}") for b in site_buildings(site)
    ]
    units = db.session.execute(
        tenancy.select(Unit, Unit.id, Building.code, Unit.number)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.archived_at.is_(None))
        .order_by(Building.code, Unit.number)
    ).all()
    form.unit_ids.choices = [SelectChoice(uid, f"{code}-{number}") for uid, code, number in units]
    return form


@bp.route("/notices")
@requires("care.view")
def notices():
    notices = db.session.scalars(
        tenancy.select(CareNotice)
        .order_by(CareNotice.created_at.desc(), CareNotice.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    counts = rules.delivery_counts(current_site(), [n.id for n in notices])
    return page("care/notices.html", notices=notices, counts=counts)


@bp.route("/notices/new", methods=["GET", "POST"])
@requires("care.notices")
def new_notice():
    site = current_site()
    if request.method == "GET":
        template = request.args.get("template", "typhoon")
        if template not in TEMPLATE_TEXTS:
            template = "typhoon"
        day = clock.today(site)
        texts = {}
        for code in LOCALES:
            title, body = rules.template_text(template, code, day)
            texts[f"title_{code}"], texts[f"body_{code}"] = title, body
        form = _notice_form(template=template, day=day, **texts)
        return page("care/notice_new.html", form=form, locale_labels=LOCALE_LABELS)
    form = _notice_form(request.form)
    if not form.validate():
        return page("care/notice_new.html", 422, form=form, locale_labels=LOCALE_LABELS)
    notice = CareNotice(
        site_id=site.id,
        template=form.template.data,
        audience=form.audience.data,
        day=form.day.data,
        created_at=clock.now(),
        created_by_id=current_user.id,
    )
    for code in LOCALES:
        setattr(notice, f"title_{code}", getattr(form, f"title_{code}").data or "")
        setattr(notice, f"body_{code}", getattr(form, f"body_{code}").data or "")
    db.session.add(notice)
    db.session.flush()
    if notice.audience == "buildings":
        for building_id in sorted(set(form.building_ids.data)):
            db.session.add(
                CareNoticeTarget(site_id=site.id, notice_id=notice.id, building_id=building_id)
            )
    elif notice.audience == "units":
        for unit_id in sorted(set(form.unit_ids.data)):
            db.session.add(CareNoticeTarget(site_id=site.id, notice_id=notice.id, unit_id=unit_id))
    audit.record("care.notice.written", notice, detail={"template": notice.template})
    db.session.commit()
    flash(_("The notice is written. Check it, then send it."), "success")
    return redirect(url_for("care.notice", notice_id=notice.id), code=303)


def _notice_page(notice: CareNotice, status: int = 200, message: str = ""):
    site = current_site()
    reach = db.session.scalar(
        select(func.count()).select_from(rules.notice_residents(site, notice).subquery())
    )
    return page(
        "care/notice.html",
        status,
        notice=notice,
        counts=rules.delivery_counts(site, [notice.id])[notice.id],
        reach=reach,
        message=message,
        send_form=SendForm(),
        locale_labels=LOCALE_LABELS,
    )


def _load(notice_id: int) -> CareNotice:
    return get_or_404(CareNotice, notice_id)


@bp.route("/notices/<int:notice_id>")
@requires("care.view")
def notice(notice_id: int):
    return _notice_page(_load(notice_id))


@bp.route("/notices/<int:notice_id>/send", methods=["POST"])
@requires("care.notices")
def send_notice(notice_id: int):
    site = current_site()
    notice = _load(notice_id)
    if not SendForm().validate():
        return _notice_page(notice, 422, _("The form has expired; send it again."))
    try:
        queued = rules.send_notice(site, notice, current_user)
    except rules.Refused as refused:
        db.session.rollback()
        return _notice_page(_load(notice_id), 409, refused.message)
    audit.record("care.notice.sent", notice, detail={"queued": queued})
    db.session.commit()
    flash(
        _("The notice is sent: %(count)d message(s) queued.", count=queued),
        "success",
    )
    return redirect(url_for("care.notice", notice_id=notice.id), code=303)


@bp.route("/notices/<int:notice_id>/print")
@requires("care.view")
def print_notice(notice_id: int):
    notice = _load(notice_id)
    return page("care/notice_print.html", notice=notice, locale_labels=LOCALE_LABELS)
