"""Logging in and out (with the optional second factor), one's password and language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from core import audit, clock, totp
from core.auth import (
    check_password,
    end_session,
    find_user,
    hash_password,
    revoke_all_sessions,
    start_session,
)
from core.extensions import db
from core.forms.account import (
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    SecondFactorForm,
    TurnOffSecondFactorForm,
    TurnOnSecondFactorForm,
)
from core.models import User
from core.security import LOGGED_IN, PUBLIC, requires
from core.views.sites import landing_url

bp = Blueprint("auth", __name__)

PENDING_SECONDS = 300  # time allowed between the password and the second factor


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


def _finish_login(user: User, target: str | None):
    start_session(user)
    user.last_login_at = clock.now()
    audit.record("login.success", user, user=user)
    db.session.commit()
    return redirect(safe_next(target) or landing_url(user))


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
            if user.totp_enabled_at is not None:
                language = session.get("locale")
                session.clear()
                if language:
                    session["locale"] = language
                session["pending_user"] = user.id
                session["pending_epoch"] = user.session_epoch
                session["pending_at"] = int(clock.now().timestamp())
                session["pending_next"] = safe_next(form.next.data) or ""
                db.session.commit()  # a rehashed password, if any
                return redirect(url_for("auth.second_factor"))
            return _finish_login(user, form.next.data)
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


def _pending_user() -> User | None:
    user_id = session.get("pending_user")
    if (
        not user_id
        or int(clock.now().timestamp()) - int(session.get("pending_at", 0)) > PENDING_SECONDS
    ):
        return None
    user = db.session.get(User, user_id)
    if (
        user is None
        or not user.active
        or user.totp_enabled_at is None
        or user.session_epoch != session.get("pending_epoch")
    ):
        return None
    return user


@bp.route("/login/second-factor", methods=["GET", "POST"])
@requires(PUBLIC)
def second_factor():
    user = _pending_user()
    if user is None:
        flash(_("Log in again: the time for the second step has run out."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        code = form.code.data.strip()
        if totp.accept_code(user, code):
            target = session.get("pending_next")
            return _finish_login(user, target)
        if totp.use_recovery_code(user, code):
            audit.record("login.recovery_code_used", user, user=user)
            target = session.get("pending_next")
            response = _finish_login(user, target)
            left = totp.unused_recovery_codes(user)
            flash(_("You used a recovery code; %(left)d are left.", left=left), "info")
            return response
        audit.record("login.second_factor_failure", user, user=user)
        db.session.commit()
        form.code.errors.append(_("This code is not right. Try the newest code in your app."))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("core/second_factor.html", form=form), status


@bp.route("/logout", methods=["POST"])
@requires(LOGGED_IN)
def logout():
    audit.record("logout", current_user)
    language = str(get_locale())
    end_session()
    db.session.commit()
    # The login page that follows stays in the language the user was reading.
    session["locale"] = language
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(LOGGED_IN)
def change_password():
    form = ChangePasswordForm(username=current_user.username)
    status = 200
    if form.validate_on_submit():
        if not check_password(current_user, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
            status = 422
        else:
            user = current_user._get_current_object()
            user.password_hash = hash_password(form.new_password.data)
            user.password_changed_at = clock.now()
            user.must_change_password = False
            # Every session of this user ends, this one included; a fresh one replaces it.
            revoke_all_sessions(user)
            audit.record("password.changed", user)
            start_session(user)
            db.session.commit()
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return redirect(landing_url(user))
    elif request.method == "POST":
        status = 422
    return render_template(
        "core/change_password.html",
        form=form,
        offer_second_factor=totp.may_use_second_factor(current_user),
    ), status


@bp.route("/account/second-factor", methods=["GET", "POST"])
@requires(LOGGED_IN)
def account_second_factor():
    user = current_user._get_current_object()
    if not totp.may_use_second_factor(user):
        abort(404)
    if user.totp_enabled_at is not None:
        form = TurnOffSecondFactorForm()
        status = 200
        if form.validate_on_submit():
            if check_password(user, form.password.data):
                totp.turn_off(user)
                audit.record("second_factor.turned_off", user)
                db.session.commit()
                flash(_("The second step is off."), "success")
                return redirect(url_for("auth.account_second_factor"), code=303)
            form.password.errors.append(_("This is not your current password."))
            status = 422
        elif request.method == "POST":
            status = 422
        return render_template(
            "core/second_factor_setup.html",
            form=form,
            on=True,
            left=totp.unused_recovery_codes(user),
        ), status
    secret = session.get("totp_setup") or totp.new_secret()
    session["totp_setup"] = secret
    form = TurnOnSecondFactorForm()
    status = 200
    if form.validate_on_submit():
        step = totp.matching_step(secret, form.code.data)
        if step is not None:
            user.totp_secret = secret
            user.totp_enabled_at = clock.now()
            user.totp_last_step = step  # the code that turned it on does not log in too
            codes = totp.new_recovery_codes(user)
            session.pop("totp_setup", None)
            audit.record("second_factor.turned_on", user)
            db.session.commit()
            response = current_app.make_response(
                render_template("core/recovery_codes.html", codes=codes)
            )
            response.headers["Cache-Control"] = "no-store"
            return response
        form.code.errors.append(_("This code is not right. Try the newest code in your app."))
        status = 422
    elif request.method == "POST":
        status = 422
    uri = totp.provisioning_uri(user, secret)
    response = current_app.make_response(
        (
            render_template(
                "core/second_factor_setup.html",
                form=form,
                on=False,
                secret=secret,
                qr=totp.qr_svg(uri),
            ),
            status,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


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
