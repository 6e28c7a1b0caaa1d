"""`flask indicators ...`: recount a year of the indicator store from the facts."""

import click
from flask.cli import AppGroup
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from app.extensions import db
from app.models import utcnow
from app.services import indicators
from app.services.errors import DomainError
from app.services.indicators.compute import GROUPS

indicators_cli = AppGroup("indicators", help="The yearly indicator store.")


@indicators_cli.command("rebuild")
@click.option("--year", type=int, required=True, help="The year to count again (YYYY).")
@click.option("--lang", type=click.Choice(("es", "en")), default="es", show_default=True)
def rebuild_command(year: int, lang: str) -> None:
    """Count every indicator of YEAR again from enrolments, attendance, classes, applications,
    organisations and searches, and say what changed. Idempotent; refuses a frozen year."""
    with force_locale(lang):
        try:
            with click.progressbar(length=len(GROUPS), label=_("Counting"), file=None) as bar:
                changes = indicators.rebuild(
                    db.session, year, now=utcnow(), progress=lambda _group: bar.update(1)
                )
        except DomainError as error:
            db.session.rollback()
            click.echo(str(error), err=True)
            raise SystemExit(1) from error
        db.session.commit()
        for change in changes:
            cell = change.code + (f" [{change.dimension}={change.key}]" if change.dimension else "")
            click.echo(f"{cell}: {_none(change.before)} -> {_none(change.after)}")
        click.echo(
            ngettext(
                "%(num)d figure of %(year)s changed.",
                "%(num)d figures of %(year)s changed.",
                len(changes),
                year=year,
            )
        )


def _none(value) -> str:
    return "-" if value is None else str(value)


@indicators_cli.command("compact")
@click.option("--year", type=int, help="Only this year (YYYY); every year by default.")
@click.option("--lang", type=click.Choice(("es", "en")), default="es", show_default=True)
def compact_command(year: int | None, lang: str) -> None:
    """Fold the changes the feed appended into the stored figures (the figures stay the
    same; reading them gets quicker). Safe beside a running site; hourly from cron."""
    with force_locale(lang):
        years = [year] if year is not None else indicators.years_with_changes(db.session)
        folded = sum(indicators.compact(db.session, each) for each in years)
        db.session.commit()
        click.echo(
            ngettext(
                "%(num)d change folded into the figures.",
                "%(num)d changes folded into the figures.",
                folded,
            )
        )
