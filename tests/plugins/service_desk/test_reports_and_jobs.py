"""The month's figures, the open-items summary and its XLSX, and the breach warnings."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.extensions import db
from core.models import OutboxMessage, Resident, Site, User
from plugins.service_desk import rules
from plugins.service_desk.jobs import warn_of_breaches
from plugins.service_desk.models import ServiceDeskCategory, ServiceDeskRequest
from tests.conftest import login
from tests.plugins.service_desk.helpers import build_estate

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 09:00 in Hong Kong


@pytest.fixture
def estate(app, make):
    return build_estate(app, make)


def _requests(app, estate, n: int, at=T0) -> list[int]:
    with app.app_context():
        butler = db.session.get(User, estate.butler.id)
        ids = []
        for _ in range(n):
            item = rules.log(
                category=db.session.get(ServiceDeskCategory, estate.plumbing.id),
                resident=db.session.get(Resident, estate.resident.id),
                unit_id=estate.unit.id,
                building_id=estate.tower.id,
                channel="phone",
                description='=HYPERLINK("http://x")',
                user=butler,
                at=at,
            )
            ids.append(item.id)
        db.session.commit()
        return ids


def test_the_month_shows_counts_and_rates(app, client, estate, clock):
    first, second, _third = _requests(app, estate, 3)
    with app.app_context():
        butler = db.session.get(User, estate.butler.id)
        one = db.session.get(ServiceDeskRequest, first)
        rules.acknowledge(one, butler, "Coming", T0 + timedelta(minutes=10))
        rules.complete(one, butler, "", T0 + timedelta(hours=2))
        rules.call_back(one, butler, "call", "satisfied", "", T0 + timedelta(hours=3))
        two = db.session.get(ServiceDeskRequest, second)
        rules.acknowledge(two, butler, "Coming", T0 + timedelta(hours=1))  # late
        db.session.commit()
    clock.set(T0 + timedelta(days=5))
    assert login(client, estate.manager.username).status_code == 302
    reports = client.get(f"/s/{estate.site.slug}/reports?period=2026-11").text
    assert "Service requests of the month" in reports and "Open items summary" in reports
    page = client.get(f"{estate.base}/reports/monthly?period=2026-11").text
    rates = page.split('id="rates"')[1]
    # 3 received; 1 of 3 replied on time; 1 of 3 completed on time (two are late now);
    # the one done was called back, satisfied.
    for figure in ("3", "33.3 %", "100.0 %"):
        assert f'<p class="figure">{figure}</p>' in rates
    assert "Plumbing" in page
    assert client.get(f"{estate.base}/reports/monthly?period=2026-13").status_code == 422
    book = client.get(f"{estate.base}/reports/monthly.xlsx?period=2026-11")
    rows = list(load_workbook(io.BytesIO(book.data)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("requests received", 3)
    assert rows[-1] == ("Repair", "Plumbing", 3)


def test_the_open_items_summary_and_its_xlsx(app, client, estate, clock):
    ids = _requests(app, estate, 2)
    clock.set(T0 + timedelta(hours=1))
    assert login(client, estate.manager.username).status_code == 302
    page = client.get(f"{estate.base}/reports/open-items").text
    assert all(f"#{i}" in page for i in ids)
    response = client.get(f"{estate.base}/reports/open-items.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Number" and len(rows) == 3
    assert rows[1][6].startswith("'=")  # formula injection neutralised
    assert rows[1][1] == datetime(2026, 11, 2, 9, 0)  # on the site's clock
    assert rows[1][11] == "yes"  # reply was due 09:30


def test_a_butler_does_not_see_the_reports(client, estate):
    assert login(client, estate.butler.username).status_code == 302
    assert client.get(f"{estate.base}/reports/open-items").status_code == 403


def test_the_job_warns_the_responsible_butler_once(app, estate):
    [item_id] = _requests(app, estate, 1)
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        assert warn_of_breaches(site, T0 - timedelta(hours=1)) == 0  # not soon yet
        assert warn_of_breaches(site, T0 + timedelta(minutes=5)) == 1
        assert warn_of_breaches(site, T0 + timedelta(minutes=10)) == 0  # never twice
        db.session.commit()
        message = db.session.scalar(select(OutboxMessage))
        assert message.recipient == estate.butler.username
        assert f"#{item_id}" in message.body and "2026-11-02 09:30" in message.body
        assert warn_of_breaches(site, T0 + timedelta(hours=1)) == 0  # already late


def test_the_job_emails_the_assignee_before_the_completion_time(app, make, estate):
    [item_id] = _requests(app, estate, 1)
    plumber = make.user(role="front_desk", site=estate.site, email="fiona@example.com")
    with app.app_context():
        item = db.session.get(ServiceDeskRequest, item_id)
        butler = db.session.get(User, estate.butler.id)
        rules.acknowledge(item, butler, "Coming", T0 + timedelta(minutes=5))
        rules.assign(item, butler, "staff", T0, assignee=db.session.get(User, plumber.id))
        db.session.commit()
        site = db.session.get(Site, estate.site.id)
        # Promised by 09:00 two days later: four hours ahead, the assignee is told.
        assert warn_of_breaches(site, T0 + timedelta(hours=43)) == 0
        assert warn_of_breaches(site, T0 + timedelta(hours=45)) == 1
        db.session.commit()
        message = db.session.scalar(select(OutboxMessage))
        assert (message.channel, message.recipient) == ("email", "fiona@example.com")
        assert "must be done by 2026-11-04 09:00" in message.body


def test_the_month_draws_the_promises_kept_with_their_numbers_in_a_table(
    app, client, estate, clock
):
    first, _second = _requests(app, estate, 2)
    with app.app_context():
        butler = db.session.get(User, estate.butler.id)
        one = db.session.get(ServiceDeskRequest, first)
        rules.acknowledge(one, butler, "Coming", T0 + timedelta(minutes=10))
        db.session.commit()
    clock.set(T0 + timedelta(days=5))
    login(client, estate.manager.username)
    page = client.get(f"{estate.base}/reports/monthly?period=2026-11").text
    figure = page.split('<figure class="chart-figure"')[1].split("</figure>")[0]
    assert "<figcaption>Promises kept this month (%)</figcaption>" in figure
    assert '<svg class="chart chart-kind-bar"' in figure
    # The table under the chart holds the same share as the figure above it: 1 of 2.
    assert '<th scope="row">replied on time</th><td>50 %</td>' in figure
    assert '<th scope="row">called back</th><td>–</td>' in figure
    empty = client.get(f"{estate.base}/reports/monthly?period=2026-01")
    assert empty.status_code == 200 and "Promises kept this month (%)" in empty.text
