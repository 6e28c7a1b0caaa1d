"""Configuration. Secrets and addresses come only from the environment."""

import os
from datetime import date, timedelta
from pathlib import Path

from dotenv import dotenv_values

ROOT_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT_DIR / "instance"
# Invented operator details for the development server and the demo (marked as such).
DEMO_ENV = ROOT_DIR / "demo.env"
# Who runs the site: a public site must say (LSSI-CE art. 10, GDPR art. 13, RD 1112/2018).
REQUIRED_OPERATOR_SETTINGS = (
    "SITE_OWNER_NAME",
    "SITE_OWNER_ADDRESS",
    "SITE_OWNER_TAX_ID",
    "CONTACT_EMAIL",
    "DPO_EMAIL",
    "ACCESSIBILITY_EMAIL",
    "ACCESSIBILITY_UNIT",
)
# The details written in words may have an English version, "<NAME>_EN", that /en/ pages
# show (the Spanish one, marked as Spanish, where it is empty); addresses need none.
LOCALIZED_OPERATOR_SETTINGS = (
    "SITE_OWNER_NAME",
    "SITE_OWNER_ADDRESS",
    "SITE_OWNER_TAX_ID",
    "SITE_OWNER_REGISTRY",
    "ACCESSIBILITY_UNIT",
)
OPERATOR_SETTINGS = (
    *REQUIRED_OPERATOR_SETTINGS,
    "SITE_OWNER_REGISTRY",
    *(f"{name}_EN" for name in LOCALIZED_OPERATOR_SETTINGS),
)
# Signs sessions only where MOT_ENV=development (`make run`); anywhere else the site refuses it.
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105
MIN_SECRET_KEY_LENGTH = 32


def _int(name: str, default: int = 0) -> int:
    return int(os.environ.get(name) or default)


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def demo_operator() -> dict[str, str]:
    """The demo operator details of ``demo.env``."""
    values = dotenv_values(DEMO_ENV) if DEMO_ENV.exists() else {}
    return {name: values.get(name) or "" for name in OPERATOR_SETTINGS}


