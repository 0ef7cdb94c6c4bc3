"""Logging in and out, changing one's password and language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from core import audit
from core.auth import check_password, find_user, hash_password
from core.extensions import db
from core.forms import ChangePasswordForm, LanguageForm, LoginForm
from core.models import utcnow
from core.security import LOGGED_IN, PUBLIC, requires
from core.views.sites import landing_url

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        user = find_user(form.username.data)
        if check_password(user, form.password.data) and user.active:
            login_user(user)
            user.last_login_at = utcnow()
            audit.record("login.success", user, user=user)
            db.session.commit()
            return redirect(safe_next(form.next.data) or landing_url(user))
        audit.record(
            "login.failure",
            detail={"username": form.username.data[:60]},
            user=user if user is not None else None,
        )
        db.session.commit()
        form.password.errors.append(_("Wrong username or password."))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("core/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@requires(LOGGED_IN)
def logout():
    audit.record("logout", current_user)
    db.session.commit()
    language = str(get_locale())
    logout_user()
    session.clear()
    # The login page that follows stays in the language the user was reading.
    session["locale"] = language
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(LOGGED_IN)
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        if not check_password(current_user, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
            status = 422
        else:
            user = current_user._get_current_object()
            user.password_hash = hash_password(form.new_password.data)
            user.password_changed_at = utcnow()
            # Every other session of this user ends; this one is renewed below.
            user.session_epoch += 1
            audit.record("password.changed", user)
            db.session.commit()
            login_user(user)
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return redirect(landing_url(user))
    elif request.method == "POST":
        status = 422
    return render_template("core/change_password.html", form=form), status


@bp.route("/language", methods=["POST"])
@requires(PUBLIC)
def set_language():
    form = LanguageForm()
    back = safe_next(form.next.data) or url_for("sites.choose")
    if not form.validate_on_submit():
        flash(_("Choose one of the languages offered."), "error")
        return redirect(back)
    session["locale"] = form.locale.data
    if current_user.is_authenticated:
        current_user.locale = form.locale.data
        db.session.commit()
    return redirect(back)
