"""Plain functions that make rows for tests. They flush; the test decides whether to commit."""

from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy import select

from app.models import (
    Audience,
    Format,
    InstructionLanguage,
    Kind,
    Mode,
    Municipality,
    Offering,
    OfferingAudience,
    OfferingLanguage,
    OfferingStatus,
    Organisation,
    OrganisationKind,
    Programme,
)
from app.services import offerings, search

_sequence = count(1)


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


def make_offering(
    session,
    *,
    programme_slug="bootcamps",
    municipality_slug="las-rozas",
    provider=None,
    audiences=(Audience.RESIDENTS,),
    languages=(InstructionLanguage.SPANISH,),
    starts_in=timedelta(days=14),
    sessions=1,
    **fields,
) -> Offering:
    """A published, free, individually enrolled offering with ``sessions`` weekly sessions."""
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
    first = datetime.now(UTC).replace(microsecond=0) + starts_in
    offerings.set_sessions(
        offering,
        [
            (first + timedelta(weeks=week), first + timedelta(weeks=week, hours=2))
            for week in range(sessions)
        ],
    )
    session.add(offering)
    search.index_offering(session, offering)
    return offering
