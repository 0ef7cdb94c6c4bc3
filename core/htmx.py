"""The one place that talks htmx: request detection and HX-* response headers."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, request
from htmx_flask import Htmx

_htmx = Htmx()


def init_app(app: Flask) -> None:
    """Give requests their ``request.htmx`` attribute and mark responses as varying on it."""
    _htmx.init_app(app)
    app.after_request(_vary_on_hx_request)
    app.jinja_env.globals["is_htmx"] = is_htmx


def _vary_on_hx_request(response: Response) -> Response:
    response.vary.add("HX-Request")
    return response


def is_htmx() -> bool:
    """True when the current request was made by htmx (and is not a history restore)."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.history_restore_request


def is_boosted() -> bool:
    """True when htmx boosted a normal link or form (it wants the whole page)."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and hx.boosted


def wants_partial() -> bool:
    """True when the response may be a fragment rather than a full page."""
    return is_htmx() and not is_boosted()


def set_headers(
    response: Response,
    *,
    reswap: str | None = None,
    retarget: str | None = None,
    trigger: str | dict[str, Any] | None = None,
    redirect: str | None = None,
    push_url: str | None = None,
    refresh: bool = False,
) -> Response:
    """Add HX-* headers to ``response``.

    ``HX-Reswap`` is written here rather than through htmx-flask, whose list of allowed
    values is broken (it glues ``beforebegin`` and ``afterbegin`` together).
    """
    if reswap:
        response.headers["HX-Reswap"] = reswap
    if retarget:
        response.headers["HX-Retarget"] = retarget
    if trigger:
        response.headers["HX-Trigger"] = (
            trigger if isinstance(trigger, str) else json.dumps(trigger)
        )
    if redirect:
        response.headers["HX-Redirect"] = redirect
    if push_url:
        response.headers["HX-Push-Url"] = push_url
    if refresh:
        response.headers["HX-Refresh"] = "true"
    return response
