"""Search alerts without HTTP: the saved search, one alert per person and search, the
double opt-in, telling alerts about published offerings once, stopping, the purge and
the talent observatory's count."""

import json
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from app.models import (
    AlertDemand,
    Format,
    OfferingStatus,
    OutboxMessage,
    PublishedOffering,
    SearchAlert,
    SearchAlertDelivery,
    utcnow,
)
from app.models.indicators import TOTAL
from app.services import alerts, indicators, offerings
from app.services.accounts import retention
from app.services.accounts.tokens import ExpiredLink, InvalidLink, UsedLink
from app.services.catalogue import Filters
from app.services.errors import NotFound
from app.services.indicators import compute
from app.services.mail import delivery
from tests.factories import make_offering, make_user
from tests.services.test_concurrency import engine, run_together  # noqa: F401 (fixture)

LIFE = timedelta(days=365)


def search(session, q="", **filters):
    return alerts.saved_search(session, Filters(q=q, **filters))


def emails(session, template=None):
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        stmt = stmt.where(OutboxMessage.template == template)
    return list(session.scalars(stmt))


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def draft(session, **fields):
    return make_offering(session, status=OfferingStatus.DRAFT, **fields)


def publish(session, offering):
    offerings.publish(session, offering, actor_id=None)
    session.flush()


def test_filter_words_accents_order_and_ticked_boxes_make_one_saved_search(session):
    typed = search(session, "Robótica Majadahonda")
    ticked = search(session, "robotica", municipality=("majadahonda",))
    reordered = search(session, "majadahonda  ROBÓTICA")
    assert typed.query == "robotica"
    assert typed.filters.municipality == ("majadahonda",)
    assert typed.criteria == ticked.criteria == reordered.criteria
    assert typed.criteria != search(session, "robotica").criteria
    assert typed.text == "Robótica Majadahonda"


def test_a_word_the_offer_lacks_is_kept_as_typed_not_corrected_to_a_word_it_has(session):
    make_offering(session, title_es="Cómo funciona", title_en="How it does")
    assert search(session, "drones").query == "drones"
    user = make_user(session)
    alerts.alert_for_account(
        session, user_id=user.id, search=search(session, "drones"), lang="es", now=utcnow()
    )
    publish(session, draft(session, title_es="Drones y fotografía"))
    assert alerts.tell_alerts(session, now=utcnow(), alert_life=LIFE) == 1


def test_a_search_with_nothing_in_it_cannot_be_an_alert(session):
    user = make_user(session)
    with pytest.raises(alerts.NothingToSave):
        alerts.alert_for_account(
            session, user_id=user.id, search=search(session, "  "), lang="es", now=utcnow()
        )
    assert count(session, SearchAlert) == 0


def test_the_same_search_twice_is_one_alert(session):
    user = make_user(session)
    first = alerts.alert_for_account(
        session, user_id=user.id, search=search(session, "drones gratis"), lang="es", now=utcnow()
    )
    assert first.confirmed_at is not None
    with pytest.raises(alerts.AlreadyAlerted):
        alerts.alert_for_account(
            session,
            user_id=user.id,
            search=search(session, "Drones", free=True),
            lang="en",
            now=utcnow(),
        )
    assert count(session, SearchAlert) == 1
    # Someone else may have the same alert.
    other = make_user(session)
    alerts.alert_for_account(
        session, user_id=other.id, search=search(session, "drones gratis"), lang="es", now=utcnow()
    )
    assert count(session, SearchAlert) == 2


def test_the_same_alert_asked_twice_at_the_same_moment_is_one_alert(app, session, engine):  # noqa: F811
    user_id = make_user(session).id
    session.commit()

    def job(db_session):
        wanted = alerts.saved_search(db_session, Filters(q="impresión 3d"))
        alert = alerts.alert_for_account(
            db_session, user_id=user_id, search=wanted, lang="es", now=utcnow()
        )
        return alert.id

    outcomes = run_together(app, engine, [job, job])
    assert sum(isinstance(outcome, int) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, alerts.AlreadyAlerted) for outcome in outcomes) == 1, outcomes
    assert count(session, SearchAlert) == 1


def test_a_visitor_confirms_by_email_before_anything_is_sent(app, session):
    wanted = search(session, "robótica")
    alerts.alert_by_email(session, email="ana@example.org", search=wanted, lang="en", now=utcnow())
    alert = session.scalars(select(SearchAlert)).one()
    assert alert.confirmed_at is None
    (message,) = emails(session)
    assert message.template == "alert_confirm" and message.to_address == "ana@example.org"
    assert "/en/alerts/confirm/" in message.body_text

    # Unconfirmed: a matching offering published now is not told to it.
    publish(session, draft(session, title_es="Robótica educativa", title_en="Robotics"))
    assert alerts.tell_alerts(session, now=utcnow(), alert_life=LIFE) == 0

    token = alerts.confirm_token(alert)
    assert alerts.confirm(session, token, now=utcnow()).confirmed_at is not None
    # The link followed again is harmless, and counts nothing twice.
    alerts.confirm(session, token, now=utcnow())
    assert session.scalar(select(func.sum(AlertDemand.count))) == 1


