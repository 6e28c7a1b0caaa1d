"""Plain functions that make rows for tests. They flush; the test decides whether to commit."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.localtime import MADRID
from app.models import (
    Audience,
    ClassRegistration,
    ClassStatus,
    Format,
    InstructionLanguage,
    Kind,
    MembershipStatus,
    Mode,
    Municipality,
    Offering,
    OfferingAudience,
    OfferingLanguage,
    OfferingSession,
    OfferingStatus,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    Programme,
    Role,
    SchoolMembership,
    Stage,
    User,
)
from app.models.types import utcnow
from app.services import offerings
from app.services.catalogue import search
from app.services.offerings import OfferingData, SessionRow
from app.services.schools import ClassDetails

_sequence = count(1)
# Strong enough for the sign-up rule, so tests can also type it into forms.
DEFAULT_PASSWORD = "correct horse battery staple"


def municipality(session, slug="las-rozas") -> Municipality:
    return session.scalars(select(Municipality).filter_by(slug=slug)).one()


def programme(session, slug="bootcamps") -> Programme:
    return session.scalars(select(Programme).filter_by(slug=slug)).one()


def make_organisation(session, name=None, **fields) -> Organisation:
    organisation = Organisation(
        name=name or f"Organisation {next(_sequence)}",
        kind=fields.pop("kind", OrganisationKind.TRAINING_PROVIDER),
        municipality=fields.pop("municipality", None) or municipality(session),
        **fields,
    )
    session.add(organisation)
    session.flush()
    return organisation


def day_at(days: int, hour: int) -> datetime:
    """``hour`` o'clock in Madrid ``days`` from today (a ``starts_at``): sessions the back
    office's form can hold whatever the time the tests run (none past midnight), and the same
    moment for every offering made that day, so their order is their ids' whichever second
    each was made in."""
    today = datetime.now(UTC).astimezone(MADRID) + timedelta(days=days)
    return today.replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(UTC)


def make_offering(
    session,
    *,
    programme_slug="bootcamps",
    municipality_slug="las-rozas",
    provider=None,
    audiences=(Audience.RESIDENTS,),
    languages=(InstructionLanguage.SPANISH,),
    starts_in: timedelta | None = None,
    starts_at: datetime | None = None,
    sessions=1,
    **fields,
) -> Offering:
    """A published, free, individually enrolled offering with ``sessions`` weekly sessions
    from ``starts_at``, or ``starts_in`` from now, by default from 10:00 Madrid in 14 days."""
    number = next(_sequence)
    defaults = dict(
        external_id=f"TEST-{number}",
        kind=Kind.BOOTCAMP,
        mode=Mode.INDIVIDUAL,
        status=OfferingStatus.PUBLISHED,
        title_es=f"Curso de prueba {number}",
        title_en=f"Test course {number}",
        summary_es="Resumen del curso",
        summary_en="Course summary",
        description_es="Descripción del curso",
        description_en="Course description",
        format=Format.IN_PERSON,
        venue="Centro de formación",
        address="Calle Mayor 1",
        capacity=20,
    )
    defaults.update(fields)
    offering = Offering(
        **defaults,
        programme=programme(session, programme_slug),
        municipality=municipality(session, municipality_slug),
        provider=provider or make_organisation(session),
        audience_rows=[OfferingAudience(audience=audience) for audience in audiences],
        language_rows=[OfferingLanguage(language=language) for language in languages],
    )
    if starts_at is not None:
        first = starts_at
    elif starts_in is not None:
        first = datetime.now(UTC).replace(microsecond=0) + starts_in
    else:
        first = day_at(14, hour=10)
    set_sessions(
        offering,
        [
            (first + timedelta(weeks=week), first + timedelta(weeks=week, hours=2))
            for week in range(sessions)
        ],
    )
    session.add(offering)
    search.index_offering(session, offering)
    return offering


def make_user(
    session,
    email=None,
    password=DEFAULT_PASSWORD,
    confirmed=True,
    municipality_slug="las-rozas",
    role=Role.RESIDENT,
    language="es",
    **fields,
) -> User:
    """An account that can log in with ``password`` (unless ``confirmed`` is False)."""
    number = next(_sequence)
    user = User(
        email=(email or f"person{number}@example.org").lower(),
        name=fields.pop("name", f"Person {number}"),
        # The cheapest current method: tests create many users and only check the result.
        password_hash=generate_password_hash(password, method="pbkdf2:sha256:1000"),
        preferred_language=language,
        role=role,
        municipality=municipality(session, municipality_slug) if municipality_slug else None,
        email_confirmed_at=datetime.now(UTC) if confirmed else None,
        **fields,
    )
    session.add(user)
    session.flush()
    return user


def edit_offering(session, offering: Offering, **changes) -> None:
    """Change an offering's fields (``title_es=...``) as its edit form does, its sessions
    kept as they are."""
    data = replace(OfferingData.of(offering), **changes)
    rows = [SessionRow(s.starts_at, s.ends_at) for s in offering.sessions]
    offerings.update_offering(session, offering, data, rows, actor_id=None, now=utcnow())


def set_sessions(offering: Offering, spans) -> None:
    """Replace an offering's sessions with ``spans`` (test data only: the offering service
    keeps stored sessions and their attendance), its first start and last end following."""
    ordered = sorted(spans)
    offering.sessions = [OfferingSession(starts_at=start, ends_at=end) for start, end in ordered]
    offering.starts_at = ordered[0][0] if ordered else None
    offering.ends_at = max(end for _, end in ordered) if ordered else None


def make_school(session, name=None, **fields) -> Organisation:
    return make_organisation(
        session, name or f"Colegio {next(_sequence)}", kind=OrganisationKind.SCHOOL, **fields
    )


def make_teacher(session, school, coordinator=False, **fields) -> User:
    """An approved teacher of ``school`` (its coordinator if asked)."""
    teacher = make_user(session, role=Role.SCHOOL_STAFF, organisation=school, **fields)
    session.add(
        SchoolMembership(
            user=teacher,
            organisation=school,
            status=MembershipStatus.APPROVED,
            coordinator=coordinator,
        )
    )
    session.flush()
    return teacher


def make_class_offering(session, *, capacity=30, sessions=2, **fields) -> Offering:
    """A published Science Week activity taking classes, ``sessions`` weekly sessions of
    ``capacity`` pupils each."""
    fields.setdefault("kind", Kind.SCIENCE_WEEK_ACTIVITY)
    fields.setdefault("audiences", (Audience.STUDENTS,))
    return make_offering(
        session,
        programme_slug="science-week",
        mode=Mode.CLASS,
        capacity=capacity,
        sessions=sessions,
        **fields,
    )


def class_details(**fields) -> ClassDetails:
    """A class of 20 pupils of 4º of Primaria with two teachers."""
    defaults = dict(
        group_name=f"4º {next(_sequence)}",
        stage=Stage.PRIMARIA,
        grade="4º",
        pupils=20,
        teachers=2,
        accessibility="",
        phone="600 000 000",
    )
    return ClassDetails(**(defaults | fields))


def make_class_registration(
    session, offering, meeting, status=ClassStatus.CONFIRMED, updated_at=None, **fields
) -> ClassRegistration:
    """A class of 20 stored as it stands after the fact, past the seat engine (its session
    may be long over); registered 20 days before its session unless ``updated_at``."""
    at = updated_at or meeting.starts_at - timedelta(days=20)
    school = make_school(session)
    reg = ClassRegistration(
        offering=offering,
        session_id=meeting.id,
        school=school,
        teacher=make_teacher(session, school),
        status=status,
        group_name="4º A",
        group_key="4º a",
        stage=Stage.PRIMARIA,
        grade="4º",
        pupils=20,
        teachers=2,
        created_at=at,
        updated_at=at,
        **({"phone": "600 123 456"} | fields),
    )
    session.add(reg)
    session.flush()
    return reg


def make_call(
    session,
    *,
    capacity=2,
    opens_in=timedelta(days=-7),
    closes_in=timedelta(days=7),
    criteria=((3, 5), (1, 10)),
    **fields,
):
    """A published acceleration call (an application-mode offering) open now, with
    ``criteria`` as (weight, scale) pairs."""
    from app.models import ApplicationCriterion

    now = datetime.now(UTC).replace(microsecond=0)
    if "starts_in" not in fields:
        fields.setdefault("starts_at", day_at(30, hour=10))
    offering = make_offering(
        session,
        programme_slug="acceleration",
        kind=Kind.ACCELERATION,
        mode=Mode.APPLICATION,
        audiences=(Audience.ENTREPRENEURS,),
        capacity=capacity,
        enrolment_opens=now + opens_in,
        enrolment_closes=now + closes_in,
        **fields,
    )
    session.flush()
    for position, (weight, scale) in enumerate(criteria):
        session.add(
            ApplicationCriterion(
                offering_id=offering.id,
                name_es=f"Criterio {position + 1}",
                name_en=f"Criterion {position + 1}",
                description_es="Qué se valora",
                description_en="What is valued",
                weight=weight,
                scale_max=scale,
                position=position,
            )
        )
    session.flush()
    return offering


def make_application(
    session, offering, user=None, *, submit=True, now=None, pitch_deck=None, **answers
):
    """A complete application by ``user`` (a new resident by default), submitted unless
    ``submit`` is False, with the ``pitch_deck`` bytes if given."""
    from app.models import ProjectStage
    from app.services import applications

    user = user or make_user(session)
    fields = dict(
        project_name=f"Proyecto {next(_sequence)}",
        description="Una plataforma para comercios de barrio.",
        stage=ProjectStage.PROTOTYPE,
        sector="Comercio",
        team_size=2,
        website="https://example.org",
        expectations="Mentoría y contactos.",
    )
    fields.update(answers)
    return applications.save_application(
        session,
        offering=offering,
        user=user,
        answers=applications.ApplicationAnswers(**fields),
        now=now or datetime.now(UTC),
        submit=submit,
        pitch_deck=applications.Upload(pitch_deck) if pitch_deck is not None else None,
    )


def templates_to(session, address: str) -> list[str]:
    """The templates of the messages written to an address, in the order they were written.

    Without the ORDER BY, PostgreSQL may return the rows in any order, and did in CI.
    """
    return list(
        session.scalars(
            select(OutboxMessage.template)
            .where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id)
        )
    )
