"""Nobody sees a site they do not work on; site pages are scoped to their site."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from core import clock as core_clock
from core import tenancy
from core.models import Building
from tests.conftest import login


def test_butler_of_site_a_gets_404_on_site_b_dashboard(client, make):
    site_a, site_b = make.site(), make.site()
    make.user(site=site_a, username="ben")
    login(client, "ben")
    assert client.get(f"/s/{site_a.slug}/").status_code == 200
    page = client.get(f"/s/{site_b.slug}/")
    assert page.status_code == 404
    assert site_b.name not in page.get_data(as_text=True)


def test_unknown_site_and_missing_role_look_the_same(client, make):
    site_a, site_b = make.site(), make.site()
    make.user(site=site_a, username="ben")
    login(client, "ben")
    missing = client.get("/s/no-such-site/")
    foreign = client.get(f"/s/{site_b.slug}/")
    assert missing.status_code == foreign.status_code == 404


def test_org_admin_opens_every_site_of_their_company_but_no_other(client, make):
    org = make.org()
    ours_1, ours_2 = make.site(org=org), make.site(org=org)
    theirs = make.site()
    make.user(role=None, site=None, org_admin=True, username="boss", org=org)
    login(client, "boss")
    assert client.get(f"/s/{ours_1.slug}/").status_code == 200
    assert client.get(f"/s/{ours_2.slug}/").status_code == 200
    assert client.get(f"/s/{theirs.slug}/").status_code == 404


def test_archived_site_is_closed_to_everyone(client, make):
    site = make.site()
    make.user(site=site, username="ben")
    make.update(site, archived_at=core_clock.now())
    login(client, "ben")
    assert client.get(f"/s/{site.slug}/").status_code == 404


def test_get_or_404_does_not_reach_into_another_site(app, make):
    site_a, site_b = make.site(), make.site()
    ours, theirs = make.building(site_a), make.building(site_b)
    user = make.user(site=site_a)
    with app.test_request_context(f"/s/{site_a.slug}/"):
        from flask import g
        from flask_login import login_user

        login_user(user)
        g.site = site_a
        assert tenancy.get_or_404(Building, ours.id).id == ours.id
        with pytest.raises(NotFound):
            tenancy.get_or_404(Building, theirs.id)
        with pytest.raises(NotFound):
            tenancy.get_or_404(Building, "not-a-number")
        from core.extensions import db

        found = db.session.scalars(tenancy.select(Building)).all()
        assert [b.id for b in found] == [ours.id]


def test_an_id_too_large_for_the_database_is_404(client, make):
    site = make.site()
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    assert client.get(f"/s/{site.slug}/residents/99999999999999999999").status_code == 404
    assert client.get(f"/s/{site.slug}/units/99999999999999999999").status_code == 404


def test_an_id_too_large_for_the_column_is_not_found_on_any_database(client, make):
    # PostgreSQL's integer columns end at 2**31 - 1; comparing one with a larger number is
    # an error there, not an empty result. The page answers 404, as for any unknown id.
    site = make.site(slug="tall")
    make.user(role="manager", site=site, username="mia")
    login(client, "mia")
    for ident in (2**31, 2**40, 2**63 - 1):
        assert client.get(f"/s/tall/residents/{ident}").status_code == 404
        assert client.get(f"/s/tall/buildings/{ident}").status_code == 404


def test_a_job_outside_a_request_lists_one_sites_rows_by_naming_the_site(app, make):
    from core.extensions import db

    harbour, hills = make.site(slug="harbour"), make.site(slug="hills")
    make.building(harbour, code="T1")
    make.building(hills, code="H1")
    with app.app_context():
        by_object = db.session.scalars(tenancy.select(Building, site=harbour)).all()
        by_id = db.session.scalars(tenancy.select(Building, Building.code, site=hills.id)).all()
        with pytest.raises(RuntimeError, match="no current site"):
            tenancy.select(Building)
    assert [b.code for b in by_object] == ["T1"]
    assert by_id == ["H1"]
