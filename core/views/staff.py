"""Staff of a site: new accounts, roles per site, deactivation, butlers of buildings.

Everything here needs ``staff.manage``, except resetting a lost password, which managers
may do too for the staff of their own sites (``staff.reset_password``). A member of staff
can be managed from a site when they hold a role on it or are an organisation admin of
its company; anyone else answers 404, as if they did not exist.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core import audit, clock, htmx, tenancy
from core.auth import hash_password, revoke_all_sessions
from core.extensions import db
from core.forms.staff import (
    AssignForm,
    ExistingStaffForm,
    NewStaffForm,
    RolesForm,
    SecondFactorRolesForm,
    roles_for,
)
from core.models import Building, ButlerAssignment, Membership, Organization, Site, User
from core.roles import ROLE_BY_CODE, ROLE_CODES, ROLES
from core.security import can, registry, requires, sites_of
from core.tenancy import current_site

bp = Blueprint("staff", __name__, url_prefix="/s/<site_slug>/staff")

# Letters and digits that cannot be mistaken for one another when read aloud or copied
# from paper (no i, l, o, 0, 1).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_LENGTH = 12  # about 59 bits


@bp.context_processor
def _staff_context() -> dict:
    return {"role_labels": {code: role.label for code, role in ROLE_BY_CODE.items()}}


# --- Reading ---------------------------------------------------------------------------


@dataclass
class StaffRow:
    """One line of the staff list."""

    user: User
    roles: list[str]  # membership roles on this site, in the order of ROLES
    org_admin: bool  # an organisation admin of this site's company
    buildings: list[Building] = field(default_factory=list)  # current butler of these


def _on_site(site: Site) -> sa.ColumnElement[bool]:
    """Users who may be managed from ``site``: members of it and its company's admins."""
    members = tenancy.select(Membership, Membership.user_id, site=site)
    return sa.or_(
        User.id.in_(members),
        sa.and_(User.is_org_admin.is_(True), User.organization_id == site.organization_id),
    )


