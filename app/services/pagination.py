"""One page of a back-office list: a count and a page of rows, two queries whatever the size."""

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session


def contains_text(text: str, *columns) -> ColumnElement[bool]:
    """The search box of a list: ``text`` anywhere in any of ``columns``, in any case, its
    ``%`` and ``_`` taken literally."""
    return or_(*(column.icontains(text, autoescape=True) for column in columns))


def where_chosen(stmt: Select, *filters: tuple[Any, Any]) -> Select:
    """The choices of a list's filters: each ``(column, value)`` keeps the rows whose column
    equals the value, unless nothing was chosen (None, or an empty text)."""
    for column, value in filters:
        if value is not None and value != "":
            stmt = stmt.where(column == value)
    return stmt


# Rows per page of a back-office list, unless the ADMIN_PAGE_SIZE setting says otherwise.
DEFAULT_PAGE_SIZE = 25


@dataclass
class Page:
    """What _partials/pagination.html needs: items, total, page, pages, page_window()."""

    items: list[Any]
    total: int
    page: int
    pages: int
    per_page: int

    def page_window(self, radius: int = 2) -> list[int | None]:
        """Page numbers worth a link: the first, the last and those near this one; None
        stands for a gap."""
        near = range(max(1, self.page - radius), min(self.pages, self.page + radius) + 1)
        numbers = sorted({1, self.pages, *near})
        window: list[int | None] = []
        for number in numbers:
            if window and number - window[-1] > 1:
                window.append(None)
            window.append(number)
        return window


def paginate(session: Session, stmt: Select, *, page: int, per_page: int) -> Page:
    """``stmt`` (already filtered and ordered, with its eager loads) cut to one page. A page
    past the end shows the last one: a list that shrank since the link was made is no error."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(items), total=total, page=page, pages=pages, per_page=per_page)
