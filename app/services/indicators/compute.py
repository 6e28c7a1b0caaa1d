"""A year's stored indicators counted from the facts, one group at a time, in SQL.

The heavy counting (over enrolments, their history, attendance, classes, applications) is
one aggregate query per group, grouped by offering; those per-offering subtotals (one row per
offering, a few thousand in a year) are then added up by the offering's programme, kind and
municipality. A year belongs to an offering by its first session, in Madrid time."""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Select, and_, case, distinct, exists, func, insert, literal, select, update
from sqlalchemy.orm import Session

from app.localtime import MADRID
from app.models import (
    AlertDemand,
    Application,
    Attendance,
    ClassRegistration,
    ClassStatus,
    Enrolment,
    Municipality,
    Offering,
    OfferingSession,
    OfferingStatus,
    Organisation,
    ParticipantProfile,
    ParticipantYear,
    Programme,
    SearchMiss,
    User,
)
from app.models.enums import ApplicationStatus, Gender
from app.models.indicators import TOTAL
from app.services.indicators import definitions as d

# (code, dimension, key) -> value; the total has dimension and key TOTAL.
Values = dict[tuple[str, str, str], int]
RUN = (OfferingStatus.PUBLISHED, OfferingStatus.ARCHIVED)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=MADRID), datetime(year + 1, 1, 1, tzinfo=MADRID)


def year_of(moment: datetime | None) -> int | None:
    return moment.astimezone(MADRID).year if moment is not None else None


def in_year(year: int):
    start, end = year_bounds(year)
    return and_(Offering.starts_at >= start, Offering.starts_at < end)


def offering_keys(session: Session, year: int) -> dict[int, dict[str, str]]:
    """offering id -> its programme, kind and municipality, for the year's offerings."""
    rows = session.execute(
        select(Offering.id, Programme.slug, Offering.kind, Municipality.slug)
        .join(Programme, Offering.programme_id == Programme.id)
        .join(Municipality, Offering.municipality_id == Municipality.id)
        .where(in_year(year))
    )
    return {
        offering_id: {d.PROGRAMME: programme, d.KIND: kind.value, d.MUNICIPALITY: municipality}
        for offering_id, programme, kind, municipality in rows
    }


def _roll_up(values: Values, code: str, per_offering: Iterable, keys, dims) -> None:
    """Add per-offering subtotals ``(offering_id, value)`` into the total and ``dims``."""
    counter: Counter = Counter()
    for offering_id, value in per_offering:
        value = int(value or 0)
        counter[(TOTAL, TOTAL)] += value
        for dim in dims:
            counter[(dim, keys[offering_id][dim])] += value
    values[(code, TOTAL, TOTAL)] = counter.pop((TOTAL, TOTAL), 0)
    for (dim, key), value in counter.items():
        values[(code, dim, key)] = value


def _columns(query: Select, count: int) -> list[list]:
    """A query of ``(offering_id, v1, ..., vN)`` as N lists of (offering_id, v)."""
    rows = list(query)
    return [[(row[0], row[i + 1]) for row in rows] for i in range(count)]


def places(session: Session, year: int, keys) -> Values:
    """Enrolments, places left waiting, and the participants (with their demographics)."""
    enrolments, unmet = _columns(
        session.execute(
            select(
                Enrolment.offering_id,
                func.sum(case((Enrolment.ever_confirmed, 1), else_=0)),
                func.sum(case((Enrolment.ever_waited & ~Enrolment.ever_confirmed, 1), else_=0)),
            )
            .join(Offering, Enrolment.offering_id == Offering.id)
            .where(in_year(year))
            .group_by(Enrolment.offering_id)
        ),
        2,
    )
    values: Values = {}
    _roll_up(values, "enrolments", enrolments, keys, d.OFFER)
    _roll_up(values, "unmet_waiting", unmet, keys, d.REACH)
    record_missing_participants(session, year)
    values.update(participants(session, year))
    return values


def _confirmed_people(year: int, *where) -> Select:
    return (
        select(Enrolment.user_id)
        .join(Offering, Enrolment.offering_id == Offering.id)
        .where(in_year(year), Enrolment.ever_confirmed, Enrolment.user_id.is_not(None), *where)
    )


def record_missing_participants(session: Session, year: int) -> None:
    """Everyone confirmed in the year has their row in ParticipantYear. The feed writes it
    when they first take part; a rebuild writes the ones it never saw (participations from
    before the store), from the profile as it is now, the best left to know."""
    missing = (
        _confirmed_people(year)
        .where(
            ~exists().where(
                ParticipantYear.year == year, ParticipantYear.user_id == Enrolment.user_id
            )
        )
        .distinct()
        .subquery()
    )
    session.execute(
        insert(ParticipantYear).from_select(
            [*SNAPSHOT_COLUMNS, "year", "user_id", "technical", "recorded_at"],
            select(*snapshot_select(), literal(year), missing.c.user_id, literal(False), func.now())
            .select_from(missing)
            .join(User, User.id == missing.c.user_id)
            .outerjoin(ParticipantProfile, ParticipantProfile.user_id == User.id)
            .outerjoin(Municipality, Municipality.id == User.municipality_id),
        )
    )
    technical = _confirmed_people(year, Offering.kind.in_(d.TECHNICAL_KINDS))
    session.execute(
        update(ParticipantYear)
        .where(
            ParticipantYear.year == year,
            ParticipantYear.technical.is_(False),
            ParticipantYear.user_id.in_(technical),
        )
        .values(technical=True)
        .execution_options(synchronize_session=False)
    )


