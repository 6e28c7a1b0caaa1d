"""The one access rule for what belongs to a person (their enrolments, applications and
search alerts): someone else's is not found, as if it did not exist, so that a guessed id
tells nothing."""

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.errors import NotFound

Row = TypeVar("Row")


def get_owned(session: Session, model: type[Row], row_id: int, user_id: int, missing) -> Row:
    """The row ``row_id`` of ``model`` if ``user_id`` owns it; otherwise ``NotFound`` with
    the lazily translated ``missing``."""
    row = session.scalar(select(model).where(model.id == row_id, model.user_id == user_id))
    if row is None:
        raise NotFound(missing)
    return row
