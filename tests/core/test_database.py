"""Database rules that hold on both SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.extensions import db
from core.models import ButlerAssignment, Occupancy, Resident


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(app, ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_a_building_has_one_responsible_butler_at_a_time(make, ctx):
    site = make.site()
    tower = make.building(site)
    ben, amy = make.user(site=site), make.user(site=site)
    make.assignment(ben, tower, ends_on=date(2024, 3, 31))  # history is fine
    make.assignment(amy, tower)
    db.session.add(
        ButlerAssignment(
            site_id=site.id, building_id=tower.id, user_id=ben.id, starts_on=date(2025, 1, 1)
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_an_occupancy_cannot_end_before_it_starts(make, ctx):
    site = make.site()
    unit = make.unit(make.building(site))
    resident = make.resident(site)
    db.session.add(
        Occupancy(
            site_id=site.id,
            resident_id=resident.id,
            unit_id=unit.id,
            role="owner",
            moved_in=date(2024, 5, 1),
            moved_out=date(2024, 4, 1),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_a_stale_edit_of_a_resident_is_detected(app, make):
    site = make.site()
    resident = make.resident(site, name="Chan Tai Man")
    with app.app_context():
        mine = db.session.get(Resident, resident.id)  # the form I opened (version 1)
        db.session.expunge(mine)
        db.session.rollback()
        make.update(resident, phone="91234567")  # someone else saves first (version 2)
        db.session.add(mine)
        mine.notes = "Prefers calls after 6 pm"
        with pytest.raises(StaleDataError):
            db.session.commit()


def test_rows_of_a_site_need_their_site(make, ctx):
    db.session.add(Resident(name="Nobody's resident"))
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_timestamps_come_back_in_utc_with_their_zone(make, ctx):
    site = make.site()
    resident = db.session.get(Resident, make.resident(site).id)
    assert resident.created_at.tzinfo is not None
    assert resident.created_at.utcoffset().total_seconds() == 0
