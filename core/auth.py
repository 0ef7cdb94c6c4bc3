"""Passwords (argon2id), server-side sessions, and loading the logged-in user.

A login creates a ``UserSession`` row; the session cookie holds a random token whose
SHA-256 is that row's key. A request is logged in only while its row exists and is not
revoked, the user's session epoch matches, and neither the idle nor the absolute timeout
has passed. Logging out revokes the row, so a copied cookie is worthless afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, has_request_context, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import and_, select, update

from core import clock
from core.extensions import db, login_manager
from core.models import Membership, Organization, Site, User, UserSession
from core.security import remember_roles

MIN_PASSWORD = 8
MAX_PASSWORD = 128
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common_passwords.txt"


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


def password_hasher() -> PasswordHasher:
    """The application's argon2id hasher (its costs are the app's settings)."""
    return _hasher()


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


@cache
def common_passwords() -> frozenset[str]:
    """Passwords too common to allow, in lower case."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def password_problems(password: str, username: str = "") -> list[str]:
    """What is wrong with a new password, as messages for the form (empty when fine).

    Length and commonness only: no rules about digits or symbols, which make passwords
    harder to remember and no harder to guess.
    """
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(_l("Use at least %(n)d characters.", n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        problems.append(_l("Use at most %(n)d characters.", n=MAX_PASSWORD))
    lowered = password.strip().lower()
    if lowered in common_passwords() or (username and lowered == username.strip().lower()):
        problems.append(_l("This password is too common or too easy to guess: choose another."))
    return [str(p) for p in problems]


def find_user(username: str) -> User | None:
    return db.session.execute(
        select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()


# --- Sessions ------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> None:
    """Log ``user`` in on this browser with a new server-side session; the caller commits."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_token_hash(token),
            ip=(request.remote_addr or "")[:64],
            user_agent=(request.user_agent.string or "")[:200],
        )
    )
    session.clear()
    session["sid"] = token
    session["seen"] = int(clock.now().timestamp())
    session.permanent = True
    login_user(user)


def end_session() -> None:
    """Log the current browser out and revoke its server-side session; the caller commits."""
    token = session.get("sid")
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _token_hash(token))
            .values(revoked_at=clock.now())
        )
    logout_user()
    session.clear()


def revoke_all_sessions(user: User) -> None:
    """End every session of ``user`` (password change, deactivation); the caller commits."""
    user.session_epoch += 1
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )


def _session_is_valid(row: UserSession) -> bool:
    if row.revoked_at is not None:
        return False
    config = current_app.config
    absolute = timedelta(hours=config.get("BUTLER_SESSION_ABSOLUTE_HOURS", 12))
    if clock.now() - row.created_at > absolute:
        return False
    idle = config.get("BUTLER_SESSION_IDLE_MINUTES", 120) * 60
    now = int(clock.now().timestamp())
    if now - int(session.get("seen", 0)) > idle:
        return False
    # The idle clock lives in the signed cookie: no database write on every request.
    if now - int(session.get("seen", 0)) > 60:
        session["seen"] = now
    return True


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(".")
    token = session.get("sid") if has_request_context() else None
    if not user_id.isdigit() or not token:
        return None
    # The user, this browser's session row and the roles the company requires a second
    # factor of, in one query: it runs on every request. On a site's page (core.tenancy
    # names the slug first) the same statement reads the site's id and stamps and the
    # user's memberships there.
    slug = g.get("_butler_slug")
    query = (
        select(User, UserSession, Organization.second_factor_roles)
        .join(UserSession, UserSession.user_id == User.id)
        .join(Organization, Organization.id == User.organization_id)
        .where(User.id == int(user_id), UserSession.token_hash == _token_hash(token))
    )
    if slug is not None:
        query = (
            query.add_columns(
                Site.id,
                Site.cache_version,
                Site.data_version,
                Site.organization_id,
                Membership.role,
            )
            .outerjoin(Site, and_(Site.slug == slug, Site.archived_at.is_(None)))
            .outerjoin(
                Membership, and_(Membership.site_id == Site.id, Membership.user_id == User.id)
            )
        )
    found = db.session.execute(query).all()
    if not found:
        return None
    user, row, required = found[0][:3]
    user.org_second_factor_roles = required or ""  # read by core.totp.required_roles
    if str(user.session_epoch) != epoch or not user.active or not _session_is_valid(row):
        return None
    if slug is not None:
        site_id, version, data_version, organization_id = found[0][3:7]
        g._butler_site_probe = (slug, site_id, version, data_version)
        if site_id is not None:
            remember_roles(user, site_id, organization_id, (r[7] for r in found))
    return user


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.permanent_session_lifetime = timedelta(
        hours=app.config.get("BUTLER_SESSION_ABSOLUTE_HOURS", 12)
    )
    app.before_request(_new_password_first)
    # Then core.totp's gate for a second factor the user's role requires (core.factory).


# What someone whose password must change may still open: the change itself, leaving,
# the language, and the files the pages need.
UNTIL_CHANGED = frozenset({"auth.change_password", "auth.logout", "auth.set_language", "static"})


def _new_password_first():
    """After a reset (or with a new account's one-time password) every page leads to
    Change password until a password of their own is set."""
    if request.endpoint in UNTIL_CHANGED or request.endpoint is None:
        return None
    user = current_user
    if getattr(user, "is_authenticated", False) and getattr(user, "must_change_password", False):
        return redirect(url_for("auth.change_password"), code=303)
    return None
