"""The feed: each event adds itself to its year's figures in the transaction that records it.

A place confirmed or put on a waiting list is counted as it happens (a few conditional
upserts, in one order, after the offering's lock), since a rush of enrolments cannot re-count
a year each time; staff actions (attendance, completion, classes, applications) re-count
their small group of the year from the facts. Either way the result is what
``rebuild`` counts from the same facts, which the tests check after random sequences."""

from sqlalchemy import delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import (
    IndicatorValue,
    Municipality,
    Offering,
    ParticipantProfile,
    ParticipantYear,
    Programme,
    SearchMiss,
    User,
)
from app.models.enums import Gender
from app.models.indicators import TOTAL
from app.services.indicators import definitions as d
from app.services.indicators.compute import (
    INCLUSION_COLUMNS,
    SNAPSHOT_COLUMNS,
    breakdown_key,
    snapshot_select,
    year_of,
)
from app.services.indicators.store import is_frozen, refresh

DIALECT_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _insert(session: Session, model):
    return DIALECT_INSERT[session.get_bind().dialect.name](model)


def _bump(session: Session, year: int, code: str, cells: list[tuple[str, str]], by: int) -> None:
    """Add ``by`` to the total and the given (dimension, key) cells, in sorted order (so two
    transactions lock the rows they share in the same order)."""
    table = IndicatorValue.__table__
    for dimension, key in sorted({(TOTAL, TOTAL), *cells}):
        statement = _insert(session, IndicatorValue).values(
            code=code, year=year, dimension=dimension, key=key, value=by
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["code", "year", "dimension", "key"],
                set_={"value": table.c.value + statement.excluded.value},
            )
        )
    if by < 0:  # a figure back to zero is not stored (as a rebuild would not store it)
        session.execute(
            delete(IndicatorValue).where(
                IndicatorValue.code == code, IndicatorValue.year == year, IndicatorValue.value == 0
            )
        )


def _offering_facts(session: Session, offering_id: int) -> tuple[int | None, dict[str, str]]:
    row = session.execute(
        select(Offering.starts_at, Programme.slug, Offering.kind, Municipality.slug)
        .join(Programme, Offering.programme_id == Programme.id)
        .join(Municipality, Offering.municipality_id == Municipality.id)
        .where(Offering.id == offering_id)
    ).one()
    starts_at, programme, kind, municipality = row
    return year_of(starts_at), {
        d.PROGRAMME: programme,
        d.KIND: kind.value,
        d.MUNICIPALITY: municipality,
    }


def _open_year(session: Session, offering_id: int) -> tuple[int | None, dict[str, str]]:
    year, keys = _offering_facts(session, offering_id)
    if year is None or is_frozen(session, year):
        return None, keys
    return year, keys


def _cells(keys: dict[str, str], dims) -> list[tuple[str, str]]:
    return [(dim, keys[dim]) for dim in dims]


def place_waiting(session: Session, offering_id: int) -> None:
    year, keys = _open_year(session, offering_id)
    if year is not None:
        _bump(session, year, "unmet_waiting", _cells(keys, d.REACH), 1)


def place_confirmed(session: Session, offering_id: int, user_id: int, *, waited: bool) -> None:
    """A place confirmed: an enrolment, perhaps a waiting-list request met, and the person's
    first participation of the year (their profile answers recorded as they are now)."""
    year, keys = _open_year(session, offering_id)
    if year is None:
        return
    _bump(session, year, "enrolments", _cells(keys, d.OFFER), 1)
    if waited:
        _bump(session, year, "unmet_waiting", _cells(keys, d.REACH), -1)
    snapshot = (
        _insert(session, ParticipantYear)
        .from_select(
            [*SNAPSHOT_COLUMNS, "year", "user_id", "technical", "recorded_at"],
            select(*snapshot_select(), literal(year), User.id, literal(False), func.now())
            .select_from(User)
            .outerjoin(ParticipantProfile, ParticipantProfile.user_id == User.id)
            .outerjoin(Municipality, Municipality.id == User.municipality_id)
            .where(User.id == user_id),
        )
        .on_conflict_do_nothing(index_elements=["year", "user_id"])
        .returning(ParticipantYear.user_id)
    )
    # RETURNING, not rowcount: an INSERT ... SELECT's rowcount is not reported alike by
    # every driver.
    first_time = session.execute(snapshot).first() is not None
    person = session.execute(
        select(*INCLUSION_COLUMNS.values()).where(
            ParticipantYear.year == year, ParticipantYear.user_id == user_id
        )
    ).one()
    if first_time:
        cells = [
            (dim, breakdown_key(dim, value))
            for dim, value in zip(INCLUSION_COLUMNS, person, strict=True)
        ]
        _bump(session, year, "participants", cells, 1)
    if keys[d.KIND] in d.TECHNICAL_KINDS:
        became_technical = session.execute(
            update(ParticipantYear)
            .where(
                ParticipantYear.year == year,
                ParticipantYear.user_id == user_id,
                ParticipantYear.technical.is_(False),
            )
            .values(technical=True)
            .execution_options(synchronize_session=False)
        ).rowcount
        if became_technical:
            _bump(session, year, "technical_participants", [], 1)
            if person[0] == Gender.WOMAN:
                _bump(session, year, "technical_women", [], 1)


def offering_changed(session: Session, offering_id: int, *groups: str) -> None:
    """Staff recorded attendance, completion, a class or an application decision: the
    year's group counted again."""
    year, _ = _offering_facts(session, offering_id)
    refresh(session, year, *groups)


def search_found_nothing(session: Session, terms: list[str], year: int) -> None:
    """A search that found nothing, as its normalised words (never who searched)."""
    term = " ".join(terms)[:120]
    if not term or is_frozen(session, year):
        return
    table = SearchMiss.__table__
    statement = _insert(session, SearchMiss).values(year=year, term=term, count=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["year", "term"], set_={"count": table.c.count + 1}
        )
    )
    refresh(session, year, d.SEARCHES)
