"""Account pages. Each validates its form, calls one service, commits, then redirects.

Sessions: the session is emptied before every login (no fixation), and logout or a new
password rotates the account's session token, which every cookie carries, so copies of an
old cookie stop working everywhere.
"""

import time
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import confirm_login, current_user, login_required, login_user, logout_user
from limits import parse as parse_limit

from app.auth import bp
from app.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmailForm,
    LoginForm,
    ReauthenticateForm,
    ResetPasswordForm,
    SignUpForm,
)
from app.errors import done, emailed_link, form_status, submit
from app.extensions import db, limiter
from app.models import User, utcnow
from app.services import accounts

LOGIN_LIMIT = "10/minute"
SIGN_UP_LIMIT = "5/hour"
EMAIL_LINK_LIMIT = "5/hour"
GUESS_LIMIT = "10/minute"
# Remember when the password was last typed; Flask-Login's "fresh" flag alone never expires.
FRESH_AT = "_fresh_at"


def _email_key() -> str:
    """Limits per address as well as per IP: spreading guesses over many IPs does not help."""
    return "email:" + accounts.normalise_email(request.form.get("email", ""))


def _may_send_reset_link(email: str) -> bool:
    """At most EMAIL_LINK_LIMIT reset emails per address: a cap on what reaches the inbox,
    never a 429, so that someone who floods the address (or its login) cannot keep its owner
    from asking. The links already sent keep working until the password changes."""
    if not limiter.enabled:
        return True
    key = "reset-link:" + accounts.normalise_email(email)
    return limiter.limiter.hit(parse_limit(EMAIL_LINK_LIMIT), key)


def _forget_failed_logins(email: str) -> None:
    """The owner has just proved the address is theirs: the per-address login limit, which
    anyone can run up, starts again for the new password."""
    if limiter.enabled:
        key = "email:" + accounts.normalise_email(email)
        limiter.limiter.clear(parse_limit(LOGIN_LIMIT), key, "auth.login")


