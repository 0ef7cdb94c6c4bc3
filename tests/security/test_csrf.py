"""Forged requests: a POST without its CSRF token changes nothing, and no GET ever writes.

The story: the org admin of site A, logged in, opens a hostile page in another tab. That
page can make the browser post to any Butler address, with the admin's cookie but without
the CSRF token of the admin's own pages. Every such post, plain or dressed up as htmx,
must be refused with "This form has expired" (400) and must write nothing. And because
links and prefetches are free to follow, looking at any page, as the org admin or as a
manager, must never change a row.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.extensions import db
from core.models import Contact
from core.testing.factories import PASSWORD
from tests.security.conftest import (
    World,
    changed_tables,
    database_state,
    get_urls,
    logged_in,
    methods_of,
    url_of,
)

EXPIRED = "This form has expired"
# A refusal may be written to the audit log (append-only, never shown as data).
NOT_COMPARED_ON_POST = {"audit_log"}
# Looking at a page may be audited (an export, a refused page) and jobs record their runs.
NOT_COMPARED_ON_GET = {"audit_log", "audit_read", "job_run"}
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def token_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1) or found.group(2)


def log_in_with_token(app: Flask, username: str) -> tuple[FlaskClient, str]:
    """A client logged in through the login form, with the token of its session."""
    client = app.test_client()
    token = token_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, f"{username} could not log in"
    return client, token_of(client.get(response.headers["Location"]).get_data(as_text=True))


def post_urls(app: Flask, world: World) -> list[tuple[str, str]]:
    """``(endpoint, url)`` of every POST route, site ones with site A's ids."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if "POST" in methods_of(rule):
            values = world.values(world.a, rule) if rule.arguments else {}
            urls.append((rule.endpoint, url_of(rule, values)))
    return urls


def test_a_forged_post_is_refused_and_writes_nothing(app, world, csrf_on):
    admin, token = log_in_with_token(app, world.users["org_admin"].username)
    urls = post_urls(app, world)
    problems = []
    before = database_state(app, skip=NOT_COMPARED_ON_POST)
    for endpoint, url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = admin.post(url, headers=headers)
            body = response.get_data(as_text=True)
            after = database_state(app, skip=NOT_COMPARED_ON_POST)
            changed, before = changed_tables(before, after), after
            where = f"POST {url} ({endpoint}){' as htmx' if headers else ''}"
            if response.status_code != 400 or EXPIRED not in body:
                problems.append(f"{where}: got {response.status_code}, wanted 400 {EXPIRED!r}")
            if changed:
                problems.append(f"{where}: changed {changed}")
    assert problems == []
    assert len(urls) >= 35  # every POST route of the core and the example plugin

    # Refusing the forged logout left the admin logged in, and with the token of the
    # admin's own page the same kind of post goes through.
    resident = f"/s/{world.a.site.slug}/residents/{world.a.ids['resident_id']}"
    assert admin.get(resident).status_code == 200
    response = admin.post(
        f"{resident}/contacts",
        data={"kind": "call", "summary": "Asked about parking", "csrf_token": token},
    )
    assert response.status_code == 303
    with app.app_context():
        written = select(Contact).where(Contact.summary == "Asked about parking")
        assert len(db.session.scalars(written).all()) == 1


@pytest.mark.parametrize("role", ["org_admin", "manager"])
def test_looking_at_any_page_changes_nothing(app, world, role):
    client = logged_in(app, world.users[role])
    urls = get_urls(app, world)
    problems = []
    before = database_state(app, skip=NOT_COMPARED_ON_GET)
    for endpoint, url in urls:
        for headers in ({}, {"HX-Request": "true", "HX-Target": "resident-results"}):
            response = client.get(url, headers=headers)
            response.get_data()
            response.close()
            if response.status_code >= 500:
                problems.append(f"GET {url} ({endpoint}): {response.status_code}")
        after = database_state(app, skip=NOT_COMPARED_ON_GET)
        changed, before = changed_tables(before, after), after
        if changed:
            problems.append(f"GET {url} ({endpoint}) as {role} changed {changed}")
    assert problems == []
    assert len(urls) >= 35  # every GET page of the core and the example plugin
