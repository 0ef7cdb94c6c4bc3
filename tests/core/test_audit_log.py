"""The audit log is append-only: the database itself refuses to change or remove a row."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from core import audit
from core.audit_guard import MESSAGE
from core.extensions import db
from core.models import AuditLog
from tests.conftest import _empty_tables

# On PostgreSQL the suite's application connects as the restricted app role, which has no
# UPDATE, DELETE or TRUNCATE on the audit log: the grants refuse before the trigger does.
# The trigger on its own is proven as the owner (tests/core/test_migrations.py).
REFUSED = f"{MESSAGE}|permission denied for table audit_log"


def stored(app: Flask) -> list[tuple]:
    """Every audit row as the database holds it, read afresh."""
    with app.app_context():
        rows = db.session.execute(
            select(
                AuditLog.id,
                AuditLog.at,
                AuditLog.site_id,
                AuditLog.action,
                AuditLog.object_type,
                AuditLog.object_id,
                AuditLog.detail,
            ).order_by(AuditLog.id)
        ).all()
        return [tuple(row) for row in rows]


@pytest.fixture
def entry_id(app, make) -> int:
    """An audit row of a resident's change of phone number, committed."""
    site = make.site()
    resident = make.resident(site, phone="91234567")
    with app.app_context():
        row = audit.record(
            "resident.updated",
            resident,
            site=site,
            detail={"phone": ["91234567", "98765432"]},
        )
        db.session.commit()
        return row.id


def _orm_change(entry_id: int) -> None:
    db.session.get(AuditLog, entry_id).action = "resident.viewed"
    db.session.commit()


def _orm_delete(entry_id: int) -> None:
    db.session.delete(db.session.get(AuditLog, entry_id))
    db.session.commit()


def _orm_bulk_update(entry_id: int) -> None:
    db.session.execute(update(AuditLog).where(AuditLog.id == entry_id).values(detail=""))
    db.session.commit()


def _orm_bulk_delete(entry_id: int) -> None:
    db.session.execute(delete(AuditLog).where(AuditLog.id == entry_id))
    db.session.commit()


def _sql_update(entry_id: int) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE audit_log SET user_id = NULL, ip = '' WHERE id = {entry_id}")


def _sql_delete(entry_id: int) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_log")


TAMPERING: dict[str, Callable[[int], None]] = {
    "orm-change": _orm_change,
    "orm-delete": _orm_delete,
    "orm-bulk-update": _orm_bulk_update,
    "orm-bulk-delete": _orm_bulk_delete,
    "sql-update": _sql_update,
    "sql-delete": _sql_delete,
}


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
def test_an_audit_row_cannot_be_changed_or_removed(app, entry_id, tamper):
    before = stored(app)
    with app.app_context():
        with pytest.raises(DBAPIError, match=REFUSED):
            tamper(entry_id)
        db.session.rollback()
    assert stored(app) == before
    assert [row[0] for row in before] == [entry_id]


def test_truncating_the_audit_log_is_refused_on_postgresql(app, entry_id):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite has no TRUNCATE; its DELETE is refused above")
    before = stored(app)
    with app.app_context():
        with pytest.raises(DBAPIError, match=REFUSED):
            with db.engine.begin() as conn:
                conn.exec_driver_sql("TRUNCATE audit_log")
    assert stored(app) == before


def test_actions_are_still_recorded(app, make, entry_id):
    site = make.site()
    with app.app_context():
        audit.record("site.viewed", site=site)
        audit.record("login.failure", detail={"username": "ben"})
        db.session.commit()
    actions = [row[3] for row in stored(app)]
    assert actions == ["resident.updated", "site.viewed", "login.failure"]


def test_emptying_the_tables_between_tests_keeps_the_guard(app, entry_id):
    with app.app_context():
        _empty_tables()
        db.session.remove()
        assert db.session.scalar(select(func.count()).select_from(AuditLog)) == 0
        audit.record("login.success")
        db.session.commit()
        with pytest.raises(DBAPIError, match=REFUSED):
            _sql_delete(0)
    assert len(stored(app)) == 1
