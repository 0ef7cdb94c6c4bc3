"""Choosing a site: the picker, and remembering the last choice."""

from __future__ import annotations

from tests.conftest import login


def test_user_with_several_sites_chooses_one_after_login(client, make):
    org = make.org()
    east = make.site(org=org, name="East Estate")
    west = make.site(org=org, name="West Estate")
    make.site(org=org, name="Not Mine")
    user = make.user(role="manager", site=east, username="mia")
    make.membership(user, west, "manager")
    response = login(client, "mia")
    assert response.headers["Location"] == "/sites"
    html = client.get("/sites").get_data(as_text=True)
    assert "East Estate" in html and "West Estate" in html
    assert "Not Mine" not in html


def test_the_last_site_chosen_is_where_the_next_login_lands(client, make):
    org = make.org()
    east, west = make.site(org=org), make.site(org=org)
    user = make.user(role="manager", site=east, username="mia")
    make.membership(user, west, "manager")
    login(client, "mia")
    chosen = client.post("/sites", data={"site_id": str(west.id)})
    assert chosen.status_code == 303
    assert chosen.headers["Location"] == f"/s/{west.slug}/"
    client.post("/logout")
    assert login(client, "mia").headers["Location"] == f"/s/{west.slug}/"
    assert "last used" in client.get("/sites").get_data(as_text=True)


def test_choosing_a_site_one_does_not_work_on_is_404(client, make):
    mine, theirs = make.site(), make.site()
    make.user(site=mine, username="ben")
    login(client, "ben")
    assert client.post("/sites", data={"site_id": str(theirs.id)}).status_code == 404
    assert client.post("/sites", data={"site_id": "nonsense"}).status_code == 404


def test_user_without_any_site_is_told_whom_to_ask(client, make):
    make.user(role=None, site=None, org_admin=False, org=make.org(), username="new")
    login(client, "new")
    html = client.get("/sites").get_data(as_text=True)
    assert "Ask your organisation admin" in html


def test_home_page_sends_visitors_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
