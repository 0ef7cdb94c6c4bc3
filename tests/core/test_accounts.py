"""Lost passwords and the second step: a manager resets the passwords of their own sites'
staff, anyone resets their own by an e-mailed link, and an organisation requires a second
factor of chosen roles."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditLog, Organization, OutboxMessage, User, UserSession
from core.testing.factories import PASSWORD
from tests.conftest import login

NEW = "harbour-lantern-42"


def text(response) -> str:
    return response.get_data(as_text=True)


def user_row(app, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def actions(app, prefix: str) -> list[AuditLog]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditLog).where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id)
            )
        )


def live_sessions(app, user: User) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(UserSession.id)).where(
                UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
            )
        )


# --- A manager resets their own sites' staff ---------------------------------------------


@pytest.fixture
def company(make):
    """Two estates of one company: Mia manages the first; Ben works there only, Bo on both
    sites, Zoe on the second only; Alice is the organisation admin."""
    org = make.org()
    north, south = make.site(org=org), make.site(org=org)
    make.user(role=None, org_admin=True, org=org, username="alice")
    make.user(site=north, role="manager", username="mia", display_name="Mia Manager")
    ben = make.user(site=north, username="ben", display_name="Ben Wong")
    bo = make.user(site=north, username="bo", display_name="Bo Both")
    make.membership(bo, south, "butler")
    make.user(site=south, username="zoe")
    return north, south, ben, bo


def test_a_manager_resets_a_butler_of_their_site_who_must_then_choose_a_password(
    app, client, make, company
):
    north, _, ben, _ = company
    phone = app.test_client()
    assert login(phone, "ben").status_code == 302
    login(client, "mia")
    listed = client.get(f"/s/{north.slug}/staff/passwords")
    assert listed.status_code == 200
    assert "Ben Wong" in text(listed) and "Staff passwords" in text(listed)

    reset = client.post(f"/s/{north.slug}/staff/{ben.id}/password")

    assert reset.status_code == 200 and "no-store" in reset.headers["Cache-Control"]
    password = re.search(r'class="one-time-password">([^<]+)<', text(reset)).group(1)
    assert phone.get(f"/s/{north.slug}/").status_code == 302  # logged out at once
    (record,) = actions(app, "staff.password_reset")
    assert record.object_id == ben.id and record.user_id == user_row(app, "mia").id
    fresh = app.test_client()
    assert login(fresh, "ben", password).status_code == 302
    assert fresh.get(f"/s/{north.slug}/").location.endswith("/account/password")


def test_a_manager_cannot_reset_an_admin_someone_of_another_site_or_themselves(
    app, client, make, company
):
    north, south, _, bo = company
    alice, mia = user_row(app, "alice"), user_row(app, "mia")
    other = make.user(site=north, role="manager", username="max")
    before = {u: user_row(app, u).password_hash for u in ("alice", "bo", "zoe", "max", "mia")}
    login(client, "mia")
    page = text(client.get(f"/s/{north.slug}/staff/passwords"))
    assert "Only an organisation admin can reset this password." in page

    assert client.post(f"/s/{north.slug}/staff/{alice.id}/password").status_code == 403
    assert client.post(f"/s/{north.slug}/staff/{bo.id}/password").status_code == 403
    zoe = user_row(app, "zoe")
    assert client.post(f"/s/{north.slug}/staff/{zoe.id}/password").status_code == 404
    assert client.post(f"/s/{south.slug}/staff/{zoe.id}/password").status_code == 404
    assert client.post(f"/s/{north.slug}/staff/{mia.id}/password").status_code == 303
    # Another manager of the same site is a colleague: allowed, as a manager of it.
    assert client.post(f"/s/{north.slug}/staff/{other.id}/password").status_code == 200
    before.pop("max")
    assert {u: user_row(app, u).password_hash for u in before} == before
    assert [r.object_id for r in actions(app, "staff.password_reset")] == [other.id]


def test_a_butler_may_not_reset_anyone(app, client, company):
    north, _, ben, _ = company
    login(client, "bo")
    assert client.get(f"/s/{north.slug}/staff/passwords").status_code == 403
    assert client.post(f"/s/{north.slug}/staff/{ben.id}/password").status_code == 403
    assert actions(app, "staff.password_reset") == []


# --- Resetting one's own password by e-mail ----------------------------------------------


@pytest.fixture
def ben(make):
    site = make.site()
    return make.user(site=site, username="ben", display_name="Ben Wong", email="ben@example.com")


def mails(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def reset_link(message: OutboxMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/password/reset/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def main(response) -> str:
    """The page's own content (the layout around it carries a per-session CSRF token)."""
    return text(response).partition("<main")[2].partition("</main>")[0]


