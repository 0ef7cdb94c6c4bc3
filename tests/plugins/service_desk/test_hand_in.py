"""The butler's service requests in the hand-in pack: counted with the month's rules,
for the requests they answer for (assigned to them, or from their buildings)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db
from core.models import Resident, User
from plugins.service_desk import rules
from plugins.service_desk.models import ServiceDeskCategory, ServiceDeskRequest
from plugins.service_desk.reports import butler_sheet, month_figures
from tests.plugins.service_desk.helpers import build_estate
from tests.plugins.service_desk.test_reports_and_jobs import T0, _requests


@pytest.fixture
def estate(app, make):
    return build_estate(app, make)


def test_the_butlers_sheet_counts_with_the_months_rules(app, estate, clock):
    first, second, third = _requests(app, estate, 3)
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
    with app.app_context():
        sheet = butler_sheet(estate.site, "2026-11", db.session.get(User, estate.butler.id))
        site = month_figures(estate.site, "2026-11", T0 + timedelta(days=5))
    rows = dict(zip(sheet.keys, sheet.rows, strict=True))
    assert list(rows) == ["inquiry", "repair", "complaint", "errand", "feedback", "total"]
    assert rows["repair"][:2] == ("Repair", 3)
    assert rows["inquiry"][1:] == (0, None, None, None, None)
    # The butler answers for every request of the site: the site's rates are theirs.
    assert rows["total"][1:] == (
        site.total,
        site.reply_on_time,
        site.completion_on_time,
        site.callback_rate,
        site.satisfaction_rate,
    )


def test_another_butlers_building_is_not_counted_unless_assigned(app, make, estate, clock):
    other = make.building(estate.site, code="T9")
    flat = make.unit(other, number="9A")
    resident = make.resident(estate.site, flat, name="Wong Siu Ming")
    with app.app_context():
        butler = db.session.get(User, estate.butler.id)
        category = db.session.get(ServiceDeskCategory, estate.plumbing.id)
        for n in range(2):
            item = rules.log(
                category=category,
                resident=db.session.get(Resident, resident.id),
                unit_id=flat.id,
                building_id=other.id,
                channel="phone",
                description="Leak",
                user=butler,
                at=T0,
            )
            if n == 0:
                rules.acknowledge(item, butler, "Coming", T0 + timedelta(minutes=5))
                rules.assign(item, butler, "staff", T0 + timedelta(minutes=6), assignee=butler)
        db.session.commit()
    clock.set(T0 + timedelta(days=1))
    with app.app_context():
        sheet = butler_sheet(estate.site, "2026-11", db.session.get(User, estate.butler.id))
    assert dict(zip(sheet.keys, sheet.rows, strict=True))["total"][1] == 1
