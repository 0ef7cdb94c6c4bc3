"""Logging in and out, and changing one's password."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.models import AuditLog
from core.testing.factories import PASSWORD
from tests.conftest import login


def test_login_page_offers_username_and_password(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="username"' in html and 'name="password"' in html


def test_butler_logs_in_and_lands_on_their_day(client, make):
    site = make.site(name="Harbour View")
    make.user(site=site, username="ben")
    response = login(client, "ben")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/s/{site.slug}/today/"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Harbour View" in page.get_data(as_text=True)


def test_a_manager_lands_on_the_dashboard_and_an_attendant_on_their_rooms(client, make):
    site = make.site(name="Harbour View")
    make.user(site=site, username="mia", role="manager")
    assert login(client, "mia").headers["Location"] == f"/s/{site.slug}/"
    client.post("/logout")
    hotel = make.site(name="Harbour Hotel", kind="hotel")
    make.enable(hotel, "housekeeping")
    make.user(site=hotel, username="ray", role="room_attendant")
    assert login(client, "ray").headers["Location"] == f"/s/{hotel.slug}/housekeeping/my-rooms"
    # Where the plugin is off, its page is no home: the dashboard is.
    client.post("/logout")
    other = make.site(name="Harbour Inn", kind="hotel")
    make.user(site=other, username="rita", role="room_attendant")
    assert login(client, "rita").headers["Location"] == f"/s/{other.slug}/"


def test_username_is_not_case_sensitive(client, make):
    make.user(username="ben")
    assert login(client, "  BEN ").status_code == 302


def test_wrong_password_is_refused_with_a_message_next_to_the_field(client, make):
    make.user(username="ben")
    response = login(client, "ben", "not-the-password")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Wrong username or password." in html
    assert 'value="ben"' in html  # what they typed is kept
    assert client.get("/sites").status_code == 302  # still logged out


def test_unknown_user_gets_the_same_message_as_a_wrong_password(client):
    response = login(client, "nobody", "whatever-password")
    assert response.status_code == 422
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_failed_and_successful_logins_are_audited(client, make, ctx):
    user = make.user(username="ben")
    login(client, "ben", "wrong-password")
    login(client, "ben")
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["login.failure", "login.success"]
    failure = db.session.scalars(select(AuditLog).where(AuditLog.action == "login.failure")).one()
    assert failure.user_id == user.id
    assert PASSWORD not in failure.detail and "wrong-password" not in failure.detail


def test_empty_login_form_says_what_is_missing(client):
    response = client.post("/login", data={"username": "", "password": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter your username." in html and "Enter your password." in html


def test_deactivated_user_cannot_log_in(client, make):
    make.user(username="gone", active=False)
    assert login(client, "gone").status_code == 422


def test_logout_ends_the_session(client, make):
    site = make.site()
    make.user(site=site, username="ben")
    login(client, "ben")
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    follow = client.get(f"/s/{site.slug}/")
    assert follow.status_code == 302 and follow.headers["Location"].startswith("/login")


def test_logout_is_not_possible_by_get(client, make):
    make.user(username="ben")
    login(client, "ben")
    assert client.get("/logout").status_code == 405


def test_login_returns_to_the_page_asked_for_but_never_off_site(client, make):
    site = make.site()
    make.user(site=site, username="ben")
    make.user(site=site, username="amy")
    target = f"/s/{site.slug}/"
    response = client.post("/login", data={"username": "ben", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == target
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/login", data={"username": "amy", "password": PASSWORD, "next": evil}
        )
        assert "evil" not in response.headers["Location"]
        client.post("/logout")


def test_anonymous_visitor_of_a_site_page_is_sent_to_log_in(client, make):
    site = make.site()
    response = client.get(f"/s/{site.slug}/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_changing_the_password_needs_the_current_one(client, make):
    make.user(username="ben")
    login(client, "ben")
    response = client.post(
        "/account/password",
        data={
            "current_password": "guess",
            "new_password": "a-new-long-one",
            "confirm": "a-new-long-one",
        },
    )
    assert response.status_code == 422
    assert "This is not your current password." in response.get_data(as_text=True)


def test_new_password_must_be_long_enough_and_typed_twice_alike(client, make):
    make.user(username="ben")
    login(client, "ben")
    short = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
    )
    assert short.status_code == 422
    assert "Use at least 8 characters." in short.get_data(as_text=True)
    differ = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "long-enough-1",
            "confirm": "long-enough-2",
        },
    )
    assert "The two new passwords differ." in differ.get_data(as_text=True)


def test_changed_password_works_and_ends_other_sessions(app, make):
    site = make.site()
    make.user(site=site, username="ben")
    phone, desk = app.test_client(), app.test_client()
    login(phone, "ben")
    login(desk, "ben")
    response = desk.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "tea-at-four-oclock",
            "confirm": "tea-at-four-oclock",
        },
    )
    assert response.status_code == 302
    assert desk.get(f"/s/{site.slug}/").status_code == 200  # this session goes on
    assert phone.get(f"/s/{site.slug}/").status_code == 302  # the other one ended
    fresh = app.test_client()
    assert login(fresh, "ben").status_code == 422
    assert login(fresh, "ben", "tea-at-four-oclock").status_code == 302
