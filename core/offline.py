"""Offline on a phone: the web app manifest, the service worker, and submission keys.

Butlers work in basements and stairwells without signal. Forms marked ``data-offline``
are queued on the phone while it is offline (``static/js/offline.js``) and sent when the
connection returns, each with an ``Idempotency-Key`` header. The first POST with a key is
written and the key is kept, in the same transaction, per site (``SubmissionKey``); any
later POST with that key is refused as a duplicate (409), so a replay never writes twice.

The service worker keeps the app shell (styles, scripts) and the pages whose view is marked
with ``@keep_offline`` (the day page), never a page sent with ``Cache-Control: no-store``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Response, g, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from core import clock
from core.extensions import db
from core.models import SubmissionKey
from core.security import PUBLIC, requires

HEADER = "Idempotency-Key"
DUPLICATE_HEADER = "X-Butler-Duplicate"
KEEP_HEADER = "X-Butler-Offline"
KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
KEPT_FOR = timedelta(days=30)  # a phone's queue is sent long before this

bp = Blueprint("offline", __name__)


@bp.route("/sw.js")
@requires(PUBLIC)
def service_worker() -> Response:
    shell = [
        url_for("static", filename=name)
        for name in (
            "vendor/pico.min.css",
            "vendor/htmx.min.js",
            "css/app.css",
            "js/offline.js",
            "js/app.js",
            "favicon.svg",
        )
    ]
    body = render_template("core/sw.js", shell=json.dumps(shell), offline_page=url_for(".page"))
    response = make_response(body)
    response.mimetype = "text/javascript"
    # A new version of the worker must reach the phone at its next visit.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/manifest.webmanifest")
@requires(PUBLIC)
def manifest() -> Response:
    body = {
        "name": _("Butler"),
        "short_name": _("Butler"),
        "start_url": url_for("sites.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#2563eb",
        "icons": [
            {
                "src": url_for("static", filename="favicon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            }
        ],
    }
    response = make_response(json.dumps(body, ensure_ascii=False))
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/offline")
@requires(PUBLIC)
def page() -> str:
    """What the phone shows for a page it has not kept while there is no connection."""
    return render_template("core/offline.html")


def keep_offline(view: Callable) -> Callable:
    """Mark a page the service worker may keep for when the phone is offline."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        response = make_response(view(*args, **kwargs))
        response.headers[KEEP_HEADER] = "keep"
        return response

    return wrapper


def _duplicate() -> Response:
    response = make_response(render_template("core/duplicate_submission.html"), 409)
    response.headers[DUPLICATE_HEADER] = "1"
    return response


def check_submission_key() -> Response | None:
    """Before a site's POST: refuse a key already written, else reserve it in this transaction.

    The view's commit keeps the key with what the form wrote; a view that writes nothing
    (a refused form) leaves no key behind, so the phone may send the corrected form again.
    """
    if request.method != "POST" or HEADER not in request.headers:
        return None
    site = g.get("site")
    if site is None:
        return None
    key = request.headers[HEADER].strip()
    if not KEY.fullmatch(key):
        return make_response(_("This submission key is not valid."), 400)
    taken = db.session.scalar(
        select(SubmissionKey.id).where(SubmissionKey.site_id == site.id, SubmissionKey.key == key)
    )
    if taken is not None:
        return _duplicate()
    db.session.add(
        SubmissionKey(
            site_id=site.id,
            key=key,
            user_id=current_user.id if current_user.is_authenticated else None,
            path=request.path[:300],
        )
    )
    try:
        db.session.flush()
    except IntegrityError:  # the same key arriving twice at once: the other one won
        db.session.rollback()
        return _duplicate()
    return None


def forget_old_keys(site_id: int | None = None) -> int:
    """Delete the keys older than ``KEPT_FOR`` (of one site, or of all); how many went.

    ``flask butler jobs run`` calls it for all sites each time it runs.
    """
    old = delete(SubmissionKey).where(SubmissionKey.created_at < clock.now() - KEPT_FOR)
    if site_id is not None:
        old = old.where(SubmissionKey.site_id == site_id)
    return db.session.execute(old).rowcount or 0


def init_app(app: Flask) -> None:
    # The blueprint comes through the core's default plugin (core.defaults); the key check
    # guards every site's POSTs, the plugins' included.
    app.before_request(check_submission_key)
