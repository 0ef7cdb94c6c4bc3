"""Findings closed only with a note (and a photo where the site asks), renovation permits
with their workers' passes, the unit's renovation history, and the plugin's borders."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core import clock as core_clock
from core.extensions import db
from core.models import Building, Site, User
from plugins.inspections import rules
from plugins.inspections.models import (
    InspectionsFinding,
    InspectionsPass,
    InspectionsPermit,
    InspectionsSetting,
)
from tests.plugins.inspections.conftest import png


def _finding(app, estate, note="Corridor lamp out on 12/F") -> int:
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        butler = db.session.get(User, estate.butler.id)
        round_ = rules.start_round(
            site, db.session.get(Building, estate.t1.id), butler, core_clock.now()
        )
        points = rules.checkpoints_of(site, estate.t1.id)
        item = rules.items_for(site, round_, [p.id for p in points])[0]
        _mark, finding = rules.mark(
            site,
            round_,
            butler,
            core_clock.now(),
            "finding",
            item=item,
            finding=rules.FindingInput(note=note),
        )
        db.session.commit()
        return finding.id


def _permit(app, estate, **fields) -> int:
    with app.app_context():
        permit = InspectionsPermit(
            site_id=estate.site.id,
            unit_id=estate.home.id,
            number=fields.pop("number", "RP-001"),
            starts_on=fields.pop("starts_on", estate.day - timedelta(days=5)),
            ends_on=fields.pop("ends_on", estate.day + timedelta(days=25)),
            contractor="Harbour Renovation Ltd",
            hours="09:00-18:00",
            deposit=500000,
        )
        db.session.add(permit)
        db.session.flush()
        for name, expires in fields.pop("passes", ()):
            db.session.add(
                InspectionsPass(
                    site_id=estate.site.id, permit_id=permit.id, name=name, expires_on=expires
                )
            )
        db.session.commit()
        return permit.id


def test_closing_without_a_note_is_refused_with_a_message(app, client, auth, estate):
    finding_id = _finding(app, estate)
    auth.login("ben")
    refused = client.post(f"{estate.url}/findings/{finding_id}/close", data={"note": "  "})
    assert refused.status_code == 422
    assert "Write how it was put right before closing." in refused.text
    with app.app_context():
        assert db.session.get(InspectionsFinding, finding_id).closed_at is None
    closed = client.post(
        f"{estate.url}/findings/{finding_id}/close", data={"note": "Lamp replaced by Bright"}
    )
    assert closed.status_code == 303
    page = client.get(f"{estate.url}/findings/{finding_id}").text
    assert "Closed" in page and "Lamp replaced by Bright" in page
    assert "Close the finding" not in page


def test_a_site_that_asks_for_a_photo_to_close(app, client, auth, estate):
    finding_id = _finding(app, estate)
    with app.app_context():
        rules.settings_of(db.session.get(Site, estate.site.id)).photo_to_close = True
        db.session.commit()
    auth.login("ben")
    refused = client.post(f"{estate.url}/findings/{finding_id}/close", data={"note": "Fixed"})
    assert refused.status_code == 422
    assert "This site asks for a photo to close a finding." in refused.text
    closed = client.post(
        f"{estate.url}/findings/{finding_id}/close",
        data={"note": "Fixed", "photo": png("after.png")},
        content_type="multipart/form-data",
    )
    assert closed.status_code == 303
    assert client.get(f"{estate.url}/findings/{finding_id}/close-photo").status_code == 200


def test_the_findings_list_shows_open_then_closed(app, client, auth, estate):
    first = _finding(app, estate, "Fire door propped open")
    _finding(app, estate, "Graffiti in the stairwell")
    with app.app_context():
        rules.close_finding(
            db.session.get(Site, estate.site.id),
            db.session.get(InspectionsFinding, first),
            db.session.get(User, estate.butler.id),
            core_clock.now(),
            "Door closed",
        )
        db.session.commit()
    auth.login("fay")
    open_page = client.get(f"{estate.url}/findings").text
    assert "Graffiti in the stairwell" in open_page and "Fire door propped open" not in open_page
    closed_page = client.get(f"{estate.url}/findings?status=closed").text
    assert "Fire door propped open" in closed_page


def test_the_day_page_lists_findings_due(app, client, auth, estate, clock):
    _finding(app, estate, "Handrail loose on 4/F")
    clock.advance(days=8)
    auth.login("ben")
    page = client.get(f"/s/{estate.site.slug}/today/").text
    assert "Handrail loose on 4/F" in page and "Finding to close" in page


def test_an_expired_pass_is_flagged(app, client, auth, estate):
    permit_id = _permit(
        app,
        estate,
        passes=[
            ("Lee Ka Ho", estate.day + timedelta(days=10)),
            ("Chan Wing", estate.day - timedelta(days=1)),
        ],
    )
    auth.login("ben")
    page = client.get(f"{estate.url}/permits/{permit_id}").text
    passes = page.split('id="passes"')[1].split("</ul>")[0]
    lee, chan = passes.split("Lee Ka Ho")[1], passes.split("Chan Wing")[1]
    assert "Expired" not in lee.split("</li>")[0]
    assert "Expired" in chan.split("</li>")[0]
    assert "1 pass expired" in client.get(f"{estate.url}/permits").text
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        round_ = rules.start_round(
            site,
            db.session.get(Building, estate.t1.id),
            db.session.get(User, estate.butler.id),
            core_clock.now(),
        )
        db.session.commit()
        round_id = round_.id
    round_page = client.get(f"{estate.url}/rounds/{round_id}").text
    units = round_page.split("Renovating units")[1]
    assert "T1-5B" in units and "RP-001" in units
    assert "Expired passes:" in units and "Chan Wing" in units and "Lee Ka Ho" not in units
    assert "Hot work only with a permit" in units and "passes valid" in units


def test_a_permit_recorded_with_its_pass_and_drawing(app, client, auth, estate):
    auth.login("ben")
    form = client.get(f"{estate.url}/permits/new")
    assert form.status_code == 200
    base = {
        "unit_id": estate.home.id,
        "number": "RP-2026-07",
        "starts_on": estate.day.isoformat(),
        "ends_on": (estate.day - timedelta(days=1)).isoformat(),
        "contractor": "Harbour Renovation Ltd",
        "deposit": "5,000",
    }
    refused = client.post(f"{estate.url}/permits/new", data=base)
    assert refused.status_code == 422 and "The permit cannot end before it starts." in refused.text
    bad_money = client.post(
        f"{estate.url}/permits/new",
        data=base | {"ends_on": estate.day.isoformat(), "deposit": "five"},
    )
    assert bad_money.status_code == 422 and "digits only" in bad_money.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InspectionsPermit)) == 0
    made = client.post(
        f"{estate.url}/permits/new",
        data=base | {"ends_on": (estate.day + timedelta(days=30)).isoformat()},
    )
    assert made.status_code == 303
    permit_url = made.headers["Location"]
    with app.app_context():
        permit = db.session.scalars(select(InspectionsPermit)).one()
        assert permit.deposit == 500000
    duplicate = client.post(
        f"{estate.url}/permits/new",
        data=base | {"ends_on": (estate.day + timedelta(days=30)).isoformat()},
    )
    assert duplicate.status_code == 422 and "exists already" in duplicate.text
    no_date = client.post(f"{permit_url}/passes", data={"name": "Lee Ka Ho"})
    assert no_date.status_code == 422 and "Write a date as YYYY-MM-DD." in no_date.text
    added = client.post(
        f"{permit_url}/passes",
        data={
            "name": "Lee Ka Ho",
            "expires_on": (estate.day + timedelta(days=30)).isoformat(),
            "photo": png("lee.png"),
        },
        content_type="multipart/form-data",
    )
    assert added.status_code == 303
    drawing = client.post(
        f"{permit_url}/drawings",
        data={"photo": png("kitchen.png")},
        content_type="multipart/form-data",
    )
    assert drawing.status_code == 303
    page = client.get(permit_url).text
    assert "Lee Ka Ho" in page and "kitchen.png" in page and "HK$5,000.00" in page


def test_the_unit_page_shows_its_renovation_history(app, client, auth, estate):
    _permit(
        app,
        estate,
        number="RP-OLD",
        starts_on=estate.day - timedelta(days=400),
        ends_on=estate.day - timedelta(days=370),
    )
    _permit(app, estate, number="RP-NOW")
    auth.login("ben")
    unit_page = client.get(f"/s/{estate.site.slug}/units/{estate.home.id}").text
    assert "Renovations" in unit_page
    panel = client.get(f"{estate.url}/units/{estate.home.id}/panel").text
    assert panel.index("RP-NOW") < panel.index("RP-OLD")
    assert panel.count("Renovating now") == 1
    empty = client.get(f"{estate.url}/units/{estate.vacant.id}/panel").text
    assert "No renovation permit for this unit." in empty


def test_another_sites_rows_are_not_found(app, client, auth, estate, make):
    finding_id = _finding(app, estate)
    permit_id = _permit(app, estate)
    other = make.estate(plugins=["inspections"], staff={"olga": "manager"})
    auth.login("olga")
    base = f"/s/{other.site.slug}/inspections"
    for path in (
        f"/findings/{finding_id}",
        f"/permits/{permit_id}",
        f"/units/{estate.home.id}/panel",
    ):
        assert client.get(base + path).status_code == 404
    assert client.post(f"{base}/findings/{finding_id}/close", data={"note": "x"}).status_code == 404
    # And the first site's pages are not the other site's manager's.
    assert client.get(f"{estate.url}/").status_code == 404


def test_off_for_the_site_it_answers_404_and_shows_no_widget(app, client, auth, estate):
    with app.app_context():
        switch = db.session.get(
            type(estate.switches["inspections"]), estate.switches["inspections"].id
        )
        switch.enabled = False
        db.session.commit()
    auth.login("ben")
    assert client.get(f"{estate.url}/").status_code == 404
    assert client.get(f"{estate.url}/findings").status_code == 404
    dashboard = client.get(f"/s/{estate.site.slug}/").text
    assert "open findings" not in dashboard
    assert "Round of T1" not in client.get(f"/s/{estate.site.slug}/today/").text


def test_the_dashboard_box_counts_today(app, client, auth, estate):
    _finding(app, estate)
    auth.login("ben")
    page = client.get(f"/s/{estate.site.slug}/").text
    assert "rounds walked today" in page and "open findings" in page


def test_settings_are_made_once_per_site(app, estate):
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        rules.settings_of(site)
        rules.settings_of(site)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(InspectionsSetting)) == 1
