"""Running offerings from the back office: the rules, the audit trail, the participants told."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.admin.access import offering_scope
from app.localtime import MADRID
from app.models import (
    Attendance,
    Audience,
    AuditEntry,
    ClassSession,
    ClassStatus,
    EnrolmentStatus,
    Format,
    InstructionLanguage,
    Kind,
    Mode,
    Offering,
    OfferingStatus,
    OutboxMessage,
    Role,
    SearchTerm,
    utcnow,
)
from app.services import enrolment, indicators, offerings, schools
from app.services.errors import Conflict
from app.services.offerings import OfferingData, OfferingInvalid, SessionRow
from tests.factories import (
    class_details,
    make_class_offering,
    make_class_registration,
    make_offering,
    make_organisation,
    make_school,
    make_teacher,
    make_user,
    municipality,
    programme,
)


def madrid(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MADRID).astimezone(UTC)


def new_data(session, provider=None, **changes) -> OfferingData:
    values = dict(
        title_es="Introducción a Python",
        title_en="Introduction to Python",
        summary_es="Primeros pasos",
        summary_en="First steps",
        description_es="Un curso **práctico**.",
        description_en="A **hands-on** course.",
        programme_id=programme(session).id,
        kind=Kind.BOOTCAMP,
        mode=Mode.INDIVIDUAL,
        format=Format.IN_PERSON,
        provider_id=(provider or make_organisation(session)).id,
        municipality_id=municipality(session).id,
        capacity=10,
        audiences=frozenset({Audience.RESIDENTS}),
        languages=frozenset({InstructionLanguage.SPANISH}),
        venue="Centro",
        address="Calle Mayor 1",
    )
    values.update(changes)
    return OfferingData(**values)


def data_of(offering: Offering, **changes) -> OfferingData:
    """What the edit form would send back unchanged for ``offering``, plus ``changes``."""
    names = [name for name in OfferingData.__dataclass_fields__ if hasattr(offering, name)]
    values = {name: getattr(offering, name) for name in names}
    values.update(
        audiences=frozenset(offering.audiences),
        languages=frozenset(offering.languages),
        skills=tuple(offering.skill_list),
        external_id=None,
    )
    values.update(changes)
    return OfferingData(**values)


def rows_of(offering: Offering) -> list[SessionRow]:
    return [
        SessionRow(item.starts_at, item.ends_at, item.venue, item.address, id=item.id)
        for item in offering.sessions
    ]


def two_sessions(day=date(2030, 4, 7)) -> list[SessionRow]:
    return [
        SessionRow(madrid(day, 18), madrid(day, 20), key="sessions-0"),
        SessionRow(madrid(day + timedelta(days=7), 18), madrid(day + timedelta(days=7), 20)),
    ]


def audit_entries(session, action=None):
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(session.scalars(stmt))


def problems(error: OfferingInvalid) -> dict:
    return {name: str(message) for name, message in error.problems}


def fill(session, offering, count):
    people = [make_user(session) for _ in range(count)]
    return [
        enrolment.enrol(session, offering_id=offering.id, user_id=person.id, now=utcnow())
        for person in people
    ]


# Creating


def test_creating_makes_a_numbered_draft_with_sessions_indexed_and_audited(session):
    staff = make_user(session, role=Role.COORDINATOR)
    saved = offerings.create_offering(session, new_data(session), two_sessions(), actor_id=staff.id)
    offering = saved.offering

    assert offering.status == OfferingStatus.DRAFT
    assert offering.external_id == f"MOT-{offering.id}"
    assert offering.starts_at == madrid(date(2030, 4, 7), 18)
    assert offering.ends_at == madrid(date(2030, 4, 14), 20)
    assert session.scalar(select(SearchTerm).filter_by(offering_id=offering.id)) is not None
    [entry] = audit_entries(session, "offering.create")
    assert (entry.actor_id, entry.entity_type, entry.entity_id) == (
        staff.id,
        "offering",
        offering.id,
    )
    assert entry.after["title_es"] == "Introducción a Python"
    assert len(entry.after["session_spans"]) == 2


def test_a_given_reference_is_kept_and_must_be_unique(session):
    make_offering(session, external_id="LR-2030-01")
    with pytest.raises(OfferingInvalid) as refused:
        offerings.create_offering(
            session, new_data(session, external_id="LR-2030-01"), [], actor_id=None
        )
    assert refused.value.status_code == 409
    assert "external_id" in problems(refused.value)

    saved = offerings.create_offering(
        session, new_data(session, external_id="LR-2030-02"), [], actor_id=None
    )
    assert saved.offering.external_id == "LR-2030-02"


def test_a_generated_reference_skips_one_already_imported(session):
    offering = make_offering(session)
    # The next row's id is offering.id + 2: that reference came earlier from a spreadsheet.
    make_offering(session, external_id=f"MOT-{offering.id + 2}")

    saved = offerings.create_offering(session, new_data(session), [], actor_id=None)

    assert saved.offering.id == offering.id + 2
    assert saved.offering.external_id == f"MOT-{saved.offering.id}-2"


@pytest.mark.parametrize(
    ("changes", "rows", "field"),
    [
        ({"min_age": 30, "max_age": 18}, [], "max_age"),
        (
            {
                "enrolment_opens": madrid(date(2030, 3, 10), 9),
                "enrolment_closes": madrid(date(2030, 3, 5), 9),
            },
            [],
            "enrolment_closes",
        ),
        (
            {"enrolment_closes": madrid(date(2030, 4, 20), 9)},
            two_sessions(),
            "enrolment_closes",
        ),
        ({"enrolment_opens": madrid(date(2030, 4, 8), 9)}, two_sessions(), "enrolment_opens"),
        (
            {},
            [
                SessionRow(
                    madrid(date(2030, 4, 7), 18), madrid(date(2030, 4, 7), 17), key="sessions-3"
                )
            ],
            "sessions-3-end_time",
        ),
    ],
    ids=[
        "ages",
        "window-reversed",
        "closes-after-the-end",
        "opens-after-start",
        "session-reversed",
    ],
)
def test_impossible_values_are_refused_at_their_field_and_nothing_is_saved(
    session, changes, rows, field
):
    data = new_data(session, **changes)
    session.commit()
    with pytest.raises(OfferingInvalid) as refused:
        offerings.create_offering(session, data, rows, actor_id=None)
    session.rollback()

    assert refused.value.status_code == 422
    assert field in problems(refused.value)
    assert session.scalar(select(Offering)) is None
    assert audit_entries(session) == []


def test_enrolment_open_after_the_first_session_is_a_warning_not_a_refusal(session):
    saved = offerings.create_offering(
        session,
        new_data(session, enrolment_closes=madrid(date(2030, 4, 10), 9)),
        two_sessions(),
        actor_id=None,
    )
    assert saved.offering.id is not None
    assert len(saved.warnings) == 1


# Editing


def test_an_edit_records_only_the_changed_fields(session):
    offering = make_offering(session, status=OfferingStatus.DRAFT)
    staff = make_user(session, role=Role.ORGANISATION_STAFF, organisation=offering.provider)
    old_title = offering.title_en

    offerings.update_offering(
        session,
        offering,
        data_of(offering, title_en="Better title", capacity=25),
        rows_of(offering),
        actor_id=staff.id,
        now=utcnow(),
    )

    [entry] = audit_entries(session, "offering.update")
    assert entry.before == {"title_en": old_title, "capacity": 20}
    assert entry.after == {"title_en": "Better title", "capacity": 25}
    assert entry.actor_id == staff.id


def test_saving_without_a_change_records_nothing(session):
    offering = make_offering(session)
    offerings.update_offering(
        session, offering, data_of(offering), rows_of(offering), actor_id=None, now=utcnow()
    )
    assert audit_entries(session) == []


def test_capacity_below_the_places_given_is_refused_with_the_count(session):
    offering = make_offering(session, capacity=5)
    fill(session, offering, 3)
    session.commit()

    with pytest.raises(OfferingInvalid) as refused:
        offerings.update_offering(
            session,
            offering,
            data_of(offering, capacity=2),
            rows_of(offering),
            actor_id=None,
            now=utcnow(),
        )
    session.rollback()

    assert refused.value.status_code == 409
    with force_locale("en"):
        assert "3 places are already given" in problems(refused.value)["capacity"]
    session.refresh(offering)
    assert offering.capacity == 5


def test_more_places_go_to_the_waiting_list_first(session):
    offering = make_offering(session, capacity=1)
    _first, waiting = fill(session, offering, 2)
    assert waiting.status == EnrolmentStatus.WAITING

    offerings.update_offering(
        session,
        offering,
        data_of(offering, capacity=2),
        rows_of(offering),
        actor_id=None,
        now=utcnow(),
    )

    session.refresh(waiting)
    assert waiting.status == EnrolmentStatus.CONFIRMED
    assert offering.seats_taken == 2


def test_new_dates_of_a_published_offering_are_sent_to_its_participants(session):
    offering = make_offering(session, sessions=2)
    places = fill(session, offering, 2)
    moved = [
        replace(
            row,
            starts_at=row.starts_at + timedelta(hours=1),
            ends_at=row.ends_at + timedelta(hours=1),
        )
        for row in rows_of(offering)
    ]

    offerings.update_offering(
        session,
        offering,
        data_of(offering, venue="Otro centro"),
        moved,
        actor_id=None,
        now=utcnow(),
    )

    notices = session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "offering_changed")
    ).all()
    assert sorted(message.to_address for message in notices) == sorted(
        place.user.email for place in places
    )


def test_editing_a_draft_tells_nobody(session):
    offering = make_offering(session, status=OfferingStatus.DRAFT)
    moved = [
        replace(row, starts_at=row.starts_at + timedelta(hours=1)) for row in rows_of(offering)
    ]
    offerings.update_offering(
        session, offering, data_of(offering), moved, actor_id=None, now=utcnow()
    )
    assert session.scalar(select(OutboxMessage)) is None


def test_sessions_keep_their_identity_and_their_attendance(session):
    offering = make_offering(session, sessions=2)
    [place] = fill(session, offering, 1)
    first, second = offering.sessions
    session.add(Attendance(enrolment_id=place.id, session_id=first.id, present=True))
    session.flush()
    later = replace(rows_of(offering)[0], ends_at=first.ends_at + timedelta(minutes=30))

    offerings.update_offering(
        session,
        offering,
        data_of(offering),
        [later, rows_of(offering)[1]],
        actor_id=None,
        now=utcnow(),
    )
    assert [item.id for item in offering.sessions] == [first.id, second.id]

    with pytest.raises(OfferingInvalid) as refused:
        offerings.update_offering(
            session,
            offering,
            data_of(offering),
            [rows_of(offering)[1]],
            actor_id=None,
            now=utcnow(),
        )
    assert refused.value.status_code == 409
    assert "sessions" in problems(refused.value)


def test_a_published_offering_keeps_its_spanish_title(session):
    offering = make_offering(session)
    with pytest.raises(OfferingInvalid) as refused:
        offerings.update_offering(
            session,
            offering,
            data_of(offering, title_es="  "),
            rows_of(offering),
            actor_id=None,
            now=utcnow(),
        )
    assert "title_es" in problems(refused.value)


# Publishing and other status changes


def test_publishing_needs_the_spanish_text_and_a_session(session):
    saved = offerings.create_offering(
        session, new_data(session, title_es="", description_es=""), [], actor_id=None
    )
    with pytest.raises(OfferingInvalid) as refused:
        offerings.publish(session, saved.offering, actor_id=None)

    assert set(problems(refused.value)) == {"title_es", "description_es", "sessions"}
    assert saved.offering.status == OfferingStatus.DRAFT


def test_publishing_warns_where_english_is_missing(session):
    saved = offerings.create_offering(
        session,
        new_data(session, summary_en=None, description_en=""),
        two_sessions(),
        actor_id=None,
    )
    warnings = offerings.publish(session, saved.offering, actor_id=None)

    assert saved.offering.status == OfferingStatus.PUBLISHED
    with force_locale("en"):
        assert "summary, description" in str(warnings[0])
    [entry] = audit_entries(session, "offering.publish")
    assert (entry.before, entry.after) == ({"status": "draft"}, {"status": "published"})


def test_publishing_twice_is_a_conflict(session):
    offering = make_offering(session)
    with pytest.raises(Conflict):
        offerings.publish(session, offering, actor_id=None)


def test_unpublishing_is_refused_while_someone_holds_a_place(session):
    offering = make_offering(session)
    fill(session, offering, 2)
    with pytest.raises(Conflict) as refused:
        offerings.unpublish(session, offering, actor_id=None)
    with force_locale("en"):
        assert str(refused.value).startswith("2 people")

    empty = make_offering(session)
    offerings.unpublish(session, empty, actor_id=None)
    assert empty.status == OfferingStatus.DRAFT


def test_cancelling_tells_every_participant_and_is_recorded_once(session):
    offering = make_offering(session, capacity=1)
    places = fill(session, offering, 2)
    staff = make_user(session, role=Role.COORDINATOR)

    ended = offerings.cancel(session, offering, actor_id=staff.id, now=utcnow())
    again = offerings.cancel(session, offering, actor_id=staff.id, now=utcnow())

    assert {place.id for place in ended} == {place.id for place in places}
    assert again == []
    assert offering.status == OfferingStatus.CANCELLED
    told = session.scalars(
        select(OutboxMessage.to_address).where(OutboxMessage.template == "offering_cancelled")
    ).all()
    assert sorted(told) == sorted(place.user.email for place in places)
    [entry] = audit_entries(session, "offering.cancel")
    assert entry.after["participants_told"] == 2


def test_archiving_a_running_offering_with_participants_is_refused(session):
    offering = make_offering(session)
    fill(session, offering, 1)
    with pytest.raises(Conflict):
        offerings.archive(session, offering, actor_id=None, now=utcnow())

    ended = make_offering(session, starts_in=timedelta(days=-30))
    offerings.archive(session, ended, actor_id=None, now=utcnow())
    assert ended.status == OfferingStatus.ARCHIVED


@pytest.mark.parametrize("status", [ClassStatus.CONFIRMED, ClassStatus.WAITING])
def test_unpublishing_a_class_offering_is_refused_while_a_class_is_registered(session, status):
    offering = make_class_offering(session)
    reg = make_class_registration(session, offering, offering.sessions[0], status=status)

    with pytest.raises(Conflict) as refused:
        offerings.unpublish(session, offering, actor_id=None)
    with force_locale("en"):
        assert str(refused.value).startswith("1 class is registered or waiting")
    assert offering.status == OfferingStatus.PUBLISHED

    reg.status = ClassStatus.CANCELLED
    session.flush()
    offerings.unpublish(session, offering, actor_id=None)
    assert offering.status == OfferingStatus.DRAFT


def test_archiving_a_running_class_offering_with_classes_is_refused_until_it_ends(session):
    offering = make_class_offering(session)
    for meeting in offering.sessions:
        make_class_registration(session, offering, meeting)

    with pytest.raises(Conflict) as refused:
        offerings.archive(session, offering, actor_id=None, now=utcnow())
    with force_locale("en"):
        assert str(refused.value).startswith("2 classes are registered or waiting")
    assert offering.status == OfferingStatus.PUBLISHED

    after_the_end = offering.ends_at + timedelta(hours=1)
    offerings.archive(session, offering, actor_id=None, now=after_the_end)
    assert offering.status == OfferingStatus.ARCHIVED


def test_how_people_join_cannot_change_while_classes_or_people_are_in(session):
    classes = make_class_offering(session)
    make_class_registration(session, classes, classes.sessions[0], status=ClassStatus.WAITING)
    individual = make_offering(session)
    fill(session, individual, 1)
    session.commit()

    for offering, other_mode, count in (
        (classes, Mode.INDIVIDUAL, "1 class is registered"),
        (individual, Mode.CLASS, "1 person has a place"),
    ):
        with pytest.raises(Conflict) as refused:
            offerings.update_offering(
                session,
                offering,
                data_of(offering, mode=other_mode, title_en="Changed"),
                rows_of(offering),
                actor_id=None,
                now=utcnow(),
            )
        session.rollback()
        assert refused.value.field == "mode"
        with force_locale("en"):
            assert str(refused.value).startswith(count)
        session.refresh(offering)
        assert offering.title_en != "Changed"

    empty = make_class_offering(session)
    offerings.update_offering(
        session,
        empty,
        data_of(empty, mode=Mode.INDIVIDUAL),
        rows_of(empty),
        actor_id=None,
        now=utcnow(),
    )
    assert empty.mode == Mode.INDIVIDUAL


def test_a_lower_capacity_of_a_class_offering_leaves_every_placed_class_its_seats(session):
    """A class-mode offering's capacity is what its sessions hold before the first class
    registers; from then on each session keeps its own capacity (changed in the class
    settings, never below the pupils placed)."""
    offering = make_class_offering(session, capacity=30)
    teacher = make_teacher(session, make_school(session))
    reg = schools.register_class(
        session,
        offering_id=offering.id,
        teacher_id=teacher.id,
        session_ids=[offering.sessions[0].id],
        details=class_details(pupils=25),
        now=utcnow(),
    )

    offerings.update_offering(
        session,
        offering,
        data_of(offering, capacity=10),
        rows_of(offering),
        actor_id=None,
        now=utcnow(),
    )

    row = session.get(ClassSession, offering.sessions[0].id)
    assert (row.capacity, row.pupils_taken) == (30, 25)
    assert reg.status == ClassStatus.CONFIRMED


# Duplicating


def test_a_copy_is_a_draft_on_new_dates_at_the_same_local_times_without_participants(session):
    # 2030-03-24 is before the clocks change (31 March), the copy's dates are after it.
    offering = make_offering(session, status=OfferingStatus.PUBLISHED, sessions=0)
    offerings.set_sessions(
        session,
        offering,
        [
            SessionRow(madrid(date(2030, 3, 24), 18), madrid(date(2030, 3, 24), 20)),
            SessionRow(
                madrid(date(2030, 3, 26), 18), madrid(date(2030, 3, 26), 20), venue="Aula 2"
            ),
        ],
    )
    fill(session, offering, 2)
    offering.enrolment_opens = madrid(date(2030, 3, 1), 9)

    copy = offerings.duplicate(session, offering, date(2030, 10, 6), actor_id=None)

    assert copy.status == OfferingStatus.DRAFT
    assert copy.external_id == f"MOT-{copy.id}"
    assert copy.seats_taken == 0
    assert [(item.starts_at, item.venue) for item in copy.sessions] == [
        (madrid(date(2030, 10, 6), 18), None),
        (madrid(date(2030, 10, 8), 18), "Aula 2"),
    ]
    assert copy.enrolment_opens == madrid(date(2030, 9, 13), 9)  # 196 days later, too
    assert copy.title_es == offering.title_es
    assert copy.audiences == offering.audiences
    [entry] = audit_entries(session, "offering.duplicate")
    assert entry.before["source_id"] == offering.id


# Listing


def test_the_list_holds_only_what_the_person_manages_and_filters_in_sql(session):
    own = make_organisation(session)
    mine = make_offering(session, provider=own, title_es="Robótica para familias")
    make_offering(session, provider=own, status=OfferingStatus.DRAFT, kind=Kind.TALK)
    make_offering(session, title_es="Robótica de otra entidad")
    staff = make_user(session, role=Role.ORGANISATION_STAFF, organisation=own)
    scope = offering_scope(staff)

    assert offerings.list_offerings(session, scope).total == 2
    found = offerings.list_offerings(session, scope, text="robót")
    assert [item.id for item in found.items] == [mine.id]
    assert offerings.list_offerings(session, scope, text=mine.external_id.lower()).total == 1
    assert offerings.list_offerings(session, scope, text="100%").total == 0
    assert offerings.list_offerings(session, scope, status=OfferingStatus.DRAFT).total == 1
    assert offerings.list_offerings(session, scope, kind=Kind.TALK).total == 1
    coordinator = make_user(session, role=Role.COORDINATOR)
    assert offerings.list_offerings(session, offering_scope(coordinator)).total == 3


def test_a_page_of_the_list_costs_the_same_queries_whatever_its_size(session, count_queries):
    for _ in range(12):
        make_offering(session)
    session.commit()
    coordinator = make_user(session, role=Role.COORDINATOR)
    scope = offering_scope(coordinator)
    counts = []
    for per_page in (2, 10):
        session.expire_all()
        with count_queries() as queries:
            page = offerings.list_offerings(session, scope, per_page=per_page)
            shown = [(item.programme.slug, item.provider.name) for item in page.items]
        assert len(shown) == per_page
        counts.append(len(queries))
    assert counts[0] == counts[1] == 2


def test_the_offer_in_the_figures_follows_each_committed_change(session):
    """Offerings run, places and hours are counted again as each change commits, including
    the capacity and the cancellation that the service writes as plain UPDATEs."""
    offering = make_offering(session, capacity=10)
    session.commit()
    year = indicators.year_of(offering.starts_at)

    def figure(code):
        return indicators.year_figures(session, year, threshold=1)[code].value

    assert (figure("offerings"), figure("places")) == (1, 10)
    assert figure("hours") > 0
    offerings.update_offering(
        session,
        offering,
        data_of(offering, capacity=25),
        rows_of(offering),
        actor_id=None,
        now=utcnow(),
    )
    session.commit()
    assert figure("places") == 25
    offerings.cancel(session, offering, actor_id=None, now=utcnow())
    session.commit()
    assert (figure("offerings"), figure("places"), figure("hours")) == (0, 0, 0)