def test_asking_again_by_email_sends_a_new_link_or_says_the_alert_exists(session):
    wanted = search(session, "robótica")
    for _ in range(2):
        alerts.alert_by_email(
            session, email="ana@example.org", search=wanted, lang="es", now=utcnow()
        )
    assert [m.template for m in emails(session)] == ["alert_confirm", "alert_confirm"]
    alert = session.scalars(select(SearchAlert)).one()
    alerts.confirm(session, alerts.confirm_token(alert), now=utcnow())
    alerts.alert_by_email(session, email="ana@example.org", search=wanted, lang="es", now=utcnow())
    assert emails(session)[-1].template == "alert_exists"
    assert count(session, SearchAlert) == 1


def test_a_publish_tells_each_matching_alert_once_through_the_outbox(app, session):
    ana, ben, eva = make_user(session), make_user(session), make_user(session, language="en")
    for user, typed, lang in (
        (ana, "robótica majadahonda", "es"),
        (ben, "cocina", "es"),
        (eva, "robotics online", "en"),
    ):
        alerts.alert_for_account(
            session, user_id=user.id, search=search(session, typed), lang=lang, now=utcnow()
        )
    matching = draft(
        session,
        municipality_slug="majadahonda",
        title_es="Robótica educativa",
        title_en="Educational robotics",
    )
    elsewhere = draft(session, municipality_slug="las-rozas", title_es="Robótica en Las Rozas")
    online = draft(session, format=Format.ONLINE, title_es="Robótica", title_en="Robotics")
    for offering in (matching, elsewhere, online):
        publish(session, offering)
    assert count(session, PublishedOffering) == 3

    assert alerts.tell_alerts(session, now=utcnow(), alert_life=LIFE) == 2
    sent = emails(session, "alert_match")
    assert sorted(m.to_address for m in sent) == sorted([ana.email, eva.email])
    to_ana = next(m for m in sent if m.to_address == ana.email)
    assert "Robótica educativa" in to_ana.subject
    assert f"/es/offerings/{matching.id}" in to_ana.body_text
    to_eva = next(m for m in sent if m.to_address == eva.email)
    assert "Robotics" in to_eva.subject and f"/en/offerings/{online.id}" in to_eva.body_text
    headers = json.loads(to_ana.headers)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/es/alerts/stop/" in headers["List-Unsubscribe"]
    assert count(session, PublishedOffering) == 0

    # Run again, or publish again after unpublishing: nobody is told twice.
    assert alerts.tell_alerts(session, now=utcnow(), alert_life=LIFE) == 0
    offerings.unpublish(session, matching, actor_id=None)
    publish(session, matching)
    assert alerts.tell_alerts(session, now=utcnow(), alert_life=LIFE) == 0
    assert len(emails(session, "alert_match")) == 2
    assert count(session, SearchAlertDelivery) == 2


def test_the_alert_email_carries_its_unsubscribe_headers(app, session):
    user = make_user(session)
    alerts.alert_for_account(
        session, user_id=user.id, search=search(session, "ajedrez"), lang="es", now=utcnow()
    )
    publish(session, draft(session, title_es="Ajedrez para todos"))
    alerts.tell_alerts(session, now=utcnow(), alert_life=LIFE)
    with app.test_request_context():
        email = delivery.build_email(emails(session, "alert_match")[0])
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.extra_headers["List-Unsubscribe"].startswith("<http")
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"


def test_an_alert_past_its_life_is_not_told(session):
    user = make_user(session)
    alerts.alert_for_account(
        session,
        user_id=user.id,
        search=search(session, "ajedrez"),
        lang="es",
        now=utcnow() - LIFE - timedelta(days=1),
    )
    publish(session, draft(session, title_es="Ajedrez"))
    assert alerts.tell_alerts(session, now=utcnow(), alert_life=LIFE) == 0


def test_a_stop_link_stops_once_then_says_the_alert_was_already_stopped(session):
    user = make_user(session)
    alert = alerts.alert_for_account(
        session, user_id=user.id, search=search(session, "ajedrez"), lang="es", now=utcnow()
    )
    token = alerts.stop_token(alert)
    assert alerts.alert_of_stop_link(session, token, alert_life=LIFE).id == alert.id
    alerts.stop_by_link(session, token, alert_life=LIFE)
    assert count(session, SearchAlert) == 0
    with pytest.raises(alerts.AlertStopped) as stopped:
        alerts.stop_by_link(session, token, alert_life=LIFE)
    assert stopped.value.status_code == 410


