"""``flask --app wsgi butler …``: the core's commands, and the group plugins add theirs to.

The core's commands are plain click commands; the default plugin (``core.defaults``) adds
them to the ``butler`` group through ``butler_cli``, as any plugin adds its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from core import backup, demo, offline, outbox_queue
from core.auth import hash_password, password_problems
from core.console import migrate_command, serve_command
from core.database import owner_engine
from core.dbroles import RoleRefused, grant_app_role
from core.extensions import db
from core.jobs import ReleaseRefused, release, run_due, schedule_text, schedules
from core.models import Organization, User
from core.outbox import DEFAULT_BATCH, deliver_due


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when data exists.")
@click.option("--force", is_flag=True, help="Add the demo data to a database that holds data.")
def demo_command(if_empty: bool, force: bool) -> None:
    """Load the demo organisation, its sites and a login for each role."""
    if current_app.config["BUTLER_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded when BUTLER_ENV=production.")
    if not demo.database_is_empty():
        if if_empty:
            click.echo("The database already holds data: demo data not loaded.")
            return
        if not force:
            raise click.ClickException(
                "The database already holds data. Run again with --force to add the demo "
                "organisation to it (rows that exist already are left as they are)."
            )
    created = demo.load()
    summary = ", ".join(f"{n} {kind}" for kind, n in created.items() if n) or "nothing new"
    click.echo(f"Demo data loaded: {summary}.")
    click.echo(
        f"Demo logins (password {demo.DEMO_PASSWORD}): " + ", ".join(u[0] for u in demo.DEMO_USERS)
    )


@click.command("create-admin")
@with_appcontext
@click.option("--organization", "org_name", required=True, help="The property company's name.")
@click.option("--slug", required=True, help="Short name of the organisation, e.g. evergreen.")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="The admin's full name.")
@click.password_option()
def create_admin_command(
    org_name: str, slug: str, username: str, display_name: str, password: str
) -> None:
    """Create an organisation and its first organisation admin (a fresh installation)."""
    problems = password_problems(password)
    if problems:
        raise click.ClickException(" ".join(problems))
    username = username.strip().lower()
    if db.session.execute(select(User).where(User.username == username)).scalar_one_or_none():
        raise click.ClickException(f"The username {username!r} is taken.")
    org = db.session.execute(
        select(Organization).where(Organization.slug == slug)
    ).scalar_one_or_none()
    if org is None:
        org = Organization(slug=slug, name=org_name)
        db.session.add(org)
        db.session.flush()
    db.session.add(
        User(
            organization_id=org.id,
            username=username,
            display_name=display_name,
            password_hash=hash_password(password),
            is_org_admin=True,
        )
    )
    db.session.commit()
    click.echo(f"Organisation admin {username!r} created for {org.name}.")


# --- Backups -----------------------------------------------------------------------------


@click.command("backup")
@with_appcontext
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the backup (default: instance/backups/butler-<UTC time>.db or .dump).",
)
def backup_command(output: Path | None) -> None:
    """Write a consistent copy of the database, with a manifest of its rows beside it."""
    engine = db.engine
    target = output or backup.default_path(Path(current_app.instance_path), engine.dialect.name)
    try:
        manifest = backup.create_backup(engine, target)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    for line in backup.backup_report(target, manifest):
        click.echo(line)


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database (required, in production too).")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database with a backup, then check it against the backup's manifest."""
    engine = owner_engine(current_app)
    try:
        manifest = backup.check_backup(engine, path)
        plan = backup.restore_plan(engine, path, manifest)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    for line in plan:
        click.echo(line)
    if not yes:
        production = current_app.config["BUTLER_ENV"] == "production"
        raise click.ClickException(
            ("This is the production database (BUTLER_ENV=production). " if production else "")
            + "Nothing was changed: run again with --yes to replace the database."
        )
    db.session.remove()
    try:
        check = backup.restore_backup(engine, path, manifest)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    for line in backup.check_report(check):
        click.echo(line)
    if not check.ok:
        raise click.ClickException("The restored database does not match the backup's manifest.")


# --- Jobs and the outbox ---------------------------------------------------------------


@click.group("jobs", cls=AppGroup)
def jobs_group() -> None:
    """Scheduled work of the core and the plugins (run it from cron every 5 minutes)."""


@jobs_group.command("run")
@click.option(
    "--now",
    "now_text",
    metavar="ISO8601",
    help="Pretend it is this time (UTC unless the value has an offset).",
)
def jobs_run_command(now_text: str | None) -> None:
    """Run the jobs that are due, then deliver the outbox's due messages."""
    summary = run_due(_parse_now(now_text))
    if summary.abandoned:
        click.echo(f"Jobs: {summary.abandoned} run(s) stopped unfinished (their lease ran out).")
    click.echo(f"Jobs: {summary.ran} ran, {summary.skipped} skipped, {summary.failed} failed.")
    for job, site, error in summary.failures:
        click.echo(f"  {job} failed for {site}: {error}", err=True)
    if current_app.config.get("BUTLER_OUTBOX_WORKERS") == "rq":
        _hand_off(DEFAULT_BATCH)
    else:
        delivered = deliver_due()
        click.echo(
            f"Outbox: {delivered.sent} sent, {delivered.failed} failed, "
            f"{delivered.uncertain} uncertain."
        )
        if delivered.held:
            click.echo(f"{delivered.held} held back: the outbox page says why.")
    forgotten = offline.forget_old_keys()
    db.session.commit()
    if forgotten:
        click.echo(f"Offline: {forgotten} submission key(s) older than 30 days forgotten.")
    if summary.failed:
        raise click.exceptions.Exit(1)


