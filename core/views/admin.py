"""The org admin's pages of the current site: its plugins (on or off) and its settings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, htmx
from core.extensions import db
from core.forms.site import RetentionForm
from core.plugins.host import EnablementRefused, host
from core.security import requires
from core.tenancy import current_site

bp = Blueprint("admin", __name__, url_prefix="/s/<site_slug>/admin")

SETTINGS = "site.settings"


def plugin_rows() -> list[dict]:
    site = current_site()
    plugins = host().plugins
    enabled = host().enabled_names(site)
    rows = []
    for name, plugin in sorted(plugins.items(), key=lambda item: str(item[1].info.label)):
        info = plugin.info
        rows.append(
            {
                "name": name,
                "info": info,
                "enabled": name in enabled,
                "requires": [str(plugins[r].info.label) for r in info.requires if r in plugins],
                "fits": info.serves(site.kind),
            }
        )
    return rows


def _row(name: str) -> dict:
    for row in plugin_rows():
        if row["name"] == name:
            return row
    abort(404)


@bp.route("/plugins")
@requires("plugins.manage")
def plugins():
    return render_template("core/admin/plugins.html", rows=plugin_rows())


@bp.route("/plugins/<name>", methods=["POST"])
@requires("plugins.manage")
def toggle(name: str):
    site = current_site()
    if name not in host().plugins:
        abort(404)
    wanted = request.form.get("enabled") == "1"
    error = None
    try:
        host().set_enabled(site, name, wanted, user=current_user)
        db.session.commit()
    except EnablementRefused as refusal:
        db.session.rollback()
        error = str(refusal)
    if htmx.wants_partial():
        response = render_template("core/admin/_plugin_row.html", row=_row(name), error=error)
        return response, 422 if error else 200
    if error:
        flash(error, "error")
    else:
        label = str(host().plugins[name].info.label)
        flash(
            _("%(plugin)s is on.", plugin=label)
            if wanted
            else _("%(plugin)s is off.", plugin=label),
            "success",
        )
    return redirect(url_for("admin.plugins"), code=303)


# --- Settings ---------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@requires(SETTINGS)
def settings():
    site = current_site()
    form = RetentionForm(obj=site)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("core/admin/settings.html", form=form), status
    changes = {}
    for name in RetentionForm.FIELDS:
        before, after = getattr(site, name), getattr(form, name).data
        if before != after:
            changes[name] = [before, after]
            setattr(site, name, after)
    if changes:
        audit.record("site.settings_changed", site, detail=changes)
    db.session.commit()
    flash(_("The settings are saved."), "success")
    return redirect(url_for("admin.settings"), code=303)
