"""Moving data in and out of a site: importing units and residents, exporting residents.

An upload is checked for its type and size, stored under the instance folder and turned
into an import batch; the batch page then checks the rows a chunk at a time (htmx posts
the next step as soon as a step's answer arrives; without JavaScript a Continue button
does the same) and writes everything once every row is valid.
"""

from __future__ import annotations

import math
from time import monotonic

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from core import audit, exports, htmx, imports, tenancy
from core.extensions import db
from core.formdata import takes_files
from core.models import ImportBatch, User
from core.plugins.host import host
from core.residents import PER_PAGE, count_query, filter_from_args, has_buildings
from core.security import can, requires
from core.tenancy import current_site, get_or_404

bp = Blueprint("transfer", __name__, url_prefix="/s/<site_slug>")

BATCHES_PER_PAGE = 50
# A step without JavaScript keeps checking until this many seconds have passed, so that a
# large file needs a few clicks on Continue rather than one per chunk.
PLAIN_STEP_SECONDS = 5.0
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_MIMETYPE}


class ImportForm(FlaskForm):
    kind = RadioField(
        _l("The file holds"),
        choices=[SelectChoice(k, imports.KIND_LABELS[k]) for k in imports.CORE_KINDS],
        default="residents",
        validators=[InputRequired(_l("Choose what the file holds."))],
    )
    file = FileField(
        _l("File (.csv or .xlsx, at most 5 MB)"),
        validators=[FileRequired(_l("Choose a file to import."))],
        render_kw={"accept": ".csv,.xlsx"},
    )


def _allowed_kinds() -> list[str]:
    """The kinds of file this user may import here: the core's, and those of the plugins
    on at this site, each behind its own permission."""
    offered = imports.on_site(host().enabled_names(current_site()))
    return [k for k in offered if can(current_user, imports.KIND_PERMISSIONS[k])]


def _require_kind(kind: str) -> None:
    """Refuse an import of ``kind``: 404 when the site does not take that kind (its plugin
    is off), 403 (audited) to a user without its permission."""
    if kind not in imports.on_site(host().enabled_names(current_site())):
        abort(404)
    permission = imports.KIND_PERMISSIONS[kind]
    if not can(current_user, permission):
        audit.record("access.denied", detail={"permission": permission})
        db.session.commit()
        abort(403)


def _import_form() -> ImportForm:
    form = ImportForm()
    allowed = _allowed_kinds()
    form.kind.choices = [SelectChoice(k, imports.KIND_LABELS[k]) for k in allowed]
    return form


# --- Imports ---------------------------------------------------------------------------


@bp.route("/imports/")
@requires("residents.edit")
def imports_index():
    return _index(_import_form())


def _index(form: ImportForm):
    site = current_site()
    kinds = _allowed_kinds()
    query = (
        tenancy.select(ImportBatch, ImportBatch, User.display_name, site=site)
        .join(User, User.id == ImportBatch.created_by_id)
        .where(ImportBatch.kind.in_(kinds))
    )
    total = db.session.scalar(
        tenancy.select(ImportBatch, func.count(ImportBatch.id), site=site).where(
            ImportBatch.kind.in_(kinds)
        )
    )
    pages = max(math.ceil(total / BATCHES_PER_PAGE), 1)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    batches = db.session.execute(
        query.order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(BATCHES_PER_PAGE)
        .offset((page - 1) * BATCHES_PER_PAGE)
    ).all()
    return render_template(
        "core/imports/index.html",
        form=form,
        batches=batches,
        kinds=kinds,
        page=page,
        pages=pages,
        kind_labels=imports.KIND_LABELS,
        status_labels=imports.STATUS_LABELS,
        may_export=can(current_user, "residents.export"),
    )


def _display_name(filename: str | None) -> str:
    """The name of the uploaded file without any folder, for the list (never a path)."""
    name = (filename or "").replace("\\", "/").rpartition("/")[2]
    return "".join(ch for ch in name if ch.isprintable()).strip()[-200:]


