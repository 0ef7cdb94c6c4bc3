"""Links that let a member of staff choose a new password: signed, 30 minutes, once.

A link carries the account's id, the moment it was made and an HMAC (keyed with the
app's ``SECRET_KEY``) over both and over a stamp of the account's password and session
epoch. Setting a new password changes the stamp, so a link that was used, or that was
made before any other password change or "log out everywhere", no longer verifies:
nothing has to be stored to make a link single-use, and nothing stored could be stolen
to forge one.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app

from core import clock
from core.extensions import db
from core.models import User

LIFETIME = timedelta(minutes=30)
PURPOSE = "butler.password-reset.v1"


def _stamp(user: User) -> str:
    """Changes whenever the password or the session epoch of ``user`` does."""
    return hashlib.sha256(f"{user.password_hash}|{user.session_epoch}".encode()).hexdigest()


def _signature(user: User, issued: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{PURPOSE}|{user.id}|{issued}|{_stamp(user)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def make_token(user: User) -> str:
    """A new link token for ``user``, good for ``LIFETIME`` from now and for one use."""
    issued = int(clock.now().timestamp())
    return f"{user.id}.{issued}.{_signature(user, issued)}"


def user_of(token: str) -> User | None:
    """The active account ``token`` was made for, while it is good; else None."""
    user_id, issued, signature = (token.split(".") + ["", "", ""])[:3]
    if not (user_id.isdigit() and issued.isdigit() and len(user_id) < 12 and len(issued) < 12):
        return None
    age = clock.now().timestamp() - int(issued)
    if age < 0 or age > LIFETIME.total_seconds():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(signature, _signature(user, int(issued))):
        return None
    return user
