"""The feed: each event adds itself to its year's figures in the transaction that records it.

A place confirmed or put on a waiting list, and a search that found nothing, append deltas
(plain INSERTs under the year's shared lock): a rush of enrolments in different offerings
writes no row in common, so none waits for another. Staff actions (attendance, completion,
classes, applications) re-count their small group of the year from the facts, one at a time.
Either way the result is what ``rebuild`` counts from the same facts, which the tests check
after random sequences."""

from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.orm import Session

from app.models import (
    AlertDemand,
    IndicatorDelta,
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
from app.services.indicators.store import dialect_insert, is_frozen, lock_year, refresh

_INSERT_DELTAS = insert(IndicatorDelta.__table__)


class _Deltas:
    """The deltas of one event, appended in one statement."""

    def __init__(self, year: int):
        self.year, self.rows = year, []

    def add(self, code: str, cells: list[tuple[str, str]], by: int) -> None:
        """``by`` added to the total and the given (dimension, key) cells."""
        for dimension, key in [(TOTAL, TOTAL), *cells]:
            self.rows.append(
                {"year": self.year, "code": code, "dimension": dimension, "key": key, "value": by}
            )

    def append(self, session: Session) -> None:
        if self.rows:
            session.connection().execute(_INSERT_DELTAS, self.rows)


def _open(session: Session, year: int | None) -> bool:
    """The year can still change: its lock taken shared, then found not frozen."""
    if year is None:
        return False
    lock_year(session, year)
    return not is_frozen(session, year)


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


def _cells(keys: dict[str, str], dims) -> list[tuple[str, str]]:
    return [(dim, keys[dim]) for dim in dims]


class PlaceFeed:
    """The feed of one offering's places. Made before the offering's lock (it reads the
    offering's year and keys and takes the year's lock shared), so that under the offering's
    lock a place waiting costs one INSERT."""

    def __init__(self, session: Session, offering_id: int):
        self.session = session
        year, self.keys = _offering_facts(session, offering_id)
        self.year = year if _open(session, year) else None

    def waiting(self) -> None:
        if self.year is not None:
            deltas = _Deltas(self.year)
            deltas.add("unmet_waiting", _cells(self.keys, d.REACH), 1)
            deltas.append(self.session)

    def confirmed(self, user_id: int, *, waited: bool) -> None:
        """A place confirmed: an enrolment, perhaps a waiting-list request met, and the
        person's first participation of the year (their profile answers as they are now)."""
        if self.year is None:
            return
        session, year, keys = self.session, self.year, self.keys
        deltas = _Deltas(year)
        deltas.add("enrolments", _cells(keys, d.OFFER), 1)
        if waited:
            deltas.add("unmet_waiting", _cells(keys, d.REACH), -1)
        person = _first_participation(session, year, user_id)
        if person is not None:
            cells = [
                (dim, breakdown_key(dim, value))
                for dim, value in zip(INCLUSION_COLUMNS, person, strict=True)
            ]
            deltas.add("participants", cells, 1)
        if keys[d.KIND] in d.TECHNICAL_KINDS:
            woman = _first_technical(session, year, user_id)
            if woman is not None:
                deltas.add("technical_participants", [], 1)
                if woman:
                    deltas.add("technical_women", [], 1)
        deltas.append(session)


def _first_participation(session: Session, year: int, user_id: int):
    """The person's answers recorded for the year if this is their first participation of
    it (None if they already took part)."""
    snapshot = (
        dialect_insert(session, ParticipantYear)
        .from_select(
            [*SNAPSHOT_COLUMNS, "year", "user_id", "technical", "recorded_at"],
            select(*snapshot_select(), literal(year), User.id, literal(False), func.now())
            .select_from(User)
            .outerjoin(ParticipantProfile, ParticipantProfile.user_id == User.id)
            .outerjoin(Municipality, Municipality.id == User.municipality_id)
            .where(User.id == user_id),
        )
        .on_conflict_do_nothing(index_elements=["year", "user_id"])
        .returning(*INCLUSION_COLUMNS.values())
    )
    # RETURNING, not rowcount: an INSERT ... SELECT's rowcount is not reported alike by
    # every driver.
    return session.execute(snapshot).first()


def _first_technical(session: Session, year: int, user_id: int) -> bool | None:
    """Whether the person is a woman if this is their first technical participation of the
    year (None if it is not)."""
    row = session.execute(
        update(ParticipantYear)
        .where(
            ParticipantYear.year == year,
            ParticipantYear.user_id == user_id,
            ParticipantYear.technical.is_(False),
        )
        .values(technical=True)
        .returning(ParticipantYear.gender)
        .execution_options(synchronize_session=False)
    ).first()
    return None if row is None else row[0] == Gender.WOMAN


def place_waiting(session: Session, offering_id: int) -> None:
    PlaceFeed(session, offering_id).waiting()


def place_confirmed(session: Session, offering_id: int, user_id: int, *, waited: bool) -> None:
    PlaceFeed(session, offering_id).confirmed(user_id, waited=waited)


def offering_changed(session: Session, offering_id: int, *groups: str) -> None:
    """Staff recorded attendance, completion, a class or an application decision: the
    year's group counted again."""
    year, _ = _offering_facts(session, offering_id)
    refresh(session, year, *groups)


def _count_term(
    session: Session, model, code: str, terms: list[str], year: int, times: int = 1
) -> None:
    term = " ".join(terms)[:120]
    if not term or times < 1 or not _open(session, year):
        return
    table = model.__table__
    statement = dialect_insert(session, model).values(year=year, term=term, count=times)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["year", "term"], set_={"count": table.c.count + times}
        )
    )
    deltas = _Deltas(year)
    deltas.add(code, [(d.TERM, term)], times)
    deltas.append(session)


def search_found_nothing(session: Session, terms: list[str], year: int, times: int = 1) -> None:
    """A search that found nothing ``times`` times, as its normalised words (never who
    searched)."""
    _count_term(session, SearchMiss, "unmet_searches", terms, year, times)


def alert_asked(session: Session, terms: list[str], year: int) -> None:
    """An alert started for a search, as the search's normalised words (never whose)."""
    _count_term(session, AlertDemand, "unmet_alerts", terms, year)
