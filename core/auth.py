"""Passwords (argon2id) and loading the logged-in user."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db, login_manager
from core.models import User

MIN_PASSWORD = 8
MAX_PASSWORD = 128


def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("butler.hasher")
    if hasher is None:
        cfg = current_app.config
        hasher = PasswordHasher(
            time_cost=cfg.get("ARGON2_TIME_COST", 3),
            memory_cost=cfg.get("ARGON2_MEMORY_COST", 65536),
            parallelism=cfg.get("ARGON2_PARALLELISM", 4),
        )
        current_app.extensions["butler.hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher().hash(password)


def check_password(user: User | None, password: str) -> bool:
    """True when ``password`` is the user's; rehashes an outdated hash on the way.

    An unknown user costs as much time as a known one, so that timing does not reveal
    which usernames exist.
    """
    hasher = _hasher()
    if user is None:
        try:
            hasher.verify(_dummy_hash(), password)
        except VerificationError:
            pass
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def _dummy_hash() -> str:
    dummy = current_app.extensions.get("butler.dummy_hash")
    if dummy is None:
        dummy = current_app.extensions["butler.dummy_hash"] = _hasher().hash("not-a-password")
    return dummy


def password_problems(password: str) -> list[str]:
    """What is wrong with a new password, as messages for the form (empty when fine)."""
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(_l("Use at least %(n)d characters.", n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        problems.append(_l("Use at most %(n)d characters.", n=MAX_PASSWORD))
    return [str(p) for p in problems]


def find_user(username: str) -> User | None:
    return db.session.execute(
        select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(".")
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    if user is None or str(user.session_epoch) != epoch or not user.active:
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
