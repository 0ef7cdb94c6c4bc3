"""The org admin's plugins page: what is installed, and turning plugins on and off."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.example_plugin import NAME


@pytest.fixture
def boss(make):
    org = make.org()
    site = make.site(org=org, name="Harbour View")
    make.user(role=None, org_admin=True, org=org, username="boss")
    return site


def test_org_admin_sees_every_installed_plugin_with_what_it_needs(client, boss):
    login(client, "boss")
    page = client.get(f"/s/{boss.slug}/admin/plugins")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Example notes" in html
    assert "Notes about residents, to show how plugins work." in html
    assert "1.2.3" in html and "For estates and hotels" in html
    assert "Turn on" in html


def test_turning_a_plugin_on_with_htmx_swaps_its_row(client, boss):
    login(client, "boss")
    response = client.post(
        f"/s/{boss.slug}/admin/plugins/{NAME}",
        data={"enabled": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<article class="plugin plugin-on" id="plugin-example"')
    assert "Turn off" in html
    page = client.get(f"/s/{boss.slug}/admin/plugins").get_data(as_text=True)
    assert 'class="plugin plugin-on" id="plugin-example"' in page


def test_without_javascript_the_form_posts_and_comes_back_with_a_message(client, boss):
    login(client, "boss")
    response = client.post(f"/s/{boss.slug}/admin/plugins/{NAME}", data={"enabled": "1"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Example notes is on." in page
    client.post(f"/s/{boss.slug}/admin/plugins/{NAME}", data={"enabled": "0"})
    page = client.get(f"/s/{boss.slug}/admin/plugins").get_data(as_text=True)
    assert "Example notes is off." in page


def test_a_refusal_is_shown_in_the_plugins_row(client, make, make_app, app):
    from tests.core.test_plugin_host import plugin

    extra = make_app(
        {
            **app.config,
            "BUTLER_EXTRA_PLUGINS": ["tests.example_plugin", plugin("rooms", kinds=("hotel",))],
        }
    )
    org = make.org()
    estate = make.site(org=org, kind="residential")
    make.user(role=None, org_admin=True, org=org, username="boss")
    client = extra.test_client()
    login(client, "boss")
    page = client.get(f"/s/{estate.slug}/admin/plugins").get_data(as_text=True)
    assert "For hotels" in page
    response = client.post(
        f"/s/{estate.slug}/admin/plugins/rooms",
        data={"enabled": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "Rooms is made for hotels only." in response.get_data(as_text=True)


def test_managers_and_butlers_may_not_open_the_plugins_page(client, make):
    site = make.site()
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    assert client.get(f"/s/{site.slug}/admin/plugins").status_code == 403
    assert (
        client.post(f"/s/{site.slug}/admin/plugins/{NAME}", data={"enabled": "1"}).status_code
        == 403
    )
    assert "Plugins" not in client.get(f"/s/{site.slug}/").get_data(as_text=True)


def test_an_unknown_plugin_is_404(client, boss):
    login(client, "boss")
    assert (
        client.post(f"/s/{boss.slug}/admin/plugins/nope", data={"enabled": "1"}).status_code == 404
    )


def test_org_admin_of_another_company_gets_404(client, boss, make):
    make.user(role=None, org_admin=True, org=make.org(), username="rival")
    login(client, "rival")
    assert client.get(f"/s/{boss.slug}/admin/plugins").status_code == 404


def test_search_and_reports_pages(client, boss, make):
    login(client, "boss")
    make.resident(boss, name="Chan Tai Man", phone="98765432")
    page = client.get(f"/s/{boss.slug}/search?q=9876").get_data(as_text=True)
    assert "Chan Tai Man" in page
    assert "Nothing found" in client.get(f"/s/{boss.slug}/search?q=zzz").get_data(as_text=True)
    wildcard = client.get(f"/s/{boss.slug}/search?q=%25").get_data(as_text=True)
    assert "Chan Tai Man" not in wildcard  # a % is searched for, not a wildcard
    bad = client.get(f"/s/{boss.slug}/reports?period=2026-13")
    assert bad.status_code == 422
    assert "Choose a month as YYYY-MM" in bad.get_data(as_text=True)
