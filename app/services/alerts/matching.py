"""Telling alerts about offerings as they are published.

Publishing writes one row (``PublishedOffering``) in its own transaction and nothing more,
so a publish, or an import publishing thousands, stays as quick and as atomic as before.
``outbox deliver`` then matches the offerings published since its last run against the
live alerts, through the catalogue's own conditions (``catalogue.matching_ids``, one query
per distinct saved search), and writes one email per alert and offering to the outbox.
A delivery row per (alert, offering) is written first, with a conditional insert: an
offering published, unpublished and published again, or two workers at once, never tell
an alert twice.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from app.i18n import localized
from app.models import Offering, PublishedOffering, SearchAlert, SearchAlertDelivery
from app.services import catalogue
from app.services.alerts.criteria import describe
from app.services.alerts.subscriptions import saved, stop_token
from app.services.indicators.store import dialect_insert
from app.services.mail import outbox

BATCH = 200


def offering_published(session: Session, offering_id: int, now: datetime) -> None:
    """Note the publish for the alerts (one row; published again before they ran: none)."""
    session.execute(
        dialect_insert(session, PublishedOffering)
        .values(offering_id=offering_id, published_at=now)
        .on_conflict_do_nothing(index_elements=["offering_id"])
    )


def live_alerts(session: Session, now: datetime, alert_life: timedelta) -> list[SearchAlert]:
    """Confirmed alerts within their life (the purge deletes the others later)."""
    return list(
        session.scalars(
            select(SearchAlert)
            .where(
                SearchAlert.confirmed_at.is_not(None),
                SearchAlert.confirmed_at > now - alert_life,
            )
            .options(joinedload(SearchAlert.user))
            .order_by(SearchAlert.id)
        )
    )


def _first_time(session: Session, alert_id: int, offering_id: int, now: datetime) -> bool:
    # RETURNING, not rowcount: psycopg does not count a row ON CONFLICT DO NOTHING wrote.
    written = session.execute(
        dialect_insert(session, SearchAlertDelivery)
        .values(alert_id=alert_id, offering_id=offering_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["alert_id", "offering_id"])
        .returning(SearchAlertDelivery.alert_id)
    ).first()
    return written is not None


def tell_alerts(session: Session, *, now: datetime, alert_life: timedelta) -> int:
    """Queue the emails for offerings published since the last run; returns how many.
    Flushes only: the caller commits (``outbox deliver`` does, before sending)."""
    pending = list(
        session.scalars(
            select(PublishedOffering.offering_id)
            .order_by(PublishedOffering.published_at, PublishedOffering.offering_id)
            .limit(BATCH)
        )
    )
    if not pending:
        return 0
    by_search: dict[str, list[SearchAlert]] = defaultdict(list)
    for alert in live_alerts(session, now, alert_life):
        if alert.address:  # an account closed meanwhile has no address left
            by_search[alert.criteria].append(alert)
    offerings = {
        offering.id: offering
        for offering in session.scalars(select(Offering).where(Offering.id.in_(pending)))
    }
    queued = 0
    for alerts in by_search.values():
        search = saved(alerts[0])
        described = {}
        for offering_id in sorted(
            catalogue.matching_ids(session, search.filters, now=now, among=pending)
        ):
            for alert in alerts:
                if _first_time(session, alert.id, offering_id, now):
                    if alert.lang not in described:
                        described[alert.lang] = describe(session, search, alert.lang)
                    _queue_email(session, alert, offerings[offering_id], described[alert.lang])
                    queued += 1
    session.execute(
        delete(PublishedOffering)
        .where(PublishedOffering.offering_id.in_(pending))
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return queued


def _queue_email(session: Session, alert: SearchAlert, offering: Offering, described) -> None:
    token = stop_token(alert)
    stop_url = outbox.external_url("alerts.stop", lang=alert.lang, token=token)
    outbox.enqueue(
        session,
        to=alert.address,
        lang=alert.lang,
        template="alert_match",
        # RFC 8058: mail programs show an "unsubscribe" button that POSTs to the link.
        headers={
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        described=described,
        account=alert.user_id is not None,
        offering=offering,
        title=localized(offering, "title", alert.lang),
        summary=localized(offering, "summary", alert.lang),
        token=token,
    )