def _operator(name: str) -> str:
    """An operator detail from the environment; on a developer's machine (MOT_ENV=development)
    the demo one when the environment has none."""
    value = os.environ.get(name, "")
    if not value and os.environ.get("MOT_ENV") == "development":
        value = demo_operator()[name]
    return value


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'mot.sqlite3'}"
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg 3 spelled out.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class Config:
    # "development" only for the development server (`make run` sets it); anything else, or
    # nothing, is production: a real SECRET_KEY is required and debug is refused.
    MOT_ENV = os.environ.get("MOT_ENV", "production")
    SECRET_KEY = os.environ.get("SECRET_KEY") or (
        DEVELOPMENT_SECRET_KEY if MOT_ENV == "development" else None
    )
    SQLALCHEMY_DATABASE_URI = _database_url()
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Host headers answered; None derives them from SITE_URL plus EXTRA_TRUSTED_HOSTS (and
    # localhost in development and tests). Anything else gets 400, never a link to it.
    TRUSTED_HOSTS = None
    EXTRA_TRUSTED_HOSTS = _list("TRUSTED_HOSTS")
    # How many proxies in front set each X-Forwarded-* header (werkzeug's ProxyFix); 0 trusts
    # none, so a client cannot choose the address its rate limits are counted against.
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR")
    PROXY_FIX_X_PROTO = _int("PROXY_FIX_X_PROTO")
    PROXY_FIX_X_HOST = _int("PROXY_FIX_X_HOST")
    PROXY_FIX_X_PORT = _int("PROXY_FIX_X_PORT")
    PROXY_FIX_X_PREFIX = _int("PROXY_FIX_X_PREFIX")

    # Every request body is bounded before it is read; the offerings import raises its own
    # limits for its two pages (app/admin/imports.py).
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 500_000
    MAX_FORM_PARTS = 1000

    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "Europe/Madrid"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "translations")

    BOOTSTRAP_SERVE_LOCAL = True
    CATALOGUE_PAGE_SIZE = 12
    # Searches that found nothing are counted in each worker and written (added up) once this
    # many have gathered or this many seconds have passed, and when the worker exits.
    SEARCH_MISS_BATCH = _int("SEARCH_MISS_BATCH", 100)
    SEARCH_MISS_SECONDS = _int("SEARCH_MISS_SECONDS", 30)
    API_PAGE_SIZE = 50
    API_MAX_PAGE_SIZE = 100

    # Talisman: HTTPS is enforced where the site is public; development and tests run on http.
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "0") == "1"
    SESSION_COOKIE_SECURE = FORCE_HTTPS
    SESSION_COOKIE_SAMESITE = "Lax"

    # Remember-me is optional and bounded; the session cookie lasts for the browser session.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = FORCE_HTTPS
    SESSION_COOKIE_HTTPONLY = True
    # A login older than this is not "fresh": sensitive actions ask for the password again.
    FRESH_LOGIN_MAX_AGE = timedelta(minutes=15)
    # Signed links in emails expire.
    EMAIL_CONFIRMATION_MAX_AGE = timedelta(days=3)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=2)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # On unless RATELIMIT_ENABLED=0 (load tests against a server of one's own).
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") != "0"

    # Catalogue results and pages, keyed by what they depend on (never stale, only unused):
    # on disk in instance/ by default, shared by a host's workers; CACHE_REDIS_URL shares
    # it between hosts. Entries of old versions age out (CACHE_DEFAULT_TIMEOUT, seconds).
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_TYPE = os.environ.get(
        "CACHE_TYPE", "RedisCache" if CACHE_REDIS_URL else "FileSystemCache"
    )
    CACHE_DIR = os.environ.get("CACHE_DIR", str(INSTANCE_DIR / "cache"))
    CACHE_THRESHOLD = _int("CACHE_THRESHOLD", 20_000)
    CACHE_DEFAULT_TIMEOUT = _int("CACHE_DEFAULT_TIMEOUT", 3600)
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "mot:")
    # Each worker keeps the published offer in columns while it stays as it is, and lists,
    # counts and orders the catalogue from them (app/services/catalogue/index.py).
    LISTING_INDEX_KEPT = True

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "MOT Formación <no-reply@localhost>"
    )
    # How `flask outbox deliver` sends: "smtp" (MAIL_SERVER...), or for development "folder"
    # (one .eml file per message in MAIL_FOLDER) or "console". SMTP once a server is named.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or (
        "smtp" if os.environ.get("MAIL_SERVER") else "folder"
    )
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", str(INSTANCE_DIR / "mail"))

    # Who runs the site, as the legal notice, privacy notice and accessibility statement name
    # them. Never guessed: production refuses to start without them (app/security.py); on a
    # developer's machine the demo ones of demo.env fill the gaps; an empty one shows as a
    # visible "to be completed" placeholder.
    SITE_OWNER_NAME = _operator("SITE_OWNER_NAME")
    SITE_OWNER_ADDRESS = _operator("SITE_OWNER_ADDRESS")
    SITE_OWNER_TAX_ID = _operator("SITE_OWNER_TAX_ID")
    SITE_OWNER_REGISTRY = _operator("SITE_OWNER_REGISTRY")
    CONTACT_EMAIL = _operator("CONTACT_EMAIL")
    DPO_EMAIL = _operator("DPO_EMAIL")
    ACCESSIBILITY_EMAIL = _operator("ACCESSIBILITY_EMAIL")
    ACCESSIBILITY_UNIT = _operator("ACCESSIBILITY_UNIT")
    # Their English versions (optional; see LOCALIZED_OPERATOR_SETTINGS).
    SITE_OWNER_NAME_EN = _operator("SITE_OWNER_NAME_EN")
    SITE_OWNER_ADDRESS_EN = _operator("SITE_OWNER_ADDRESS_EN")
    SITE_OWNER_TAX_ID_EN = _operator("SITE_OWNER_TAX_ID_EN")
    SITE_OWNER_REGISTRY_EN = _operator("SITE_OWNER_REGISTRY_EN")
    ACCESSIBILITY_UNIT_EN = _operator("ACCESSIBILITY_UNIT_EN")
    # The statement says when it was prepared and last reviewed; update both on each review.
    ACCESSIBILITY_STATEMENT_DATE = date.fromisoformat(
        os.environ.get("ACCESSIBILITY_STATEMENT_DATE", "2026-11-28")
    )
    ACCESSIBILITY_REVIEWED_DATE = date.fromisoformat(
        os.environ.get("ACCESSIBILITY_REVIEWED_DATE", "2026-11-28")
    )

    HOME_UPCOMING_LIMIT = 6

    # Calls for applications. A pitch deck is a PDF of at most this many bytes; an accepted
    # applicant confirms the place within this many days of being told (never after the
    # programme starts), or the place goes to the first on the reserve list.
    PITCH_DECK_MAX_BYTES = _int("PITCH_DECK_MAX_BYTES", 10 * 1024 * 1024)
    # An offering's image as staff upload it (before it is resized and compressed).
    OFFERING_IMAGE_MAX_BYTES = _int("OFFERING_IMAGE_MAX_BYTES", 8 * 1024 * 1024)
    APPLICATION_CONFIRM_DAYS = _int("APPLICATION_CONFIRM_DAYS", 7)

    # Uploaded files (services/storage): "folder" (one host; outside the web root) or "s3"
    # (any S3-compatible object storage, for several hosts). The S3 credentials come from
    # boto3's usual environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "folder")
    STORAGE_FOLDER = os.environ.get("STORAGE_FOLDER", str(INSTANCE_DIR / "uploads"))
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    S3_REGION = os.environ.get("S3_REGION", "eu-south-2")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")

    # How long personal data is kept, per purpose, in days (`flask privacy purge`, daily from
    # cron; the privacy notice states these values). See services/accounts/retention.py.
    # Sign-ups never confirmed, from sign-up or the last email to the address: then deleted.
    RETENTION_UNCONFIRMED_DAYS = _int("RETENTION_UNCONFIRMED_DAYS", 7)
    # Accounts without sign-in, change or participation (from the end of the last offering
    # they had a place in): then erased as if closed by their owner, places still counted.
    RETENTION_INACTIVE_DAYS = _int("RETENTION_INACTIVE_DAYS", 3 * 365)
    # Inclusion profile answers, from 31 December of the year of the last participation or
    # answer: 366 keeps them for the whole of the year in which that year is reported.
    RETENTION_PROFILES_DAYS = _int("RETENTION_PROFILES_DAYS", 366)
    # Emails in the outbox, from sending or giving up: then deleted.
    RETENTION_OUTBOX_DAYS = _int("RETENTION_OUTBOX_DAYS", 90)
    # Audit entries: then who did it and the people named in them are redacted.
    RETENTION_AUDIT_DAYS = _int("RETENTION_AUDIT_DAYS", 5 * 365)
    # The phone a school gives with a class, from the end of the class's session (or from
    # when the registration was cancelled or declined): then emptied, the class kept.
    RETENTION_CLASS_CONTACTS_DAYS = _int("RETENTION_CLASS_CONTACTS_DAYS", 30)
    # A group's accessibility needs (free text, may tell of a pupil's disability), from the
    # same moment: then cleared, the class kept.
    RETENTION_CLASS_NEEDS_DAYS = _int("RETENTION_CLASS_NEEDS_DAYS", 30)
    # Search alerts, from their confirmation: then they end and are deleted with what was
    # sent of them (an alert never confirmed goes once its 3-day link has expired).
    RETENTION_ALERTS_DAYS = _int("RETENTION_ALERTS_DAYS", 365)

    # Public figures about people below this count show as "< N" (coordinators see them).
    INDICATORS_THRESHOLD = _int("INDICATORS_THRESHOLD", 10)

    # "json": one JSON line per request and per log record (request id, status, duration).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    WTF_CSRF_ENABLED = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SERVER_NAME = None
    FORCE_HTTPS = False
    RATELIMIT_ENABLED = False
    # Tests that change rows by hand would see cached pages: only the cache tests turn it on.
    CACHE_TYPE = "NullCache"
    CACHE_NO_NULL_WARNING = True
    LISTING_INDEX_KEPT = False
    # Never the SMTP server of a developer's environment; tests point MAIL_FOLDER at tmp.
    MAIL_BACKEND = "folder"
    # Each search that found nothing written at once (tests of batching set their own).
    SEARCH_MISS_BATCH = 1


# Tests see the operator details they set themselves, never the demo ones nor a developer's.
for _name in OPERATOR_SETTINGS:
    setattr(TestConfig, _name, "")