SNAPSHOT_COLUMNS = (
    "gender",
    "age_band",
    "employment_status",
    "education_level",
    "municipality",
    "disability",
)


def snapshot_select() -> tuple:
    """The profile answers a participation records, as SQL over User, its profile and
    municipality (disability only with its separate consent)."""
    return (
        ParticipantProfile.gender,
        ParticipantProfile.age_band,
        ParticipantProfile.employment_status,
        ParticipantProfile.education_level,
        Municipality.slug,
        case(
            (ParticipantProfile.disability_consent_at.is_not(None), ParticipantProfile.disability),
            else_=None,
        ),
    )


# The breakdown of participants by a ParticipantYear column.
INCLUSION_COLUMNS = {
    "gender": ParticipantYear.gender,
    "age_band": ParticipantYear.age_band,
    "employment_status": ParticipantYear.employment_status,
    "education_level": ParticipantYear.education_level,
    "residence": ParticipantYear.municipality,
    d.DISABILITY: ParticipantYear.disability,
}


def breakdown_key(dimension: str, value) -> str:
    """How a snapshot's answer is keyed in a breakdown (no answer: UNKNOWN)."""
    if value is None:
        return d.UNKNOWN
    if dimension == d.DISABILITY:
        return "yes" if value else "no"
    return getattr(value, "value", value)


def participants(session: Session, year: int) -> Values:
    values: Values = {}
    of_year = ParticipantYear.year == year
    values[("participants", TOTAL, TOTAL)] = session.scalar(
        select(func.count()).select_from(ParticipantYear).where(of_year)
    )
    for dimension, column in INCLUSION_COLUMNS.items():
        rows = session.execute(select(column, func.count()).where(of_year).group_by(column))
        for value, count in rows:
            values[("participants", dimension, breakdown_key(dimension, value))] = count
    technical = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((ParticipantYear.gender == Gender.WOMAN, 1), else_=0)), 0),
        ).where(of_year, ParticipantYear.technical.is_(True))
    ).one()
    values[("technical_participants", TOTAL, TOTAL)] = technical[0]
    values[("technical_women", TOTAL, TOTAL)] = int(technical[1])
    return values


def learning(session: Session, year: int, keys) -> Values:
    """Attendance marks and completions."""
    values: Values = {}
    marks = session.execute(
        select(
            func.count(Attendance.enrolment_id),
            func.coalesce(func.sum(case((Attendance.present.is_(True), 1), else_=0)), 0),
        )
        .join(Enrolment, Attendance.enrolment_id == Enrolment.id)
        .join(Offering, Enrolment.offering_id == Offering.id)
        .where(in_year(year))
    ).one()
    values[("attendance_marks", TOTAL, TOTAL)] = marks[0]
    values[("attendance_present", TOTAL, TOTAL)] = int(marks[1])
    completions = session.execute(
        select(Enrolment.offering_id, func.count(Enrolment.id))
        .join(Offering, Enrolment.offering_id == Offering.id)
        .where(in_year(year), Enrolment.completed_at.is_not(None))
        .group_by(Enrolment.offering_id)
    )
    _roll_up(values, "completions", completions, keys, d.OFFER)
    return values


def classes(session: Session, year: int, keys) -> Values:
    confirmed = ClassRegistration.status == ClassStatus.CONFIRMED
    unplaced = ClassRegistration.status.in_((ClassStatus.WAITING, ClassStatus.DECLINED))
    pupils = func.coalesce(ClassRegistration.pupils_present, ClassRegistration.pupils)
    per_offering = _columns(
        session.execute(
            select(
                ClassRegistration.offering_id,
                func.count(distinct(case((confirmed, ClassRegistration.school_id)))),
                func.sum(case((confirmed, 1), else_=0)),
                func.sum(case((confirmed, pupils), else_=0)),
                func.sum(case((unplaced, 1), else_=0)),
            )
            .join(Offering, ClassRegistration.offering_id == Offering.id)
            .where(in_year(year))
            .group_by(ClassRegistration.offering_id)
        ),
        4,
    )
    values: Values = {}
    for code, rows in zip(("classes", "pupils", "unmet_classes"), per_offering[1:], strict=True):
        _roll_up(values, code, rows, keys, d.REACH)
    # A school reached by two offerings counts once in the year's total and per breakdown.
    school = ClassRegistration.school_id
    reached = (
        select(school, Programme.slug, Municipality.slug)
        .join(Offering, ClassRegistration.offering_id == Offering.id)
        .join(Programme, Offering.programme_id == Programme.id)
        .join(Municipality, Offering.municipality_id == Municipality.id)
        .where(in_year(year), confirmed)
    )
    sub = reached.subquery()
    values[("schools", TOTAL, TOTAL)] = session.scalar(
        select(func.count(distinct(sub.c.school_id)))
    )
    for dim, column in ((d.PROGRAMME, sub.c[1]), (d.MUNICIPALITY, sub.c[2])):
        for key, count in session.execute(
            select(column, func.count(distinct(sub.c.school_id))).group_by(column)
        ):
            values[("schools", dim, key)] = count
    return values