def test_a_tampered_link_is_not_valid(session):
    user = make_user(session)
    alert = alerts.alert_for_account(
        session, user_id=user.id, search=search(session, "ajedrez"), lang="es", now=utcnow()
    )
    token = alerts.stop_token(alert)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(InvalidLink):
        alerts.stop_by_link(session, tampered, alert_life=LIFE)
    # A confirmation link is no stop link, nor the other way round.
    with pytest.raises(InvalidLink):
        alerts.stop_by_link(session, alerts.confirm_token(alert), alert_life=LIFE)
    with pytest.raises(InvalidLink):
        alerts.confirm(session, token, now=utcnow())
    assert count(session, SearchAlert) == 1


def test_an_old_confirmation_link_has_expired_and_a_deleted_alert_is_gone(session, monkeypatch):
    wanted = search(session, "ajedrez")
    alerts.alert_by_email(session, email="ana@example.org", search=wanted, lang="es", now=utcnow())
    alert = session.scalars(select(SearchAlert)).one()
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 4 * 24 * 3600)
    old = alerts.confirm_token(alert)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    with pytest.raises(ExpiredLink):
        alerts.confirm(session, old, now=utcnow())
    token = alerts.confirm_token(alert)
    session.delete(alert)
    session.flush()
    with pytest.raises(UsedLink):
        alerts.confirm(session, token, now=utcnow())


def test_an_account_holder_stops_only_their_own_alerts(session):
    ana, ben = make_user(session), make_user(session)
    alert = alerts.alert_for_account(
        session, user_id=ana.id, search=search(session, "ajedrez"), lang="es", now=utcnow()
    )
    with pytest.raises(NotFound):
        alerts.stop_own(session, user_id=ben.id, alert_id=alert.id)
    assert [a.id for a in alerts.own_alerts(session, ana.id)] == [alert.id]
    alerts.stop_own(session, user_id=ana.id, alert_id=alert.id)
    assert alerts.own_alerts(session, ana.id) == []


def test_the_purge_deletes_ended_alerts_and_those_never_confirmed(app, session):
    now = utcnow()
    user = make_user(session)
    old = alerts.alert_for_account(
        session, user_id=user.id, search=search(session, "uno"), lang="es", now=now - LIFE
    )
    recent = alerts.alert_for_account(
        session, user_id=user.id, search=search(session, "dos"), lang="es", now=now
    )
    for email, when in (("late@example.org", now - timedelta(days=4)), ("new@example.org", now)):
        alerts.alert_by_email(
            session, email=email, search=search(session, "tres"), lang="es", now=when
        )
    publish(session, draft(session, title_es="Uno"))
    assert alerts.tell_alerts(session, now=now - timedelta(days=1), alert_life=LIFE * 2) == 1
    periods = retention.RetentionPeriods.from_config(app.config)
    assert periods.alerts == LIFE

    assert retention.purge(session, "alerts", now=now + timedelta(minutes=1), periods=periods) == 2
    left = session.scalars(select(SearchAlert).order_by(SearchAlert.id)).all()
    assert [a.id for a in left if a.user_id] == [recent.id]
    assert [a.email for a in left if a.email] == ["new@example.org"]
    assert old.id not in [a.id for a in left]
    assert count(session, SearchAlertDelivery) == 0


def test_alerts_are_counted_by_their_words_as_unmet_demand_without_a_name(session):
    year = indicators.year_of(utcnow())
    for user in (make_user(session), make_user(session)):
        alerts.alert_for_account(
            session,
            user_id=user.id,
            search=search(session, "Robótica  majadahonda"),
            lang="es",
            now=utcnow(),
        )
    demand = session.scalars(select(AlertDemand)).one()
    assert (demand.year, demand.term, demand.count) == (year, "majadahonda robotica", 2)
    assert not hasattr(AlertDemand, "user_id")
    values = compute.compute(session, year, ["searches"])
    assert values[("unmet_alerts", TOTAL, TOTAL)] == 2
    assert values[("unmet_alerts", "term", "majadahonda robotica")] == 2
    assert "unmet_alerts" in indicators.BY_CODE["unmet_demand"].sum_of


def test_closing_an_account_deletes_its_alerts(session):
    from app.services.accounts import privacy
    from tests.factories import DEFAULT_PASSWORD

    user = make_user(session)
    alerts.alert_for_account(
        session, user_id=user.id, search=search(session, "uno"), lang="es", now=utcnow()
    )
    alerts.alert_by_email(
        session, email=user.email, search=search(session, "dos"), lang="es", now=utcnow()
    )
    exported = privacy.export_user_data(session, user.id, utcnow())
    assert [a["search"] for a in exported["search_alerts"]] == ["uno", "dos"]
    privacy.erase_user(session, user.id, password=DEFAULT_PASSWORD, now=utcnow())
    assert count(session, SearchAlert) == 0
