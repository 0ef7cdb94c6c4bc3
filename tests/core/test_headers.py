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
