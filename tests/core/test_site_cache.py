"""A worker keeps each site, its plugins and its navigation in memory (core/sitecache.py):
every change to them, made in this worker or another, is seen by the very next request."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete

from core.extensions import db
from core.models import Membership
from tests.conftest import login
from tests.core.test_residents import counted_statements
from tests.example_plugin import NAME


@pytest.fixture
def estate(make):
    """Harbour View with Mia its manager and Boss the company's org admin."""
    org = make.org()
    site = make.site(org=org, name="Harbour View")
    mia = make.user("manager", site, username="mia")
    make.user(role=None, org_admin=True, org=org, username="boss")
    return site, mia


def notes_shown(client, site) -> bool:
    """Whether the example plugin's item is in the site's navigation bar."""
    page = client.get(f"/s/{site.slug}/residents/").get_data(as_text=True)
    return f'href="/s/{site.slug}/{NAME}/"' in page


def test_a_plugin_turned_on_or_off_shows_or_goes_at_the_next_page(client, app, estate):
    site, _ = estate
    boss = app.test_client()
    login(boss, "boss")
    login(client, "mia")
    assert not notes_shown(client, site)
    assert client.get(f"/s/{site.slug}/{NAME}/").status_code == 404
    boss.post(f"/s/{site.slug}/admin/plugins/{NAME}", data={"enabled": "1"})
    assert notes_shown(client, site)
    assert client.get(f"/s/{site.slug}/{NAME}/").status_code == 200
    boss.post(f"/s/{site.slug}/admin/plugins/{NAME}", data={"enabled": "0"})
    assert not notes_shown(client, site)
    assert client.get(f"/s/{site.slug}/{NAME}/").status_code == 404


def test_a_change_made_in_another_worker_is_seen_at_once(client, make_app, app, estate):
    site, _ = estate
    other = make_app(app.config).test_client()  # a second worker, its own memory
    login(client, "mia")
    login(other, "boss")
    assert not notes_shown(client, site)
    other.post(f"/s/{site.slug}/admin/plugins/{NAME}", data={"enabled": "1"})
    assert notes_shown(client, site)
    with other.application.app_context():
        from core.models import Site

        db.session.get(Site, site.id).name = "Harbour View Phase II"
        db.session.commit()
    assert "Harbour View Phase II" in client.get(f"/s/{site.slug}/").get_data(as_text=True)


def test_a_role_taken_away_or_an_account_closed_counts_at_the_next_page(client, make, app, estate):
    site, mia = estate
    login(client, "mia")
    assert "Staff" in client.get(f"/s/{site.slug}/").get_data(as_text=True)
    with app.app_context():
        db.session.execute(delete(Membership).where(Membership.user_id == mia.id))
        db.session.commit()
    make.membership(mia, site, "butler")
    page = client.get(f"/s/{site.slug}/").get_data(as_text=True)
    assert "Today" in page and '"/s/' + site.slug + '/staff/"' not in page
    assert client.get(f"/s/{site.slug}/staff/").status_code == 403
    with app.app_context():
        db.session.execute(delete(Membership).where(Membership.user_id == mia.id))
        db.session.commit()
    assert client.get(f"/s/{site.slug}/").status_code == 404
    make.membership(mia, site, "manager")
    assert client.get(f"/s/{site.slug}/").status_code == 200
    make.update(mia, active=False)
    assert client.get(f"/s/{site.slug}/").status_code == 302


def test_a_page_of_a_known_site_loads_user_roles_and_site_in_one_statement(client, app, estate):
    site, _ = estate
    login(client, "mia")
    client.get(f"/s/{site.slug}/search")
    with counted_statements(app) as statements:
        assert client.get(f"/s/{site.slug}/search").status_code == 200
    assert len(statements) == 1, statements
    assert "membership" in statements[0] and "site.cache_version" in statements[0]


# --- The dashboard: built once for the site's data as it stands ---------------------------


def open_requests_on_dashboard(client, site) -> str:
    page = client.get(f"/s/{site.slug}/").get_data(as_text=True)
    widget = page.split('id="widget-service_desk-mine"')[1].split("</section>")[0]
    return re.findall(r'class="figure"><a [^>]*>(?:<mark>)?(\d+)', widget)[0]


def open_requests_listed(client, base) -> int:
    return client.get(f"{base}/?view=mine").get_data(as_text=True).count('<tr id="request-')


def test_the_dashboard_counts_a_request_logged_in_this_worker_or_another(
    app, make, make_app, client
):
    from tests.plugins.service_desk.helpers import build_estate

    estate = build_estate(app, make)
    other = make_app(app.config).test_client()  # a second worker, its own memory
    for browser in (client, other):
        login(browser, estate.butler.username)
    assert open_requests_on_dashboard(client, estate.site) == "0"
    assert open_requests_on_dashboard(client, estate.site) == "0"  # from memory
    form = {
        "resident_id": str(estate.resident.id),
        "category_id": str(estate.plumbing.id),
        "channel": "phone",
        "description": "Kitchen tap leaks",
    }
    for browser, expected in ((client, "1"), (other, "2")):
        answer = browser.post(f"{estate.base}/new", data=form, content_type="multipart/form-data")
        assert answer.status_code == 303
        assert open_requests_on_dashboard(client, estate.site) == expected
        assert open_requests_listed(client, estate.base) == int(expected)
