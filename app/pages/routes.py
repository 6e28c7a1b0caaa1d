"""The home page and the pages about the partnership and its legal texts."""

from flask import current_app, render_template
from sqlalchemy import select

from app.extensions import db
from app.i18n import current_language
from app.models import Programme
from app.models.types import utcnow
from app.pages import bp
from app.pages.notice import privacy_notice
from app.services import catalogue

# Long prose is written per language (pages/es/<page>.html, pages/en/<page>.html) rather than
# cut into hundreds of messages: a legal text reads, and is reviewed, as a whole. The privacy
# notice is the same, as data (app/pages/content/) under one template.
PROSE_PAGES = ("about", "accessibility", "legal")


def render_prose(page: str, **context) -> str:
    return render_template(f"pages/{current_language()}/{page}.html", **context)


def _programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.sort_order)))


@bp.get("/")
def home():
    upcoming = catalogue.upcoming(
        db.session, now=utcnow(), limit=current_app.config["HOME_UPCOMING_LIMIT"]
    )
    return render_template("pages/home.html", programmes=_programmes(), upcoming=upcoming)


@bp.get("/about")
def about():
    return render_prose("about", programmes=_programmes())


@bp.get("/accessibility")
def accessibility():
    return render_prose("accessibility")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html", notice=privacy_notice(current_language()))


@bp.get("/legal")
def legal():
    return render_prose("legal")
