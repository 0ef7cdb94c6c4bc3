"""The site dashboard: counts, and a butler's own buildings."""

from __future__ import annotations

from datetime import date

from core import clock as core_clock
from tests.conftest import login


def test_dashboard_counts_buildings_units_and_current_residents(client, make):
    site = make.site(name="Harbour View")
    block = make.building(site, code="T1", name="Tower 1")
    flat_a, flat_b = make.unit(block), make.unit(block)
    make.resident(site, flat_a)
    make.resident(site, flat_b)
    gone = make.resident(site, flat_b)

    make.update(gone, archived_at=core_clock.now())
    make.building(make.site(), code="ELSEWHERE")  # another site's building is not counted
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    html = client.get(f"/s/{site.slug}/").get_data(as_text=True)
    assert '<p class="figure">1</p><p>building</p>' in html
    assert '<p class="figure">2</p><p>units</p>' in html
    assert '<p class="figure">2</p><p>residents</p>' in html


def test_butler_sees_their_own_buildings_only(client, make):
    site = make.site()
    mine = make.building(site, code="T1", name="Tower 1")
    theirs = make.building(site, code="T2", name="Tower 2")
    ended = make.building(site, code="T3", name="Tower 3")
    ben = make.user(role="butler", site=site, username="ben")
    amy = make.user(role="butler", site=site, username="amy")
    make.assignment(ben, mine)
    make.assignment(amy, theirs)
    make.assignment(ben, ended, ends_on=date(2024, 6, 30))
    make.resident(site, make.unit(mine))
    login(client, "ben")
    html = client.get(f"/s/{site.slug}/").get_data(as_text=True)
    assert "My buildings" in html
    assert "Tower 1" in html
    assert "Tower 2" not in html and "Tower 3" not in html


def test_hotel_dashboard_counts_rooms(client, make):
    hotel = make.site(kind="hotel", name="Grand Harbour Hotel")
    wing = make.building(hotel, code="E", name="East Wing")
    make.unit(wing, number="E0101")
    make.user(role="exec_housekeeper", site=hotel, username="kev")
    login(client, "kev")
    html = client.get(f"/s/{hotel.slug}/").get_data(as_text=True)
    assert '<p class="figure">1</p><p>room</p>' in html
    assert "residents</p>" not in html


def test_dashboard_shows_the_site_navigation(client, make):
    site = make.site()
    make.user(site=site, username="ben")
    login(client, "ben")
    html = client.get(f"/s/{site.slug}/").get_data(as_text=True)
    assert f'href="/s/{site.slug}/" aria-current="page"' in html


def test_archived_buildings_and_their_units_are_not_counted(client, make):

    site = make.site()
    old = make.building(site, code="OLD", name="Demolished Block")
    make.unit(old)
    make.unit(old)
    make.update(old, archived_at=core_clock.now())
    ben = make.user(site=site, username="ben")
    make.assignment(ben, old)
    login(client, "ben")
    html = client.get(f"/s/{site.slug}/").get_data(as_text=True)
    assert '<p class="figure">0</p><p>buildings</p>' in html
    assert '<p class="figure">0</p><p>units</p>' in html
    assert "Demolished Block" not in html
