"""A call's applications as staff and reviewers list them: each with its weighted mean,
spread and number of reviews; filtered, and sorted by any of them."""

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Application, ApplicationStatus, Review, ReviewStatus
from app.services.applications.calls import criteria
from app.services.applications.reviews import Standing, standing
from app.services.applications.states import reserve_position


class Sort(enum.StrEnum):
    MEAN = "mean"
    SPREAD = "spread"
    REVIEWS = "reviews"
    SUBMITTED = "submitted"
    NAME = "name"


@dataclass(frozen=True)
class Row:
    application: Application
    standing: Standing | None  # None where the viewer declared a conflict
    position: int | None  # on the reserve list
    own_review: Review | None  # the viewer's


def _sort_key(sort: Sort):
    def numeric(row: Row, name: str):
        value = getattr(row.standing, name) if row.standing else None
        return (value is None, -(value or 0))

    if sort == Sort.NAME:
        return lambda row: row.application.project_name.casefold()
    if sort == Sort.SUBMITTED:
        return lambda row: (row.application.submitted_at is None, row.application.submitted_at)
    return lambda row: (*numeric(row, sort.value), row.application.id)


def call_applications(
    session: Session,
    offering_id: int,
    *,
    viewer_id: int,
    status: ApplicationStatus | None = None,
    min_reviews: int | None = None,
    text: str = "",
    sort: Sort = Sort.MEAN,
) -> list[Row]:
    """Every sent application of the call (drafts are the applicant's own business)."""
    by_id = {c.id: c for c in criteria(session, offering_id)}
    stmt = (
        select(Application)
        .where(
            Application.offering_id == offering_id,
            Application.status != ApplicationStatus.DRAFT,
        )
        .options(selectinload(Application.reviews).selectinload(Review.scores))
        .options(selectinload(Application.user))
    )
    if status is not None:
        stmt = stmt.where(Application.status == status)
    rows = []
    needle = text.strip().casefold()
    for application in session.scalars(stmt):
        if needle and needle not in application.project_name.casefold():
            continue
        own = next((r for r in application.reviews if r.reviewer_id == viewer_id), None)
        conflicted = own is not None and own.status == ReviewStatus.CONFLICT
        figures = None if conflicted else standing(application.reviews, by_id)
        if min_reviews and (figures is None or figures.reviews < min_reviews):
            continue
        rows.append(Row(application, figures, reserve_position(session, application), own))
    return sorted(rows, key=_sort_key(sort))
