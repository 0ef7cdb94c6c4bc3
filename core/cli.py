"""``flask --app wsgi butler …``: demo data and first-time set-up."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from core.extensions import db

butler = AppGroup("butler", help="Butler's own commands.")


@butler.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when data exists.")
@click.option("--force", is_flag=True, help="Add the demo data to a database that holds data.")
def demo_command(if_empty: bool, force: bool) -> None:
    """Load the demo organisation, its sites and a login for each role."""
    from core import demo

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


@butler.command("create-admin")
@click.option("--organization", "org_name", required=True, help="The property company's name.")
@click.option("--slug", required=True, help="Short name of the organisation, e.g. evergreen.")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="The admin's full name.")
@click.password_option()
def create_admin_command(
    org_name: str, slug: str, username: str, display_name: str, password: str
) -> None:
    """Create an organisation and its first organisation admin (a fresh installation)."""
    from core.auth import hash_password, password_problems
    from core.models import Organization, User

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


def init_app(app: Flask) -> None:
    app.cli.add_command(butler)
