"""Search alerts through the site, in both languages: offered by a search, asked by a
visitor (double opt-in) or an account holder (one button), confirmed, told about a publish,
stopped from the email or the account, and every bad link answered clearly."""

import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from app.extensions import db
from app.models import OfferingStatus, SearchAlert, utcnow
from app.services import alerts, offerings
from app.services.catalogue import Filters
from tests.conftest import csrf_token
from tests.factories import make_offering, make_user
from tests.routes.test_auth import flashes, outbox

LANGS = ("es", "en")
LIFE_DAYS = 365


def alert_rows(app):
    with app.app_context():
        return list(db.session.scalars(select(SearchAlert).order_by(SearchAlert.id)))


def link_in(message, path):
    match = re.search(
        rf"http://[^/\s]+(/(?:es|en)/alerts/{path}/[A-Za-z0-9_.\-]+)", message.body_text
    )
    assert match, message.body_text
    return match.group(1)


def account_holder(app, auth, lang="es"):
    with app.app_context():
        user = make_user(db.session, email="ana@example.org", language=lang)
        db.session.commit()
        user_id = user.id
    auth.login("ana@example.org", lang=lang)
    return user_id


@pytest.mark.parametrize("lang", LANGS)
def test_a_search_that_finds_nothing_offers_an_alert_and_its_page_says_what_is_kept(client, lang):
    html = client.get(f"/{lang}/offerings/?q=robótica+majadahonda").text
    assert 'class="search-alert-offer' in html
    href = re.search(r'<a class="btn btn-primary" href="([^"]+/alerts/new[^"]*)"', html).group(1)
    assert "q=rob" in href
    page = client.get(href.replace("&amp;", "&"))
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert {"es": "Majadahonda", "en": "Majadahonda"}[lang] in page.text
    assert "robótica majadahonda" in page.text
    assert 'type="email"' in page.text
    assert str(LIFE_DAYS) in page.text
    # Nothing is offered for the whole offer, and the results page keeps it quiet.
    assert "search-alert" not in client.get(f"/{lang}/offerings/").text


def test_a_page_of_results_offers_the_alert_as_a_quieter_link(app, client):
    with app.app_context():
        make_offering(db.session, title_es="Robótica educativa")
        db.session.commit()
    html = client.get("/es/offerings/?q=robotica").text
    assert 'class="search-alert-link' in html
    assert 'class="search-alert-offer' not in html


@pytest.mark.parametrize("lang", LANGS)
def test_a_visitor_asks_confirms_is_told_and_stops(app, client, lang):
    url = f"/{lang}/alerts/new?q=robótica&municipality=majadahonda&page=2"
    page = client.get(url)
    bad = client.post(url, data={"csrf_token": csrf_token(page.text), "email": "not an address"})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text and alert_rows(app) == []

    sent = client.post(url, data={"csrf_token": csrf_token(page.text), "email": "Eva@Example.org"})
    assert sent.status_code == 302
    assert (
        sent.headers["Location"] == f"/{lang}/offerings/?q=rob%C3%B3tica&municipality=majadahonda"
    )
    assert "eva@example.org" in flashes(client.get(sent.headers["Location"]))
    [message] = outbox(app, "alert_confirm")
    assert message.to_address == "eva@example.org"
    [alert] = alert_rows(app)
    assert alert.confirmed_at is None and alert.lang == lang

    confirmed = client.get(link_in(message, "confirm"))
    assert confirmed.status_code == 200
    assert "eva@example.org" in confirmed.text
    assert alert_rows(app)[0].confirmed_at is not None

    with app.app_context():
        offering = make_offering(
            db.session,
            status=OfferingStatus.DRAFT,
            municipality_slug="majadahonda",
            title_es="Robótica educativa",
            title_en="Educational robotics",
        )
        offerings.publish(db.session, offering, actor_id=None)
        db.session.commit()
        assert alerts.tell_alerts(db.session, now=utcnow(), alert_life=alert_life(app)) == 1
        db.session.commit()
    [told] = outbox(app, "alert_match")
    assert told.to_address == "eva@example.org"

    stop_path = link_in(told, "stop")
    asking = client.get(stop_path)
    assert asking.status_code == 200 and '<form method="post"' in asking.text
    assert len(alert_rows(app)) == 1  # looking at the page stops nothing
    stopped = client.post(stop_path)
    assert stopped.status_code == 200
    assert alert_rows(app) == []
    again = client.post(stop_path)
    assert again.status_code == 410
    assert f'<html lang="{lang}">' in again.text
    assert {"es": "ya se detuvo", "en": "already stopped"}[lang] in again.text
    assert client.get(stop_path).status_code == 410


def alert_life(app):
    return timedelta(days=app.config["RETENTION_ALERTS_DAYS"])


