"""Permissions: deny by default, roles from memberships, every view declares one."""

from __future__ import annotations

from flask import g
from flask_login import login_user

from core.roles import ROLE_CODES
from core.security import LOGGED_IN, PUBLIC, can, permission_of, registry
from tests.conftest import login


def test_every_endpoint_declares_the_permission_it_needs(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and permission_of(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == []


def test_every_declared_permission_is_known_to_the_registry(app):
    with app.app_context():
        known = {p.name for p in registry()}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        declared = permission_of(app.view_functions[rule.endpoint])
        assert declared in known | {PUBLIC, LOGGED_IN}, rule.endpoint


def test_every_permission_names_only_built_in_roles(app):
    with app.app_context():
        for permission in registry():
            assert permission.default_roles <= set(ROLE_CODES), permission.name


def test_roles_give_their_permissions_on_their_own_site_only(app, make):
    site, other = make.site(), make.site()
    butler = make.user(role="butler", site=site)
    manager = make.user(role="manager", site=site)
    with app.test_request_context():
        login_user(butler)
        g.site = site
        assert can(butler, "residents.view")
        assert not can(butler, "staff.manage")
        assert not can(butler, "residents.view", other)
        assert can(manager, "buildings.edit")


def test_unknown_permissions_are_refused_to_everyone(app, make):
    site = make.site()
    admin = make.user(role=None, org_admin=True, org=make.org())
    butler = make.user(site=site)
    with app.test_request_context():
        g.site = site
        assert not can(butler, "no.such.permission")
        assert not can(admin, "no.such.permission")


def test_anonymous_and_deactivated_users_may_do_nothing(app, make):
    site = make.site()
    gone = make.user(site=site, active=False)
    with app.test_request_context():
        from flask_login import AnonymousUserMixin

        g.site = site
        assert not can(AnonymousUserMixin(), "site.view")
        assert not can(gone, "site.view")
        assert can(AnonymousUserMixin(), PUBLIC)
        assert not can(AnonymousUserMixin(), LOGGED_IN)


def test_several_roles_on_one_site_add_up(app, make):
    site = make.site()
    user = make.user(role="front_desk", site=site)
    make.membership(user, site, "manager")
    with app.test_request_context():
        g.site = site
        assert can(user, "buildings.edit")  # from manager
        assert can(user, "residents.edit")  # from both


def test_a_refused_view_answers_403_and_is_audited(app, make, make_app):
    from flask import Blueprint
    from sqlalchemy import select

    from core.extensions import db
    from core.models import AuditLog
    from core.security import requires

    # A fresh application with one extra view that only org admins may open.
    extra = make_app(dict(app.config))
    bp = Blueprint("probe", __name__, url_prefix="/s/<site_slug>/probe")
    bp.add_url_rule("/", "index", requires("staff.manage")(lambda: "secret"))
    extra.register_blueprint(bp)

    site = make.site()
    make.user(role="butler", site=site, username="ben")
    client = extra.test_client()
    login(client, "ben")
    response = client.get(f"/s/{site.slug}/probe/")
    assert response.status_code == 403
    assert "You may not do this" in response.get_data(as_text=True)
    assert "secret" not in response.get_data(as_text=True)
    with extra.app_context():
        denied = db.session.scalars(
            select(AuditLog).where(AuditLog.action == "access.denied")
        ).one()
        assert denied.site_id == site.id
        assert "staff.manage" in denied.detail


def test_a_whole_number_of_400_digits_is_refused_with_the_message_not_a_crash(app):
    from werkzeug.datastructures import MultiDict
    from wtforms import Form, IntegerField

    from core.forms import IntRange

    class AgeForm(Form):
        age = IntegerField(validators=[IntRange(0, 150, "Give an age from 0 to 150.")])

    assert AgeForm(MultiDict({"age": "70"})).validate()
    for odd in ("9" * 400, "-1", "151"):
        form = AgeForm(MultiDict({"age": odd}))
        assert not form.validate()
        assert form.age.errors == ["Give an age from 0 to 150."]
