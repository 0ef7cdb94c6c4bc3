"""The visits plugin's pages: the quota, a building's floor grid, recording a visit with
its form, the visit's printable form, the week's plan, the site's targets, the panel."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, clock, tenancy
from core.conflicts import differences, is_stale
from core.extensions import db
from core.forms.residents import HomeVisitForm
from core.models import Building, Contact, Resident, Unit
from core.plugins.host import host
from core.residents import has_buildings
from core.security import can, requires
from core.tenancy import current_site, get_or_404
from plugins.visits import rules
from plugins.visits.forms import MovePlanForm, PlanForm, TargetForm, VisitForm
from plugins.visits.labels import KIND_LABELS, OUTCOME_LABELS, STATE_LABELS
from plugins.visits.models import VisitsPlan, VisitsTarget, VisitsVisit

NAME = "visits"
bp = Blueprint(NAME, __name__, template_folder="templates")
PROFILE_FIELDS = HomeVisitForm.FIELDS
TEXT_TYPES = ("StringField", "TextAreaField")
LIST_ON_PAGE = 20


def profile_labels() -> dict[str, str]:
    """The label of each field of the visit form, for showing values outside the form."""
    form = HomeVisitForm(meta={"csrf": False}, formdata=None)
    return {name: str(form[name].label.text) for name in PROFILE_FIELDS}


def _spans(site, today: date) -> tuple[rules.Span, rules.Span]:
    return rules.span_of(site, rules.MONTH, today), rules.span_of(site, rules.QUARTER, today)


def _scope(site):
    """The buildings the current user's pages cover: theirs when they look after some."""
    return rules.my_buildings(site, current_user) if has_buildings(site, current_user) else None


# --- The quota --------------------------------------------------------------------------


@bp.route("/")
@requires("visits.view")
def index():
    site = current_site()
    today = clock.today(site)
    month, quarter = _spans(site, today)
    mine = has_buildings(site, current_user)
    scope = rules.my_buildings(site, current_user) if mine else None
    return render_template(
        "visits/index.html",
        mine=mine,
        rows=rules.quota(site, month, quarter, today, current_user if mine else None),
        month=month,
        quarter=quarter,
        today=today,
        goals=rules.targets(site),
        lists=rules.never_and_longest(site, today, scope, LIST_ON_PAGE),
        can_record=can(current_user, "visits.record"),
    )


@bp.route("/buildings/<int:building_id>")
@requires("visits.view")
def grid(building_id: int):
    site = current_site()
    building = get_or_404(Building, building_id)
    today = clock.today(site)
    month, quarter = _spans(site, today)
    return render_template(
        "visits/grid.html",
        building=building,
        floors=rules.floor_grid(site, building, quarter, today),
        quarter=quarter,
        state_labels=STATE_LABELS,
        can_record=can(current_user, "visits.record"),
    )


# --- Recording a visit ---------------------------------------------------------------------


def _household(unit_id: int, resident_id: int) -> tuple[Unit, Resident, rules.Household]:
    site = current_site()
    unit = get_or_404(Unit, unit_id)
    person = get_or_404(Resident, resident_id)
    household = rules.household_of(site, unit, person, clock.today(site))
    if household is None:
        abort(404)
    return unit, person, household


def _values(form) -> dict:
    values = {}
    for name in PROFILE_FIELDS:
        field = form[name]
        values[name] = (field.data or "").strip() if field.type in TEXT_TYPES else field.data
    return values


def _render_visit_form(person, household, form, conflicts=None, status=200):
    return render_template(
        "visits/new.html",
        resident=person,
        household=household,
        form=form,
        profile_fields=PROFILE_FIELDS,
        conflicts=conflicts,
    ), status


