"""A resident's personal data: the export for an access request, and the erasure.

Both need ``residents.personal_data`` (organisation admins by default). The erasure asks
for the resident's name to be typed again and is refused, with the reason, until the
resident has been archived for the site's number of years (``core/privacy.py``).
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, exports, privacy
from core.extensions import db
from core.forms.privacy import EraseForm, ErasureSettingForm
from core.models import Resident
from core.security import requires
from core.tenancy import current_site, get_or_404

bp = Blueprint("privacy", __name__, url_prefix="/s/<site_slug>/personal-data")

PERMISSION = "residents.personal_data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(resident: Resident, form: EraseForm | None = None, status: int = 200):
    site = current_site()
    body = render_template(
        "core/privacy/resident.html",
        resident=resident,
        refusal=privacy.refusal(site, resident),
        erasable_on=privacy.erasable_on(site, resident),
        years=site.erasure_after_years,
        form=form or EraseForm(),
    )
    return body, status, {"Cache-Control": "no-store"}


@bp.route("/residents/<int:resident_id>")
@requires(PERMISSION)
def resident(resident_id: int):
    return _page(get_or_404(Resident, resident_id))


def _exported(resident_id: int, fmt: str) -> tuple[Resident, dict]:
    """The resident of the URL and everything held about them, the export audited."""
    person = get_or_404(Resident, resident_id)
    data = privacy.collect(current_site(), person)
    privacy.record_export(current_site(), person, data, fmt)
    return person, data


@bp.route("/residents/<int:resident_id>/export.json")
@requires(PERMISSION)
def export_json(resident_id: int):
    person, data = _exported(resident_id, "json")
    document = privacy.document(current_site(), person, data)
    return exports.json_attachment(document, f"resident-{person.id}-data.json")


@bp.route("/residents/<int:resident_id>/export.xlsx")
@requires(PERMISSION)
def export_xlsx(resident_id: int):
    person, data = _exported(resident_id, "xlsx")
    return Response(
        exports.xlsx_book(privacy.sheets(data)),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="resident-{person.id}-data.xlsx"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/residents/<int:resident_id>/erase", methods=["POST"])
@requires(PERMISSION)
def erase(resident_id: int):
    person = get_or_404(Resident, resident_id)
    site = current_site()
    form = EraseForm()
    refusal = privacy.refusal(site, person)
    if refusal is not None:
        return _page(person, form, 409)
    if not form.validate():
        return _page(person, form, 422)
    if form.confirm_name.data.strip() != person.name.strip():
        form.confirm_name.errors = [_("This is not the resident's name as it is written here.")]
        return _page(person, form, 422)
    privacy.erase(site, person, current_user)
    flash(_("The resident's personal data are erased."), "success")
    return redirect(url_for("privacy.resident", resident_id=person.id), code=303)


@bp.route("/settings", methods=["GET", "POST"])
@requires(PERMISSION)
def settings():
    site = current_site()
    form = ErasureSettingForm(obj=site)
    status = 200
    if form.validate_on_submit():
        years = form.erasure_after_years.data
        if years != site.erasure_after_years:
            audit.record(
                "site.erasure_years_changed",
                site,
                detail={"erasure_after_years": [site.erasure_after_years, years]},
            )
            site.erasure_after_years = years
            db.session.commit()
        flash(_("The setting is saved."), "success")
        return redirect(url_for("privacy.settings"), code=303)
    if form.is_submitted():
        status = 422
    return render_template("core/privacy/settings.html", form=form), status
