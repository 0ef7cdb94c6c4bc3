"""Special care (特殊慰問): illness, bereavement, hospital stays, and the visits made.

Sensitive: only the roles holding ``care.special`` (butler, assistant, manager) open these
pages; a butler reads only the cases of the buildings they look after (anything else is a
404, as if it did not exist); every page that shows a case is written to the audit log and
sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from core import audit, clock
from core.buildings import looked_after
from core.extensions import db
from core.models import Resident
from core.security import requires
from core.tenancy import current_site, get_or_404
from plugins.care import rules
from plugins.care.forms import CaseForm, VisitForm
from plugins.care.models import CareCase, CareVisit
from plugins.care.views.base import bp, page

LIST_LIMIT = 50


def _private(answer):
    body, status = answer
    from flask import make_response

    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _case_or_404(case_id: int) -> CareCase:
    case = get_or_404(CareCase, case_id)
    if not rules.may_read_case(current_site(), current_user, case):
        abort(404)
    return case


@bp.route("/special")
@requires("care.special")
def cases():
    site = current_site()
    rows = db.session.scalars(
        rules.cases_query(site, current_user)
        .options(selectinload(CareCase.resident), selectinload(CareCase.building))
        .order_by(CareCase.happened_on.desc(), CareCase.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    answer = page("care/cases.html", cases=rows, today=clock.today(site))
    audit.record_read(
        "care.special.listed",
        detail={"cases": [c.id for c in rows]},
        residents=[c.resident_id for c in rows],
    )
    db.session.commit()
    return _private(answer)


def _resident_for_case(resident_id: int | None) -> Resident | None:
    """The resident, if on the site and (for a butler) living in one of their buildings."""
    if not resident_id:
        return None
    site = current_site()
    resident = get_or_404(Resident, resident_id)
    if not rules.sees_all_cases(site, current_user):
        home = rules.home_of(resident)
        mine = set(db.session.scalars(looked_after(site.id, current_user.id)))
        if home is None or home.building_id not in mine:
            abort(404)
    return resident


@bp.route("/special/new", methods=["GET", "POST"])
@requires("care.special")
def new_case():
    site = current_site()
    if request.method == "GET":
        raw = request.args.get("resident", "")
        resident = _resident_for_case(int(raw)) if raw.isdigit() and len(raw) < 10 else None
        form = CaseForm(
            resident_id=resident.id if resident else None, happened_on=clock.today(site)
        )
        return _private(page("care/case_new.html", form=form, resident=resident))
    form = CaseForm()
    valid = form.validate()
    resident = _resident_for_case(form.resident_id.data) if valid else None
    if not valid:
        return _private(page("care/case_new.html", 422, form=form, resident=None))
    home = rules.home_of(resident)
    case = CareCase(
        site_id=site.id,
        resident_id=resident.id,
        building_id=home.building_id if home else None,
        kind=form.kind.data,
        happened_on=form.happened_on.data,
        summary=form.summary.data,
        follow_up_on=form.follow_up_on.data,
        created_at=clock.now(),
        created_by_id=current_user.id,
    )
    db.session.add(case)
    db.session.flush()
    audit.record("care.special.opened", case, detail={"kind": case.kind})
    db.session.commit()
    flash(_("The special care record is kept."), "success")
    return redirect(url_for("care.case", case_id=case.id), code=303)


def _case_page(case: CareCase, status: int = 200, visit_form: VisitForm | None = None):
    answer = page(
        "care/case.html",
        status,
        case=case,
        visit_form=visit_form or VisitForm(formdata=None),
        today=clock.today(current_site()),
    )
    audit.record_read(
        "care.special.viewed",
        case,
        detail={"resident_id": case.resident_id},
        residents=[case.resident_id],
    )
    db.session.commit()
    return _private(answer)


@bp.route("/special/<int:case_id>")
@requires("care.special")
def case(case_id: int):
    return _case_page(_case_or_404(case_id))


@bp.route("/special/<int:case_id>/visits", methods=["POST"])
@requires("care.special")
def add_visit(case_id: int):
    case = _case_or_404(case_id)
    form = VisitForm()
    if not form.validate():
        return _case_page(case, 422, form)
    visit = CareVisit(
        site_id=case.site_id,
        case_id=case.id,
        visited_at=clock.now(),
        by_id=current_user.id,
        note=form.note.data,
    )
    db.session.add(visit)
    case.follow_up_on = form.follow_up_on.data
    db.session.flush()
    audit.record("care.special.visited", case, detail={"visit_id": visit.id})
    db.session.commit()
    flash(_("The visit is recorded."), "success")
    return redirect(url_for("care.case", case_id=case.id), code=303)