def ask_for_link(client, value: str):
    return client.post("/password/forgot", data={"username": value})


def test_a_reset_link_works_once_and_ends_every_session(app, client, ben):
    phone = app.test_client()
    login(phone, "ben")
    assert "Forgot password?" in text(client.get("/login"))

    asked = ask_for_link(client, "Ben@Example.com")

    assert asked.status_code == 303 and asked.location.endswith("/password/forgot/sent")
    (message,) = mails(app)
    assert message.recipient == "ben@example.com" and message.channel == "email"
    link = reset_link(message)
    form = client.get(link)
    assert form.status_code == 200 and "no-store" in form.headers["Cache-Control"]
    assert form.headers["Referrer-Policy"] == "no-referrer"
    done = client.post(link, data={"new_password": NEW, "confirm": NEW})
    assert done.status_code == 303 and done.location.endswith("/login")
    assert live_sessions(app, ben) == 0
    assert phone.get("/").status_code in (302, 303) and login(phone, "ben").status_code == 422
    assert login(app.test_client(), "ben", NEW).status_code == 302
    assert [r.action for r in actions(app, "password.reset")] == [
        "password.reset_link_sent",
        "password.reset_by_link",
    ]
    assert NEW not in "".join(r.detail for r in actions(app, ""))

    again = client.post(link, data={"new_password": "another-long-one", "confirm": "x"})
    assert again.status_code == 404 and "This link no longer works" in text(again)
    assert login(app.test_client(), "ben", NEW).status_code == 302


def test_a_reset_link_expires_after_thirty_minutes(app, client, ben, clock):
    ask_for_link(client, "ben")
    link = reset_link(mails(app)[0])
    clock.advance(minutes=29)
    assert client.get(link).status_code == 200
    clock.advance(minutes=2)
    late = client.post(link, data={"new_password": NEW, "confirm": NEW})
    assert late.status_code == 404
    assert login(app.test_client(), "ben").status_code == 302  # the old password stays


def test_an_altered_link_is_refused(app, client, ben, make):
    ask_for_link(client, "ben")
    link = reset_link(mails(app)[0])
    other = make.user(site=make.site(), username="eve")
    user_id, issued, signature = link.rsplit("/", 1)[1].split(".")
    forged = [
        link[:-1] + ("0" if link[-1] != "0" else "1"),  # one character of the signature
        link.replace(f"/{user_id}.", f"/{other.id}."),  # someone else's account
        link.replace(f".{issued}.", f".{int(issued) + 600}."),  # a later moment
        "/password/reset/not-a-token",
    ]
    for url in forged:
        answer = client.post(url, data={"new_password": NEW, "confirm": NEW})
        assert answer.status_code == 404, url
    assert login(app.test_client(), "ben").status_code == 302
    assert login(app.test_client(), "eve").status_code == 302


