"""The work log's lines, the month's report with its chart and XLSX, and the butler's
sheet of the hand-in pack."""

from __future__ import annotations

import io
from datetime import time, timedelta

from openpyxl import load_workbook

from core import clock as core_clock
from core.extensions import db
from core.models import Building, Resident, Site, User
from plugins.inspections import rules
from plugins.inspections.reports import butler_sheet, median, month_figures, percentile


def _walk(app, estate, findings=(), close_after=None, at=None, building=None) -> int:
    """A round of T1 (or ``building``) walked by Ben now: every item OK but ``findings``
    (index → note)."""
    building = building or estate.t1
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        butler = db.session.get(User, estate.butler.id)
        now = at or core_clock.now()
        round_ = rules.start_round(site, db.session.get(Building, building.id), butler, now)
        points = rules.checkpoints_of(site, building.id)
        notes = dict(findings)
        for index, item in enumerate(rules.items_for(site, round_, [p.id for p in points])):
            note = notes.get(index)
            _mark, raised = rules.mark(
                site,
                round_,
                butler,
                now + timedelta(minutes=index),
                "finding" if note else "ok",
                item=item,
                finding=rules.FindingInput(note=note) if note else None,
            )
            if raised is not None and close_after is not None:
                rules.close_finding(
                    site, raised, butler, raised.raised_at + close_after[index], "Put right"
                )
        rules.complete_round(round_, now + timedelta(minutes=30))
        db.session.commit()
        return round_.id


def test_the_work_log_lists_the_days_rounds_requests_and_visits(
    app, client, auth, estate, make, clock
):
    from plugins.service_desk import rules as desk
    from plugins.service_desk.models import ServiceDeskCategory

    make.enable(estate.site, "service_desk")
    resident = make.resident(estate.site, estate.home, name="Chan Tai Man")
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        desk.seed_categories(site)
        butler = db.session.get(User, estate.butler.id)
        category = db.session.scalars(
            db.select(ServiceDeskCategory).where(ServiceDeskCategory.site_id == site.id)
        ).first()
        request = desk.log(
            category=category,
            resident=db.session.get(Resident, resident.id),
            unit_id=estate.home.id,
            building_id=estate.t1.id,
            channel="phone",
            description="Kitchen tap leaks",
            user=butler,
            at=core_clock.now(),
        )
        desk.acknowledge(request, butler, "Coming up", core_clock.now())
        desk.assign(request, butler, "staff", core_clock.now(), assignee=butler)
        desk.record_visit(request, butler, "Mr Lee", core_clock.now(), True, "", core_clock.now())
        db.session.commit()
    _walk(app, estate, findings={1: "Notice board glass cracked"})
    auth.login("ben")
    log = client.get(f"/s/{estate.site.slug}/log/{estate.day.isoformat()}").text
    assert "Round of T1" in log
    assert "12 OK, 1 findings" in log
    assert "Notice board glass cracked" in log and "Finding raised" in log
    assert "Kitchen tap leaks" in log or f"#{request.id}" in log
    auth.logout()
    auth.login("mia")
    read = client.get(
        f"/s/{estate.site.slug}/log/{estate.day.isoformat()}?butler={estate.butler.id}"
    ).text
    assert "Round of T1" in read and "12 OK, 1 findings" in read


def test_the_work_log_reads_the_same_statements_for_one_round_or_many(app, client, auth, estate):
    """A butler walking every building twice a day must not make the log slower to open:
    the buildings' codes are read in one query, whatever the number of rounds."""
    from tests.core.test_staff import count_statements

    url = f"/s/{estate.site.slug}/log/{estate.day.isoformat()}"
    _walk(app, estate)
    auth.login("ben")
    one = count_statements(app, client, url)
    _walk(app, estate, building=estate.t2)
    _walk(app, estate, building=estate.t2, at=core_clock.now() + timedelta(hours=6))
    many = count_statements(app, client, url)
    assert "Round of T2" in client.get(url).text
    assert many == one