def test_a_mail_program_stops_an_alert_with_one_post_without_a_form_token(app, client):
    with app.app_context():
        user = make_user(db.session)
        alert = alerts.alert_for_account(
            db.session,
            user_id=user.id,
            search=alerts.saved_search(db.session, Filters(q="ajedrez")),
            lang="es",
            now=utcnow(),
        )
        token = alerts.stop_token(alert)
        db.session.commit()
    # RFC 8058: the mail program posts this body, with no session and no form token.
    answer = client.post(f"/es/alerts/stop/{token}", data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert alert_rows(app) == []


@pytest.mark.parametrize("lang", LANGS)
def test_tampered_and_expired_links_say_so_in_the_page_language(app, client, lang, monkeypatch):
    with app.app_context():
        alerts.alert_by_email(
            db.session,
            email="eva@example.org",
            search=alerts.saved_search(db.session, Filters(q="ajedrez")),
            lang=lang,
            now=utcnow(),
        )
        alert = db.session.scalars(select(SearchAlert)).one()
        monkeypatch.setattr(
            TimestampSigner, "get_timestamp", lambda self: int(time.time() - 4 * 86400)
        )
        old = alerts.confirm_token(alert)
        monkeypatch.undo()
        token = alerts.stop_token(alert)
        db.session.commit()
    for path in (f"/{lang}/alerts/stop/{token[:-3]}x", f"/{lang}/alerts/confirm/{token}"):
        tampered = client.get(path)
        assert tampered.status_code == 400
        assert f'<html lang="{lang}">' in tampered.text
        assert {"es": "no es válido", "en": "not valid"}[lang] in tampered.text
    assert client.post(f"/{lang}/alerts/stop/{token[:-3]}x").status_code == 400
    assert client.get(f"/{lang}/alerts/confirm/{old}").status_code == 410
    assert alert_rows(app)[0].confirmed_at is None


@pytest.mark.parametrize("lang", LANGS)
def test_an_account_holder_starts_an_alert_with_one_button_once(app, client, auth, lang):
    account_holder(app, auth, lang)
    results = client.get(f"/{lang}/offerings/?q=drones+gratis")
    # The results are the same for every visitor: a link, to the alert's page, where an
    # account holder finds one button (their address, no field).
    offer = results.text.split('class="search-alert-offer')[1]
    action = re.search(r'href="([^"]+)"', offer).group(1).replace("&amp;", "&")
    page = client.get(action)
    assert page.status_code == 200 and 'name="email"' not in page.text
    token = csrf_token(page.text)
    first = client.post(action, data={"csrf_token": token})
    assert first.status_code == 302 and first.headers["Location"] == f"/{lang}/account/alerts"
    listed = client.get(first.headers["Location"])
    assert "ana@example.org" in flashes(listed)
    assert "drones gratis" in listed.text
    second = client.post(action, data={"csrf_token": token}, follow_redirects=True)
    assert {"es": "Ya tienes esta alerta", "en": "You already have this alert"}[lang] in second.text
    [alert] = alert_rows(app)
    assert alert.confirmed_at is not None and alert.filters == '{"free":true}'
    assert outbox(app) == []  # nothing to confirm: the account's address is


@pytest.mark.parametrize("lang", LANGS)
def test_the_account_lists_alerts_and_stops_each(app, client, auth, lang):
    user_id = account_holder(app, auth, lang)
    with app.app_context():
        for q in ("ajedrez", "drones"):
            alerts.alert_for_account(
                db.session,
                user_id=user_id,
                search=alerts.saved_search(db.session, Filters(q=q)),
                lang=lang,
                now=utcnow(),
            )
        db.session.commit()
    page = client.get(f"/{lang}/account/alerts")
    assert page.status_code == 200
    assert "ajedrez" in page.text and "drones" in page.text
    first = alert_rows(app)[0]
    stop = client.post(
        f"/{lang}/account/alerts/{first.id}/stop", data={"csrf_token": csrf_token(page.text)}
    )
    assert stop.status_code == 302
    assert [a.search_text for a in alert_rows(app)] == ["drones"]
    again = client.post(
        f"/{lang}/account/alerts/{first.id}/stop", data={"csrf_token": csrf_token(page.text)}
    )
    assert again.status_code == 404


def test_someone_elses_alert_cannot_be_stopped_from_an_account(app, client, auth):
    with app.app_context():
        owner = make_user(db.session)
        alert = alerts.alert_for_account(
            db.session,
            user_id=owner.id,
            search=alerts.saved_search(db.session, Filters(q="ajedrez")),
            lang="es",
            now=utcnow(),
        )
        db.session.commit()
        alert_id = alert.id
    account_holder(app, auth)
    page = client.get("/es/account/alerts")
    refused = client.post(
        f"/es/account/alerts/{alert_id}/stop", data={"csrf_token": csrf_token(page.text)}
    )
    assert refused.status_code == 404
    assert len(alert_rows(app)) == 1


def test_an_empty_or_unreadable_search_is_refused_with_its_reason(app, client):
    empty = client.get("/en/alerts/new")
    assert empty.status_code == 200
    assert "choose a filter first" in empty.text and 'type="email"' not in empty.text
    token = csrf_token(client.get("/en/alerts/new?q=ajedrez").text)
    sent = client.post("/en/alerts/new", data={"csrf_token": token, "email": "eva@example.org"})
    assert sent.status_code == 422 and "choose a filter first" in sent.text
    assert client.get("/en/alerts/new?kind=spaceship").status_code == 400
    assert client.get("/en/alerts/new?q=" + "x" * 300).status_code == 400


def test_asking_by_email_is_rate_limited(app, client, rate_limits):
    url = "/es/alerts/new?q=ajedrez"
    token = csrf_token(client.get(url).text)
    statuses = [
        client.post(url, data={"csrf_token": token, "email": "eva@example.org"}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchAlert)) == 1