@bp.route("/households/<int:unit_id>/<int:resident_id>/visit", methods=["GET", "POST"])
@requires("visits.record")
def record(unit_id: int, resident_id: int):
    site = current_site()
    unit, person, household = _household(unit_id, resident_id)
    if request.method == "GET":
        now = clock.local_now(site)
        kind = request.args.get("kind", "")
        form = VisitForm(
            obj=person,
            version_id=person.version_id,
            visited_on=now.date(),
            visited_time=now.time().replace(second=0, microsecond=0),
            kind=kind if kind in KIND_LABELS else "routine",
        )
        return _render_visit_form(person, household, form)
    form = VisitForm()
    if not form.validate():
        return _render_visit_form(person, household, form, status=422)
    values = _values(form)
    if is_stale(person, form.version_id.data):
        # Someone saved the profile since this form was loaded: refuse only when the
        # two differ, so that what they saved is never overwritten unseen.
        conflicts = differences(person, form, PROFILE_FIELDS)
        if conflicts:
            form.version_id.data = str(person.version_id)
            return _render_visit_form(person, household, form, conflicts, status=409)
    visit = _write(site, unit, person, form, values)
    db.session.commit()
    flash(_("The visit to %(unit)s is recorded.", unit=household.label), "success")
    return redirect(url_for("visits.show", visit_id=visit.id), code=303)


def _write(site, unit, person, form, values) -> VisitsVisit:
    """Write the changed fields back to the profile and keep the visit (the caller commits)."""
    diff = audit.changes(person, PROFILE_FIELDS, values)
    for name in diff:
        setattr(person, name, values[name])
    if diff:
        audit.record("resident.updated", person, detail=diff)
    at_time = form.visited_time.data or clock.local_now(site).time()
    visited_at = datetime.combine(
        form.visited_on.data, time(at_time.hour, at_time.minute), tzinfo=clock.zone(site)
    )
    notes = (form.visit_notes.data or "").strip()
    visit = VisitsVisit(
        site_id=site.id,
        unit_id=unit.id,
        resident_id=person.id,
        building_id=unit.building_id,
        visited_at=visited_at,
        visited_on=form.visited_on.data,
        kind=form.kind.data,
        outcome=form.outcome.data,
        butler_id=current_user.id,
        companions=(form.companions.data or "").strip(),
        notes=notes,
        form={k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()},
        changed=sorted(diff),
    )
    db.session.add(visit)
    db.session.flush()
    # The resident's own history of contacts shows the visit beside calls and notes.
    summary = f"{KIND_LABELS[visit.kind]}: {OUTCOME_LABELS[visit.outcome]}"
    db.session.add(
        Contact(
            site_id=site.id,
            resident_id=person.id,
            kind="visit",
            at=visited_at,
            summary=f"{summary}. {notes}" if notes else summary,
            staff_id=current_user.id,
        )
    )
    audit.record("visits.recorded", visit, detail={"unit": unit.id, "changed": sorted(diff)})
    return visit


@bp.route("/<int:visit_id>")
@requires("visits.view")
def show(visit_id: int):
    visit = get_or_404(VisitsVisit, visit_id)
    site = current_site()
    follow_up = visit.outcome == "follow_up" or visit.kind == "complaint_follow_up"
    return render_template(
        "visits/show.html",
        visit=visit,
        labels=profile_labels(),
        profile_fields=PROFILE_FIELDS,
        kind_labels=KIND_LABELS,
        outcome_labels=OUTCOME_LABELS,
        service_request_url=_service_request_url(site, visit) if follow_up else None,
    )


def _service_request_url(site, visit: VisitsVisit) -> str | None:
    """The service desk's intake form for the visited resident, when the desk is on here
    and the user may log requests (plugins link to each other; they share no models)."""
    if not host().is_enabled(site, "service_desk") or not can(current_user, "service_desk.handle"):
        return None
    return url_for("service_desk.new", resident=visit.resident_id)


# --- The week's plan ------------------------------------------------------------------


def _plan_context(site, today: date, form=None) -> dict:
    monday, sunday = rules.week_of(today)
    proposed = rules.proposal(site, current_user, today)
    plans = rules.planned(site, current_user, monday, sunday)
    _, quarter = _spans(site, today)
    done = rules.visited_households(
        site, [(p.unit_id, p.resident_id) for p in plans], quarter.first, quarter.last
    )
    return {
        "groups": rules.grouped(proposed),
        "proposed": proposed,
        "plans": plans,
        "done": done,
        "monday": monday,
        "sunday": sunday,
        "form": form or PlanForm(formdata=None, households=[h.key for h in proposed]),
        "move_form": MovePlanForm(formdata=None),
        "mine": has_buildings(site, current_user),
    }


@bp.route("/plan")
@requires("visits.record")
def plan():
    site = current_site()
    return render_template("visits/plan.html", **_plan_context(site, clock.today(site)))


