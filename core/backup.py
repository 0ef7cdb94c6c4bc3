"""Backing up the database and restoring a backup (``butler backup``, ``butler restore``).

A backup is one file plus a manifest beside it, ``<file>.json``: the database kind, the
time, the Alembic revisions, the size and SHA-256 of the file, and the row count of every
table. The counts are taken from exactly what the file holds, so that after a restore
they prove the database is the backup again.

- SQLite: the online backup API copies the live database page by page in one step, a
  consistent snapshot even while the application writes. The copy is switched out of WAL
  so that it is a single self-contained file. Restoring runs the same API the other way.
- PostgreSQL: ``pg_dump --format=custom`` from a snapshot exported by a REPEATABLE READ
  transaction that also takes the row counts. Restoring runs ``pg_restore --clean
  --if-exists --no-owner`` in a single transaction: it drops and recreates every object
  of the archive (the audit log's triggers included, so they are no obstacle) and
  changes nothing if any step fails.

Backups hold personal data: their folder is created 0700 and their files 0600.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from core import clock

SUFFIXES = {"sqlite": ".db", "postgresql": ".dump"}
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
# A restore that waits this long for a table lock gives up instead of hanging.
PG_LOCK_TIMEOUT_MS = 30_000
SQLITE_TIMEOUT_S = 10.0
MANIFEST_FIELDS = ("database", "created_at", "revisions", "tables", "size", "sha256", "file")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    """What a backup file holds, written beside it as ``<file>.json``."""

    database: str
    created_at: str
    revisions: list[str]
    tables: dict[str, int]
    size: int
    sha256: str
    file: str

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())

    def write(self, backup_file: Path) -> Path:
        """Write this manifest beside ``backup_file``; returns the manifest's path."""
        path = manifest_path(backup_file)
        _reserve(path)
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")
        return path

    @classmethod
    def read(cls, backup_file: Path) -> Manifest:
        """The manifest beside ``backup_file``; BackupError when it is missing or unreadable."""
        path = manifest_path(backup_file)
        if not path.is_file():
            raise BackupError(
                f"{backup_file} has no manifest beside it ({path.name}): it is not a Butler "
                "backup, or its manifest was lost. Without it the restore cannot be checked, "
                "so nothing was changed."
            )
        try:
            data = json.loads(path.read_text())
            manifest = cls(**{name: data[name] for name in MANIFEST_FIELDS})
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"{path} is not a Butler backup manifest ({error}).") from error
        if not isinstance(manifest.tables, dict) or not isinstance(manifest.revisions, list):
            raise BackupError(f"{path} is not a Butler backup manifest.")
        return manifest


@dataclass(frozen=True)
class RestoreCheck:
    """What the database holds after a restore, and how it differs from the manifest."""

    integrity: list[str]
    tables: dict[str, int]
    revisions: list[str]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def manifest_path(backup_file: Path) -> Path:
    """The manifest's path for ``backup_file``: the same name with ``.json`` added."""
    return backup_file.with_name(backup_file.name + ".json")


def default_path(instance_path: Path, dialect: str, now: datetime | None = None) -> Path:
    """Where a backup goes without ``--output``: ``backups/butler-<UTC time>.db|.dump``."""
    stamp = (now or clock.now()).strftime("%Y%m%d-%H%M%S")
    return instance_path / "backups" / f"butler-{stamp}{SUFFIXES[_supported(dialect)]}"


# --- Taking a backup ---------------------------------------------------------------------


def create_backup(engine: Engine, output: Path) -> Manifest:
    """Write a consistent copy of ``engine``'s database to ``output``, and its manifest.

    Returns the manifest. Refuses to overwrite an existing file; removes what it wrote
    when it fails.
    """
    dialect = _supported(engine.dialect.name)
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _reserve(output)
    try:
        if dialect == "sqlite":
            tables, revisions = _backup_sqlite(engine, output)
        else:
            tables, revisions = _backup_postgresql(engine, output)
        manifest = Manifest(
            database=dialect,
            created_at=clock.now().isoformat(timespec="seconds"),
            revisions=revisions,
            tables=tables,
            size=output.stat().st_size,
            sha256=_sha256(output),
            file=output.name,
        )
        manifest.write(output)
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    return manifest


def _backup_sqlite(engine: Engine, output: Path) -> tuple[dict[str, int], list[str]]:
    live = _sqlite_file(engine)
    try:
        with (
            closing(sqlite3.connect(live, timeout=SQLITE_TIMEOUT_S)) as source,
            closing(sqlite3.connect(output)) as copy,
        ):
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"The SQLite backup failed: {error}.") from error
    return _describe_file(output)


def _backup_postgresql(engine: Engine, output: Path) -> tuple[dict[str, int], list[str]]:
    pg_dump = find_pg_tool("pg_dump")
    uri, env = _libpq(engine)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # pg_dump reads the same snapshot as the counts below: they match the file.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            tables, revisions = _describe(conn)
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-password",
                    f"--file={output}",
                    f"--dbname={uri}",
                ],
                env,
            )
    return tables, revisions


