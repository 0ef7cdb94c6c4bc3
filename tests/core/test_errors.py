"""Errors are friendly pages, never a stack trace."""

from __future__ import annotations

from tests.conftest import login


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "Back to the start page" in html


def test_404_page_is_translated(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "zh-TW"})
    assert '<html lang="zh-Hant">' in response.get_data(as_text=True)


def test_a_crash_shows_a_friendly_500_and_loses_the_half_done_write(app, make, make_app, ctx):
    from flask import Blueprint

    from core.extensions import db
    from core.models import Site
    from core.security import requires

    site = make.site(name="Before")
    extra = make_app({**app.config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    def crash():
        row = db.session.get(Site, site.id)
        row.name = "Half-done"
        db.session.flush()
        raise RuntimeError("boom")

    bp = Blueprint("crash", __name__, url_prefix="/s/<site_slug>/crash")
    bp.add_url_rule("/", "index", requires("site.view")(crash), methods=["POST"])
    extra.register_blueprint(bp)
    make.user(site=site, username="ben")
    client = extra.test_client()
    login(client, "ben")
    response = client.post(f"/s/{site.slug}/crash/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html
    assert "boom" not in html and "Traceback" not in html
    db.session.expire_all()
    assert db.session.get(Site, site.id).name == "Before"


def test_a_form_sent_without_its_csrf_token_is_refused_kindly(client, make, csrf_on):
    make.user(username="ben")
    response = client.post("/login", data={"username": "ben", "password": "whatever"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_login_with_its_csrf_token_works(client, make, csrf_on):
    make.user(username="ben")
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    from core.testing.factories import PASSWORD

    response = client.post(
        "/login", data={"username": "ben", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