def applications(session: Session, year: int, keys) -> Values:
    sent = Application.submitted_at.is_not(None)
    rows = _columns(
        session.execute(
            select(
                Application.offering_id,
                func.sum(case((sent, 1), else_=0)),
                func.sum(case((Application.accepted_at.is_not(None), 1), else_=0)),
                func.sum(case((Application.status == ApplicationStatus.NOT_SELECTED, 1), else_=0)),
            )
            .join(Offering, Application.offering_id == Offering.id)
            .where(in_year(year))
            .group_by(Application.offering_id)
        ),
        3,
    )
    values: Values = {}
    for code, per_offering in zip(
        ("applications", "entrepreneurs", "unmet_applications"), rows, strict=True
    ):
        _roll_up(values, code, per_offering, keys, d.REACH)
    return values


def _hours(dialect: str):
    if dialect == "postgresql":
        return func.extract("epoch", OfferingSession.ends_at - OfferingSession.starts_at) / 3600
    return (
        func.julianday(OfferingSession.ends_at) - func.julianday(OfferingSession.starts_at)
    ) * 24


def structure(session: Session, year: int, keys) -> Values:
    """Members, mapped agents and the offer run: counted over organisations and offerings."""
    values: Values = {}
    run = Offering.status.in_(RUN)
    offer = _columns(
        session.execute(
            select(Offering.id, literal(1), Offering.capacity).where(in_year(year), run)
        ),
        2,
    )
    _roll_up(values, "offerings", offer[0], keys, d.OFFER)
    _roll_up(values, "places", offer[1], keys, d.OFFER)
    hours = session.execute(
        select(OfferingSession.offering_id, func.sum(_hours(session.get_bind().dialect.name)))
        .join(Offering, OfferingSession.offering_id == Offering.id)
        .where(in_year(year), run)
        .group_by(OfferingSession.offering_id)
    )
    _roll_up(values, "hours", [(oid, round(h or 0)) for oid, h in hours], keys, d.OFFER)
    _, end = year_bounds(year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    member = and_(
        Organisation.member_since.is_not(None),
        Organisation.member_since <= last,
        (Organisation.member_until.is_(None)) | (Organisation.member_until >= first),
    )
    for code, where, dims in (
        ("members", member, ("kind", d.MUNICIPALITY)),
        ("agents", Organisation.created_at < end, ("kind", d.SECTOR, d.MUNICIPALITY)),
    ):
        organisations = session.execute(
            select(Organisation.kind, Organisation.sector, Municipality.slug)
            .outerjoin(Municipality, Organisation.municipality_id == Municipality.id)
            .where(where)
        ).all()
        values[(code, TOTAL, TOTAL)] = len(organisations)
        counter: Counter = Counter()
        for kind, sector, municipality in organisations:
            facets = {"kind": kind.value, d.SECTOR: sector, d.MUNICIPALITY: municipality}
            for dim in dims:
                counter[(dim, facets[dim] or d.UNKNOWN)] += 1
        for (dim, key), count in counter.items():
            values[(code, dim, key)] = count
    return values


def searches(session: Session, year: int, _keys) -> Values:
    rows = session.execute(select(SearchMiss.term, SearchMiss.count).where(SearchMiss.year == year))
    values: Values = {}
    total = 0
    for term, count in rows:
        values[("unmet_searches", d.TERM, term)] = count
        total += count
    values[("unmet_searches", TOTAL, TOTAL)] = total
    alerts = session.execute(
        select(AlertDemand.term, AlertDemand.count).where(AlertDemand.year == year)
    )
    total = 0
    for term, count in alerts:
        values[("unmet_alerts", d.TERM, term)] = count
        total += count
    values[("unmet_alerts", TOTAL, TOTAL)] = total
    return values


GROUPS = {
    d.STRUCTURE: structure,
    d.PLACES: places,
    d.LEARNING: learning,
    d.CLASSES: classes,
    d.APPLICATIONS: applications,
    d.SEARCHES: searches,
}


def compute(session: Session, year: int, groups: Iterable[str] = tuple(GROUPS)) -> Values:
    keys = offering_keys(session, year)
    values: Values = {}
    for group in groups:
        values.update(GROUPS[group](session, year, keys))
    return values
