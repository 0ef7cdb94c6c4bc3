"""Demo data: loads once, twice without duplicates, never in production."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.models import Building, Membership, Occupancy, Resident, Site, Unit, User
from tests.conftest import login

MODELS = (Site, Building, Unit, Resident, Occupancy, User, Membership)


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def test_demo_loads_sites_residents_and_a_login_for_each_role(runner, ctx):
    result = runner.invoke(args=["butler", "demo"])
    assert result.exit_code == 0, result.output
    assert "Demo logins" in result.output
    loaded = counts()
    assert loaded["Site"] == 3
    assert 250 <= loaded["Resident"] <= 350
    usernames = set(db.session.scalars(select(User.username)))
    assert {
        "admin",
        "manager",
        "assistant",
        "butler",
        "frontdesk",
        "health",
        "housekeeper",
    } <= usernames
    kinds = sorted(db.session.scalars(select(Site.kind)))
    assert kinds == ["hotel", "residential", "residential"]


def test_demo_loaded_twice_duplicates_nothing(runner, ctx):
    runner.invoke(args=["butler", "demo"])
    first = counts()
    again = runner.invoke(args=["butler", "demo", "--force"])
    assert again.exit_code == 0, again.output
    assert "nothing new" in again.output
    db.session.expire_all()
    assert counts() == first


def test_demo_does_not_touch_a_database_that_holds_data_unless_asked(runner, make, ctx):
    make.site()
    refused = runner.invoke(args=["butler", "demo"])
    assert refused.exit_code != 0
    assert "already holds data" in refused.output
    quiet = runner.invoke(args=["butler", "demo", "--if-empty"])
    assert quiet.exit_code == 0
    assert counts()["Site"] == 1


def test_demo_refuses_to_run_in_production(app, runner, ctx):
    app.config["BUTLER_ENV"] = "production"
    try:
        result = runner.invoke(args=["butler", "demo"])
    finally:
        app.config["BUTLER_ENV"] = "test"
    assert result.exit_code != 0
    assert "never loaded when BUTLER_ENV=production" in result.output
    assert counts()["Site"] == 0


def test_demo_butler_logs_in_on_their_day_and_sees_their_dashboard(app, runner, client):
    with app.app_context():
        runner.invoke(args=["butler", "demo"])
    response = login(client, "butler", "butler-demo")
    assert response.headers["Location"] == "/s/harbour-view/today/"
    assert client.get(response.headers["Location"]).status_code == 200
    html = client.get("/s/harbour-view/").get_data(as_text=True)
    assert "Harbour View Gardens" in html
    assert "Tower 1" in html  # their buildings


def test_create_admin_starts_a_fresh_installation(runner, ctx):
    result = runner.invoke(
        args=[
            "butler",
            "create-admin",
            "--organization",
            "Evergreen",
            "--slug",
            "evergreen",
            "--username",
            "Boss",
            "--name",
            "The Boss",
            "--password",
            "long-enough-pass",
        ]
    )
    assert result.exit_code == 0, result.output
    boss = db.session.scalars(select(User)).one()
    assert boss.username == "boss" and boss.is_org_admin
    weak = runner.invoke(
        args=[
            "butler",
            "create-admin",
            "--organization",
            "Evergreen",
            "--slug",
            "evergreen",
            "--username",
            "other",
            "--name",
            "Other",
            "--password",
            "short",
        ]
    )
    assert weak.exit_code != 0 and "at least 8" in weak.output
