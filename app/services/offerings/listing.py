"""The back office's list of offerings."""

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import joinedload

from app.models import (
    Kind,
    Offering,
    OfferingStatus,
)
from app.services.pagination import Page, contains_text, paginate, where_chosen


def list_offerings(
    session: DbSession,
    scope: ColumnElement[bool],
    *,
    text: str | None = None,
    status: OfferingStatus | None = None,
    programme_id: int | None = None,
    kind: Kind | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    """One page of the offerings within ``scope`` (access.offering_scope), newest first."""
    stmt: Select = select(Offering).where(scope)
    if text:
        stmt = stmt.where(
            contains_text(text, Offering.title_es, Offering.title_en, Offering.external_id)
        )
    stmt = where_chosen(
        stmt,
        (Offering.status, status),
        (Offering.programme_id, programme_id),
        (Offering.kind, kind),
    )
    stmt = stmt.options(joinedload(Offering.programme), joinedload(Offering.provider)).order_by(
        Offering.starts_at.desc().nulls_first(), Offering.id.desc()
    )
    return paginate(session, stmt, page=page, per_page=per_page)
