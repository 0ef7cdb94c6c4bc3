"""The plugin as a whole: hotels only, off means gone, nothing of another hotel leaks."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.models import PluginEnablement
from tests.conftest import login
from tests.core.test_residents import counted_statements


def test_the_plugin_cannot_be_turned_on_for_a_residential_estate(app, client, make):
    estate = make.site(kind="residential", slug="harbour-view")
    admin = make.user(role="manager", site=estate, username="ada")
    make.update(admin, is_org_admin=True)
    login(client, "ada")
    response = client.post(
        f"/s/{estate.slug}/admin/plugins/housekeeping", data={"enabled": "1"}, follow_redirects=True
    )
    assert "Housekeeping is made for hotels only." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(PluginEnablement)) is None
    assert client.get(f"/s/{estate.slug}/housekeeping/").status_code == 404


def test_an_org_admin_turns_it_on_for_a_hotel(app, client, make):
    hotel = make.site(kind="hotel", slug="grand")
    admin = make.user(role="manager", site=hotel, username="ada")
    make.update(admin, is_org_admin=True)
    login(client, "ada")
    assert client.get("/s/grand/housekeeping/").status_code == 404
    client.post("/s/grand/admin/plugins/housekeeping", data={"enabled": "1"})
    assert client.get("/s/grand/housekeeping/").status_code == 200


def test_when_off_its_pages_widget_nav_and_panel_are_gone(app, client, make, hotel):
    login(client, "eva")
    dashboard = client.get(f"/s/{hotel.site.slug}/").get_data(as_text=True)
    assert "Room board" in dashboard and "widget-housekeeping-rooms" in dashboard
    with app.app_context():
        row = db.session.scalar(select(PluginEnablement))
        row.enabled = False
        db.session.commit()
    for path in ("", "keys", "my-rooms", "assignments", f"rooms/{hotel.room('1101')}"):
        assert client.get(hotel.url(path)).status_code == 404, path
    assert client.post(hotel.url(f"rooms/{hotel.room('1101')}/status")).status_code == 404
    dashboard = client.get(f"/s/{hotel.site.slug}/").get_data(as_text=True)
    assert "Room board" not in dashboard and "widget-housekeeping-rooms" not in dashboard
    unit = client.get(f"/s/{hotel.site.slug}/units/{hotel.room('1101')}").get_data(as_text=True)
    assert "/housekeeping/" not in unit


def test_another_hotels_rooms_and_keys_are_404(app, client, make, hotel):
    other = make.site(kind="hotel", slug="rival")
    make.enable(other, "housekeeping")
    tower = make.building(other, code="R1")
    theirs = make.unit(tower, number="901", floor=9)
    make.user(role="exec_housekeeper", site=other, username="rex")
    login(client, "eva")
    assert client.get(hotel.url(f"rooms/{theirs.id}")).status_code == 404
    assert (
        client.post(
            hotel.url(f"rooms/{theirs.id}/status"), data={"status": "vacant_dirty"}
        ).status_code
        == 404
    )
    # Eva does not work at the rival hotel: its whole site is 404.
    assert client.get("/s/rival/housekeeping/").status_code == 404


def test_the_board_costs_the_same_queries_for_ten_or_a_hundred_rooms(app, client, make, hotel):
    login(client, "sam")
    counts = []
    for total in (10, 100):
        tower = make.building(hotel.site, code=f"W{total}", floors=40)
        with app.app_context():
            from core.models import Unit

            db.session.add_all(
                Unit(
                    site_id=hotel.site.id,
                    building_id=tower.id,
                    floor=1 + n // 10,
                    number=f"{total}-{n}",
                )
                for n in range(total)
            )
            db.session.commit()
        client.get(hotel.url())  # a site's first page reads the site and its plugins
        with counted_statements(app) as statements:
            assert client.get(hotel.url()).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_demo_data_loads_twice_without_doubling(app, make):
    from sqlalchemy import func

    from core.models import Site
    from plugins.housekeeping.demo import load
    from plugins.housekeeping.models import HousekeepingAssignment, HousekeepingKey

    site = make.site(kind="hotel", slug="demo-hotel")
    tower = make.building(site, code="T1")
    for n in range(12):
        make.unit(tower, floor=1 + n // 6, number=f"{1 + n // 6}{n % 6:02d}", room_type="King")
    counts = []
    for _ in range(2):
        with app.app_context():
            load(db.session.get(Site, site.id))
            db.session.commit()
            counts.append(
                (
                    db.session.scalar(select(func.count(HousekeepingAssignment.id))),
                    db.session.scalar(select(func.count(HousekeepingKey.id))),
                )
            )
    assert counts[0] == counts[1] == (12, 4)
