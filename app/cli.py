"""Flask commands for operators and scripts."""

import sys
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from app import demo
from app.extensions import db
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, localized
from app.models import Offering, Role, utcnow
from app.ops import backup
from app.services import accounts, alerts, applications, enrolment, schools
from app.services import imports as importer
from app.services.accounts import retention
from app.services.errors import DomainError
from app.services.mail import delivery

lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="Language of the messages.",
)

offerings_cli = AppGroup("offerings", help="Manage the catalogue's offerings.")


@offerings_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change.")
@lang_option
def import_offerings_command(file: Path, dry_run: bool, lang: str) -> None:
    """Load offerings from a CSV or XLSX FILE in the spreadsheet contract (see the README).

    All or nothing: when any cell is wrong, every problem is listed by row and column,
    nothing is written and the command exits with status 1.
    """
    result = importer.import_offerings(
        db.session, file.read_bytes(), dry_run=dry_run, source=importer.import_source(file.name)
    )
    with force_locale(lang):
        if not result.ok:
            db.session.rollback()
            for error in result.errors:
                click.echo(error.describe(), err=True)
            click.echo(
                ngettext(
                    "%(num)d problem found; nothing was imported.",
                    "%(num)d problems found; nothing was imported.",
                    len(result.errors),
                ),
                err=True,
            )
            raise SystemExit(1)
        if dry_run:
            db.session.rollback()
            for outcome in result.outcomes:
                click.echo(_dry_run_line(outcome))
            summary = _(
                "Dry run, nothing written. Would create %(created)s, update %(updated)s, "
                "leave %(unchanged)s unchanged.",
                **result.counts,
            )
        else:
            db.session.commit()
            summary = _(
                "Import done. Created: %(created)s, updated: %(updated)s, unchanged: "
                "%(unchanged)s.",
                **result.counts,
            )
        if result.new_providers:
            click.echo(
                _(
                    "New organisations in the ecosystem map: %(names)s",
                    names=", ".join(result.new_providers),
                )
            )
        click.echo(summary)


def _dry_run_line(outcome) -> str:
    """One row of a dry run: its reference, the title and status the offering would have,
    and what would happen to it."""
    values = {
        "row": outcome.row,
        "external_id": outcome.external_id,
        "title": localized(outcome, "title").text,
        "status": outcome.status.label,
    }
    if outcome.action == "created":
        return _(
            "Row %(row)s (%(external_id)s) “%(title)s”, %(status)s: would be created", **values
        )
    if outcome.action == "updated":
        return _(
            "Row %(row)s (%(external_id)s) “%(title)s”, %(status)s: would change %(columns)s",
            columns=", ".join(outcome.changed),
            **values,
        )
    return _("Row %(row)s (%(external_id)s) “%(title)s”, %(status)s: unchanged", **values)


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when there is any offering.")
@lang_option
def seed_demo_command(if_empty: bool, lang: str) -> None:
    """Load the demo offer: partner organisations, offerings dated relative to today, and
    demo residents holding places in them.

    Running it again updates the same offerings and adds no resident or place twice.
    """
    with force_locale(lang):
        if if_empty and db.session.scalar(select(Offering.id).limit(1)) is not None:
            click.echo(_("The catalogue already has offerings; demo data not loaded."))
            return
        result = demo.seed_demo(db.session)
        db.session.commit()
        click.echo(
            _(
                "Demo data loaded. Created: %(created)s, updated: %(updated)s, unchanged: "
                "%(unchanged)s.",
                **result.counts,
            )
        )


outbox_cli = AppGroup("outbox", help="Deliver the emails waiting in the outbox.")


@outbox_cli.command("deliver")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Send at most this many messages in this run.",
)
@lang_option
def deliver_outbox_command(limit: int, lang: str) -> None:
    """Send the due emails through MAIL_BACKEND (smtp, folder or console), oldest first.

    Safe to run from cron every minute, even twice at once. Exits with status 1 when the
    mail server cannot be reached or a message was given up; nothing is lost either way.
    """
    try:
        backend = delivery.configured_backend(current_app)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    # Offerings published since the last run: their alerts' emails join the outbox first.
    life = timedelta(days=int(current_app.config["RETENTION_ALERTS_DAYS"]))
    alerts.tell_alerts(db.session, now=utcnow(), alert_life=life)
    db.session.commit()
    report = delivery.deliver_due(db.session, backend, limit=limit)
    with force_locale(lang):
        click.echo(
            _(
                "Sent: %(sent)s, to retry later: %(retrying)s, given up: %(failed)s.",
                sent=report.sent,
                retrying=report.retrying,
                failed=report.failed,
            )
        )
        if report.server_unavailable:
            click.echo(
                ngettext(
                    "The mail server is unavailable; %(num)d more message waits for the next run.",
                    "The mail server is unavailable; %(num)d more messages wait for the next run.",
                    report.left,
                ),
                err=True,
            )
    if report.server_unavailable or report.failed:
        raise SystemExit(1)


