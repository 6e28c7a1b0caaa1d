"""Reading class registrations: a school's own (for its teachers), an offering's (for its
staff, with the back office's filters), each reached only through a scoped lookup."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from app.models import ClassRegistration, ClassStatus, Organisation, Stage
from app.services.errors import NotFound
from app.services.pagination import Page, contains_text, paginate, where_chosen

NOT_YOUR_SCHOOLS = _l("We could not find that registration among your school's.")


def school_registrations(session: Session, school_id: int) -> list[ClassRegistration]:
    """Every registration of a school, the next sessions first."""
    return list(
        session.scalars(
            select(ClassRegistration)
            .where(ClassRegistration.school_id == school_id)
            .options(
                joinedload(ClassRegistration.offering),
                joinedload(ClassRegistration.meeting),
                joinedload(ClassRegistration.teacher),
            )
            .order_by(ClassRegistration.status, ClassRegistration.id.desc())
        )
    )


def get_school_registration(session: Session, school_id: int, reg_id: int) -> ClassRegistration:
    """A registration of this school; another school's does not exist (no hint it does)."""
    reg = session.scalar(
        select(ClassRegistration).where(
            ClassRegistration.id == reg_id, ClassRegistration.school_id == school_id
        )
    )
    if reg is None:
        raise NotFound(NOT_YOUR_SCHOOLS)
    return reg


@dataclass(frozen=True)
class ClassFilters:
    q: str = ""  # in the class's or the school's name
    status: ClassStatus | None = None
    session_id: int | None = None
    stage: Stage | None = None


def _filtered(offering_id: int, filters: ClassFilters) -> Select:
    stmt = (
        select(ClassRegistration)
        .join(Organisation, ClassRegistration.school_id == Organisation.id)
        .where(ClassRegistration.offering_id == offering_id)
        .options(
            joinedload(ClassRegistration.school),
            joinedload(ClassRegistration.meeting),
            joinedload(ClassRegistration.teacher),
        )
        .order_by(ClassRegistration.id)
    )
    if filters.q:
        stmt = stmt.where(contains_text(filters.q, ClassRegistration.group_name, Organisation.name))
    return where_chosen(
        stmt,
        (ClassRegistration.status, filters.status),
        (ClassRegistration.session_id, filters.session_id),
        (ClassRegistration.stage, filters.stage),
    )


def list_classes(
    session: Session, offering_id: int, filters: ClassFilters, *, page: int, per_page: int
) -> Page:
    return paginate(session, _filtered(offering_id, filters), page=page, per_page=per_page)


def all_classes(session: Session, offering_id: int) -> list[ClassRegistration]:
    """Every registration of an offering, for its export."""
    return list(session.scalars(_filtered(offering_id, ClassFilters())))


def class_counts(session: Session, offering_id: int) -> dict[ClassStatus, tuple[int, int]]:
    """Classes and pupils of each status."""
    rows = session.execute(
        select(
            ClassRegistration.status,
            func.count(),
            func.coalesce(func.sum(ClassRegistration.pupils), 0),
        )
        .where(ClassRegistration.offering_id == offering_id)
        .group_by(ClassRegistration.status)
    ).all()
    counts = {status: (0, 0) for status in ClassStatus}
    counts.update({status: (classes, pupils) for status, classes, pupils in rows})
    return counts
