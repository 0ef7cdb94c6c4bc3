"""Retention: every night a site's old job runs, ended sessions, delivered messages and
finished imports go, after the days the site's settings say; nothing else does."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from itertools import count

import pytest
from sqlalchemy import select

from core import retention
from core.extensions import db
from core.imports import batch as import_files
from core.jobs import run_due
from core.models import AuditLog, ImportBatch, JobRun, OutboxMessage, Site, UserSession

MINUTE = timedelta(minutes=1)
_serial = count(1)

# The suite's own moment, and moments where dates go wrong, each named for the test id.
MOMENTS = {
    "now": None,
    "year-end-hk": datetime.fromisoformat("2026-12-31T23:30:00+08:00"),
    "after-february": datetime.fromisoformat("2028-03-01T00:30:00+08:00"),
}


def job_run(site: Site, started_at: datetime, status: str = "done") -> JobRun:
    return JobRun(
        site_id=site.id,
        job="core.example",
        period=f"p{next(_serial)}",
        status=status,
        started_at=started_at,
    )


def message(site: Site, status: str, at: datetime) -> OutboxMessage:
    return OutboxMessage(
        site_id=site.id,
        channel="sms",
        recipient="91234567",
        body="Your parcel is at the front desk.",
        dedupe_key=f"parcel-{next(_serial)}",
        status=status,
        created_at=at,
        sent_at=at if status == "sent" else None,
    )


def upload(site: Site, user_id: int, status: str, at: datetime) -> ImportBatch:
    return ImportBatch(
        site_id=site.id,
        kind="residents",
        filename="residents.csv",
        status=status,
        created_by_id=user_id,
        created_at=at,
    )


def login_session(user_id: int, created_at: datetime, revoked_at=None) -> UserSession:
    token = hashlib.sha256(f"t{next(_serial)}".encode()).hexdigest()
    return UserSession(
        user_id=user_id, token_hash=token, created_at=created_at, revoked_at=revoked_at
    )


def saved(app, *rows) -> list[int]:
    with app.app_context():
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def left(app, model, ids: list[int]) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(model.id).where(model.id.in_(ids))))


@pytest.mark.parametrize("moment", MOMENTS.values(), ids=MOMENTS.keys())
def test_rows_just_inside_the_limits_stay_and_those_just_past_them_go(app, make, clock, moment):
    now = clock.set(moment) if moment else clock.now()
    site, other = make.site(), make.site()
    make.update(site, retention_job_run_days=90, retention_outbox_days=180)
    staff = make.user(role="manager", site=site)
    stranger = make.user(role="manager", site=other, org=make.org())
    runs, messages, imports = (now - timedelta(days=d) for d in (90, 180, 30))

    kept_runs = saved(
        app,
        job_run(site, runs + MINUTE),
        job_run(site, runs - timedelta(days=400), status="running"),  # in progress
        job_run(other, runs - timedelta(days=400)),  # another site's
    )
    gone_runs = saved(app, job_run(site, runs - MINUTE), job_run(site, runs - MINUTE, "failed"))
    kept_messages = saved(
        app,
        message(site, "sent", messages + MINUTE),
        message(other, "sent", messages - timedelta(days=400)),
        # Never delivered, or not known to be: kept whatever their age.
        *(message(site, s, messages - timedelta(days=400)) for s in retention.UNDELIVERED),
    )
    gone_messages = saved(app, message(site, "sent", messages - MINUTE))
    kept_imports = saved(
        app,
        upload(site, staff.id, "done", imports + MINUTE),
        upload(site, staff.id, "validating", imports - timedelta(days=400)),
        upload(site, staff.id, "importing", imports - timedelta(days=400)),
        upload(other, stranger.id, "done", imports - timedelta(days=400)),
    )
    gone_imports = saved(
        app,
        *(upload(site, staff.id, s, imports - MINUTE) for s in ("done", "invalid", "failed")),
    )
    absolute = timedelta(hours=app.config.get("BUTLER_SESSION_ABSOLUTE_HOURS", 12))
    day = timedelta(days=1)
    kept_sessions = saved(
        app,
        login_session(staff.id, now - timedelta(hours=1)),  # in use
        # Logged out not quite a day ago (and within its 12 hours until then).
        login_session(staff.id, now - day - timedelta(hours=2), revoked_at=now - day + MINUTE),
        login_session(stranger.id, now - 30 * day, revoked_at=now - 29 * day),  # other company
    )
    gone_sessions = saved(
        app,
        login_session(staff.id, now - 3 * day, revoked_at=now - day - MINUTE),
        login_session(staff.id, now - absolute - day - MINUTE),  # ran out, never logged out
    )

    with app.app_context():
        purged = retention.purge(db.session.get(Site, site.id), now)

    assert (purged.job_runs, purged.outbox_messages, purged.imports, purged.sessions) == (
        2,
        1,
        3,
        2,
    )
    assert left(app, JobRun, kept_runs + gone_runs) == kept_runs
    assert left(app, OutboxMessage, kept_messages + gone_messages) == kept_messages
    assert left(app, ImportBatch, kept_imports + gone_imports) == kept_imports
    assert left(app, UserSession, kept_sessions + gone_sessions) == kept_sessions


def test_the_nightly_run_purges_once_and_says_how_many_of_each_went(app, make, clock):
    site = make.site(timezone="Asia/Hong_Kong")
    make.update(site, retention_job_run_days=7)
    night = clock.at_local(site, clock.today(site), time(3, 30))
    saved(app, *(job_run(site, night - timedelta(days=8)) for _ in range(3)))

    with app.app_context():
        first = run_due(night)
        again = run_due(night + timedelta(hours=2))
        run = db.session.scalars(select(JobRun).where(JobRun.job == "core.purge")).one()
        left_over = db.session.scalars(select(JobRun.job).where(JobRun.site_id == site.id)).all()

    assert first.ran >= 1 and first.failed == 0
    assert again.ran == 0
    assert run.status == "done" and run.site_id == site.id
    assert run.summary == (
        "purged 3 job run(s), 0 ended session(s), 0 delivered message(s), 0 import(s)"
    )
    assert left_over == ["core.purge"]


def test_a_big_table_is_purged_a_batch_at_a_time_to_the_end(app, make, clock, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)
    site = make.site()
    now = clock.now()
    saved(app, *(message(site, "sent", now - timedelta(days=200)) for _ in range(5)))
    statements: list[str] = []

    with app.app_context():
        from sqlalchemy import event

        def seen(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("DELETE FROM OUTBOX_MESSAGE"):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            purged = retention.purge(db.session.get(Site, site.id), now)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)

    assert purged.outbox_messages == 5
    assert len(statements) == 3  # 2 + 2 + 1, each in its own short transaction


def test_a_file_left_behind_by_an_old_import_goes_with_it(app, make, clock):
    site = make.site()
    staff = make.user(role="manager", site=site)
    [batch_id] = saved(app, upload(site, staff.id, "failed", clock.now() - timedelta(days=31)))
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        files = import_files._files(batch)
        for path in files:
            path.write_text("name,phone\nChan Tai Man,91234567\n")
        retention.purge(db.session.get(Site, site.id), clock.now())
    assert not any(path.exists() for path in files)


# --- The settings page ------------------------------------------------------------------


def test_an_org_admin_changes_how_long_the_site_keeps_things(app, client, auth, make):
    site = make.site()
    make.user(site=site, org_admin=True, username="admin1")
    auth.login("admin1")
    page = client.get(f"/s/{site.slug}/admin/settings")
    assert page.status_code == 200
    assert 'value="90"' in page.text and 'value="180"' in page.text

    saved_page = client.post(
        f"/s/{site.slug}/admin/settings",
        data={
            "retention_job_run_days": "30",
            "retention_outbox_days": "365",
            "retention_import_days": "7",
        },
        follow_redirects=True,
    )

    assert "The settings are saved." in saved_page.text
    with app.app_context():
        stored = db.session.get(Site, site.id)
        assert (
            stored.retention_job_run_days,
            stored.retention_outbox_days,
            stored.retention_import_days,
        ) == (30, 365, 7)
        entry = db.session.scalars(
            select(AuditLog).where(AuditLog.action == "site.settings_changed")
        ).one()
    assert '"retention_job_run_days": [90, 30]' in entry.detail


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0", "Give from 1 to 365 days."),
        ("366", "Give from 1 to 365 days."),
        ("99999999999999999999999", "Give from 1 to 365 days."),
        ("a week", "Write a whole number."),
        ("", "Give a number of days."),
    ],
)
def test_days_out_of_bounds_are_refused_next_to_the_field(app, client, auth, make, value, says):
    site = make.site()
    make.user(site=site, org_admin=True, username="admin2")
    auth.login("admin2")

    refused = client.post(
        f"/s/{site.slug}/admin/settings",
        data={
            "retention_job_run_days": "30",
            "retention_outbox_days": "365",
            "retention_import_days": value,
        },
    )

    assert refused.status_code == 422
    assert f'id="retention_import_days-error" class="field-error">{says}' in refused.text
    with app.app_context():
        assert db.session.get(Site, site.id).retention_job_run_days == 90  # nothing written


def test_a_manager_cannot_change_the_sites_settings(client, auth, make):
    site = make.site()
    make.user(role="manager", site=site, username="mgr1")
    auth.login("mgr1")
    assert client.get(f"/s/{site.slug}/admin/settings").status_code == 403
    posted = client.post(f"/s/{site.slug}/admin/settings", data={"retention_import_days": "1"})
    assert posted.status_code == 403


def test_the_settings_are_all_the_purge_keeps_to(app):
    assert [limit.column for limit in retention.LIMITS] == [
        "retention_job_run_days",
        "retention_outbox_days",
        "retention_import_days",
    ]
    assert {limit.column: limit.default for limit in retention.LIMITS} == {
        column.name: int(column.server_default.arg)
        for column in Site.__table__.columns
        if column.name.startswith("retention_")
    }
