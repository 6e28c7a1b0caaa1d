"""MOT Formación: the application factory."""

from flask import Flask, redirect, url_for

from app import assets, security
from app.config import Config
from app.extensions import (
    babel,
    bootstrap,
    cache,
    csrf,
    db,
    limiter,
    login_manager,
    mail,
    migrate,
    ping_when_idle,
    talisman,
)
from app.i18n import LANGUAGE_NAMES, LANGUAGES, init_language_prefix, localized, select_locale
from app.ops import logs
from app.services import storage

# Bootstrap-Flask serves its own files; nothing is loaded from another host.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": ["'self'", "data:"],
    "style-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    # Before any rule is added: every <int:...> in the URL map is bounded.
    app.url_map.converters["int"] = security.BoundedIntegerConverter
    security.init_app(app)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_jinja(app)
    assets.init_app(app)
    return app


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table known to SQLAlchemy and Alembic)
    from app.services.catalogue import KeptIndex

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            ping_when_idle(engine)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    csrf.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
    )
    login_manager.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    # Each worker's listing index of the offer, kept while the offer stays as it is.
    app.extensions["listing_index"] = KeptIndex()
    init_language_prefix(app)
    init_login(app)
    logs.init_app(app)
    storage.init_app(app)


def init_login(app: Flask) -> None:
    """The session cookie holds the user's session token, not the id: rotating the token
    (logout, password change) makes every copy of an old cookie worthless."""
    from flask_babel import lazy_gettext as _l

    from app.models import User

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.reauthenticate"
    login_manager.needs_refresh_message = _l("Please enter your password again to continue.")
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):
        user = db.session.scalar(db.select(User).filter_by(session_token=token))
        return user if user is not None and user.is_active else None


def register_blueprints(app: Flask) -> None:
    from app.account import bp as account_bp
    from app.admin import bp as admin_bp
    from app.alerts import bp as alerts_bp
    from app.api import bp as api_bp
    from app.applications import bp as applications_bp
    from app.auth import bp as auth_bp
    from app.catalogue import bp as catalogue_bp
    from app.ecosystem import bp as ecosystem_bp
    from app.enrolment import bp as enrolment_bp
    from app.impact import bp as impact_bp
    from app.media import bp as media_bp
    from app.ops import bp as ops_bp
    from app.pages import bp as pages_bp
    from app.schools import bp as schools_bp

    # Every page lives under its language; the area's path follows the language prefix.
    lang = f"/<any({','.join(LANGUAGES)}):lang>"
    for blueprint, area in (
        (pages_bp, ""),
        (catalogue_bp, "/offerings"),
        (alerts_bp, "/alerts"),
        (auth_bp, "/auth"),
        (account_bp, "/account"),
        (enrolment_bp, ""),
        (schools_bp, "/schools"),
        (applications_bp, ""),
        (impact_bp, "/impact"),
        (ecosystem_bp, "/ecosystem"),
        (admin_bp, "/admin"),
    ):
        app.register_blueprint(blueprint, url_prefix=lang + area)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(ops_bp)
    app.register_blueprint(media_bp)
    csrf.exempt(api_bp)

    @app.get("/")
    def root():
        return redirect(url_for("pages.home", lang=select_locale()))


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_jinja(app: Flask) -> None:
    from app import templating

    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        localized=localized,
    )
    templating.register(app)
