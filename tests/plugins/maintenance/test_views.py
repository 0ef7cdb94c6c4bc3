"""The pages: a manager registers a contractor and its contract on the default plan; a
butler logs a visit with a photo and checks it; the due list, the day page and the work
log; the plan changed and copied to next year; the year's summary; the plugin's borders;
the service desk offering the register's contractors."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from core import clock as core_clock
from core.extensions import db
from core.models import Resident, User
from plugins.maintenance.models import (
    MaintenanceContract,
    MaintenanceContractor,
    MaintenanceTask,
    MaintenanceWork,
)
from tests.plugins.maintenance.conftest import add_contract, add_contractor, png, site_of


def _today(app, estate):
    with app.app_context():
        return core_clock.today(site_of(estate))


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _running(app, estate, contractor_id, services=("cleaning",)) -> int:
    today = _today(app, estate)
    return add_contract(
        app,
        estate,
        contractor_id,
        today - timedelta(days=40),
        today + timedelta(days=320),
        services=services,
    )


def test_a_manager_registers_a_contractor_and_a_contract_on_the_default_plan(
    app, client, auth, estate
):
    auth.login("mia")
    refused = client.post(f"{estate.url}/contractors", data={"company": " "})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Write the company's name." in page and "Choose at least one service." in page
    added = client.post(
        f"{estate.url}/contractors",
        data={
            "company": "Sparkle Cleaning",
            "services": ["cleaning", "pest_control"],
            "contact_name": "Ms Chan",
            "phone": "21234567",
        },
    )
    assert added.status_code == 303
    again = client.post(
        f"{estate.url}/contractors", data={"company": "Sparkle Cleaning", "services": "cleaning"}
    )
    assert "This company is in the register already." in again.get_data(as_text=True)
    assert _count(app, MaintenanceContractor) == 1
    page = client.get(added.location).get_data(as_text=True)
    assert "Sparkle Cleaning" in page and "Pest control" in page

    today = _today(app, estate)
    contract = {
        "title": "Cleaning and pest control",
        "starts_on": today.isoformat(),
        "ends_on": (today - timedelta(days=1)).isoformat(),
        "value": "12O,000",
        "default_plan": "y",
    }
    bad = client.post(f"{added.location}/contracts", data=contract)
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "The contract must end after it starts." in text and "digits only" in text
    assert _count(app, MaintenanceContract) == 0
    contract.update(
        ends_on=(today + timedelta(days=364)).isoformat(),
        value="120,000",
        document=png("signed.png"),
    )
    saved = client.post(
        f"{added.location}/contracts", data=contract, content_type="multipart/form-data"
    )
    assert saved.status_code == 303
    page = client.get(saved.location).get_data(as_text=True)
    assert "Road washing of the public areas" in page and "2 times a month" in page
    assert "Pest control of the public areas" in page and "Clearing the septic tank" in page
    assert "Cleaning the reservoir" not in page  # water tanks are not this company's service
    assert _count(app, MaintenanceTask) == 7
    with app.app_context():
        row = db.session.scalars(sa.select(MaintenanceContract)).one()
        assert row.value_minor == 120000_00 and row.document_key
    document = client.get(f"{estate.url}/contracts/{row.id}/document")
    assert document.status_code == 200 and document.mimetype == "image/png"


def test_the_butler_logs_a_visit_with_a_photo_and_checks_it(app, client, auth, estate):
    cleaner = add_contractor(app, estate)
    contract = _running(app, estate, cleaner)
    with app.app_context():
        road = db.session.scalar(
            sa.select(MaintenanceTask.id).where(
                MaintenanceTask.contract_id == contract, MaintenanceTask.code == "road_washing"
            )
        )
    auth.login("ben")
    due = client.get(f"{estate.url}/").get_data(as_text=True)
    assert "Road washing of the public areas" in due and "Your buildings only." in due
    assert f"/buildings/{estate.t2.id}/log" not in due
    every = client.get(f"{estate.url}/?all=1").get_data(as_text=True)
    assert f"/buildings/{estate.t2.id}/log" in every

    url = f"{estate.url}/tasks/{road}/buildings/{estate.t1.id}/log"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Sparkle Cleaning"' in form and 'data-offline="maintenance-work"' in form
    today = _today(app, estate)
    visit = {
        "done_on": (today + timedelta(days=1)).isoformat(),
        "who": "Sparkle Cleaning",
        "note": "Car park washed",
    }
    future = client.post(url, data=visit)
    assert future.status_code == 422
    assert "Work cannot be logged for a day still to come." in future.get_data(as_text=True)
    assert _count(app, MaintenanceWork) == 0
    logged = client.post(
        url,
        data={**visit, "done_on": today.isoformat(), "photo": png()},
        content_type="multipart/form-data",
    )
    assert logged.status_code == 303
    page = client.get(logged.location).get_data(as_text=True)
    assert "Not checked yet" in page and "Car park washed" in page
    with app.app_context():
        work = db.session.scalars(sa.select(MaintenanceWork)).one()
        assert work.done_on == today and work.logged_by_id == estate.butler.id
    photo = client.get(f"{estate.url}/work/{work.id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/png"
    checked = client.post(
        f"{estate.url}/work/{work.id}/check", data={"result": "accepted", "note": "Clean"}
    )
    assert checked.status_code == 303
    assert "Checked: done well" in client.get(checked.location).get_data(as_text=True)
    log = client.get(f"/s/{estate.site.slug}/log/{today.isoformat()}")
    text = log.get_data(as_text=True)
    assert "Contractor's work logged" in text and "Contractor's work checked" in text
    month = client.get(f"{estate.url}/work").get_data(as_text=True)
    assert "Road washing of the public areas" in month
    assert client.get(f"{estate.url}/work?month=2026-13").status_code == 422


def test_a_photo_that_is_not_one_is_refused_and_nothing_is_written(app, client, auth, estate):
    cleaner = add_contractor(app, estate)
    contract = _running(app, estate, cleaner)
    with app.app_context():
        task = db.session.scalars(
            sa.select(MaintenanceTask).where(MaintenanceTask.contract_id == contract)
        ).first()
    auth.login("ben")
    refused = client.post(
        f"{estate.url}/tasks/{task.id}/buildings/{estate.t1.id}/log",
        data={
            "done_on": _today(app, estate).isoformat(),
            "who": "Sparkle",
            "photo": (io.BytesIO(b"GIF89a...."), "pest.gif"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "Only photos in JPEG, PNG or WebP" in refused.get_data(as_text=True)
    assert _count(app, MaintenanceWork) == 0


def test_the_front_desk_reads_the_plan_but_does_not_log(app, client, auth, estate):
    cleaner = add_contractor(app, estate)
    contract = _running(app, estate, cleaner)
    with app.app_context():
        task = db.session.scalars(
            sa.select(MaintenanceTask).where(MaintenanceTask.contract_id == contract)
        ).first()
    auth.login("fay")
    page = client.get(f"{estate.url}/").get_data(as_text=True)
    assert "Road washing of the public areas" in page and "Log the work" not in page
    url = f"{estate.url}/tasks/{task.id}/buildings/{estate.t1.id}/log"
    assert client.get(url).status_code == 403


def test_the_day_page_and_the_widget_show_the_work_owed(app, client, auth, estate):
    cleaner = add_contractor(app, estate)
    contract = add_contract(app, estate, cleaner, *_span(app, estate), services=())
    with app.app_context():
        # Thirty-one times a month: one falls due every day, whatever day the test runs.
        db.session.add(
            MaintenanceTask(
                site_id=estate.site.id,
                contract_id=contract,
                name="Litter picking",
                service="cleaning",
                span="month",
                times=31,
                building_id=estate.t1.id,
            )
        )
        db.session.commit()
    auth.login("ben")
    day = client.get(f"/s/{estate.site.slug}/today/").get_data(as_text=True)
    assert "Litter picking · T1" in day
    home = client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    assert "tasks overdue" in home and "Litter picking" in home
    panel = client.get(f"{estate.url}/units/{estate.unit_id}/panel")
    assert panel.status_code == 200 and "Litter picking" in panel.get_data(as_text=True)


def _span(app, estate):
    today = _today(app, estate)
    return today - timedelta(days=40), today + timedelta(days=320)


def test_the_plan_is_changed_and_copied_to_next_year(app, client, auth, estate):
    cleaner = add_contractor(app, estate)
    contract = _running(app, estate, cleaner)
    with app.app_context():
        tasks = db.session.scalars(
            sa.select(MaintenanceTask)
            .where(MaintenanceTask.contract_id == contract)
            .order_by(MaintenanceTask.id)
        ).all()
        first, last = tasks[0].id, tasks[-1].id
    auth.login("mia")
    bad = client.post(f"{estate.url}/tasks/{first}/change", data={"times": "0", "span": "month"})
    assert bad.status_code == 422 and "Give a number from 1 to 31." in bad.get_data(as_text=True)
    assert (
        client.post(
            f"{estate.url}/tasks/{first}/change", data={"times": "3", "span": "month"}
        ).status_code
        == 303
    )
    assert client.post(f"{estate.url}/tasks/{last}/remove").status_code == 303
    added = client.post(
        f"{estate.url}/contracts/{contract}/tasks",
        data={
            "name": "Window washing",
            "service": "cleaning",
            "times": "1",
            "span": "quarter",
            "building_id": str(estate.t2.id),
        },
    )
    assert added.status_code == 303
    page = client.get(f"{estate.url}/contracts/{contract}").get_data(as_text=True)
    page = page[page.index('id="plan"') :]
    assert "3 times a month" in page and "Clearing the septic tank" not in page
    assert "Window washing" in page
    copied = client.post(f"{estate.url}/contracts/{contract}/copy")
    assert copied.status_code == 303
    again = client.post(f"{estate.url}/contracts/{contract}/copy")
    assert again.location == copied.location
    with app.app_context():
        rows = db.session.scalars(sa.select(MaintenanceContract).order_by(MaintenanceContract.id))
        old, new = rows.all()
        assert new.copied_from_id == old.id
        assert (new.starts_on.year, new.ends_on.year) == (
            old.starts_on.year + 1,
            old.ends_on.year + 1,
        )
        plan = db.session.scalars(
            sa.select(MaintenanceTask).where(
                MaintenanceTask.contract_id == new.id, MaintenanceTask.removed_at.is_(None)
            )
        ).all()
        assert len(plan) == 6 and {t.times for t in plan if t.code == "road_washing"} == {3}


def test_the_year_end_summary_shows_each_contractor(app, client, auth, estate):
    cleaner = add_contractor(app, estate)
    _running(app, estate, cleaner)
    auth.login("mia")
    year = _today(app, estate).year
    page = client.get(f"{estate.url}/year?year={year}").get_data(as_text=True)
    assert "Sparkle Cleaning" in page and "Average score" in page
    assert client.get(f"{estate.url}/year?year=abc").status_code == 404
    report = client.get(f"/s/{estate.site.slug}/maintenance/reports/evaluations")
    assert report.status_code == 200
    export = client.get(f"/s/{estate.site.slug}/maintenance/reports/evaluations.xlsx")
    assert export.status_code == 200 and export.data[:2] == b"PK"


def test_another_sites_people_get_404_and_off_it_leaves_no_trace(app, client, auth, make, estate):
    cleaner = add_contractor(app, estate)
    other = make.estate(name="Other", plugins=["maintenance"], staff={"olga": "manager"})
    auth.login("olga")
    assert client.get(f"{estate.url}/contractors/{cleaner}").status_code == 404
    assert client.get(f"/s/{other.site.slug}/maintenance/contractors/{cleaner}").status_code == 404
    auth.logout()
    make.update(estate.switches["maintenance"], enabled=False)
    auth.login("ben")
    assert client.get(f"{estate.url}/").status_code == 404
    home = client.get(f"/s/{estate.site.slug}/").get_data(as_text=True)
    assert "/maintenance/" not in home


def test_the_service_desk_offers_the_registers_contractors(app, client, make, clock):
    from plugins.service_desk import rules as desk
    from plugins.service_desk.models import ServiceDeskCategory
    from tests.conftest import login
    from tests.plugins.service_desk.helpers import build_estate

    estate = build_estate(app, make)
    with app.app_context():
        butler = db.session.get(User, estate.butler.id)
        item = desk.log(
            category=db.session.get(ServiceDeskCategory, estate.plumbing.id),
            resident=db.session.get(Resident, estate.resident.id),
            unit_id=estate.unit.id,
            building_id=estate.tower.id,
            channel="phone",
            description="Tap leaks",
            user=butler,
            at=core_clock.now(),
        )
        desk.acknowledge(item, butler, "Coming", core_clock.now())
        db.session.add(
            MaintenanceContractor(
                site_id=estate.site.id, company="Harbour Plumbing Co.", services=["other"]
            )
        )
        db.session.commit()
        item_id = item.id
    login(client, estate.butler.username)
    url = f"{estate.base}/{item_id}"
    assert "register-contractors" not in client.get(url).get_data(as_text=True)
    make.enable(estate.site, "maintenance")
    page = client.get(url).get_data(as_text=True)
    assert 'list="register-contractors"' in page and '<option value="Harbour Plumbing Co.">' in page


def test_a_contractors_details_are_changed_but_not_to_another_companys_name(
    app, client, auth, estate
):
    cleaner = add_contractor(app, estate)
    add_contractor(app, estate, company="Safe Pest Control", services=("pest_control",))
    auth.login("mia")
    url = f"{estate.url}/contractors/{cleaner}"
    taken = client.post(url, data={"company": "Safe Pest Control", "services": "cleaning"})
    assert taken.status_code == 422
    assert "This company is in the register already." in taken.get_data(as_text=True)
    saved = client.post(
        url,
        data={
            "company": "Sparkle Cleaning",
            "services": ["cleaning", "greening"],
            "contact_name": "Mr Lee",
            "phone": "29876543",
        },
    )
    assert saved.status_code == 303
    with app.app_context():
        row = db.session.get(MaintenanceContractor, cleaner)
        assert (row.phone, row.services) == ("29876543", ["cleaning", "greening"])
    auth.logout()
    auth.login("ben")
    assert client.post(url, data={"company": "X", "services": "cleaning"}).status_code == 403


def test_a_contractor_taken_off_the_register_plans_nothing_and_keeps_its_history(
    app, client, auth, estate
):
    cleaner = add_contractor(app, estate)
    _running(app, estate, cleaner)
    auth.login("mia")
    assert "Road washing of the public areas" in client.get(f"{estate.url}/").get_data(as_text=True)
    done = client.post(f"{estate.url}/contractors/{cleaner}/archive", follow_redirects=True)
    assert "Sparkle Cleaning is off the register" in done.get_data(as_text=True)
    assert "No contractor is in the register yet." in done.get_data(as_text=True)
    assert "Road washing" not in client.get(f"{estate.url}/").get_data(as_text=True)
    page = client.get(f"{estate.url}/contractors/{cleaner}").get_data(as_text=True)
    assert "Off the register since" in page and "Cleaning 2026" in page


def test_a_contract_without_a_value_is_saved_as_nothing_owed(app, client, auth, estate):
    cleaner = add_contractor(app, estate)
    auth.login("mia")
    today = _today(app, estate)
    saved = client.post(
        f"{estate.url}/contractors/{cleaner}/contracts",
        data={
            "title": "Trial month",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert saved.status_code == 303
    with app.app_context():
        row = db.session.scalars(sa.select(MaintenanceContract)).one()
        assert (row.value_minor, row.document_key) == (0, None)
    assert _count(app, MaintenanceTask) == 0  # the default plan was not asked for
