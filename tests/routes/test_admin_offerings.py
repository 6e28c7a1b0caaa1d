"""The back office's offerings pages, through HTTP, in both languages."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.localtime import MADRID
from app.models import (
    AuditEntry,
    Offering,
    OfferingSession,
    OfferingStatus,
    Organisation,
    OutboxMessage,
    Role,
    utcnow,
)
from app.services import enrolment
from tests.conftest import csrf_token
from tests.factories import (
    make_class_offering,
    make_class_registration,
    make_offering,
    make_organisation,
    make_user,
    municipality,
    programme,
    set_sessions,
)

LANGS = ("es", "en")
NEXT_YEAR = datetime.now(UTC).year + 1


@pytest.fixture
def world(app):
    """Staff of one organisation, a coordinator, and an offering of that organisation and
    of another one."""
    with app.app_context():
        own = make_organisation(db.session, name="Ayuntamiento de Las Rozas")
        other = make_organisation(db.session, name="Otra entidad")
        mine = make_offering(db.session, provider=own, title_es="Robótica", title_en="Robotics")
        theirs = make_offering(db.session, provider=other, title_es="Ajeno", title_en="Foreign")
        staff = make_user(db.session, role=Role.ORGANISATION_STAFF, organisation=own)
        coordinator = make_user(db.session, role=Role.COORDINATOR)
        resident = make_user(db.session)
        db.session.commit()
        return {
            "own": own.id,
            "other": other.id,
            "mine": mine.id,
            "theirs": theirs.id,
            "staff": staff.email,
            "coordinator": coordinator.email,
            "resident": resident.email,
            "programme": programme(db.session).id,
            "municipality": municipality(db.session).id,
        }


def form_data(world, **changes) -> dict:
    """A complete offering form with one session next year, 18:00-20:00 Madrid time."""
    data = {
        "title_es": "Ciberseguridad básica",
        "title_en": "Basic cybersecurity",
        "summary_es": "Protege tus cuentas",
        "summary_en": "Protect your accounts",
        "description_es": "Un taller **práctico**.",
        "description_en": "A **hands-on** workshop.",
        "programme_id": world["programme"],
        "kind": "workshop",
        "mode": "individual",
        "level": "",
        "format": "in-person",
        "audiences": ["residents", "unemployed"],
        "languages": ["es"],
        "skills": "seguridad, contraseñas",
        "provider_id": world["other"],  # ignored for organisation staff
        "municipality_id": world["municipality"],
        "venue": "Centro El Cantizal",
        "address": "Calle Kálamo 24",
        "capacity": "15",
        "price": "0",
        "cancellation_hours": "24",
        "sessions-0-day": f"{NEXT_YEAR}-05-12",
        "sessions-0-start_time": "18:00",
        "sessions-0-end_time": "20:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post(client, url, data, page_url=None):
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data})


def offering_row(app, offering_id):
    with app.app_context():
        offering = db.session.get(Offering, offering_id)
        db.session.expunge(offering)
        return offering


def audit_actions(app):
    with app.app_context():
        return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def error_of(html: str, field_id: str) -> str:
    """The message shown at a field, checking the field is described by it."""
    control = re.search(rf'<(?:input|select|textarea|fieldset)[^>]*\bid="{field_id}"[^>]*>', html)
    assert control, f"no field {field_id}"
    assert re.search(rf'aria-describedby="[^"]*\b{field_id}-error\b', control.group(0)), (
        f"{field_id} is not described by its error"
    )
    match = re.search(rf'id="{field_id}-error"[^>]*>([^<]*)<', html)
    assert match, f"no error at {field_id}"
    return match.group(1)


# The list


@pytest.mark.parametrize(
    ("lang", "words"), [("es", "14 feb 2027, 17:00"), ("en", "14 Feb 2027, 17:00")]
)
def test_dates_in_the_list_read_as_words(app, client, auth, world, lang, words):
    # 16:00 UTC on 14 February is 17:00 in Madrid.
    start = datetime(2027, 2, 14, 16, 0, tzinfo=UTC)
    with app.app_context():
        set_sessions(db.session.get(Offering, world["mine"]), [(start, start + timedelta(hours=2))])
        db.session.commit()
    auth.login(world["staff"], lang=lang)
    html = client.get(f"/{lang}/admin/offerings/").text
    assert f'<time datetime="{start.isoformat()}">{words}</time>' in html
    assert "14/2/27" not in html and "14/02/2027" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_staff_see_their_own_offerings_with_links(client, auth, world, lang):
    auth.login(world["staff"], lang=lang)
    response = client.get(f"/{lang}/admin/offerings/")

    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    assert ("Robótica" if lang == "es" else "Robotics") in response.text
    assert "Ajeno" not in response.text and "Foreign" not in response.text
    assert f'href="/{lang}/admin/offerings/{world["mine"]}/edit"' in response.text
    assert f'href="/{lang}/admin/offerings/{world["mine"]}/participants"' in response.text
    assert f'href="/{lang}/admin/offerings/new"' in response.text


def test_the_list_searches_and_filters(client, auth, world, app):
    with app.app_context():
        make_offering(
            db.session,
            provider=db.session.get(Organisation, world["own"]),
            status=OfferingStatus.DRAFT,
            title_es="Borrador de datos",
            kind="talk",
        )
        db.session.commit()
    auth.login(world["staff"])

    assert "Borrador de datos" not in client.get("/es/admin/offerings/?q=robot").text
    assert "Robótica" in client.get("/es/admin/offerings/?q=robot").text
    drafts = client.get("/es/admin/offerings/?status=draft").text
    assert "Borrador de datos" in drafts and "Robótica" not in drafts
    assert "Robótica" not in client.get("/es/admin/offerings/?kind=talk").text


@pytest.mark.parametrize("query", ["status=nonsense", "page=0", "programme=abc"])
def test_a_malformed_filter_is_a_400_with_the_message_at_its_field(client, auth, world, query):
    auth.login(world["staff"])
    response = client.get(f"/en/admin/offerings/?{query}")
    assert response.status_code == 400
    assert "invalid-feedback" in response.text or 'role="alert"' in response.text


def test_the_list_costs_the_same_queries_for_few_or_many_rows(app, client, auth, count_queries):
    with app.app_context():
        own = make_organisation(db.session)
        staff = make_user(db.session, role=Role.ORGANISATION_STAFF, organisation=own)
        make_offering(db.session, provider=own)
        db.session.commit()
        email = staff.email
    auth.login(email)
    counts = []
    for more in (0, 30):
        with app.app_context():
            for _ in range(more):
                make_offering(db.session, provider=db.session.merge(own))
            db.session.commit()
        with count_queries() as queries:
            assert client.get("/es/admin/offerings/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# Creating


@pytest.mark.parametrize("lang", LANGS)
def test_the_new_offering_form_shows_both_languages_side_by_side(client, auth, world, lang):
    auth.login(world["staff"], lang=lang)
    response = client.get(f"/{lang}/admin/offerings/new")

    assert response.status_code == 200
    assert re.search(r'<input[^>]*id="title_es"[^>]*lang="es"', response.text) or re.search(
        r'<input[^>]*lang="es"[^>]*id="title_es"', response.text
    )
    assert 'id="title_en"' in response.text
    assert 'name="sessions-2-day"' in response.text  # blank session rows
    assert 'name="provider_id"' not in response.text  # staff act for their organisation


def test_creating_saves_a_draft_for_the_staff_members_organisation(app, client, auth, world):
    auth.login(world["staff"])
    response = post(client, "/es/admin/offerings/new", form_data(world))

    assert response.status_code == 302
    with app.app_context():
        offering = db.session.scalars(select(Offering).order_by(Offering.id.desc())).first()
        assert response.location.endswith(f"/es/admin/offerings/{offering.id}/edit")
        assert offering.status == OfferingStatus.DRAFT
        assert offering.provider_id == world["own"]
        assert offering.external_id == f"MOT-{offering.id}"
        assert offering.skill_list == ["seguridad", "contraseñas"]
        assert {item.value for item in offering.audiences} == {"residents", "unemployed"}
        first = datetime(NEXT_YEAR, 5, 12, 18, 0, tzinfo=MADRID).astimezone(UTC)
        assert [(s.starts_at, s.ends_at) for s in offering.sessions] == [
            (first, first + timedelta(hours=2))
        ]
    assert audit_actions(app) == ["offering.create"]


def test_coordinators_choose_the_provider(app, client, auth, world):
    auth.login(world["coordinator"])
    response = post(client, "/en/admin/offerings/new", form_data(world, price="12,50"))

    assert response.status_code == 302
    with app.app_context():
        offering = db.session.scalars(select(Offering).order_by(Offering.id.desc())).first()
        assert (offering.provider_id, offering.price_cents) == (world["other"], 1250)


def test_more_session_rows_come_by_submitting_without_saving(app, client, auth, world):
    auth.login(world["staff"])
    response = post(client, "/es/admin/offerings/new", {**form_data(world), "add_rows": "1"})

    assert response.status_code == 200
    assert 'name="sessions-3-day"' in response.text
    assert f'value="{NEXT_YEAR}-05-12"' in response.text  # what was typed stays
    assert audit_actions(app) == []


@pytest.mark.parametrize(
    ("changes", "field_id"),
    [
        ({"sessions-0-end_time": "17:00"}, "sessions-0-end_time"),
        (
            {
                "enrolment_opens": f"{NEXT_YEAR}-04-10T09:00",
                "enrolment_closes": f"{NEXT_YEAR}-04-01T09:00",
            },
            "enrolment_closes",
        ),
        ({"min_age": "40", "max_age": "18"}, "max_age"),
        ({"sessions-1-day": f"{NEXT_YEAR}-05-19"}, "sessions-1-start_time"),
        ({"capacity": "0"}, "capacity"),
        ({"sessions-0-day": "12/05/2030"}, "sessions-0-day"),
    ],
    ids=["session-reversed", "window-reversed", "ages", "half-filled-row", "capacity", "date"],
)
@pytest.mark.parametrize("lang", LANGS)
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(
    app, client, auth, world, changes, field_id, lang
):
    auth.login(world["staff"], lang=lang)
    response = post(client, f"/{lang}/admin/offerings/new", form_data(world, **changes))

    assert response.status_code == 422
    assert error_of(response.text, field_id)
    with app.app_context():
        assert (
            db.session.scalar(select(Offering).filter_by(title_es="Ciberseguridad básica")) is None
        )
    assert audit_actions(app) == []


def test_a_post_with_nothing_in_it_is_a_form_error_not_a_crash(client, auth, world):
    auth.login(world["staff"])
    response = post(client, "/es/admin/offerings/new", {}, page_url="/es/admin/offerings/new")
    assert response.status_code == 422


def test_script_in_a_field_is_shown_as_text(client, auth, world):
    auth.login(world["staff"])
    response = post(
        client,
        "/es/admin/offerings/new",
        form_data(world, title_es="<script>alert(1)</script>", min_age="40", max_age="1"),
    )
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


# Editing


@pytest.mark.parametrize("lang", LANGS)
def test_the_edit_page_shows_the_offering_and_its_actions(client, auth, world, lang):
    auth.login(world["staff"], lang=lang)
    response = client.get(f"/{lang}/admin/offerings/{world['mine']}/edit")

    assert response.status_code == 200
    assert 'value="Robótica"' in response.text and 'value="Robotics"' in response.text
    assert f"/{lang}/admin/offerings/{world['mine']}/unpublish" in response.text
    assert f"/es/admin/offerings/{world['mine']}/preview" in response.text
    assert f"/en/admin/offerings/{world['mine']}/preview" in response.text


def test_another_organisations_offering_is_not_found(client, auth, world):
    auth.login(world["staff"])
    for path in ("edit", "preview", "duplicate", "cancel"):
        assert client.get(f"/es/admin/offerings/{world['theirs']}/{path}").status_code == 404
    response = post(
        client,
        f"/es/admin/offerings/{world['theirs']}/publish",
        {},
        page_url=f"/es/admin/offerings/{world['mine']}/edit",
    )
    assert response.status_code == 404


def test_residents_may_not_post_to_the_back_office(client, auth, world):
    auth.login(world["resident"])
    response = post(client, "/es/admin/offerings/new", form_data(world), page_url="/es/account/")
    assert response.status_code == 403


def edit_data(app, world, offering_id, **changes):
    """The edit form as the page fills it in, with ``changes``."""
    with app.app_context():
        offering = db.session.get(Offering, offering_id)
        data = form_data(
            world,
            title_es=offering.title_es,
            title_en=offering.title_en,
            capacity=str(offering.capacity),
            **{"sessions-0-day": None, "sessions-0-start_time": None, "sessions-0-end_time": None},
        )
        for index, item in enumerate(offering.sessions):
            local_start = item.starts_at.astimezone(MADRID)
            data[f"sessions-{index}-id"] = str(item.id)
            data[f"sessions-{index}-day"] = local_start.date().isoformat()
            data[f"sessions-{index}-start_time"] = local_start.strftime("%H:%M")
            data[f"sessions-{index}-end_time"] = item.ends_at.astimezone(MADRID).strftime("%H:%M")
    data.update(changes)
    return data


def fill(app, offering_id, count):
    with app.app_context():
        people = [make_user(db.session) for _ in range(count)]
        for person in people:
            enrolment.enrol(db.session, offering_id=offering_id, user_id=person.id, now=utcnow())
        db.session.commit()
        return [person.email for person in people]


@pytest.mark.parametrize("lang", LANGS)
def test_capacity_below_the_places_given_is_refused_with_the_count(app, client, auth, world, lang):
    fill(app, world["mine"], 3)
    auth.login(world["staff"], lang=lang)
    url = f"/{lang}/admin/offerings/{world['mine']}/edit"
    response = post(client, url, edit_data(app, world, world["mine"], capacity="2"))

    assert response.status_code == 409
    assert "3" in error_of(response.text, "capacity")
    assert offering_row(app, world["mine"]).capacity == 20


def test_new_times_reach_the_participants_and_the_audit_log(app, client, auth, world):
    emails = fill(app, world["mine"], 2)
    auth.login(world["staff"])
    url = f"/es/admin/offerings/{world['mine']}/edit"
    response = post(
        client,
        url,
        edit_data(
            app,
            world,
            world["mine"],
            **{"sessions-0-start_time": "09:00", "sessions-0-end_time": "11:00"},
        ),
    )

    assert response.status_code == 302
    with app.app_context():
        told = db.session.scalars(
            select(OutboxMessage.to_address).where(OutboxMessage.template == "offering_changed")
        ).all()
        assert sorted(told) == sorted(emails)
        [session_row] = db.session.scalars(
            select(OfferingSession).filter_by(offering_id=world["mine"])
        )
        assert session_row.starts_at.astimezone(MADRID).strftime("%H:%M") == "09:00"
    assert "offering.update" in audit_actions(app)


# Status changes


def test_publishing_without_the_spanish_title_is_refused_at_the_field(app, client, auth, world):
    auth.login(world["staff"])
    post(client, "/en/admin/offerings/new", form_data(world, title_es="", title_en="Draft only"))
    with app.app_context():
        draft = db.session.scalars(select(Offering).filter_by(title_en="Draft only")).one()

    response = post(
        client,
        f"/en/admin/offerings/{draft.id}/publish",
        {},
        page_url=f"/en/admin/offerings/{draft.id}/edit",
    )

    assert response.status_code == 422
    assert "Spanish title" in error_of(response.text, "title_es")
    assert offering_row(app, draft.id).status == OfferingStatus.DRAFT


@pytest.mark.parametrize("lang", LANGS)
def test_publishing_warns_when_english_is_missing(app, client, auth, world, lang):
    auth.login(world["staff"], lang=lang)
    post(client, f"/{lang}/admin/offerings/new", form_data(world, description_en=""))
    with app.app_context():
        draft = db.session.scalars(
            select(Offering).filter_by(title_es="Ciberseguridad básica")
        ).one()
    edit = f"/{lang}/admin/offerings/{draft.id}/edit"

    response = post(client, f"/{lang}/admin/offerings/{draft.id}/publish", {}, page_url=edit)
    page = client.get(edit)

    assert response.status_code == 302
    assert offering_row(app, draft.id).status == OfferingStatus.PUBLISHED
    assert "alert-warning" in page.text
    assert audit_actions(app) == ["offering.create", "offering.publish"]


def test_unpublishing_with_participants_is_refused_with_the_count(app, client, auth, world):
    fill(app, world["mine"], 2)
    auth.login(world["staff"], lang="en")
    edit = f"/en/admin/offerings/{world['mine']}/edit"
    response = post(client, f"/en/admin/offerings/{world['mine']}/unpublish", {}, page_url=edit)

    assert response.status_code == 409
    assert "2 people" in response.text
    assert offering_row(app, world["mine"]).status == OfferingStatus.PUBLISHED


@pytest.mark.parametrize("lang", LANGS)
def test_how_people_join_cannot_change_while_people_hold_places(app, client, auth, world, lang):
    fill(app, world["mine"], 1)
    auth.login(world["staff"], lang=lang)
    url = f"/{lang}/admin/offerings/{world['mine']}/edit"
    response = post(client, url, edit_data(app, world, world["mine"], mode="class"))

    assert response.status_code == 409
    assert error_of(response.text, "mode").startswith({"es": "1 persona", "en": "1 person"}[lang])
    assert offering_row(app, world["mine"]).mode.value == "individual"


def test_unpublishing_a_class_offering_with_classes_is_refused_with_the_count(
    app, client, auth, world
):
    with app.app_context():
        provider = db.session.get(Organisation, world["own"])
        offering = make_class_offering(db.session, provider=provider)
        make_class_registration(db.session, offering, offering.sessions[0])
        db.session.commit()
        offering_id = offering.id
    auth.login(world["staff"], lang="en")
    edit = f"/en/admin/offerings/{offering_id}/edit"
    response = post(client, f"/en/admin/offerings/{offering_id}/unpublish", {}, page_url=edit)

    assert response.status_code == 409
    assert "1 class is registered or waiting" in response.text
    assert offering_row(app, offering_id).status == OfferingStatus.PUBLISHED


@pytest.mark.parametrize("lang", LANGS)
def test_cancelling_asks_for_confirmation_and_tells_everyone(app, client, auth, world, lang):
    emails = fill(app, world["mine"], 2)
    auth.login(world["staff"], lang=lang)
    url = f"/{lang}/admin/offerings/{world['mine']}/cancel"

    page = client.get(url)
    assert page.status_code == 200
    assert post(client, url, {}).status_code == 422
    response = post(client, url, {"confirm": "y"})

    assert response.status_code == 302
    assert offering_row(app, world["mine"]).status == OfferingStatus.CANCELLED
    with app.app_context():
        told = db.session.scalars(
            select(OutboxMessage.to_address).where(OutboxMessage.template == "offering_cancelled")
        ).all()
    assert sorted(told) == sorted(emails)
    assert "offering.cancel" in audit_actions(app)


def test_cancelling_needs_a_fresh_login(client, auth, world):
    auth.login(world["staff"])
    with client.session_transaction() as session:
        session["_fresh"] = False
    response = client.get(f"/es/admin/offerings/{world['mine']}/cancel")
    assert response.status_code == 302
    assert "/auth/reauthenticate" in response.location


def test_archiving_a_draft(app, client, auth, world):
    auth.login(world["coordinator"])
    post(client, "/es/admin/offerings/new", form_data(world))
    with app.app_context():
        draft = db.session.scalars(
            select(Offering).filter_by(title_es="Ciberseguridad básica")
        ).one()
    edit = f"/es/admin/offerings/{draft.id}/edit"
    response = post(client, f"/es/admin/offerings/{draft.id}/archive", {}, page_url=edit)

    assert response.status_code == 302
    assert offering_row(app, draft.id).status == OfferingStatus.ARCHIVED


@pytest.mark.parametrize("lang", LANGS)
def test_duplicating_makes_a_draft_on_the_new_date(app, client, auth, world, lang):
    auth.login(world["staff"], lang=lang)
    url = f"/{lang}/admin/offerings/{world['mine']}/duplicate"
    assert client.get(url).status_code == 200
    assert post(client, url, {"first_day": ""}).status_code == 422

    response = post(client, url, {"first_day": f"{NEXT_YEAR + 1}-02-03"})

    assert response.status_code == 302
    with app.app_context():
        copy = db.session.scalars(select(Offering).order_by(Offering.id.desc())).first()
        assert response.location.endswith(f"/admin/offerings/{copy.id}/edit")
        assert copy.status == OfferingStatus.DRAFT
        assert copy.starts_at.astimezone(MADRID).date() == date(NEXT_YEAR + 1, 2, 3)


# Preview


@pytest.mark.parametrize(("lang", "title"), [("es", "Robótica"), ("en", "Robotics")])
def test_the_preview_is_the_public_page_in_each_language_not_indexed(
    app, client, auth, world, lang, title
):
    with app.app_context():
        db.session.get(Offering, world["mine"]).status = OfferingStatus.DRAFT
        db.session.commit()
    auth.login(world["staff"], lang=lang)
    response = client.get(f"/{lang}/admin/offerings/{world['mine']}/preview")

    assert response.status_code == 200
    assert f'<h1 id="offering-title"><span>{title}</span></h1>' in response.text
    assert 'content="noindex, nofollow"' in response.text
    assert "application/ld+json" not in response.text
