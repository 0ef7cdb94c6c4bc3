"""The health programme's pages: campaigns, invitations, results, records and reports.

Health values are shown only to roles holding ``health.records.view``; every page that
shows them is written to the audit log (who, when, which resident) and every answer of
this blueprint carries ``Cache-Control: no-store``. Butlers see the programme and who
took part, never a value.
"""

from __future__ import annotations

from flask import Blueprint, Response

from plugins.health.rules import check_name, show

bp = Blueprint("health", __name__, template_folder="../templates")


@bp.after_request
def _no_store(response: Response) -> Response:
    # Health data must not stay in a browser's or a proxy's cache; the lists are cheap.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.context_processor
def _helpers() -> dict:
    """The health templates' helpers: a stored value shown with its decimals, a check's
    name in the reader's language. The blueprint's own templates only."""
    return {"health_show": show, "health_check_name": check_name}


from plugins.health.views import (  # noqa: E402, F401
    campaigns,
    checks,
    records,
    results,
    summary,
)
