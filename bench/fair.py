"""The fair yardstick of the throughput figure: a bare Flask + SQLAlchemy + Flask-Login app.

It does what Butler's resident list must do and nothing more: Flask-Login loads the
logged-in user from the database (by the id in its signed session cookie), the site is
read by its slug, and the same 50 residents are read with the very statements Butler
runs (``core.residents.list_query`` and ``count_query``: the same joins, filters and
order), then rendered by Jinja in a plain page, or as the table alone for an htmx
request (the search as you type). No server-side session, no permission, audit,
plugins, navigation or translation. Served by gunicorn exactly as Butler is; the
database is ``DATABASE_URL``'s, through Flask-SQLAlchemy (Butler's search finds the ids
through its session).

``GET /login?username=…`` logs a user in (the bench takes the cookie it sets);
``GET /s/<slug>/residents/`` is the list (``?q=`` searches, ``?page=`` pages).
"""

from __future__ import annotations

import os

from flask import Flask, abort, request
from flask_login import LoginManager, UserMixin, current_user, login_user
from jinja2 import Environment
from sqlalchemy import select

from core.extensions import db
from core.models import Site, User
from core.residents import count_query, filter_from_args, list_query

TABLE = """<table>
  <thead><tr><th scope="col">Name</th><th scope="col">Unit</th><th scope="col">Phone</th>
  <th scope="col">Lives there as</th><th scope="col">Number</th></tr></thead>
  <tbody>
  {% for resident, occupancy, unit, building in rows %}
  <tr>
    <td><a href="/s/{{ slug }}/residents/{{ resident.id }}">{{ resident.name }}</a></td>
    <td>{% if unit.number %}{{ building.code }}-{{ unit.number }}{% endif %}</td>
    <td><a href="tel:{{ resident.phone }}">{{ resident.phone }}</a></td>
    <td>{{ occupancy.role or "" }}</td>
    <td>{{ resident.ref }}</td>
  </tr>
  {% endfor %}
  </tbody>
</table>
<p>{{ total }} residents · page {{ page }} of {{ pages }}</p>"""

PAGE = (
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Residents · {{ site_name }}</title></head>
<body><main><h1>Residents</h1>
<form><input type="search" name="q" value="{{ q }}"></form>
<section id="resident-results">"""
    + TABLE
    + """</section>
</main></body></html>"""
)

jinja = Environment(autoescape=True)
page_template = jinja.from_string(PAGE)
table_template = jinja.from_string(TABLE)

app = Flask(__name__)
app.secret_key = os.environ.get("SECRET_KEY", "bench-fair")
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite://")
app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": False}
db.init_app(app)
login_manager = LoginManager(app)


class Who(UserMixin):
    def __init__(self, user_id: int) -> None:
        self.id = user_id


@login_manager.user_loader
def load_user(user_id: str) -> Who | None:
    found = db.session.scalar(select(User.id).where(User.id == int(user_id), User.active))
    return Who(found) if found is not None else None


@app.get("/login")
def login():
    user_id = db.session.scalar(select(User.id).where(User.username == request.args["username"]))
    if user_id is None:
        abort(404)
    login_user(Who(user_id))
    return "logged in"


@app.get("/s/<slug>/residents/")
def residents(slug: str):
    if not current_user.is_authenticated:
        abort(401)
    site = db.session.execute(
        select(Site.id, Site.name).where(Site.slug == slug, Site.archived_at.is_(None))
    ).first()
    if site is None:
        abort(404)
    f = filter_from_args(request.args, default_mine=False)
    rows = db.session.execute(list_query(f, site, current_user)).all()
    total = db.session.scalar(count_query(f, site, current_user))
    context = {
        "rows": rows,
        "slug": slug,
        "site_name": site.name,
        "q": f.q,
        "total": total,
        "page": f.page,
        "pages": max(1, -(-total // f.per_page)),
    }
    partial = request.headers.get("HX-Request") == "true"
    return (table_template if partial else page_template).render(**context)
