"""The lists cost the same number of SQL statements whatever their size (no N+1)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from core.extensions import db
from core.models import Resident, User
from plugins.service_desk import rules
from plugins.service_desk.models import ServiceDeskCategory, ServiceDeskRequest
from tests.conftest import login
from tests.plugins.service_desk.helpers import build_estate

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


@contextmanager
def counted_statements(app):
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


def _add_requests(app, estate, n: int, make) -> None:
    with app.app_context():
        butler = db.session.get(User, estate.butler.id)
        category = db.session.get(ServiceDeskCategory, estate.plumbing.id)
        for i in range(n):
            resident = Resident(site_id=estate.site.id, name=f"Resident {i}")
            db.session.add(resident)
            db.session.flush()
            item = rules.log(
                category=category,
                resident=resident,
                unit_id=estate.unit.id,
                building_id=estate.tower.id,
                channel="phone",
                description="Leak",
                user=butler,
                at=T0 + timedelta(minutes=i),
            )
            if i % 2:
                rules.acknowledge(item, butler, "Coming", T0)
                rules.assign(item, butler, "staff", T0, assignee=butler)
        db.session.commit()


@pytest.mark.parametrize(
    "url",
    ["/?view=mine", "/?view=open", "/?view=overdue", "/?view=all", "/reports/open-items"],
)
def test_a_list_costs_the_same_statements_for_10_and_100_requests(app, client, make, url, clock):
    estate = build_estate(app, make)
    clock.set(T0 + timedelta(days=3))
    who = estate.manager if url.startswith("/reports") else estate.butler
    assert login(client, who.username).status_code == 302
    counts = []
    for n in (10, 90):
        _add_requests(app, estate, n, make)
        client.get(estate.base + url)  # a site's first page reads the site and its plugins
        with counted_statements(app) as statements:
            response = client.get(estate.base + url)
            assert response.status_code == 200
        counts.append(len(statements))
    with app.app_context():
        assert db.session.query(ServiceDeskRequest).count() == 100
    assert counts[0] == counts[1], counts
