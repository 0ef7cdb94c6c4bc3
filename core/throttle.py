"""Login throttling with Flask-Limiter: per address, and per account for failed attempts.

Each application gets its own limiter (a module-level one would be shared, settings and
all, by every app built in one process). The storage is Redis when ``REDIS_URL`` is set,
so that every app server counts the same attempts; memory otherwise.
"""

from __future__ import annotations

from flask import Flask, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Every attempt from one address; failed attempts on one account.
PER_ADDRESS = "30 per 5 minutes"
PER_ACCOUNT = "5 per 15 minutes"


def _account_key() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()[:60]


def _pending_account_key() -> str:
    return f"account:second-step:{session.get('pending_user', '')}"


def _failed(response) -> bool:
    return response.status_code == 422


def init_app(app: Flask) -> Limiter:
    limiter = Limiter(
        key_func=get_remote_address, default_limits=[], headers_enabled=False, app=app
    )
    app.extensions["butler.limiter"] = limiter
    for endpoint, account_key in (
        ("auth.login", _account_key),
        ("auth.second_factor", _pending_account_key),
    ):
        view = app.view_functions[endpoint]
        view = limiter.limit(
            PER_ACCOUNT, key_func=account_key, methods=["POST"], deduct_when=_failed
        )(view)
        view = limiter.limit(PER_ADDRESS, methods=["POST"])(view)
        app.view_functions[endpoint] = view
    # Asking for a reset link is counted like a failed login: every request, per account
    # typed (whether it exists or not, so the limit tells nothing) and per address.
    view = app.view_functions["auth.forgot_password"]
    view = limiter.limit(PER_ACCOUNT, key_func=_account_key, methods=["POST"])(view)
    app.view_functions["auth.forgot_password"] = limiter.limit(PER_ADDRESS, methods=["POST"])(view)
    # Guessing links is hopeless (an HMAC), but each try costs a password hash: per address.
    view = app.view_functions["auth.reset_password"]
    app.view_functions["auth.reset_password"] = limiter.limit(PER_ADDRESS, methods=["POST"])(view)
    return limiter
