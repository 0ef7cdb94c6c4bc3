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
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from core import audit, clock, outbox, reset_links, totp
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
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ResetPasswordForm,
    SecondFactorForm,
    TurnOffSecondFactorForm,
    TurnOnSecondFactorForm,
)
from core.models import Membership, Site, User
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


# --- A forgotten password, by e-mail -------------------------------------------------------

MAX_ACCOUNTS_PER_REQUEST = 5  # one address may serve a few accounts (a shared office mailbox)


def _accounts_named(value: str) -> list[User]:
    """The active accounts whose username or e-mail address is ``value``."""
    value = value.strip().lower()
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                or_(User.username == value, (User.email != "") & (func.lower(User.email) == value)),
            )
            .order_by(User.id)
            .limit(MAX_ACCOUNTS_PER_REQUEST)
        )
    )


def _minutes() -> int:
    return int(reset_links.LIFETIME.total_seconds() // 60)


def _site_for_mail(user: User) -> Site | None:
    """The site whose outbox carries mail to ``user``: their last site, else one they
    work on, else one of their company's."""
    site_id = (
        user.last_site_id
        or db.session.scalar(
            select(func.min(Membership.site_id)).where(Membership.user_id == user.id)
        )
        or db.session.scalar(
            select(func.min(Site.id)).where(Site.organization_id == user.organization_id)
        )
    )
    return db.session.get(Site, site_id) if site_id else None


def _send_reset_link(user: User) -> None:
    site = _site_for_mail(user)
    if site is None or "@" not in user.email:
        return
    token = reset_links.make_token(user)
    link = url_for("auth.reset_password", token=token, _external=True)
    minutes = _minutes()
    with force_locale(user.locale or site.default_locale):
        subject = _("Choose a new Butler password")
        body = "\n\n".join(
            (
                _("Hello %(name)s,", name=user.display_name),
                _(
                    "Someone (we hope you) asked to choose a new password for the Butler "
                    "account %(username)s. Open this link to choose it:",
                    username=user.username,
                ),
                link,
                _(
                    "The link works once, for %(minutes)d minutes. If you did not ask, "
                    "ignore this message: your password stays as it is.",
                    minutes=minutes,
                ),
            )
        )
    # The token is the key: one message per link, never two for the same one.
    queued = outbox.queue(
        site, "email", user.email, subject, body, dedupe_key=f"password-reset:{token[-32:]}"
    )
    if queued is not None:
        audit.record("password.reset_link_sent", user, user=user, site=site)


@bp.route("/password/forgot", methods=["GET", "POST"])
@requires(PUBLIC)
def forgot_password():
    """Ask for a link to choose a new password. The answer is the same page whether an
    account matches or not, so that nobody learns here who works with Butler."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        for user in _accounts_named(form.username.data):
            _send_reset_link(user)
        db.session.commit()
        return redirect(url_for("auth.forgot_password_sent"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("core/forgot_password.html", form=form), status


@bp.route("/password/forgot/sent")
@requires(PUBLIC)
def forgot_password_sent():
    return render_template("core/forgot_password_sent.html", minutes=_minutes())


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@requires(PUBLIC)
def reset_password(token: str):
    """Choose a new password from an e-mailed link: once, within its 30 minutes."""
    user = reset_links.user_of(token)
    if user is None:
        response = current_app.make_response(
            (render_template("core/reset_link_dead.html", minutes=_minutes()), 404)
        )
    else:
        form = ResetPasswordForm(username=user.username)
        if form.validate_on_submit():
            user.password_hash = hash_password(form.new_password.data)
            user.password_changed_at = clock.now()
            user.must_change_password = False
            # Every session ends; the new stamp makes this link (and any other) void.
            revoke_all_sessions(user)
            audit.record("password.reset_by_link", user, user=user)
            db.session.commit()
            flash(_("Your password is changed. Log in with it."), "success")
            return redirect(url_for("auth.login"), code=303)
        status = 422 if request.method == "POST" else 200
        response = current_app.make_response(
            (render_template("core/reset_password.html", form=form, user=user), status)
        )
    # The link is the key: keep it out of caches and out of any Referer header.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


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
            if totp.is_required(user):
                form.password.errors.append(
                    _("Your organisation requires two-step login for your role: it stays on.")
                )
                status = 422
            elif check_password(user, form.password.data):
                totp.turn_off(user)
                audit.record("second_factor.turned_off", user)
                db.session.commit()
                flash(_("The second step is off."), "success")
                return redirect(url_for("auth.account_second_factor"), code=303)
            else:
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
                required=totp.must_set_up(user),
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