@bp.route("/plan", methods=["POST"])
@requires("visits.record")
def accept_plan():
    site = current_site()
    today = clock.today(site)
    form = PlanForm()
    proposed = {h.key: h for h in rules.proposal(site, current_user, today)}
    chosen = [proposed[key] for key in form.households.data or [] if key in proposed]
    if not form.validate() or not chosen:
        form.households.errors = [*form.households.errors, _("Choose the households to visit.")]
        context = _plan_context(site, today, form)
        return render_template("visits/plan.html", **context), 422
    rules.plan(site, current_user, chosen, today)
    audit.record("visits.planned", detail={"households": len(chosen)})
    db.session.commit()
    flash(_("%(count)s visits are planned this week.", count=len(chosen)), "success")
    return redirect(url_for("visits.plan"), code=303)


def _plan_of_site(plan_id: int) -> VisitsPlan:
    # The plan page lists one's own plans; whoever may plan visits on the site (an
    # assistant directing the butlers, a butler covering for another) may adjust one.
    return get_or_404(VisitsPlan, plan_id)


@bp.route("/plan/<int:plan_id>/move", methods=["POST"])
@requires("visits.record")
def move_plan(plan_id: int):
    site = current_site()
    row = _plan_of_site(plan_id)
    form = MovePlanForm()
    today = clock.today(site)
    if form.validate() and form.planned_on.data < today:
        form.planned_on.errors.append(_("Choose today or a day to come."))
    if form.errors or form.planned_on.data is None:
        context = _plan_context(site, today)
        context["move_form"], context["moving"] = form, row.id
        return render_template("visits/plan.html", **context), 422
    row.planned_on = form.planned_on.data
    audit.record("visits.plan_moved", row, detail={"planned_on": form.planned_on.data.isoformat()})
    db.session.commit()
    return redirect(url_for("visits.plan"), code=303)


@bp.route("/plan/<int:plan_id>/remove", methods=["POST"])
@requires("visits.record")
def remove_plan(plan_id: int):
    row = _plan_of_site(plan_id)
    if row.removed_at is None:
        row.removed_at = clock.now()
        audit.record("visits.plan_removed", row, detail={"planned_on": row.planned_on.isoformat()})
        db.session.commit()
    flash(_("The planned visit is taken off the plan."), "success")
    return redirect(url_for("visits.plan"), code=303)


# --- Targets ---------------------------------------------------------------------------


def _tenths(permille: int) -> str:
    return f"{permille / 10:.1f}"


@bp.route("/targets", methods=["GET", "POST"])
@requires("visits.configure")
def targets():
    site = current_site()
    goals = rules.targets(site)
    if request.method == "GET":
        form = TargetForm(
            month_percent=_tenths(goals.month), quarter_percent=_tenths(goals.quarter)
        )
        return render_template("visits/targets.html", form=form)
    form = TargetForm()
    if not form.validate():
        return render_template("visits/targets.html", form=form), 422
    row = db.session.scalar(tenancy.select(VisitsTarget, site=site)) or tenancy.new(VisitsTarget)
    row.month_permille = round(float(form.month_percent.data) * 10)
    row.quarter_permille = round(float(form.quarter_percent.data) * 10)
    audit.record(
        "visits.targets_set",
        detail={"month": row.month_permille, "quarter": row.quarter_permille},
    )
    db.session.commit()
    flash(_("The targets are saved."), "success")
    return redirect(url_for("visits.index"), code=303)


# --- The resident's panel ----------------------------------------------------------------


@bp.route("/residents/<int:resident_id>/panel")
@requires("visits.view")
def resident_panel(resident_id: int):
    site = current_site()
    person = get_or_404(Resident, resident_id)
    household = rules.head_of(site, person, clock.today(site))
    visits = []
    if household is not None:
        visits = db.session.scalars(
            tenancy.select(VisitsVisit, site=site)
            .where(
                VisitsVisit.unit_id == household.unit_id,
                VisitsVisit.resident_id == household.resident_id,
            )
            .order_by(VisitsVisit.visited_at.desc())
            .limit(5)
        ).all()
    return render_template(
        "visits/_panel.html",
        resident=person,
        household=household,
        visits=visits,
        labels=profile_labels(),
        kind_labels=KIND_LABELS,
        outcome_labels=OUTCOME_LABELS,
        can_record=can(current_user, "visits.record"),
    )