# --- Checking and restoring a backup -------------------------------------------------------


def check_backup(engine: Engine, path: Path) -> Manifest:
    """The manifest of the backup at ``path``, once the file is found sound for ``engine``.

    Raises BackupError, changing nothing, for a missing file, a missing or broken
    manifest, a backup of the other database kind, or a file that is not what the
    manifest says (damaged, truncated or replaced).
    """
    dialect = _supported(engine.dialect.name)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    manifest = Manifest.read(path)
    if manifest.database != dialect:
        raise BackupError(
            f"{path} is a backup of a {manifest.database} database; this installation runs "
            f"on {dialect}."
        )
    magic = SQLITE_MAGIC if dialect == "sqlite" else PG_CUSTOM_MAGIC
    with path.open("rb") as f:
        if f.read(len(magic)) != magic:
            kind = "a SQLite database" if dialect == "sqlite" else "a pg_dump custom archive"
            raise BackupError(f"{path} is not {kind}: it cannot be a Butler backup.")
    if path.stat().st_size != manifest.size or _sha256(path) != manifest.sha256:
        raise BackupError(
            f"{path} is not the file its manifest describes (its size or SHA-256 differs): "
            "it was changed or damaged after the backup was taken."
        )
    if dialect == "sqlite":
        integrity = _sqlite_integrity(path)
        if integrity != ["ok"]:
            raise BackupError(f"{path} fails SQLite's integrity check: {'; '.join(integrity)}")
    else:
        env = _libpq(engine)[1]
        _run([find_pg_tool("pg_restore"), "--list", str(path)], env)
    return manifest


def restore_plan(engine: Engine, path: Path, manifest: Manifest) -> list[str]:
    """Lines telling what restoring ``path`` would replace, table by table."""
    with engine.connect() as conn:
        live, revisions = _describe(conn)
        conn.rollback()
    where = engine.url.render_as_string(hide_password=True)
    lines = [
        f"Restoring {path} replaces everything in {where}:",
        f"  now:    {len(live)} tables, {sum(live.values())} rows"
        f" (revisions: {_revisions_text(revisions)})",
        f"  backup: {len(manifest.tables)} tables, {manifest.total_rows} rows"
        f" (revisions: {_revisions_text(manifest.revisions)}), taken {manifest.created_at}",
    ]
    changed = [
        f"    {name}: {live.get(name, 'no table')} -> {manifest.tables.get(name, 'no table')}"
        for name in sorted(live.keys() | manifest.tables.keys())
        if live.get(name) != manifest.tables.get(name)
    ]
    if changed:
        lines.append("  rows per table, now -> after the restore:")
        lines.extend(changed)
    return lines


def restore_backup(engine: Engine, path: Path, manifest: Manifest) -> RestoreCheck:
    """Replace ``engine``'s database with the backup at ``path``; returns the check after.

    Call ``check_backup`` first. Pooled connections are closed so that none holds a
    snapshot or a lock across the restore.
    """
    engine.dispose()
    if _supported(engine.dialect.name) == "sqlite":
        _restore_sqlite(engine, path)
    else:
        _restore_postgresql(engine, path)
    engine.dispose()
    return verify(engine, manifest)


def _restore_sqlite(engine: Engine, path: Path) -> None:
    # A restore drill may target a database file that does not exist yet.
    live = _sqlite_file(engine, must_exist=False)
    try:
        with (
            closing(sqlite3.connect(_read_only_uri(path), uri=True)) as source,
            closing(sqlite3.connect(live, timeout=SQLITE_TIMEOUT_S)) as target,
        ):
            source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"The SQLite restore failed: {error}.") from error


def _restore_postgresql(engine: Engine, path: Path) -> None:
    uri, env = _libpq(engine)
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c lock_timeout={PG_LOCK_TIMEOUT_MS}".strip()
    _run(
        [
            find_pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            f"--dbname={uri}",
            str(path),
        ],
        env,
        hint="Nothing was changed (the restore runs in one transaction). If a lock timed "
        "out, stop the application servers and the job runner first.",
    )


def verify(engine: Engine, manifest: Manifest) -> RestoreCheck:
    """What the database holds now, compared with ``manifest``: counts, revisions, integrity."""
    with engine.connect() as conn:
        integrity: list[str] = []
        if engine.dialect.name == "sqlite":
            integrity = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA integrity_check")]
        tables, revisions = _describe(conn)
        conn.rollback()
    problems = []
    if integrity and integrity != ["ok"]:
        problems.append(f"integrity check: {'; '.join(integrity)}")
    for name in sorted(tables.keys() | manifest.tables.keys()):
        found, expected = tables.get(name), manifest.tables.get(name)
        if found != expected:
            problems.append(
                f"{name}: {'no table' if found is None else f'{found} rows'}, the backup has "
                f"{'no such table' if expected is None else f'{expected} rows'}"
            )
    if revisions != manifest.revisions:
        problems.append(
            f"revisions {_revisions_text(revisions)}, the backup has "
            f"{_revisions_text(manifest.revisions)}"
        )
    return RestoreCheck(integrity, tables, revisions, problems)


