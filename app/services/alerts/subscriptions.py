"""Asking for an alert, confirming it, stopping it.

An account holder's alert starts at once (their address is confirmed). A visitor without
an account gives an address and gets a link to confirm it (double opt-in); nothing else is
sent to that address before the link is followed, and an unconfirmed alert is deleted with
its link's life. Asking again for an alert one already has adds nothing; by email the
answer is the same words whatever the address had, and the inbox is told which it was.
"""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from app.models import SearchAlert
from app.models.alerts import CONFIRMATION_MAX_AGE
from app.services import indicators
from app.services.accounts.tokens import UsedLink, make_token, read_token
from app.services.alerts.criteria import SavedSearch, describe
from app.services.catalogue import normalised_words
from app.services.errors import Conflict, DomainError
from app.services.mail import outbox
from app.services.owned import get_owned

CONFIRM_SALT = "alerts.confirm"
STOP_SALT = "alerts.stop"
# A stop link works as long as an alert can live, and some more for a late reader.
STOP_LINK_MARGIN = timedelta(days=60)


class NothingToSave(DomainError):
    def __init__(self):
        super().__init__(
            _l(
                "Search for something or choose a filter first: an alert for the whole offer "
                "would email you about every offering."
            )
        )


class AlreadyAlerted(Conflict):
    def __init__(self):
        super().__init__(_l("You already have this alert."))


class AlertStopped(DomainError):
    """A stop link followed again: the alert is gone (stopped, or ended and deleted)."""

    status_code = 410

    def __init__(self):
        super().__init__(
            _l(
                "This alert was already stopped, or it has ended: you will receive no more "
                "emails about it."
            )
        )


def confirm_token(alert: SearchAlert) -> str:
    return make_token(CONFIRM_SALT, {"alert": alert.key})


def stop_token(alert: SearchAlert) -> str:
    return make_token(STOP_SALT, {"alert": alert.key})


def saved(alert: SearchAlert) -> SavedSearch:
    return SavedSearch.stored(alert.search_text, alert.query, alert.filters)


def _count_demand(session: Session, alert: SearchAlert, now: datetime) -> None:
    """The talent observatory counts the alert's words, never whose alert it is."""
    words = normalised_words(alert.search_text) or normalised_words(alert.query)
    if words:
        indicators.alert_asked(session, words, indicators.year_of(now))


def _new_alert(session: Session, search: SavedSearch, lang: str, now: datetime, **owner):
    alert = SearchAlert(
        **owner,
        lang=lang,
        search_text=search.text,
        query=search.query,
        filters=search.filters_json(),
        criteria=search.criteria,
        created_at=now,
    )
    session.add(alert)
    try:
        session.flush()
    except IntegrityError as error:  # the same alert asked twice at the same moment
        raise AlreadyAlerted() from error
    return alert


def alert_for_account(
    session: Session, *, user_id: int, search: SavedSearch, lang: str, now: datetime
) -> SearchAlert:
    """The account holder's alert, started at once. Raises NothingToSave, AlreadyAlerted."""
    if not search:
        raise NothingToSave()
    existing = session.scalar(
        select(SearchAlert.id).where(
            SearchAlert.user_id == user_id, SearchAlert.criteria == search.criteria
        )
    )
    if existing is not None:
        raise AlreadyAlerted()
    alert = _new_alert(session, search, lang, now, user_id=user_id)
    alert.confirmed_at = now
    _count_demand(session, alert, now)
    return alert


def alert_by_email(
    session: Session, *, email: str, search: SavedSearch, lang: str, now: datetime
) -> None:
    """Email ``email`` a link to start the alert, or, if it has the alert already, say so
    (with its stop link). Raises NothingToSave; the caller's words are the same either way."""
    if not search:
        raise NothingToSave()
    alert = session.scalar(
        select(SearchAlert).where(
            SearchAlert.email == email, SearchAlert.criteria == search.criteria
        )
    )
    if alert is None:
        alert = _new_alert(session, search, lang, now, email=email)
    if alert.confirmed_at is None:
        # Asked again before confirming: a new link, and the alert's life starts again.
        alert.created_at, alert.lang = now, lang
        template, token = "alert_confirm", confirm_token(alert)
    else:
        template, token = "alert_exists", stop_token(alert)
    outbox.enqueue(
        session,
        to=email,
        lang=lang,
        template=template,
        described=describe(session, saved(alert), lang),
        token=token,
        confirm_days=CONFIRMATION_MAX_AGE.days,
    )


def _by_token(session: Session, salt: str, token: str, max_age: timedelta) -> SearchAlert | None:
    payload = read_token(salt, token, max_age, names="alert", kind=str)
    return session.scalar(
        select(SearchAlert)
        .where(SearchAlert.key == payload["alert"])
        .options(joinedload(SearchAlert.user))
    )


def confirm(session: Session, token: str, *, now: datetime) -> SearchAlert:
    """Start the alert of a confirmation link; again is harmless. Raises InvalidLink (400),
    ExpiredLink (410), UsedLink (410: the alert is gone)."""
    alert = _by_token(session, CONFIRM_SALT, token, CONFIRMATION_MAX_AGE)
    if alert is None:
        raise UsedLink()
    if alert.confirmed_at is None:
        alert.confirmed_at = now
        session.flush()
        _count_demand(session, alert, now)
    return alert


def stop_link_max_age(alert_life: timedelta) -> timedelta:
    return alert_life + CONFIRMATION_MAX_AGE + STOP_LINK_MARGIN


def alert_of_stop_link(session: Session, token: str, *, alert_life: timedelta) -> SearchAlert:
    """The alert a stop link names. Raises InvalidLink (400), ExpiredLink or AlertStopped
    (410)."""
    alert = _by_token(session, STOP_SALT, token, stop_link_max_age(alert_life))
    if alert is None:
        raise AlertStopped()
    return alert


def stop(session: Session, alert: SearchAlert) -> None:
    """Delete the alert and what was sent of it: nothing of it is kept."""
    session.execute(
        delete(SearchAlert)
        .where(SearchAlert.id == alert.id)
        .execution_options(synchronize_session=False)
    )
    session.expunge(alert)


def stop_by_link(session: Session, token: str, *, alert_life: timedelta) -> SavedSearch:
    alert = alert_of_stop_link(session, token, alert_life=alert_life)
    search = saved(alert)
    stop(session, alert)
    return search


def own_alerts(session: Session, user_id: int) -> list[SearchAlert]:
    return list(
        session.scalars(
            select(SearchAlert)
            .where(SearchAlert.user_id == user_id, SearchAlert.confirmed_at.is_not(None))
            .order_by(SearchAlert.created_at.desc(), SearchAlert.id.desc())
        )
    )


def stop_own(session: Session, *, user_id: int, alert_id: int) -> SavedSearch:
    """Stop one of the account holder's alerts; someone else's is as missing as none."""
    alert = get_owned(
        session,
        SearchAlert,
        alert_id,
        user_id,
        _l("This alert was already stopped, or it is not yours."),
    )
    search = saved(alert)
    stop(session, alert)
    return search
