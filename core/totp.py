"""The optional second factor: TOTP codes from an authenticator app, and recovery codes."""

from __future__ import annotations

import hashlib
import secrets

import pyotp
import segno
from sqlalchemy import delete, func, select, update

from core import clock
from core.extensions import db
from core.models import RecoveryCode, User
from core.security import roles_anywhere

ISSUER = "Butler"
RECOVERY_CODES = 10
# Roles that may turn on a second factor (everyone may in principle; these are offered it).
OFFERED_TO = frozenset({"org_admin", "manager"})


def may_use_second_factor(user: User) -> bool:
    """True for org admins and for managers of any site."""
    return user.is_org_admin or bool(roles_anywhere(user) & OFFERED_TO)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no script, no external image)."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, dark="#111", light="#fff")


def code_is_valid(secret: str, code: str) -> bool:
    """True when ``code`` is the current TOTP code (or the one just before or after)."""
    code = "".join(ch for ch in code if ch.isdigit())
    return len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


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
    row_id = db.session.scalar(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
    )
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
