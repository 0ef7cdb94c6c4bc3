"""The butler's resident pages: finding, reading, editing, moving in and out."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select

from core.extensions import db
from core.models import AuditLog, Contact, Occupancy, Resident, Unit
from tests.conftest import login

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def estate(make):
    """A site with two towers; Ben is the butler of Tower 1, Mia the manager."""
    built = make.estate(
        name="Harbour View",
        towers=[{"code": f"T{n}", "name": f"Tower {n}", "floors": 30} for n in (1, 2)],
        staff={"ben": {"role": "butler", "towers": [0]}, "mia": "manager"},
    )
    return built.site, *built.towers


def residents_url(site, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/s/{site.slug}/residents/" + (f"?{query}" if query else "")


# --- The list -------------------------------------------------------------------------


def test_butler_sees_my_buildings_by_default(client, make, estate):
    site, t1, t2 = estate
    make.resident(site, make.unit(t1, number="3A"), name="Chan Tai Man")
    make.resident(site, make.unit(t2, number="5B"), name="Wong Siu Ming")
    login(client, "ben")
    html = client.get(residents_url(site)).get_data(as_text=True)
    assert "Chan Tai Man" in html and "Wong Siu Ming" not in html
    assert "in my buildings" in html
    everyone = client.get(residents_url(site, mine=0)).get_data(as_text=True)
    assert "Chan Tai Man" in everyone and "Wong Siu Ming" in everyone


def test_manager_without_buildings_sees_everyone(client, make, estate):
    site, t1, t2 = estate
    make.resident(site, make.unit(t1), name="Chan Tai Man")
    make.resident(site, make.unit(t2), name="Wong Siu Ming")
    login(client, "mia")
    html = client.get(residents_url(site)).get_data(as_text=True)
    assert "Chan Tai Man" in html and "Wong Siu Ming" in html


@pytest.mark.parametrize("query", ["chan", "9123", "R-007", "12C", "T1-12"])
def test_search_finds_by_name_phone_number_or_unit(client, make, estate, query):
    site, t1, _ = estate
    make.resident(
        site, make.unit(t1, number="12C"), name="Chan Tai Man", phone="91234567", ref="R-007"
    )
    make.resident(site, make.unit(t1, number="3A"), name="Lee Ka Yan", phone="61111111")
    login(client, "mia")
    html = client.get(residents_url(site, q=query)).get_data(as_text=True)
    assert "Chan Tai Man" in html and "Lee Ka Yan" not in html


def test_search_as_you_type_swaps_only_the_results(client, make, estate):
    site, t1, _ = estate
    make.resident(site, make.unit(t1), name="Chan Tai Man")
    login(client, "mia")
    response = client.get(
        residents_url(site, q="Chan"),
        headers={"HX-Request": "true", "HX-Target": "resident-results"},
    )
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="resident-results"')
    assert "<html" not in html and "Chan Tai Man" in html
    assert "HX-Request" in response.headers["Vary"]
    full = client.get(residents_url(site, q="Chan")).get_data(as_text=True)
    assert "<html" in full and 'id="resident-results"' in full


def test_filters_by_building_role_and_moved_out(client, make, estate):
    site, t1, t2 = estate
    make.resident(site, make.unit(t1), name="Owner One", role="owner")
    make.resident(site, make.unit(t2), name="Tenant Two", role="tenant")
    gone = make.resident(site, name="Left Long Ago")
    login(client, "mia")
    by_building = client.get(residents_url(site, building=t2.id)).get_data(as_text=True)
    assert "Tenant Two" in by_building and "Owner One" not in by_building
    by_role = client.get(residents_url(site, role="owner")).get_data(as_text=True)
    assert "Owner One" in by_role and "Tenant Two" not in by_role
    moved_out = client.get(residents_url(site, status="moved_out")).get_data(as_text=True)
    assert gone.name in moved_out and "Owner One" not in moved_out


def test_the_filters_in_force_show_as_chips_that_take_them_away(client, make, estate):
    site, t1, t2 = estate
    make.resident(site, make.unit(t2), name="Tenant Two", role="tenant")
    login(client, "mia")
    page = client.get(residents_url(site, building=t2.id, role="tenant")).get_data(as_text=True)
    chips = page[
        page.index('class="filter-chips"') : page.index("</ul>", page.index("filter-chips"))
    ]
    assert "T2 · Tower 2" in chips and "Tenant" in chips
    # Each chip links to the list without its own filter, keeping the others.
    assert f'href="/s/{site.slug}/residents/?mine=0&amp;role=tenant"' in chips
    assert f'href="/s/{site.slug}/residents/?building={t2.id}&amp;mine=0"' in chips
    assert 'Filter <span class="filter-count">(2)</span>' in page
    assert 'class="filter-chips"' not in client.get(residents_url(site)).get_data(as_text=True)


def test_sorting_is_limited_to_allowed_columns(client, make, estate):
    site, t1, _ = estate
    make.resident(site, make.unit(t1, number="1A"), name="Zed", ref="A1")
    make.resident(site, make.unit(t1, number="9A"), name="Abe", ref="Z9")
    login(client, "mia")
    by_name = client.get(residents_url(site)).get_data(as_text=True)
    assert by_name.index("Abe") < by_name.index("Zed")
    by_ref_desc = client.get(residents_url(site, sort="-ref")).get_data(as_text=True)
    assert by_ref_desc.index("Abe") < by_ref_desc.index("Zed")
    sneaky = client.get(residents_url(site, sort="password_hash"))
    assert sneaky.status_code == 200
    html = sneaky.get_data(as_text=True)
    assert html.index("Abe") < html.index("Zed")


def test_pages_hold_at_most_100_rows(client, make, estate, app):
    site, t1, _ = estate
    unit = make.unit(t1)
    with app.app_context():
        for n in range(120):
            resident = Resident(site_id=site.id, name=f"Resident {n:03d}")
            db.session.add(resident)
            db.session.flush()
            db.session.add(
                Occupancy(
                    site_id=site.id,
                    resident_id=resident.id,
                    unit_id=unit.id,
                    role="family",
                    moved_in=date(2020, 1, 1),
                )
            )
        db.session.commit()
    login(client, "mia")
    html = client.get(residents_url(site, per_page=1000)).get_data(as_text=True)
    assert html.count("/residents/") - html.count('href="/s/') < 200
    assert html.count("<tr>") == 101  # header and 100 rows
    assert "Page 1 of 2" in html
    second = client.get(residents_url(site, per_page=100, page=2)).get_data(as_text=True)
    assert second.count("<tr>") == 21


@contextmanager
def counted_statements(app):
    """Count the SQL statements sent while the block runs (BEGIN excluded)."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_list_costs_the_same_queries_whatever_the_page_or_size(app, client, make, estate):
    site, t1, t2 = estate
    with app.app_context():
        units = [
            Unit(site_id=site.id, building_id=t1.id, floor=1 + n % 20, number=f"U{n}")
            for n in range(60)
        ]
        db.session.add_all(units)
        db.session.flush()
        for n in range(600):
            resident = Resident(site_id=site.id, name=f"Resident {n:04d}", phone=f"9{n:07d}")
            db.session.add(resident)
            db.session.flush()
            db.session.add(
                Occupancy(
                    site_id=site.id,
                    resident_id=resident.id,
                    unit_id=units[n % 60].id,
                    role="owner",
                    moved_in=date(2020, 1, 1),
                )
            )
        db.session.commit()
    login(client, "ben")
    # The first page a worker shows of a site reads the site and its plugins (then kept
    # in memory until they change): the count is of the pages after it.
    assert client.get(residents_url(site)).status_code == 200
    counts = {}
    for label, args in {
        "page 1, 10 rows": {"per_page": 10},
        "page 40, 10 rows": {"per_page": 10, "page": 40},
        "page 1, 100 rows": {"per_page": 100},
        "search": {"q": "Resident 01"},
    }.items():
        with counted_statements(app) as statements:
            assert client.get(residents_url(site, **args)).status_code == 200
        counts[label] = len(statements)
        print(statements)
    assert len(set(counts.values())) == 1, counts
    assert max(counts.values()) <= 5, counts