def staff_rows(site: Site, user_id: int | None = None) -> list[StaffRow]:
    """The staff of ``site`` (or the one with ``user_id``), in two queries whatever the count."""
    roles = (
        tenancy.select(Membership, sa.func.aggregate_strings(Membership.role, " "), site=site)
        .where(Membership.user_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    people = sa.select(User, roles).where(_on_site(site))
    current = (
        tenancy.select(ButlerAssignment, ButlerAssignment.user_id, Building, site=site)
        .join(Building, Building.id == ButlerAssignment.building_id)
        .where(
            ButlerAssignment.ends_on.is_(None),
            Building.archived_at.is_(None),
        )
    )
    if user_id is not None:
        people = people.where(User.id == user_id)
        current = current.where(ButlerAssignment.user_id == user_id)
    rows: dict[int, StaffRow] = {}
    for user, codes in db.session.execute(
        people.order_by(User.active.desc(), User.display_name, User.id)
    ):
        held = set((codes or "").split())
        rows[user.id] = StaffRow(
            user=user,
            roles=[code for code in ROLE_CODES if code in held],
            org_admin=user.is_org_admin and user.organization_id == site.organization_id,
        )
    for holder, building in db.session.execute(current.order_by(Building.code)):
        if holder in rows:
            rows[holder].buildings.append(building)
    return list(rows.values())


def _row_or_404(user_id: int) -> StaffRow:
    rows = staff_rows(current_site(), user_id)
    if not rows:
        abort(404)
    return rows[0]


def _memberships(site: Site, user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            tenancy.select(Membership, site=site).where(Membership.user_id == user.id)
        )
    )


# --- The list --------------------------------------------------------------------------


@bp.route("/")
@requires("staff.manage")
def index():
    site = current_site()
    return render_template(
        "core/staff/index.html",
        rows=staff_rows(site),
        choices=roles_for(site),
        may_secure=can(current_user, "accounts.security"),
    )


def _row_response(row: StaffRow, status: int = 200, **extra) -> tuple[str, int]:
    html = render_template(
        "core/staff/_row.html", row=row, choices=roles_for(current_site()), **extra
    )
    return html, status


# --- New staff -------------------------------------------------------------------------


def one_time_password() -> str:
    """A random password to hand over once, grouped in fours to read out: ``abcd-efgh-jkmn``."""
    chars = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
    return "-".join(chars[i : i + 4] for i in range(0, PASSWORD_LENGTH, 4))


def _new_page(new_form: NewStaffForm, existing_form: ExistingStaffForm, status: int = 200):
    return (
        render_template(
            "core/staff/new.html",
            form=new_form,
            existing=existing_form,
            choices=roles_for(current_site()),
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("staff.manage")
def create():
    site = current_site()
    form = NewStaffForm(site=site)
    existing = ExistingStaffForm(site=site, prefix="existing", formdata=None)
    if form.validate_on_submit():
        password = one_time_password()
        user = User(
            organization_id=site.organization_id,
            username=form.username.data,
            display_name=form.display_name.data,
            email=form.email.data or "",
            phone=form.phone.data or "",
            password_hash=hash_password(password),
            must_change_password=True,  # the one-time password opens Change password only
        )
        db.session.add(user)
        try:
            db.session.flush()
        except IntegrityError:  # the same username saved by someone else a moment ago
            db.session.rollback()
            form.username.errors.append(_("This username is taken. Choose another."))
            return _invalid_new(form, existing)
        for code in form.roles.data:
            tenancy.new(Membership, user_id=user.id, role=code)
        audit.record(
            "staff.created",
            user,
            detail={
                "username": user.username,
                "display_name": user.display_name,
                "roles": form.roles.data,
            },
        )
        db.session.commit()
        template = "core/staff/_created.html" if htmx.wants_partial() else "core/staff/created.html"
        response = make_response(
            render_template(template, user=user, password=password, roles=form.roles.data)
        )
        # The password is in this page only: keep it out of every cache and the history.
        response.headers["Cache-Control"] = "no-store"
        return response
    if form.is_submitted():
        return _invalid_new(form, existing)
    return _new_page(form, existing)


def _invalid_new(form: NewStaffForm, existing: ExistingStaffForm):
    if htmx.wants_partial():
        html = render_template(
            "core/staff/_new_form.html", form=form, choices=roles_for(current_site())
        )
        return html, 422
    return _new_page(form, existing, 422)


@bp.route("/existing", methods=["POST"])
@requires("staff.manage")
def add_existing():
    site = current_site()
    form = ExistingStaffForm(site=site, prefix="existing")
    user = _existing_user(form, site) if form.validate_on_submit() else None
    if user is None:
        if htmx.wants_partial():
            html = render_template(
                "core/staff/_existing_form.html", existing=form, choices=roles_for(site)
            )
            return html, 422
        return _new_page(NewStaffForm(site=site, formdata=None), form, 422)
    for code in form.roles.data:
        tenancy.new(Membership, user_id=user.id, role=code)
    audit.record("staff.added", user, detail={"username": user.username, "roles": form.roles.data})
    db.session.commit()
    flash(_("%(name)s now works on this site.", name=user.display_name), "success")
    target = url_for("staff.index")
    if htmx.is_htmx():
        return htmx.set_headers(Response(status=204), redirect=target)
    return redirect(target, code=303)


def _existing_user(form: ExistingStaffForm, site: Site) -> User | None:
    """The account the form names, if it may join ``site``; else None and an error on it."""
    user = db.session.scalar(
        sa.select(User).where(
            sa.func.lower(User.username) == form.username.data,
            User.organization_id == site.organization_id,
        )
    )
    if user is None:
        # Users of other companies look exactly like usernames that do not exist.
        form.username.errors.append(_("No one in your organisation has this username."))
        return None
    if db.session.scalar(sa.select(User.id).where(User.id == user.id, _on_site(site))):
        form.username.errors.append(
            _(
                "%(name)s already works on this site: change their roles from the staff list.",
                name=user.display_name,
            )
        )
        return None
    return user


# --- Roles on this site ----------------------------------------------------------------


def _self_lockout(row: StaffRow, wanted: list[str]) -> str | None:
    """Why the current user may not give themselves ``wanted`` roles, or None."""
    if row.user.id != current_user.id:
        return None
    if row.roles and not wanted:
        return _("You cannot remove your own last role on this site. Ask another admin.")
    after = set(wanted) | ({"org_admin"} if row.org_admin else set())
    if not any("staff.manage" in registry().for_role(role) for role in after):
        return _("You would lose the right to manage staff on this site. Ask another admin.")
    return None


@bp.route("/<int:user_id>/roles", methods=["GET", "POST"])
@requires("staff.manage")
def roles(user_id: int):
    site = current_site()
    row = _row_or_404(user_id)
    # Roles left unchecked are not posted at all: only a GET starts from the current ones.
    form = RolesForm(site=site, data={"roles": row.roles} if request.method == "GET" else None)
    if not form.validate_on_submit():
        if not form.is_submitted():
            return render_template(
                "core/staff/roles.html", row=row, form=form, choices=roles_for(site)
            )
        return _roles_refused(row, form)
    problem = _self_lockout(row, form.roles.data)
    if problem:
        form.roles.errors.append(problem)
        return _roles_refused(row, form)
    held = {m.role: m for m in _memberships(site, row.user)}
    added = [code for code in form.roles.data if code not in held]
    removed = [code for code in held if code not in form.roles.data]
    for code in added:
        tenancy.new(Membership, user_id=row.user.id, role=code)
    for code in removed:
        db.session.delete(held[code])
    left = bool(held) and not form.roles.data
    if added or removed:
        audit.record(
            "staff.roles_changed",
            row.user,
            detail={"added": added, "removed": removed, "left_site": left},
        )
    db.session.commit()
    name = row.user.display_name
    if left and not row.org_admin:
        note = _("%(name)s no longer works on this site.", name=name)
    elif added or removed:
        note = _("Roles of %(name)s saved.", name=name)
    else:
        note = _("Nothing to change.")
    if htmx.wants_partial():
        if left and not row.org_admin:
            return render_template("core/staff/_gone_row.html", user=row.user, note=note)
        return _row_response(_row_or_404(user_id), note=note)
    flash(note, "success")
    return redirect(url_for("staff.index"), code=303)


def _roles_refused(row: StaffRow, form: RolesForm):
    if htmx.wants_partial():
        return _row_response(row, 422, roles_form=form)
    html = render_template(
        "core/staff/roles.html", row=row, form=form, choices=roles_for(current_site())
    )
    return html, 422


# --- Deactivation ----------------------------------------------------------------------


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@requires("staff.manage")
def deactivate(user_id: int):
    row = _row_or_404(user_id)
    user = row.user
    if user.id == current_user.id:
        return _activation_answer(row, _("You cannot deactivate yourself."), ok=False)
    if user.active:
        user.active = False
        # Every session of theirs ends now, on every device.
        revoke_all_sessions(user)
        audit.record("staff.deactivated", user, detail={"username": user.username})
        db.session.commit()
    note = _("%(name)s is deactivated and can no longer log in.", name=user.display_name)
    if row.buildings:
        note += " " + ngettext(
            "They still answer for %(num)d building: choose a new butler for it.",
            "They still answer for %(num)d buildings: choose new butlers for them.",
            len(row.buildings),
        )
    return _activation_answer(row, note)


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
@requires("staff.manage")
def reactivate(user_id: int):
    row = _row_or_404(user_id)
    user = row.user
    if not user.active:
        user.active = True
        audit.record("staff.reactivated", user, detail={"username": user.username})
        db.session.commit()
    return _activation_answer(
        row, _("%(name)s is active again and can log in.", name=user.display_name)
    )


# --- A lost password ---------------------------------------------------------------------


def may_reset(row: StaffRow) -> bool:
    """True when the current user may give ``row``'s person a one-time password.

    Those who manage staff may reset anyone they manage. A manager may reset only staff
    who work on no site but the ones where the manager may reset passwords too: never an
    organisation admin, never someone who also works on a site of someone else's.
    """
    if row.user.id == current_user.id:
        return False
    if can(current_user, "staff.manage"):
        return True
    if row.org_admin or row.user.is_org_admin or not row.user.active:
        return False
    theirs = sites_of(row.user)
    if not theirs:
        return False
    sites = db.session.scalars(sa.select(Site).where(Site.id.in_(theirs)))
    return all(can(current_user, "staff.reset_password", site) for site in sites)


@bp.route("/passwords")
@requires("staff.reset_password")
def passwords():
    """Managers' list of the site's staff, with Reset password for those they may reset."""
    rows = staff_rows(current_site())
    return render_template(
        "core/staff/passwords.html", rows=rows, resettable={r.user.id for r in rows if may_reset(r)}
    )


@bp.route("/<int:user_id>/password", methods=["POST"])
@requires("staff.reset_password")
def reset_password(user_id: int):
    """Give a colleague who lost their password a one-time one: their sessions end now,
    and their next login goes to Change password before anything else."""
    row = _row_or_404(user_id)
    user = row.user
    if user.id == current_user.id:
        return _activation_answer(
            row, _("Change your own password from your account (Change password)."), ok=False
        )
    if not may_reset(row):
        audit.record("access.denied", user, detail={"permission": "staff.reset_password"})
        db.session.commit()
        abort(403)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    user.must_change_password = True
    revoke_all_sessions(user)
    audit.record("staff.password_reset", user, detail={"username": user.username})
    db.session.commit()
    back = "staff.index" if can(current_user, "staff.manage") else "staff.passwords"
    response = make_response(
        render_template(
            "core/staff/password_reset.html", user=user, password=password, back=url_for(back)
        )
    )
    # The password is in this page only: keep it out of every cache and the history.
    response.headers["Cache-Control"] = "no-store"
    return response


# --- The second step, required per role -------------------------------------------------


@bp.route("/second-factor", methods=["GET", "POST"])
@requires("accounts.security")
def second_factor_roles():
    """The organisation's setting: holders of the roles chosen here must set up two-step
    login after their password, before any other page."""
    org = db.session.get(Organization, current_site().organization_id)
    held = org.second_factor_roles.split()
    form = SecondFactorRolesForm(data={"roles": held} if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        chosen = [code for code in ROLE_CODES if code in (form.roles.data or [])]
        if chosen != held:
            org.second_factor_roles = " ".join(chosen)
            audit.record(
                "organization.second_factor_roles",
                org,
                detail={
                    "added": [c for c in chosen if c not in held],
                    "removed": [c for c in held if c not in chosen],
                },
            )
            db.session.commit()
        flash(_("Saved. Those roles must log in with a second step from now on."), "success")
        return redirect(url_for("staff.second_factor_roles"), code=303)
    if form.is_submitted():
        status = 422
    return render_template(
        "core/staff/second_factor_roles.html", form=form, choices=list(ROLES), org=org
    ), status


def _activation_answer(row: StaffRow, note: str, *, ok: bool = True):
    if htmx.wants_partial():
        return _row_response(row, 200 if ok else 422, note=note)
    flash(note, "success" if ok else "error")
    return redirect(url_for("staff.index"), code=303)


# --- Butlers of buildings --------------------------------------------------------------


@dataclass
class BuildingRow:
    building: Building
    current: ButlerAssignment | None = None
    history: list[ButlerAssignment] = field(default_factory=list)  # newest first


def building_rows(site: Site, building_id: int | None = None) -> list[BuildingRow]:
    """The site's buildings with their butler and the butlers before, in two queries."""
    buildings = tenancy.select(Building, site=site).where(Building.archived_at.is_(None))
    assignments = (
        tenancy.select(ButlerAssignment, site=site)
        .join(Building, Building.id == ButlerAssignment.building_id)
        .options(joinedload(ButlerAssignment.user))
        .where(Building.archived_at.is_(None))
    )
    if building_id is not None:
        buildings = buildings.where(Building.id == building_id)
        assignments = assignments.where(ButlerAssignment.building_id == building_id)
    rows = {b.id: BuildingRow(b) for b in db.session.scalars(buildings.order_by(Building.code))}
    for a in db.session.scalars(
        assignments.order_by(ButlerAssignment.starts_on.desc(), ButlerAssignment.id.desc())
    ):
        row = rows[a.building_id]
        if a.ends_on is None:
            row.current = a
        row.history.append(a)
    return list(rows.values())


def site_butlers(site: Site) -> list[User]:
    """Active users holding the butler role on ``site``: those who may answer for a building."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.site_id == site.id,
                Membership.role == "butler",
                User.active.is_(True),
            )
            .order_by(User.display_name, User.id)
        )
    )


@bp.route("/assignments")
@requires("staff.manage")
def assignments():
    site = current_site()
    return render_template(
        "core/staff/assignments.html", rows=building_rows(site), butlers=site_butlers(site)
    )


def _building_row_or_404(building_id: int) -> BuildingRow:
    rows = building_rows(current_site(), building_id)
    if not rows:
        abort(404)
    return rows[0]


@bp.route("/assignments/<int:building_id>", methods=["POST"])
@requires("staff.manage")
def assign(building_id: int):
    site = current_site()
    row = _building_row_or_404(building_id)
    butlers = {b.id: b for b in site_butlers(site)}
    form = AssignForm()
    if not form.validate_on_submit():
        return _assign_answer(
            row, butlers, _("This form has expired. Reload the page and try again."), 422
        )
    now = str(row.current.user_id) if row.current else ""
    if form.expected.data is not None and form.expected.data != now:
        return _assign_answer(row, butlers, _stale_message(row), 409)
    if (form.butler.data or "") == now:
        return _assign_answer(row, butlers, _("Nothing to change."), 200, ok=True)
    chosen = _chosen_butler(form.butler.data, butlers)
    if chosen is False:
        error = _("Only an active butler of this site can answer for a building.")
        return _assign_answer(row, butlers, error, 422)
    try:
        _hand_over(site, row, chosen)
    except IntegrityError:
        db.session.rollback()
        row = _building_row_or_404(building_id)
        return _assign_answer(row, butlers, _stale_message(row), 409)
    name = row.building.name
    if chosen is None:
        note = _("Nobody answers for %(building)s now.", building=name)
    else:
        note = _(
            "%(butler)s answers for %(building)s from today.",
            butler=chosen.display_name,
            building=name,
        )
    if htmx.wants_partial():
        return _assign_answer(_building_row_or_404(building_id), butlers, note, 200, ok=True)
    flash(note, "success")
    return redirect(url_for("staff.assignments"), code=303)


def _chosen_butler(value: str | None, butlers: dict[int, User]) -> User | None | bool:
    """The butler chosen, None for nobody, False when the choice is not allowed."""
    if not value:
        return None
    try:
        return butlers.get(int(value), False)
    except ValueError:
        return False


def _hand_over(site: Site, row: BuildingRow, butler: User | None) -> None:
    """End the current assignment of ``row`` and start ``butler``'s, in one transaction.

    Raises IntegrityError when someone else gave the building a butler meanwhile: the
    partial unique index allows one current assignment per building.
    """
    today = clock.today(site)
    previous = row.current
    if previous is not None:
        previous.ends_on = today
        db.session.flush()
    started = None
    if butler is not None:
        started = tenancy.new(
            ButlerAssignment, building_id=row.building.id, user_id=butler.id, starts_on=today
        )
        db.session.flush()
    detail = {
        "building": row.building.code,
        "from": previous.user.username if previous else None,
        "to": butler.username if butler else None,
    }
    audit.record(
        "butler.assigned" if butler else "butler.unassigned",
        started or row.building,
        detail=detail,
    )
    db.session.commit()


def _stale_message(row: BuildingRow) -> str:
    if row.current is None:
        now = _("Nobody answers for it now.")
    else:
        now = _("It is now %(butler)s.", butler=row.current.user.display_name)
    return " ".join(
        (
            _("Someone else changed the butler of this building at the same time."),
            _("Nothing was saved."),
            now,
            _("Choose again if needed."),
        )
    )


def _assign_answer(
    row: BuildingRow, butlers: dict[int, User], message: str, status: int, *, ok: bool = False
):
    if htmx.wants_partial():
        html = render_template(
            "core/staff/_assignment_row.html",
            row=row,
            butlers=list(butlers.values()),
            note=message if ok else None,
            error=None if ok else message,
        )
        return html, status
    if ok:
        flash(message, "success")
        return redirect(url_for("staff.assignments"), code=303)
    html = render_template(
        "core/staff/assignments.html",
        rows=building_rows(current_site()),
        butlers=list(butlers.values()),
        errors={row.building.id: message},
    )
    return html, status
