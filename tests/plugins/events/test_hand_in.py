"""The butler's share of the month's events in the hand-in pack: the events they
organised or took sign-ups for, with the month's figures of each."""

from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from core.models import User
from plugins.events.models import Registration
from plugins.events.reports import butler_sheet
from tests.plugins.events.conftest import add_event, hk, register


def sign_up(app, event, resident, by: User, places: int = 1, attended: bool = False) -> None:
    # Registered a week before the event, whenever that was.
    registration = register(app, event, resident, places, at=event.starts_at - timedelta(days=7))
    with app.app_context():
        row = db.session.get(Registration, registration.id)
        row.registered_by_id, row.attended = by.id, attended
        db.session.commit()


def test_the_sheet_holds_the_butlers_events_and_their_sign_ups(app, estate):
    ben, mia = estate.butler, estate.manager
    ours = add_event(app, estate.site, title="Lantern evening", staff_id=ben.id, capacity=10)
    theirs = add_event(
        app, estate.site, title="Tai chi", staff_id=mia.id, starts_at=hk("2026-11-07T08:00")
    )
    other = add_event(app, estate.site, title="Choir", staff_id=mia.id)
    december = add_event(
        app, estate.site, title="Party", staff_id=ben.id, starts_at=hk("2026-12-05T19:00")
    )
    sign_up(app, ours, estate.residents[0], mia, places=3)
    sign_up(app, ours, estate.residents[1], ben, places=2)
    sign_up(app, theirs, estate.residents[2], ben)
    sign_up(app, other, estate.residents[3], mia)
    sign_up(app, december, estate.residents[4], ben)
    with app.app_context():
        sheet = butler_sheet(estate.site, "2026-11", db.session.get(User, ben.id))
    rows = {row[1]: row for row in sheet.rows}
    assert list(rows) == ["Tai chi", "Lantern evening", ""]
    assert rows["Tai chi"][0] == "2026-11-07 08:00"
    # Registered 5 places (3 + 2), the butler signed up 2 of them.
    assert rows["Lantern evening"][2:4] == (10, 5) and rows["Lantern evening"][-1] == 2
    assert rows["Tai chi"][3] == 1 and rows["Tai chi"][-1] == 1
    total = rows[""]
    assert total[0] == "Total" and total[3] == 6 and total[-1] == 3
    assert sheet.keys == (str(theirs.id), str(ours.id), "total")


def test_the_pack_shows_the_events_to_the_butler(app, client, auth, estate):
    add_event(app, estate.site, title="Lantern evening", staff_id=estate.butler.id)
    auth.login("ben")
    page = client.get(f"/s/{estate.site.slug}/hand-in/2026-11").get_data(as_text=True)
    assert 'id="report-events-figures"' in page and "Lantern evening" in page