def test_a_joint_walk_and_a_closed_finding_are_on_the_log(app, client, auth, estate):
    with app.app_context():
        site = db.session.get(Site, estate.site.id)
        butler = db.session.get(User, estate.butler.id)
        walk = rules.start_round(
            site,
            db.session.get(Building, estate.t1.id),
            butler,
            core_clock.now(),
            kind="joint",
            participants="Mrs Chan (cleaning)",
        )
        points = rules.checkpoints_of(site, estate.t1.id)
        item = rules.items_for(site, walk, [p.id for p in points])[0]
        _m, finding = rules.mark(
            site,
            walk,
            butler,
            core_clock.now(),
            "finding",
            item=item,
            finding=rules.FindingInput(note="Litter under the hedge"),
        )
        rules.close_finding(site, finding, butler, core_clock.now(), "Swept at once")
        rules.complete_round(walk, core_clock.now())
        db.session.commit()
    auth.login("ben")
    log = client.get(f"/s/{estate.site.slug}/log/{estate.day.isoformat()}").text
    assert "Joint walk of T1" in log and "Mrs Chan (cleaning)" in log
    assert "Finding closed" in log and "Swept at once" in log


def test_the_month_report_counts_rounds_findings_and_time_to_close(
    app, client, auth, estate, clock
):
    clock.at_local(estate.site, estate.day, time(9, 10))
    _walk(
        app,
        estate,
        findings={0: "Lobby floor stained", 4: "Fire door propped open"},
        close_after={0: timedelta(hours=2), 4: timedelta(hours=6)},
    )
    clock.at_local(estate.site, estate.day, time(20, 0))
    period = estate.day.strftime("%Y-%m")
    due = 2 * estate.day.day  # both of today's rounds are past their time, and every earlier day's
    with app.app_context():
        figures = month_figures(db.session.get(Site, estate.site.id), period, core_clock.now())
    [line] = figures.butlers
    assert (line.name, line.due, line.done, line.late) == ("Ben Lau", due, 1, 0)
    assert line.share == round(100 / due, 1)
    assert figures.close_median == 4.0 and figures.close_p90 == 6.0
    assert sorted(figures.by_area_kind) == [("fire_doors", "safety", 1), ("lobby", "cleaning", 1)]
    auth.login("amy")
    page = client.get(f"{estate.url}/reports/monthly?period={period}").text
    assert "Ben Lau" in page and "Rounds walked of those due, per butler (%)" in page
    assert "4.0 h" in page and "6.0 h" in page
    assert "Renovations started per month" in page
    assert client.get(f"{estate.url}/reports/monthly?period=2026-13").status_code == 422
    book = load_workbook(
        io.BytesIO(client.get(f"{estate.url}/reports/monthly.xlsx?period={period}").data)
    )
    rounds = list(book["Rounds"].iter_rows(values_only=True))
    assert rounds[1] == ("Ben Lau", due, 1, 0, round(100 / due, 1))
    reports = client.get(f"/s/{estate.site.slug}/reports?period={period}").text
    assert "Rounds of the month" in reports
    auth.logout()
    auth.login("ben")
    assert client.get(f"{estate.url}/reports/monthly?period={period}").status_code == 403


def test_the_butlers_sheet_in_the_hand_in_pack(app, client, auth, estate, clock):
    clock.at_local(estate.site, estate.day, time(9, 10))
    _walk(app, estate, findings={2: "Hose reel missing"}, close_after={2: timedelta(hours=3)})
    clock.at_local(estate.site, estate.day, time(20, 0))
    period = estate.day.strftime("%Y-%m")
    with app.app_context():
        sheet = butler_sheet(
            db.session.get(Site, estate.site.id), period, db.session.get(User, estate.butler.id)
        )
    rows = dict(zip(sheet.keys, (row[1] for row in sheet.rows), strict=True))
    assert rows["due"] == 2 * estate.day.day and rows["walked"] == 1
    assert rows["raised"] == 1 and rows["closed"] == 1 and rows["median"] == 3.0
    auth.login("ben")
    pack = client.get(f"/s/{estate.site.slug}/hand-in/{period}").text
    # The plugin's sheet holds the month's figures; what was found is in the work log's.
    section = pack[pack.index("Rounds of the month") :]
    assert "Hose reel missing" not in section[: section.index("</section>")]
    assert "Hose reel missing" in pack[pack.index("Work log") :]


def test_the_median_and_the_90th_percentile():
    assert median([]) is None and percentile([], 0.9) is None
    assert median([5.0, 1.0, 3.0]) == 3.0 and median([1.0, 2.0, 3.0, 4.0]) == 2.5
    values = [float(n) for n in range(1, 11)]
    assert percentile(values, 0.9) == 9.0 and percentile([7.0], 0.9) == 7.0
