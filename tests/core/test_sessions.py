"""Sessions end on the server; logins are throttled; the optional second factor."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select, update

from core import clock as core_clock
from core.extensions import db
from core.models import AuditLog, RecoveryCode, User, UserSession
from core.testing.factories import PASSWORD
from tests.conftest import login


def copy_session_cookie(client):
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app, value):
    thief = app.test_client()
    thief.set_cookie("session", value)
    return thief


# --- Server-side sessions --------------------------------------------------------------


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, make):
    site = make.site()
    make.user(site=site, username="ben")
    login(client, "ben")
    stolen = copy_session_cookie(client)
    assert replay(app, stolen).get(f"/s/{site.slug}/").status_code == 200
    client.post("/logout")
    answer = replay(app, stolen).get(f"/s/{site.slug}/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_logging_out_on_one_device_keeps_the_other(app, make):
    site = make.site()
    make.user(site=site, username="ben")
    phone, desk = app.test_client(), app.test_client()
    login(phone, "ben")
    login(desk, "ben")
    phone.post("/logout")
    assert desk.get(f"/s/{site.slug}/").status_code == 200
    assert phone.get(f"/s/{site.slug}/").status_code == 302


def test_deactivating_a_user_ends_every_session(app, client, make):
    site = make.site()
    ben = make.user(site=site, username="ben")
    login(client, "ben")
    make.update(ben, active=False)
    assert client.get(f"/s/{site.slug}/").status_code == 302


def test_an_idle_session_ends(app, client, make):
    site = make.site()
    make.user(site=site, username="ben")
    login(client, "ben")
    with client.session_transaction() as cookie:
        cookie["seen"] = (
            int(core_clock.now().timestamp()) - app.config["BUTLER_SESSION_IDLE_MINUTES"] * 60 - 5
        )
    assert client.get(f"/s/{site.slug}/").status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_even_when_used(app, client, make):
    site = make.site()
    make.user(site=site, username="ben")
    login(client, "ben")
    hours = app.config["BUTLER_SESSION_ABSOLUTE_HOURS"]
    with app.app_context():
        db.session.execute(
            update(UserSession).values(
                created_at=core_clock.now() - timedelta(hours=hours, minutes=1)
            )
        )
        db.session.commit()
    assert client.get(f"/s/{site.slug}/").status_code == 302


def test_the_cookie_holds_no_session_token_the_server_knows_in_clear(app, client, make):
    make.user(username="ben")
    login(client, "ben")
    with client.session_transaction() as cookie:
        token = cookie["sid"]
    with app.app_context():
        stored = db.session.scalars(select(UserSession.token_hash)).one()
    assert token not in stored and len(stored) == 64


def test_production_cookies_are_secure_http_only_and_lax(app, make_app, make):
    secure = make_app({**app.config, "SESSION_COOKIE_SECURE": True})
    make.user(username="ben")
    client = secure.test_client()
    response = login(client, "ben")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- Passwords -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("password1", "too common"),
        ("qwertyuiop", "too common"),
        ("Iloveyou123", "too common"),
        ("ben-the-butler", None),
        ("x" * 128, None),
        ("x" * 129, "at most 128"),
        ("short", "at least 8"),
    ],
)
def test_new_passwords_need_length_not_symbols_and_no_common_ones(client, make, new, message):
    make.user(username="ben")
    login(client, "ben")
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm": new},
    )
    if message is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)


def test_a_password_equal_to_the_username_is_refused(client, make):
    make.user(username="chan.taiman")
    login(client, "chan.taiman")
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "Chan.TaiMan",
            "confirm": "Chan.TaiMan",
        },
    )
    assert response.status_code == 422


# --- Throttling ------------------------------------------------------------------------


@pytest.fixture
def throttled(app, make_app):
    return make_app({**app.config, "RATELIMIT_ENABLED": True})


def test_an_account_is_locked_for_a_while_after_five_wrong_passwords(throttled, make):
    make.user(username="ben")
    make.user(username="amy")
    client = throttled.test_client()
    for _ in range(5):
        assert login(client, "ben", "wrong-password").status_code == 422
    locked = login(client, "ben")  # even the right password waits
    assert locked.status_code == 429
    assert "Too many attempts" in locked.get_data(as_text=True)
    assert login(client, "amy").status_code == 302  # other accounts are not affected


def test_successful_logins_do_not_count_against_the_account(throttled, make):
    make.user(username="ben")
    client = throttled.test_client()
    for _ in range(8):
        assert login(client, "ben").status_code == 302
        client.post("/logout")


def test_one_address_cannot_try_many_accounts(throttled, make):
    client = throttled.test_client()
    answers = [login(client, f"guess{n}", "wrong-password").status_code for n in range(31)]
    assert answers[:30] == [422] * 30
    assert answers[30] == 429


def test_the_throttle_is_shared_through_redis_by_every_app_server(app, make_app, make):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings = {
        **app.config,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "RATELIMIT_KEY_PREFIX": f"butler-test-{uuid.uuid4().hex}",
    }
    first, second = make_app(settings), make_app(settings)
    make.user(username="ben")
    for n in range(5):
        server = first if n % 2 else second
        assert login(server.test_client(), "ben", "wrong-password").status_code == 422
    assert login(first.test_client(), "ben").status_code == 429
    assert login(second.test_client(), "ben").status_code == 429


# --- The second factor ------------------------------------------------------------------


def turn_on_second_factor(client) -> tuple[str, list[str]]:
    page = client.get("/account/second-factor")
    assert page.status_code == 200
    with client.session_transaction() as cookie:
        secret = cookie["totp_setup"]
    assert "<svg" in page.get_data(as_text=True)  # the QR code, inline
    done = client.post(
        "/account/second-factor", data={"code": pyotp.TOTP(secret).at(core_clock.now())}
    )
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    codes = [part.split("</code>")[0] for part in html.split("<code>")[1:]]
    assert len(codes) == 10
    return secret, codes


def test_a_manager_turns_on_the_second_factor_and_must_give_a_code(app, client, make, clock):
    site = make.site()
    make.user(role="manager", site=site, username="mia")
    clock.set(core_clock.now())
    login(client, "mia")
    secret, _ = turn_on_second_factor(client)
    client.post("/logout")
    clock.advance(seconds=30)  # the code that turned it on is spent: the app shows the next
    step = login(client, "mia")
    assert step.headers["Location"] == "/login/second-factor"
    assert client.get(f"/s/{site.slug}/").status_code == 302  # not logged in yet
    wrong = client.post("/login/second-factor", data={"code": "000000"})
    assert wrong.status_code == 422
    assert "This code is not right" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).at(core_clock.now())
    right = client.post("/login/second-factor", data={"code": code})
    assert right.status_code == 302
    assert client.get(f"/s/{site.slug}/").status_code == 200
    # Someone who saw the code over her shoulder cannot use it again, even at once.
    thief = app.test_client()
    assert login(thief, "mia").headers["Location"] == "/login/second-factor"
    replayed = thief.post("/login/second-factor", data={"code": code})
    assert replayed.status_code == 422
    assert thief.get(f"/s/{site.slug}/").status_code == 302


def test_a_recovery_code_works_once(app, client, make):
    site = make.site()
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    _, codes = turn_on_second_factor(client)
    client.post("/logout")
    login(client, "mia")
    assert client.post("/login/second-factor", data={"code": codes[3]}).status_code == 302
    client.post("/logout")
    login(client, "mia")
    again = client.post("/login/second-factor", data={"code": codes[3]})
    assert again.status_code == 422
    with app.app_context():
        assert (
            db.session.scalar(select(RecoveryCode.id).where(RecoveryCode.used_at.is_not(None)))
            is not None
        )
        actions = db.session.scalars(select(AuditLog.action)).all()
        assert "login.recovery_code_used" in actions
        # Kept as salted argon2id hashes, like passwords: a stolen table gives nothing away.
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
        assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
        assert not any(codes[0].replace("-", "") in h for h in hashes)


def test_a_recovery_code_kept_before_argon2_still_works_once(app, client, make):
    import hashlib

    site = make.site()
    mia = make.user(role="manager", site=site, username="mia")
    make.update(mia, totp_secret=pyotp.random_base32(), totp_enabled_at=core_clock.now())
    old = "a1b2c-3d4e5"
    make._save(RecoveryCode(user_id=mia.id, code_hash=hashlib.sha256(b"a1b2c3d4e5").hexdigest()))
    login(client, "mia")
    assert client.post("/login/second-factor", data={"code": old.upper()}).status_code == 302
    client.post("/logout")
    login(client, "mia")
    assert client.post("/login/second-factor", data={"code": old}).status_code == 422


def test_the_second_step_cannot_be_skipped_or_reused_after_logout(app, client, make):
    site = make.site()
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    turn_on_second_factor(client)
    client.post("/logout")
    assert client.get("/login/second-factor").status_code == 302  # nothing pending
    login(client, "mia")
    with client.session_transaction() as cookie:
        cookie["pending_at"] = int(core_clock.now().timestamp()) - 600
    late = client.get("/login/second-factor")
    assert late.status_code == 302 and late.headers["Location"] == "/login"


def test_turning_the_second_factor_off_needs_the_password(app, client, make):
    site = make.site()
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    turn_on_second_factor(client)
    refused = client.post("/account/second-factor", data={"password": "wrong-password"})
    assert refused.status_code == 422
    client.post("/account/second-factor", data={"password": PASSWORD})
    with app.app_context():
        mia = db.session.scalars(select(User).where(User.username == "mia")).one()
        assert mia.totp_enabled_at is None and mia.totp_secret is None


def test_butlers_are_not_offered_the_second_factor(client, make):
    make.user(role="butler", username="ben")
    login(client, "ben")
    assert client.get("/account/second-factor").status_code == 404
    assert "Two-step login" not in client.get("/account/password").get_data(as_text=True)
