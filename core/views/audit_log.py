"""The audit log page: search who did what, where, when and from which address; export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from core import audit, audit_search, clock, exports
from core.extensions import db
from core.security import requires
from core.tenancy import current_site

bp = Blueprint("audit", __name__, url_prefix="/s/<site_slug>/audit")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/")
@requires("audit.view")
def index():
    site = current_site()
    f = audit_search.AuditFilter.from_args(request.args)
    found = audit_search.query(f, current_user, site)
    if found is None:
        abort(404)  # a site that is not theirs looks like one that does not exist
    sites = audit_search.readable_sites(current_user, site)
    if f.errors:
        rows, more, status = [], False, 422
    else:
        rows, more = audit_search.page_of(found, f.page)
        status = 200
    export = request.args.get("export")
    if export in ("csv", "xlsx") and not f.errors:
        return _export(found, f, export)
    response = render_template(
        "core/audit/index.html", f=f, rows=rows, more=more, sites=sites, all_sites="all"
    )
    return response, status


def _export(found: audit_search.AuditQuery, f: audit_search.AuditFilter, kind: str) -> Response:
    site = current_site()
    values = audit_search.export_rows(found, site)
    # Reading the log in bulk is itself written down.
    audit.record("audit.exported", detail={"format": kind, "rows": len(values), **f.args()})
    db.session.commit()
    name = f"audit-{site.slug}-{clock.today(site).isoformat()}.{kind}"
    header = [str(c) for c in audit_search.COLUMNS]
    if kind == "csv":
        body = exports.csv_chunks(values, header=header)
        response = Response(body, mimetype="text/csv; charset=utf-8")
    else:
        response = Response(exports.xlsx_bytes(values, "audit", header=header), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