def test_an_unknown_account_gets_the_same_answer_and_nothing_is_queued(app, client, ben):
    known = ask_for_link(client, "ben@example.com")
    unknown = ask_for_link(app.test_client(), "nobody@example.com")
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert len(mails(app)) == 1
    pages = [main(client.get(known.location)), main(app.test_client().get(unknown.location))]
    assert pages[0] == pages[1] and "If an account with an e-mail address matches" in pages[0]
    empty = ask_for_link(client, "")
    assert empty.status_code == 422 and "Enter your e-mail address or username." in text(empty)
    assert len(mails(app)) == 1


def test_a_new_password_from_a_link_follows_the_password_rules(app, client, ben):
    ask_for_link(client, "ben")
    link = reset_link(mails(app)[0])
    weak = client.post(link, data={"new_password": "password", "confirm": "password"})
    assert weak.status_code == 422 and "too common" in text(weak)
    assert client.post(link, data={"new_password": NEW, "confirm": NEW}).status_code == 303


def test_asking_for_links_is_throttled_per_account(app, make_app):
    throttled = make_app({**app.config, "RATELIMIT_ENABLED": True})
    client = throttled.test_client()
    for _ in range(5):
        assert ask_for_link(client, "someone").status_code == 303
    assert ask_for_link(client, "someone").status_code == 429


# --- A second factor required per role ---------------------------------------------------


def test_an_admin_requires_a_second_step_of_butlers_who_must_set_it_up_first(
    app, client, make, clock
):
    org = make.org()
    site = make.site(org=org)
    make.user(role=None, org_admin=True, org=org, username="alice")
    make.user(site=site, username="ben")
    make.user(site=site, role="front_desk", username="fay")
    login(client, "alice")
    page = client.get(f"/s/{site.slug}/staff/second-factor")
    assert page.status_code == 200 and 'value="butler"' in text(page)
    saved = client.post(f"/s/{site.slug}/staff/second-factor", data={"roles": ["butler"]})
    assert saved.status_code == 303
    (record,) = actions(app, "organization.second_factor_roles")
    assert '"added": ["butler"]' in record.detail

    butler = app.test_client()
    assert login(butler, "ben").status_code == 302
    for url in (f"/s/{site.slug}/", f"/s/{site.slug}/residents/", f"/s/{site.slug}/staff/"):
        answer = butler.get(url)
        assert answer.status_code == 303 and answer.location.endswith("/account/second-factor")
    setup = butler.get("/account/second-factor")
    assert setup.status_code == 200 and "Your organisation requires two-step login" in text(setup)
    with butler.session_transaction() as cookie:
        secret = cookie["totp_setup"]
    on = butler.post("/account/second-factor", data={"code": pyotp.TOTP(secret).now()})
    assert on.status_code == 200 and "recovery" in text(on).lower()
    assert butler.get(f"/s/{site.slug}/").status_code == 200
    refused = butler.post("/account/second-factor", data={"password": PASSWORD})
    assert refused.status_code == 422 and "it stays on" in text(refused)

    front_desk = app.test_client()  # a role that was not chosen goes on as before
    assert login(front_desk, "fay").status_code == 302
    assert front_desk.get(f"/s/{site.slug}/").status_code == 200


def test_only_org_admins_choose_the_roles(app, client, make):
    site = make.site()
    make.user(site=site, role="manager", username="mia")
    login(client, "mia")
    url = f"/s/{site.slug}/staff/second-factor"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"roles": ["butler"]}).status_code == 403
    with app.app_context():
        org = db.session.get(Organization, site.organization_id)
        assert org.second_factor_roles == ""
    assert actions(app, "organization.") == []


def test_a_new_password_comes_before_the_second_step(app, client, make):
    org = make.org(second_factor_roles="butler")
    site = make.site(org=org)
    make.user(site=site, username="ben", must_change_password=True)
    login(client, "ben")
    first = client.get(f"/s/{site.slug}/")
    assert first.location.endswith("/account/password")
    changed = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW, "confirm": NEW},
    )
    assert changed.status_code == 302
    assert client.get(f"/s/{site.slug}/").location.endswith("/account/second-factor")