@jobs_group.command("list")
@click.option("--now", "now_text", metavar="ISO8601", help="Show the schedule as at this time.")
def jobs_list_command(now_text: str | None) -> None:
    """Show every job, and for each site where it is on, its last and next run."""
    listing = schedules(_parse_now(now_text))
    if not listing:
        click.echo("No jobs are declared.")
    for entry in listing:
        click.echo(f"{entry.name}  {schedule_text(entry.job)}  {entry.job.description}".rstrip())
        if not entry.sites:
            click.echo("  on no open site")
        for row in entry.sites:
            last = f"{row.last_period} {row.last_status}" if row.last_period else "never run"
            if row.last_run_id is not None and row.last_status == "running":
                last += f" (run {row.last_run_id})"
            if row.next_run is None:
                following = "unknown (the site's time zone is not known)"
            elif row.due_now:
                following = "due now"
            else:
                following = row.next_run.strftime("%Y-%m-%d %H:%M %Z")
            click.echo(f"  {row.site.slug} ({row.site.timezone}): last {last}; next {following}")


@jobs_group.command("release")
@click.argument("run_id", type=int)
def jobs_release_command(run_id: int) -> None:
    """Free a job run left "running" by a process that stopped (see `jobs list`)."""
    try:
        run = release(run_id)
    except ReleaseRefused as refused:
        click.echo(str(refused), err=True)
        raise click.exceptions.Exit(1) from refused
    click.echo(
        f"Released run {run.id} ({run.job}, period {run.period}): the runner takes the "
        "period again at its next call while the period lasts."
    )


# --- Database roles ----------------------------------------------------------------------


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """The database's roles (PostgreSQL): the owner migrates, the app role only reads and writes."""


@db_group.command("grant-app-role")
@click.argument("role")
def grant_app_role_command(role: str) -> None:
    """Create ROLE if missing and let it read and write the tables, and nothing more.

    Connects as the owner (MIGRATION_DATABASE_URL, else DATABASE_URL). Run it after every
    `flask db upgrade heads`: tables made since the last run have no grants until then.
    """
    engine = owner_engine(current_app)
    try:
        grant_app_role(engine, role)
    except RoleRefused as refused:
        raise click.ClickException(str(refused)) from refused
    click.echo(
        f"{role} may now read and write the tables of {engine.url.database} and use their "
        "sequences; it cannot change the schema, and audit rows only take inserts."
    )


@click.group("outbox", cls=AppGroup)
def outbox_group() -> None:
    """Messages to residents waiting to be delivered."""


@outbox_group.command("deliver")
@click.option("--limit", default=200, show_default=True, help="Most messages to try.")
def outbox_deliver_command(limit: int) -> None:
    """Deliver the messages that are due (new ones, and failed ones whose wait is over)."""
    delivered = deliver_due(limit=limit)
    click.echo(
        f"Outbox: {delivered.sent} sent, {delivered.failed} failed, "
        f"{delivered.uncertain} uncertain."
    )
    if delivered.held:
        click.echo(f"{delivered.held} held back: the outbox page says why.")


@outbox_group.command("hand-off")
@click.option("--limit", default=DEFAULT_BATCH, show_default=True, help="Most messages to name.")
def outbox_hand_off_command(limit: int) -> None:
    """Put the due messages on the RQ queue `butler-outbox` for the delivery workers."""
    _hand_off(limit)


def _hand_off(limit: int) -> None:
    try:
        named = outbox_queue.hand_off(limit=limit)
    except outbox_queue.QueueMissing as missing:
        click.echo(str(missing), err=True)
        raise click.exceptions.Exit(1) from missing
    click.echo(f"Outbox: {named} message(s) handed to the delivery workers.")


def _parse_now(text: str | None):
    """The ``--now`` option as an aware UTC time (None when not given)."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 time", param_hint="--now") from error
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


COMMANDS: tuple[click.Command, ...] = (
    demo_command,
    create_admin_command,
    backup_command,
    restore_command,
    jobs_group,
    outbox_group,
    migrate_command,
    serve_command,
    db_group,
)
"""The core's commands, which the default plugin adds to the ``butler`` group."""


def init_app(app: Flask) -> None:
    """Give the application its ``flask butler`` group, filled by every plugin's
    ``butler_cli`` (the core's commands come from the default plugin)."""
    butler = AppGroup("butler", help="Butler's own commands.")
    app.extensions["butler.plugins"].pm.hook.butler_cli(cli=butler)
    app.cli.add_command(butler)
