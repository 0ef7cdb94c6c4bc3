"""Security headers on every response.

The Content-Security-Policy allows nothing inline and no eval: htmx is configured for it
(``allowEval: false`` and no indicator styles of its own, in ``base.html``).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_login import current_user

CSP = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)


def _add_headers(response: Response) -> Response:
    headers = response.headers
    # Pages seen by a logged-in user carry residents' personal data: keep them out of
    # every cache (shared proxies, the browser's back-forward and disk caches).
    if current_user.is_authenticated and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config.get("BUTLER_ENV") == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