@bp.route("/imports/", methods=["POST"])
@takes_files
@requires("residents.edit")
def upload():
    form = _import_form()
    if form.validate_on_submit():
        kind = form.kind.data
        _require_kind(kind)
        storage = form.file.data
        data = storage.stream.read(imports.MAX_BYTES + 1)
        try:
            batch = imports.start(
                current_site(), current_user, kind, _display_name(storage.filename), data
            )
        except imports.FileProblem as problem:
            db.session.rollback()
            form.file.errors.append(str(problem))
        else:
            try:
                db.session.commit()
            except Exception:
                imports.discard_files(batch)
                raise
            return redirect(url_for("transfer.batch", batch_id=batch.id), code=303)
    return _index(form), 422


@bp.route("/imports/template-<kind>.<any(csv, xlsx):fmt>")
@requires("residents.edit")
def template(kind: str, fmt: str):
    _require_kind(kind)
    data = imports.template_csv(kind) if fmt == "csv" else imports.template_xlsx(kind)
    response = Response(data, mimetype=MIMETYPES[fmt])
    name = f"butler-{kind.replace('.', '-')}-template.{fmt}"
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


def _batch_context(batch: ImportBatch) -> dict:
    who = db.session.get(User, batch.created_by_id)
    unchanged = batch.total_rows - batch.created_rows - batch.updated_rows
    return {
        "batch": batch,
        "who": who.display_name if who else "",
        "problems": imports.problems_of(batch),
        "finished": batch.status in imports.FINISHED,
        "unchanged": unchanged if batch.status == "done" else 0,
        "kind_labels": imports.KIND_LABELS,
        "status_labels": imports.STATUS_LABELS,
    }


@bp.route("/imports/<int:batch_id>")
@requires("residents.edit")
def batch(batch_id: int):
    found = get_or_404(ImportBatch, batch_id)
    _require_kind(found.kind)
    return render_template("core/imports/batch.html", **_batch_context(found))


@bp.route("/imports/<int:batch_id>/step", methods=["POST"])
@requires("residents.edit")
def step(batch_id: int):
    found = get_or_404(ImportBatch, batch_id)
    _require_kind(found.kind)
    site, user = current_site(), current_user._get_current_object()
    if htmx.wants_partial():
        imports.advance(found, site, user)
        return render_template("core/imports/_progress.html", **_batch_context(found))
    deadline = monotonic() + PLAIN_STEP_SECONDS
    while found.status == "validating" and monotonic() < deadline:
        imports.advance(found, site, user)
    return redirect(url_for("transfer.batch", batch_id=found.id), code=303)


# --- Export ----------------------------------------------------------------------------


@bp.route("/residents/export.csv")
@requires("residents.export")
def export_csv():
    return _export("csv")


@bp.route("/residents/export.xlsx")
@requires("residents.export")
def export_xlsx():
    return _export("xlsx")


def _export(fmt: str):
    site, user = current_site(), current_user._get_current_object()
    f = filter_from_args(request.args, default_mine=has_buildings(site, user))
    total = db.session.scalar(count_query(f, site, user)) or 0
    if total > exports.MAX_ROWS:
        flash(
            _(
                "The list holds %(count)s residents; an export holds at most %(max)s. "
                "Narrow the list, for example to one building, and export again.",
                count=format_decimal(total),
                max=format_decimal(exports.MAX_ROWS),
            ),
            "error",
        )
        return redirect(url_for("residents.index", **f.args(page=1)), code=303)
    # Everything taken from the site and the user before the commit expires them: the CSV
    # is streamed after this view returns.
    stmt = exports.query(f, site, user)
    name = exports.filename(site, fmt)
    audit.record(
        "residents.exported",
        detail={"format": fmt, "filter": f.args(page=1, per_page=PER_PAGE), "rows": total},
    )
    db.session.commit()
    if fmt == "csv":
        body = stream_with_context(exports.csv_chunks(exports.rows(stmt)))
    else:
        body = exports.xlsx_bytes(exports.rows(stmt), sheet_title=str(_("Residents")))
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Cache-Control"] = "no-store"
    return response