# --- The resident's page ----------------------------------------------------------------


def test_resident_page_shows_the_home_visit_form_and_household(client, make, estate):
    site, t1, _ = estate
    flat = make.unit(t1, number="12C")
    chan = make.resident(
        site,
        flat,
        name="Chan Tai Man",
        hobbies="Tai chi, hiking",
        employer="Hospital Authority",
        elderly_at_home="Mother, 88",
    )
    make.resident(site, flat, name="Chan Siu Wai", role="family")
    login(client, "ben")
    html = client.get(f"/s/{site.slug}/residents/{chan.id}").get_data(as_text=True)
    for text in (
        "Tai chi, hiking",
        "Hospital Authority",
        "Mother, 88",
        "Chan Siu Wai",
        "Family member",
        "Home-visit form",
        "T1-12C",
    ):
        assert text in html, text


def test_editing_a_section_in_place(client, make, estate, app):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name="Chan Tai Man")
    login(client, "ben")
    url = f"/s/{site.slug}/residents/{chan.id}/home_visit/edit"
    form = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert form.lstrip().startswith('<section class="resident-section" id="home_visit"')
    assert 'name="version_id" type="hidden" value="1"' in form
    response = client.post(
        url,
        headers={"HX-Request": "true"},
        data={
            "version_id": "1",
            "hobbies": "Calligraphy",
            "children_at_school": "Son at St Paul's, Form 3",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Calligraphy" in html and "Son at St Paul&#39;s, Form 3" in html and "<form" not in html
    with app.app_context():
        saved = db.session.get(Resident, chan.id)
        assert saved.hobbies == "Calligraphy" and saved.version_id == 2
    page = client.get(f"/s/{site.slug}/residents/{chan.id}").get_data(as_text=True)
    assert "Who changed what" in page and "Calligraphy" in page


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(client, make, estate, app):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name="Chan Tai Man", phone="91234567")
    login(client, "ben")
    url = f"/s/{site.slug}/residents/{chan.id}/contact/edit"
    response = client.post(
        url,
        headers={"HX-Request": "true"},
        data={
            "version_id": "1",
            "name": "",
            "phone": "call me",
            "email": "not-an-address",
            "preferred_locale": "en",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter the resident's name." in html.replace("&#39;", "'")
    assert "Write a phone number with digits" in html
    assert "This is not an e-mail address." in html
    assert 'value="call me"' in html  # what they typed is kept
    with app.app_context():
        assert db.session.get(Resident, chan.id).phone == "91234567"


def test_a_stale_edit_gets_409_with_both_versions_and_loses_nothing(client, make, estate, app):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name="Chan Tai Man", hobbies="Hiking")
    login(client, "ben")
    make.update(chan, hobbies="Swimming")  # Mia saved first: version 2
    url = f"/s/{site.slug}/residents/{chan.id}/home_visit/edit"
    response = client.post(
        url, headers={"HX-Request": "true"}, data={"version_id": "1", "hobbies": "Photography"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this while you were editing." in html
    assert "Swimming" in html and 'value="Photography"' in html
    assert 'name="version_id" type="hidden" value="2"' in html
    with app.app_context():
        assert db.session.get(Resident, chan.id).hobbies == "Swimming"
    again = client.post(
        url, headers={"HX-Request": "true"}, data={"version_id": "2", "hobbies": "Photography"}
    )
    assert again.status_code == 200
    without_js = client.post(url, data={"version_id": "2", "hobbies": "Chess"})
    assert without_js.status_code == 409  # version 3 now: the no-JS form is stale too
    assert "Someone else changed this" in without_js.get_data(as_text=True)


def test_a_resident_number_is_unique_on_the_site(client, make, estate):
    site, t1, _ = estate
    make.resident(site, name="First", ref="R-1")
    second = make.resident(site, name="Second", ref="R-2")
    login(client, "mia")
    response = client.post(
        f"/s/{site.slug}/residents/{second.id}/contact/edit",
        data={"version_id": "1", "name": "Second", "ref": "R-1", "preferred_locale": ""},
    )
    assert response.status_code == 422
    assert "Another resident has this number." in response.get_data(as_text=True)


def test_adding_a_resident_with_their_unit(client, make, estate, app):
    site, t1, _ = estate
    make.unit(t1, number="8D", status="vacant")
    login(client, "ben")
    response = client.post(
        f"/s/{site.slug}/residents/new",
        data={
            "name": "Ho Ka Ming",
            "phone": "+852 6123 4567",
            "preferred_locale": "zh_Hant",
            "building_id": str(t1.id),
            "unit_number": "8d",
            "role": "tenant",
            "moved_in": "2026-11-01",
            "site_id": "999",
            "version_id": "77",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        ho = db.session.scalars(select(Resident).where(Resident.name == "Ho Ka Ming")).one()
        assert ho.site_id == site.id and ho.version_id == 1
        occupancy = db.session.scalars(
            select(Occupancy).where(Occupancy.resident_id == ho.id)
        ).one()
        assert occupancy.role == "tenant" and occupancy.unit.status == "let"
    bad = client.post(
        f"/s/{site.slug}/residents/new",
        data={
            "name": "Nobody",
            "building_id": str(t1.id),
            "unit_number": "99Z",
            "role": "owner",
            "preferred_locale": "",
        },
    )
    assert bad.status_code == 422
    assert "There is no such unit in this building." in bad.get_data(as_text=True)


def test_contacts_are_written_to_the_timeline(client, make, estate):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name="Chan Tai Man")
    login(client, "ben")
    response = client.post(
        f"/s/{site.slug}/residents/{chan.id}/contacts",
        data={"kind": "call", "summary": "Asked about the lift repair"},
    )
    assert response.status_code == 303
    html = client.get(f"/s/{site.slug}/residents/{chan.id}").get_data(as_text=True)
    assert "Asked about the lift repair" in html and "Staff Member" in html
    empty = client.post(
        f"/s/{site.slug}/residents/{chan.id}/contacts", data={"kind": "call", "summary": " "}
    )
    assert empty.status_code == 422
    assert "Write what was said or done." in empty.get_data(as_text=True)


def test_moving_out_keeps_the_history_and_frees_the_unit(client, make, estate, app):
    site, t1, t2 = estate
    flat = make.unit(t1, number="3A", status="occupied")
    chan = make.resident(site, flat, name="Chan Tai Man")
    with app.app_context():
        occupancy = db.session.scalars(select(Occupancy)).one()
    login(client, "ben")
    early = client.post(
        f"/s/{site.slug}/residents/{chan.id}/occupancies/{occupancy.id}/end",
        data={"moved_out": "2019-01-01"},
    )
    assert early.status_code == 422
    assert "Moving out cannot come before moving in." in early.get_data(as_text=True)
    done = client.post(
        f"/s/{site.slug}/residents/{chan.id}/occupancies/{occupancy.id}/end",
        data={"moved_out": "2026-10-31"},
    )
    assert done.status_code == 303
    with app.app_context():
        ended = db.session.get(Occupancy, occupancy.id)
        assert ended.moved_out == date(2026, 10, 31) and ended.unit.status == "vacant"
    html = client.get(f"/s/{site.slug}/residents/{chan.id}").get_data(as_text=True)
    assert "T1-3A" in html  # still in the history
    make.unit(t2, number="7F")
    moved = client.post(
        f"/s/{site.slug}/residents/{chan.id}/occupancies",
        data={
            "building_id": str(t2.id),
            "unit_number": "7F",
            "role": "owner",
            "moved_in": "2026-11-01",
        },
    )
    assert moved.status_code == 303
    listed = client.get(residents_url(site, mine=0)).get_data(as_text=True)
    assert "T2-7F" in listed


def test_archiving_hides_and_restoring_brings_back(client, make, estate):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name="Chan Tai Man")
    login(client, "mia")
    client.post(f"/s/{site.slug}/residents/{chan.id}/archive")
    listed = client.get(residents_url(site)).get_data(as_text=True)
    assert "No resident matches." in listed
    assert "Chan Tai Man" in client.get(residents_url(site, status="archived")).get_data(
        as_text=True
    )
    client.post(f"/s/{site.slug}/residents/{chan.id}/restore")
    assert "Chan Tai Man" in client.get(residents_url(site)).get_data(as_text=True)


def test_every_change_is_audited(client, make, estate, app):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name="Chan Tai Man")
    login(client, "ben")
    client.post(
        f"/s/{site.slug}/residents/{chan.id}/home_visit/edit",
        data={"version_id": "1", "hobbies": "Go"},
    )
    client.post(
        f"/s/{site.slug}/residents/{chan.id}/contacts",
        data={"kind": "visit", "summary": "Home visit"},
    )
    client.post(f"/s/{site.slug}/residents/{chan.id}/archive")
    with app.app_context():
        actions = db.session.scalars(
            select(AuditLog.action).where(AuditLog.object_type == "Resident").order_by(AuditLog.id)
        ).all()
    assert actions == ["resident.updated", "resident.contact_added", "resident.archived"]


# --- Who may see and do what -------------------------------------------------------------


def test_butler_of_another_site_gets_404_everywhere(client, make, estate, app):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name="Chan Tai Man")
    with app.app_context():
        occupancy_id = db.session.scalars(select(Occupancy.id)).one()
    other = make.site()
    make.user(role="butler", site=other, username="olga")
    login(client, "olga")
    base = f"/s/{site.slug}/residents"
    for method, url in [
        ("GET", f"{base}/"),
        ("GET", f"{base}/{chan.id}"),
        ("GET", f"{base}/new"),
        ("GET", f"{base}/{chan.id}/home_visit/edit"),
        ("POST", f"{base}/{chan.id}/home_visit/edit"),
        ("POST", f"{base}/{chan.id}/contacts"),
        ("POST", f"{base}/{chan.id}/occupancies/{occupancy_id}/end"),
        ("POST", f"{base}/{chan.id}/archive"),
    ]:
        assert client.open(url, method=method).status_code == 404, url
    # Their own site with the other site's ids: still 404.
    theirs = f"/s/{other.slug}/residents/{chan.id}"
    assert client.get(theirs).status_code == 404
    assert (
        client.post(
            f"{theirs}/occupancies/{occupancy_id}/end", data={"moved_out": "2026-01-01"}
        ).status_code
        == 404
    )


def test_roles_without_resident_access_get_403(client, make, estate):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name="Chan Tai Man")
    make.user(role="room_attendant", site=site, username="ann")
    login(client, "ann")
    assert client.get(f"/s/{site.slug}/residents/").status_code == 403
    assert client.get(f"/s/{site.slug}/residents/{chan.id}").status_code == 403


def test_health_staff_may_read_but_not_edit(client, make, estate):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name="Chan Tai Man")
    make.user(role="health_staff", site=site, username="hel")
    login(client, "hel")
    page = client.get(f"/s/{site.slug}/residents/{chan.id}")
    assert page.status_code == 200 and "Edit" not in page.get_data(as_text=True)
    assert (
        client.post(
            f"/s/{site.slug}/residents/{chan.id}/home_visit/edit",
            data={"version_id": "1", "hobbies": "x"},
        ).status_code
        == 403
    )


def test_a_name_with_markup_is_shown_as_text(client, make, estate):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name=XSS)
    login(client, "ben")
    for url, headers in [
        (residents_url(site), {}),
        (residents_url(site, q="img"), {"HX-Request": "true", "HX-Target": "resident-results"}),
        (f"/s/{site.slug}/residents/{chan.id}", {}),
        (f"/s/{site.slug}/search?q=img", {}),
    ]:
        html = client.get(url, headers=headers).get_data(as_text=True)
        assert XSS not in html, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, url


def test_contacts_record_who_wrote_them(app, client, make, estate):
    site, t1, _ = estate
    chan = make.resident(site, make.unit(t1), name="Chan Tai Man")
    login(client, "ben")
    client.post(
        f"/s/{site.slug}/residents/{chan.id}/contacts",
        data={"kind": "note", "summary": "Prefers WhatsApp", "staff_id": "1"},
    )
    with app.app_context():
        contact = db.session.scalars(select(Contact)).one()
        ben_id = db.session.scalar(
            select(__import__("core.models", fromlist=["User"]).User.id).where(
                __import__("core.models", fromlist=["User"]).User.username == "ben"
            )
        )
        assert contact.staff_id == ben_id and contact.site_id == site.id
