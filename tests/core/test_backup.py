"""``butler backup`` and ``butler restore``: a restore brings back the backup, nothing since.

Each test runs on a database of its own, of the kind the suite runs on (a temporary SQLite
file, or a new PostgreSQL database), migrated to the heads: restoring must not clobber
the suite's database.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from core import audit, backup, create_app
from core.audit_guard import MESSAGE
from core.extensions import db
from core.models import AuditLog, Resident
from core.testing.app import owner_url
from tests.conftest import app_config


@pytest.fixture(scope="module")
def demo_database_url(app, tmp_path_factory) -> Iterator[str]:
    """A database of the suite's kind, migrated, with the demo data: each test copies it.

    Loading the demo data takes seconds; copying a database takes a fraction of one.
    """
    url = make_url(owner_url(app))
    name = f"butler_backup_{uuid.uuid4().hex[:10]}"
    if url.get_backend_name() == "sqlite":
        demo_url = f"sqlite:///{tmp_path_factory.mktemp('backup') / 'demo.db'}"
    else:
        _create_database(url, name)
        demo_url = url.set(database=name).render_as_string(hide_password=False)
    built = create_app(app_config(demo_url))
    try:
        with built.app_context():
            upgrade(revision="heads")
        result = built.test_cli_runner().invoke(args=["butler", "demo"])
        assert result.exit_code == 0, result.output
    finally:
        with built.app_context():
            db.session.remove()
            db.engine.dispose()  # a PostgreSQL template must have no one connected
    yield demo_url
    if url.get_backend_name() != "sqlite":
        _drop_database(url, name)


@pytest.fixture
def own_database_url(app, demo_database_url, tmp_path) -> Iterator[str]:
    """A copy of the demo database for one test, removed afterwards."""
    url = make_url(owner_url(app))
    if url.get_backend_name() == "sqlite":
        copy = tmp_path / "live.db"
        source_file = make_url(demo_database_url).database
        with closing(sqlite3.connect(source_file)) as source, closing(sqlite3.connect(copy)) as to:
            source.backup(to)
        yield f"sqlite:///{copy}"
        return
    name = f"butler_backup_{uuid.uuid4().hex[:10]}"
    _create_database(url, name, template=make_url(demo_database_url).database)
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_database(url, name)


def _create_database(server: URL, name: str, template: str | None = None) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            like = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{like}'))
    finally:
        admin.dispose()


def _drop_database(server: URL, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def live(own_database_url, make_app) -> Flask:
    """An installation on a database of its own, migrated, with the demo data loaded."""
    return make_app(app_config(own_database_url))


def butler(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["butler", *args])


def take_backup(app: Flask, folder: Path) -> Path:
    suffix = backup.SUFFIXES[make_url(owner_url(app)).get_backend_name()]
    target = folder / f"nightly{suffix}"
    result = butler(app, "backup", "--output", str(target))
    assert result.exit_code == 0, result.output
    return target


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        with db.engine.connect() as conn:
            return backup._describe(conn)[0]


def test_backup_reports_its_file_size_and_rows_and_writes_a_manifest(live, tmp_path):
    result = butler(live, "backup", "--output", str(tmp_path / "copy"))
    assert result.exit_code == 0, result.output
    target = tmp_path / "copy"
    manifest = json.loads((tmp_path / "copy.json").read_text())
    assert f"Backup written to {target}" in result.output
    assert f"({target.stat().st_size} bytes)" in result.output
    assert manifest["tables"] == row_counts(live)
    assert manifest["tables"]["resident"] > 0
    assert re.search(rf"\bresident +{manifest['tables']['resident']}\n", result.output)
    # The revisions the database stands at: the heads of the core and plugin branches.
    with live.app_context():
        at = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    assert set(manifest["revisions"]) == at and at
    assert target.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only


def test_restore_brings_back_the_backup_and_drops_what_changed_since(live, tmp_path):
    target = take_backup(live, tmp_path)
    manifest = json.loads(Path(f"{target}.json").read_text())
    with live.app_context():
        moved_out = db.session.scalars(select(Resident).order_by(Resident.id)).first()
        moved_out.archive()
        newcomer = Resident(site_id=moved_out.site_id, name="Newcomer 新住戶", phone="95550000")
        db.session.add(newcomer)
        db.session.flush()
        audit.record("resident.created", newcomer)
        db.session.commit()
        archived_id, newcomer_id = moved_out.id, newcomer.id
    assert row_counts(live) != manifest["tables"]

    result = butler(live, "restore", str(target), "--yes")

    assert result.exit_code == 0, result.output
    assert "all match" in result.output
    assert row_counts(live) == manifest["tables"]
    with live.app_context():
        assert db.session.get(Resident, newcomer_id) is None
        assert db.session.get(Resident, archived_id).archived_at is None
        audited = db.session.scalar(select(func.count()).select_from(AuditLog))
        assert audited == manifest["tables"]["audit_log"]  # the newcomer's entry is gone
        if db.engine.dialect.name == "sqlite":
            assert "SQLite integrity check: ok" in result.output
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        # The restored audit log is guarded as before.
        audit.record("login.success")
        db.session.commit()
        with pytest.raises(DBAPIError, match=MESSAGE):
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DELETE FROM audit_log")


def test_restore_without_yes_only_says_what_it_would_replace(live, tmp_path):
    target = take_backup(live, tmp_path)
    with live.app_context():
        db.session.add(Resident(site_id=1, name="Kept Resident"))
        db.session.commit()
    before = row_counts(live)

    result = butler(live, "restore", str(target))

    assert result.exit_code != 0
    assert "replaces everything in" in result.output
    assert f"resident: {before['resident']} -> {before['resident'] - 1}" in result.output
    assert "Nothing was changed: run again with --yes" in result.output
    assert row_counts(live) == before


def test_restore_in_production_is_refused_without_yes(live, tmp_path):
    target = take_backup(live, tmp_path)
    live.config["BUTLER_ENV"] = "production"
    before = row_counts(live)
    result = butler(live, "restore", str(target))
    assert result.exit_code != 0
    assert "production database" in result.output
    assert row_counts(live) == before


def test_a_missing_or_bad_backup_is_refused_and_nothing_changes(live, tmp_path):
    target = take_backup(live, tmp_path)
    before = row_counts(live)

    missing = butler(live, "restore", str(tmp_path / "no-such-file"), "--yes")
    assert missing.exit_code != 0
    assert "There is no backup file at" in missing.output

    stray = tmp_path / "holiday-photo.jpg"
    stray.write_bytes(b"\xff\xd8\xff\xe0 not a backup")
    unknown = butler(live, "restore", str(stray), "--yes")
    assert unknown.exit_code != 0
    assert "has no manifest beside it" in unknown.output

    damaged = tmp_path / "damaged.bak"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(data)
    Path(f"{damaged}.json").write_text(Path(f"{target}.json").read_text())
    broken = butler(live, "restore", str(damaged), "--yes")
    assert broken.exit_code != 0
    assert "changed or damaged after the backup was taken" in broken.output

    assert row_counts(live) == before


def test_a_backup_never_overwrites_a_file(live, tmp_path):
    target = take_backup(live, tmp_path)
    again = butler(live, "backup", "--output", str(target))
    assert again.exit_code != 0
    assert "exists already" in again.output


def test_backups_are_named_after_the_time_in_the_instance_folder():
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    instance = Path("/srv/butler/instance")
    assert backup.default_path(instance, "sqlite", at) == (
        instance / "backups" / "butler-20260102-030405.db"
    )
    assert backup.default_path(instance, "postgresql", at).name == "butler-20260102-030405.dump"


def test_a_missing_pg_dump_names_the_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup, "PG_BIN_GLOB", str(tmp_path / "postgresql" / "*" / "bin"))
    with pytest.raises(backup.BackupError, match="postgresql-client"):
        backup.find_pg_tool("pg_dump")


def test_a_restore_drill_fills_an_empty_database(live, app, make_app, tmp_path):
    target = take_backup(live, tmp_path)
    url = make_url(owner_url(app))
    name = f"butler_drill_{uuid.uuid4().hex[:10]}"
    if url.get_backend_name() == "sqlite":
        drill_url = f"sqlite:///{tmp_path / 'drill.db'}"
    else:
        _create_database(url, name)
        drill_url = url.set(database=name).render_as_string(hide_password=False)
    try:
        drill = make_app(app_config(drill_url))
        result = butler(drill, "restore", str(target), "--yes")
        assert result.exit_code == 0, result.output
        assert "all match" in result.output
        assert row_counts(drill) == row_counts(live)
        with drill.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        if url.get_backend_name() != "sqlite":
            _drop_database(url, name)