# --- Reports for the commands ----------------------------------------------------------------


def backup_report(path: Path, manifest: Manifest) -> list[str]:
    """Lines for ``butler backup``: where the backup is, its size, the rows per table."""
    return [
        f"Backup written to {path}",
        f"  size: {_human_size(manifest.size)} ({manifest.size} bytes), "
        f"sha256 {manifest.sha256[:16]}…",
        f"  manifest: {manifest_path(path)}",
        f"  revisions: {_revisions_text(manifest.revisions)}",
        f"  rows per table ({manifest.total_rows} in all):",
        *_table_lines(manifest.tables),
    ]


def check_report(check: RestoreCheck) -> list[str]:
    """Lines for ``butler restore`` after the restore: the checks and what they found."""
    lines = []
    if check.integrity:
        lines.append(f"SQLite integrity check: {'; '.join(check.integrity)}")
    lines.append(f"Row counts of {len(check.tables)} tables compared with the manifest:")
    if check.ok:
        lines.append(f"  all match ({sum(check.tables.values())} rows). Restore complete.")
    else:
        lines.extend(f"  MISMATCH {problem}" for problem in check.problems)
    return lines


# --- Helpers ---------------------------------------------------------------------------------


def find_pg_tool(name: str) -> str:
    """The path of PostgreSQL's ``name`` program: from PATH, else the newest in PG_BIN_GLOB."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"{PG_BIN_GLOB}/{name}"), key=_major_version, reverse=True)
    if candidates:
        return candidates[0]
    raise BackupError(
        f"{name} was found neither on PATH nor in {PG_BIN_GLOB}. It is one of PostgreSQL's "
        "client programs, in Debian's postgresql-client package: `apt-get install "
        "postgresql-client` (its major version must be at least the server's)."
    )


def _major_version(program: str) -> int:
    version = Path(program).parent.parent.name
    return int(version) if version.isdigit() else 0


def _supported(dialect: str) -> str:
    if dialect not in SUFFIXES:
        raise BackupError(f"Backups of {dialect} databases are not supported.")
    return dialect


def _describe(conn: Connection) -> tuple[dict[str, int], list[str]]:
    """Row counts of every table the connection sees, and the Alembic revisions."""
    names = sorted(inspect(conn).get_table_names())
    tables = {
        name: conn.execute(select(func.count()).select_from(table(name))).scalar_one()
        for name in names
    }
    revisions = []
    if "alembic_version" in tables:
        revisions = sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return tables, revisions


def _describe_file(path: Path) -> tuple[dict[str, int], list[str]]:
    """``_describe`` for a SQLite file, opened read-only."""
    engine = create_engine(
        URL.create("sqlite", database=path.resolve().as_uri(), query={"mode": "ro", "uri": "true"}),
        poolclass=NullPool,
    )
    try:
        with engine.connect() as conn:
            return _describe(conn)
    finally:
        engine.dispose()


def _sqlite_integrity(path: Path) -> list[str]:
    try:
        with closing(sqlite3.connect(_read_only_uri(path), uri=True)) as conn:
            return [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.Error as error:
        return [str(error)]


def _sqlite_file(engine: Engine, must_exist: bool = True) -> str:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Only a SQLite database in a file can be backed up or restored.")
    if must_exist and not Path(database).is_file():
        raise BackupError(f"The database file {database} does not exist.")
    return database


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for ``engine`` and the environment to run a client in.

    The password travels in PGPASSWORD, not on the command line where ``ps`` shows it.
    """
    env = dict(os.environ)
    if engine.url.password:
        env["PGPASSWORD"] = str(engine.url.password)
    url = engine.url.set(drivername="postgresql", password=None)
    return url.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], hint: str = "") -> None:
    result = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        message = f"{Path(command[0]).name} failed (exit status {result.returncode})"
        details = result.stderr.strip() or result.stdout.strip()
        raise BackupError(" ".join(filter(None, [f"{message}: {details}", hint])))


def _reserve(path: Path) -> None:
    """Create ``path`` empty and private (0600); BackupError when it exists already."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError as error:
        raise BackupError(f"{path} exists already: choose another --output.") from error


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KiB", "MiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def _revisions_text(revisions: list[str]) -> str:
    return ", ".join(revisions) or "none"


def _table_lines(tables: dict[str, int]) -> list[str]:
    width = max((len(name) for name in tables), default=0)
    return [f"    {name:<{width}}  {count:>8}" for name, count in sorted(tables.items())]
