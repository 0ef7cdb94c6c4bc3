"""Security headers on every page."""

from __future__ import annotations


def test_pages_forbid_inline_script_framing_and_sniffing(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_pages_say_they_vary_with_htmx(client):
    assert "HX-Request" in client.get("/login").headers["Vary"]


def test_session_cookie_is_http_only_and_same_site_lax(client, make):
    make.user(username="ben")
    from tests.conftest import login

    response = login(client, "ben")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_with_personal_data_are_never_cached(client, make):
    from tests.conftest import login

    site = make.site()
    resident = make.resident(site, name="Chan Tai Man")
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    for url in (
        f"/s/{site.slug}/",
        f"/s/{site.slug}/residents/",
        f"/s/{site.slug}/residents/{resident.id}",
    ):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")