reminders_cli = AppGroup(
    "reminders", help="Remind participants and classes' teachers before an offering starts."
)


@reminders_cli.command("send")
@click.option(
    "--hours",
    type=click.IntRange(min=1),
    default=int(enrolment.REMINDER_WINDOW.total_seconds() // 3600),
    show_default=True,
    help="Remind people whose offering starts within this many hours.",
)
@lang_option
def send_reminders_command(hours: int, lang: str) -> None:
    """Queue a reminder for every confirmed place in an offering starting soon, and ask the
    teacher of every confirmed class whose session starts soon to confirm its headcount.

    Each place and class is reminded once, however often this runs; `outbox deliver` sends
    them.
    """
    now, within = utcnow(), timedelta(hours=hours)
    reminded = enrolment.remind_upcoming(db.session, now, within)
    classes = schools.remind_headcounts(db.session, now, within)
    db.session.commit()
    with force_locale(lang):
        click.echo(
            ngettext(
                "%(num)d reminder queued.",
                "%(num)d reminders queued.",
                len(reminded),
            )
        )
        click.echo(
            ngettext(
                "%(num)d class asked to confirm its headcount.",
                "%(num)d classes asked to confirm their headcount.",
                len(classes),
            )
        )


applications_cli = AppGroup("applications", help="Calls for applications.")


@applications_cli.command("expire")
@lang_option
def expire_applications_command(lang: str) -> None:
    """Offered places not confirmed by their date pass to the reserve list (from cron).

    Each lapsed place is handled once, however often this runs; `outbox deliver` sends the
    emails.
    """
    lapsed, offered = applications.expire_unconfirmed(db.session, now=utcnow())
    db.session.commit()
    with force_locale(lang):
        click.echo(
            ngettext(
                "%(num)d offered place lapsed;",
                "%(num)d offered places lapsed;",
                lapsed,
            )
            + " "
            + ngettext(
                "%(num)d place offered to the reserve list.",
                "%(num)d places offered to the reserve list.",
                offered,
            )
        )


users_cli = AppGroup("users", help="Manage accounts.")


def _read_password() -> str:
    """Typed twice and not echoed at a terminal; the first line of standard input otherwise."""
    if sys.stdin.isatty():
        return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.RESIDENT.value,
    show_default=True,
    help="What the account may do.",
)
@click.option("--organisation", type=int, help="Id of the organisation staff act for.")
@lang_option
def create_user_command(
    email: str, name: str, role: str, organisation: int | None, lang: str
) -> None:
    """Create an account for EMAIL, already confirmed, with the password read from standard
    input (so that it never shows in the process list or the shell history).

    The password follows the sign-up rule. Exits with status 1 and says why when the
    password is weak, the address is taken or the organisation does not exist.
    """
    with force_locale(lang):
        password = _read_password()
        try:
            user = accounts.create_user(
                db.session,
                email=email,
                name=name,
                password=password,
                role=Role(role),
                organisation_id=organisation,
                now=utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            _fail(f"{error.field}: {error.message}" if error.field else error.message)
        db.session.commit()
        click.echo(
            _(
                "Account %(id)s created for %(email)s (%(role)s), email already confirmed.",
                id=user.id,
                email=user.email,
                role=user.role.label,
            )
        )


privacy_cli = AppGroup("privacy", help="Keep personal data no longer than its purpose needs.")


def _purge_line(purpose: str, count: int, dry_run: bool) -> str:
    """What one purpose removed (or would remove), for ``privacy purge``."""
    lines = {
        "unconfirmed": lambda: (
            ngettext(
                "Sign-ups never confirmed: %(num)d account would be deleted.",
                "Sign-ups never confirmed: %(num)d accounts would be deleted.",
                count,
            )
            if dry_run
            else ngettext(
                "Sign-ups never confirmed: %(num)d account deleted.",
                "Sign-ups never confirmed: %(num)d accounts deleted.",
                count,
            )
        ),
        "inactive": lambda: (
            ngettext(
                "Accounts no longer used: %(num)d account would be erased.",
                "Accounts no longer used: %(num)d accounts would be erased.",
                count,
            )
            if dry_run
            else ngettext(
                "Accounts no longer used: %(num)d account erased.",
                "Accounts no longer used: %(num)d accounts erased.",
                count,
            )
        ),
        "profiles": lambda: (
            ngettext(
                "Inclusion profiles past their year: %(num)d profile would be deleted.",
                "Inclusion profiles past their year: %(num)d profiles would be deleted.",
                count,
            )
            if dry_run
            else ngettext(
                "Inclusion profiles past their year: %(num)d profile deleted.",
                "Inclusion profiles past their year: %(num)d profiles deleted.",
                count,
            )
        ),
        "outbox": lambda: (
            ngettext(
                "Emails sent or given up: %(num)d email would be deleted.",
                "Emails sent or given up: %(num)d emails would be deleted.",
                count,
            )
            if dry_run
            else ngettext(
                "Emails sent or given up: %(num)d email deleted.",
                "Emails sent or given up: %(num)d emails deleted.",
                count,
            )
        ),
        "audit": lambda: (
            ngettext(
                "Audit log: %(num)d entry would be redacted.",
                "Audit log: %(num)d entries would be redacted.",
                count,
            )
            if dry_run
            else ngettext(
                "Audit log: %(num)d entry redacted.",
                "Audit log: %(num)d entries redacted.",
                count,
            )
        ),
        "class_contacts": lambda: (
            ngettext(
                "Contact phones of past classes: %(num)d phone would be emptied.",
                "Contact phones of past classes: %(num)d phones would be emptied.",
                count,
            )
            if dry_run
            else ngettext(
                "Contact phones of past classes: %(num)d phone emptied.",
                "Contact phones of past classes: %(num)d phones emptied.",
                count,
            )
        ),
        "class_needs": lambda: (
            ngettext(
                "Accessibility needs of past classes: %(num)d class would be cleared.",
                "Accessibility needs of past classes: %(num)d classes would be cleared.",
                count,
            )
            if dry_run
            else ngettext(
                "Accessibility needs of past classes: %(num)d class cleared.",
                "Accessibility needs of past classes: %(num)d classes cleared.",
                count,
            )
        ),
        "alerts": lambda: (
            ngettext(
                "Search alerts ended or never confirmed: %(num)d alert would be deleted.",
                "Search alerts ended or never confirmed: %(num)d alerts would be deleted.",
                count,
            )
            if dry_run
            else ngettext(
                "Search alerts ended or never confirmed: %(num)d alert deleted.",
                "Search alerts ended or never confirmed: %(num)d alerts deleted.",
                count,
            )
        ),
    }
    return lines[purpose]()


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
@lang_option
def purge_command(dry_run: bool, lang: str) -> None:
    """Remove the personal data kept past its retention period (RETENTION_*_DAYS, see the
    README), purpose by purpose, each in its own transaction, and say how much.

    Places, their statuses, attendance and completions are never changed, so every count
    per offering stays the same (checked: a purpose that changed one is rolled back and the
    command exits with status 1). Running it again removes nothing more: safe daily from cron.
    """
    try:
        periods = retention.RetentionPeriods.from_config(current_app.config)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    now = utcnow()
    with force_locale(lang):
        for purpose in retention.PURPOSES:
            try:
                count = retention.purge(db.session, purpose, now=now, periods=periods)
            except retention.FiguresChanged:
                db.session.rollback()
                _fail(
                    _(
                        "Stopped: removing %(purpose)s would have changed the counts per "
                        "offering. Nothing of it was removed.",
                        purpose=purpose,
                    )
                )
            # A dry run keeps each purpose's work until the end, so that the next one counts
            # what a real run would leave it (an old unconfirmed sign-up is not also inactive).
            if not dry_run:
                db.session.commit()
            click.echo(_purge_line(purpose, count, dry_run))
        if dry_run:
            db.session.rollback()
            click.echo(_("Dry run: nothing was changed."))


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
def backup_command(file: Path, lang: str) -> None:
    """Write a consistent copy of the database to FILE while the site runs (SQLite: the
    online backup API; PostgreSQL: pg_dump's custom format, for pg_restore)."""
    with force_locale(lang):
        try:
            backup.backup(db.engine, file)
        except backup.BackupError as error:
            _fail(str(error))
        click.echo(_("Backup written to %(file)s.", file=file))


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database's contents without asking.")
@lang_option
def restore_command(file: Path, yes: bool, lang: str) -> None:
    """Replace the database's contents with the backup in FILE. Stop the site first."""
    with force_locale(lang):
        if not yes:
            click.confirm(_("Every row now in the database will be replaced. Go on?"), abort=True)
        db.session.remove()
        try:
            backup.restore(db.engine, file)
        except backup.BackupError as error:
            _fail(str(error))
        click.echo(_("Database restored from %(file)s.", file=file))


def _fail(message) -> NoReturn:
    """Say why on standard error and exit with status 1, which scripts and cron look at."""
    click.echo(message, err=True)
    raise SystemExit(1)


def register(app: Flask) -> None:
    from app.cli_indicators import indicators_cli

    app.cli.add_command(indicators_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(applications_cli)
    app.cli.add_command(offerings_cli)
    app.cli.add_command(seed_demo_command)