def safe_next(target: str | None) -> str | None:
    """A path on this site, or None: no other host, scheme, protocol-relative or backslash
    trick, nor control characters that browsers strip before following."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _coming_back_to() -> str | None:
    """Where the header's "Log in" and "Sign up" bring the person back to: this page (a
    page one can open again, so not a form just posted nor a page that does not exist),
    or, on the account pages themselves, where they were already going."""
    if request.blueprint == bp.name:
        return _next_url()
    if request.method != "GET" or request.url_rule is None:
        return None
    query = request.query_string.decode("utf-8", "replace")
    return safe_next(f"{request.path}?{query}" if query else request.path)


@bp.app_context_processor
def account_links():
    def auth_url(endpoint: str) -> str:
        return url_for(endpoint, next=_coming_back_to())  # no next: url_for leaves it out

    return {"auth_url": auth_url}


def _remember_fresh_login() -> None:
    session[FRESH_AT] = time.time()


@bp.before_app_request
def expire_fresh_login() -> None:
    """A login stops being fresh FRESH_LOGIN_MAX_AGE after the password was last typed."""
    fresh_at = session.get(FRESH_AT)
    if not session.get("_fresh") or fresh_at is None:
        return
    max_age = current_app.config["FRESH_LOGIN_MAX_AGE"].total_seconds()
    if time.time() - fresh_at > max_age:
        session["_fresh"] = False
        session.pop(FRESH_AT, None)


def _start_session(user: User, remember: bool) -> None:
    """A brand-new session for ``user``: nothing from before the login survives."""
    session.clear()
    login_user(user, remember=remember, fresh=True)
    _remember_fresh_login()


def _page(template: str, **context):
    """The page of ``auth/<template>``, rendered with the status it is given."""
    return lambda status=200: (render_template(f"auth/{template}", **context), status)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(SIGN_UP_LIMIT, methods=["POST"])
def sign_up():
    form = SignUpForm()
    # The same words whether the address was new or already had an account.
    return _send_link(
        form,
        lambda next_url: accounts.sign_up(
            db.session,
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            language=form.language.data,
            municipality_id=form.municipality.data,
            now=utcnow(),
            next_path=next_url,
        ),
        "sign_up.html",
        _l("Check your inbox: we have sent a message to %(email)s to finish signing up."),
    )


def _next_url() -> str | None:
    """Where the person was going (the enrol step of a course, say), carried from the login
    page through sign-up, the emailed confirmation link and the login: a path on this site
    or nothing."""
    return safe_next(request.args.get("next"))


def _link_sent(message, form, endpoint: str, **values):
    """Done, saying where the link went: ``message`` names the address (``%(email)s``) as
    it is stored, whether or not it had an account."""
    return done(message % {"email": accounts.normalise_email(form.email.data)}, endpoint, **values)


def _send_link(form, action, template: str, message):
    """A form page that emails a link to its address: ``action(next_url)`` once ``form`` is
    valid (submit), then the login page saying where the link went (_link_sent), both
    carrying on to where the person was going."""
    next_url = _next_url()
    submit(form, lambda: action(next_url), _page(template, form=form, next_url=next_url))
    return _link_sent(message, form, "auth.login", next=next_url)


def _link(action):
    return emailed_link(action, "auth/link_error.html")


@bp.get("/confirm/<token>")
def confirm_email(token):
    _link(lambda: accounts.confirm_email(db.session, token, now=utcnow()))
    return done(
        _("Your email address is confirmed. You can log in now."), "auth.login", next=_next_url()
    )


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(EMAIL_LINK_LIMIT, methods=["POST"])
@limiter.limit(EMAIL_LINK_LIMIT, key_func=_email_key, methods=["POST"])
def resend_confirmation():
    form = EmailForm()
    return _send_link(
        form,
        lambda next_url: accounts.resend_confirmation(
            db.session, form.email.data, next_path=next_url
        ),
        "resend_confirmation.html",
        _l("If %(email)s has an account waiting for confirmation, we have sent it a new link."),
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
@limiter.limit(LOGIN_LIMIT, key_func=_email_key, methods=["POST"])
def login():
    form = LoginForm()
    next_url = _next_url()
    user = submit(
        form,
        lambda: accounts.authenticate(db.session, form.email.data, form.password.data, utcnow()),
        _page("login.html", form=form, next_url=next_url),
    )
    _start_session(user, remember=form.remember.data)
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(next_url or url_for("pages.home"))


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        accounts.log_out(db.session, current_user.id)
        db.session.commit()
    session.clear()
    logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
    return done(_("You have logged out."), "pages.home")


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(EMAIL_LINK_LIMIT, methods=["POST"])
def request_password_reset():
    form = EmailForm()

    def send_link():
        if _may_send_reset_link(form.email.data):
            accounts.start_password_reset(db.session, form.email.data)

    submit(form, send_link, _page("request_reset.html", form=form))
    hours = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 3600)
    return done(
        ngettext(
            "If %(email)s has an account, we have sent it a link to choose a new password. "
            "The link works for %(num)d hour.",
            "If %(email)s has an account, we have sent it a link to choose a new password. "
            "The link works for %(num)d hours.",
            hours,
            email=accounts.normalise_email(form.email.data),
        ),
        "auth.login",
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(GUESS_LIMIT, methods=["POST"])
def reset_password(token):
    _link(lambda: accounts.check_reset_token(db.session, token))
    form = ResetPasswordForm()
    user = submit(
        form,
        lambda: accounts.reset_password(db.session, token, form.password.data, now=utcnow()),
        _page("reset_password.html", form=form),
    )
    _forget_failed_logins(user.email)
    session.clear()
    logout_user()
    return done(_("Your new password is set. You can log in with it now."), "auth.login")


def _asks_password(rule: str):
    """A page of the signed-in account that asks for its password: guessing it is limited
    as a login is."""

    def register(view):
        limited = limiter.limit(GUESS_LIMIT, methods=["POST"])(view)
        return bp.route(rule, methods=["GET", "POST"])(login_required(limited))

    return register


def _change_own(form, change, template: str):
    """``change`` to the signed-in account, now, with ``form``'s answers once it is valid
    (submit), from the page ``auth/<template>``."""
    return submit(
        form,
        lambda: change(db.session, current_user.id, now=utcnow(), **form.answers()),
        _page(template, form=form),
    )


@_asks_password("/password")
def change_password():
    form = ChangePasswordForm()
    user = _change_own(form, accounts.change_password, "change_password.html")
    # Every other session has ended with the old token; this one carries on with the new.
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    _start_session(user, remember=remembered)
    return done(
        _("Your password has been changed. You have been logged out everywhere else."),
        "account.index",
    )


@_asks_password("/email")
def change_email():
    form = ChangeEmailForm()
    _change_own(form, accounts.request_email_change, "change_email.html")
    return _link_sent(
        _l("We have sent a link to %(email)s. Your address changes when you follow it."),
        form,
        "account.index",
    )


@bp.get("/email/confirm/<token>")
def confirm_email_change(token):
    user = _link(lambda: accounts.confirm_email_change(db.session, token, now=utcnow()))
    return done(
        _("Your email address is now %(email)s.", email=user.email),
        "account.index" if current_user.is_authenticated else "auth.login",
    )


@_asks_password("/reauthenticate")
def reauthenticate():
    form = ReauthenticateForm()
    next_url = _next_url()
    page = _page("reauthenticate.html", form=form, next_url=next_url)
    if not form.validate_on_submit():
        return page(form_status(form))
    if not accounts.check_password(current_user, form.password.data):
        form.password.errors.append(_("That password is not correct."))
        return page(422)
    confirm_login()
    _remember_fresh_login()
    return redirect(next_url or url_for("pages.home"))
