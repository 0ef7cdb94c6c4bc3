"""The optional second factor: TOTP codes from an authenticator app, and recovery codes."""

from __future__ import annotations

import hashlib
import secrets

import pyotp
import segno
from argon2.exceptions import InvalidHashError, VerificationError
from flask import redirect, request, url_for
from flask_login import current_user
from sqlalchemy import delete, func, select, update

from core import clock
from core.auth import UNTIL_CHANGED, hash_password, password_hasher
from core.extensions import db
from core.models import Organization, RecoveryCode, User
from core.security import roles_anywhere

ISSUER = "Butler"
RECOVERY_CODES = 10
# Roles that may turn on a second factor (everyone may in principle; these are offered it).
OFFERED_TO = frozenset({"org_admin", "manager"})


def may_use_second_factor(user: User) -> bool:
    """True for org admins, managers of any site, and holders of a role their
    organisation requires a second factor of."""
    return user.is_org_admin or bool(roles_anywhere(user) & (OFFERED_TO | required_roles(user)))


def required_roles(user: User) -> frozenset[str]:
    """The roles whose holders ``user``'s organisation requires a second factor of."""
    # Loaded with the logged-in user (core.auth); asked for otherwise.
    codes = getattr(user, "org_second_factor_roles", None)
    if codes is None:
        codes = db.session.scalar(
            select(Organization.second_factor_roles).where(Organization.id == user.organization_id)
        )
    return frozenset((codes or "").split())


def is_required(user: User) -> bool:
    """True when ``user`` holds a role their organisation requires a second factor of."""
    wanted = required_roles(user)  # most organisations require none: no query then
    return bool(wanted) and bool(roles_anywhere(user) & wanted)


def must_set_up(user: User) -> bool:
    """True when a second factor is required of ``user`` and they have none yet."""
    return user.totp_enabled_at is None and is_required(user)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no script, no external image)."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, dark="#111", light="#fff")


STEP_SECONDS = 30


def matching_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code ``code`` is: the current one, or the one just before
    or after (a phone's clock a little off); None when it is none of them."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    otp = pyotp.TOTP(secret)
    now = int(clock.now().timestamp()) // STEP_SECONDS
    for step in (now, now - 1, now + 1):
        if secrets.compare_digest(otp.at(step * STEP_SECONDS), code):
            return step
    return None


def accept_code(user: User, code: str) -> bool:
    """Accept ``code`` for ``user`` once: a code (or an older one) already used is refused,
    even by two logins at the same moment (one conditional UPDATE decides)."""
    step = matching_step(user.totp_secret or "", code) if user.totp_secret else None
    if step is None:
        return False
    taken = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            (User.totp_last_step.is_(None)) | (User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken:
        user.totp_last_step = step
    return taken == 1


def _clean(code: str) -> str:
    return code.replace("-", "").replace(" ", "").lower()


def _legacy_hash(code: str) -> str:
    """How recovery codes were kept before argon2 (bare SHA-256): still read, once."""
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _hash(code: str) -> str:
    """A recovery code's argon2id hash, like a password's."""
    return hash_password(_clean(code))


def _matches(stored: str, code: str) -> bool:
    if stored.startswith("$argon2"):
        try:
            return password_hasher().verify(stored, _clean(code))
        except (VerificationError, InvalidHashError):
            return False
    return secrets.compare_digest(stored, _legacy_hash(code))


def new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with fresh ones; return them (shown once)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c)) for c in codes)
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code of ``user``; True when it was good (never twice)."""
    unused = db.session.execute(
        select(RecoveryCode.id, RecoveryCode.code_hash).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    # At most ten codes, each checked against its own salted hash.
    row_id = next((i for i, stored in unused if _matches(stored, code)), None)
    if row_id is None:
        return False
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == row_id, RecoveryCode.used_at.is_(None))
        .values(used_at=clock.now())
    )
    return spent.rowcount == 1


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def turn_off(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


# What someone who must set up a second factor may still open meanwhile.
UNTIL_SECOND_FACTOR = UNTIL_CHANGED | {"auth.account_second_factor"}


def second_factor_first():
    """A user in a role that the organisation requires a second factor of, who has none,
    is sent to set it up before any other page (after a new password, if one is due:
    registered after ``core.auth``'s gate)."""
    if request.endpoint in UNTIL_SECOND_FACTOR or request.endpoint is None:
        return None
    user = current_user
    if not getattr(user, "is_authenticated", False):
        return None
    if must_set_up(user):
        return redirect(url_for("auth.account_second_factor"), code=303)
    return None
