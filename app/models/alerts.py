"""Search alerts: "email me when a matching offering is published"."""

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.types import UTCDateTime, owned_by, utcnow

# How long the link that confirms a visitor's alert works; an alert not confirmed by then
# is deleted (``privacy purge``).
CONFIRMATION_MAX_AGE = timedelta(days=3)


def new_alert_key() -> str:
    return secrets.token_urlsafe(24)


class SearchAlert(db.Model):
    """A saved search of one person (an account, or an address confirmed by its owner).

    ``criteria`` is the digest of the normalised search and its filters: one person has one
    alert per search however often they ask. Links in emails name ``key``, a random value,
    never the id (SQLite may give a deleted alert's id to the next one)."""

    __table_args__ = (
        sa.UniqueConstraint("user_id", "criteria"),
        sa.UniqueConstraint("email", "criteria"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True, default=new_alert_key)
    user_id: Mapped[int | None] = owned_by("user_account", index=True)
    # Only for a visitor without an account; an account's alerts follow its address.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    lang: Mapped[str] = mapped_column(sa.String(2))
    # As typed, to show it back; ``query`` and ``filters`` are what is matched.
    search_text: Mapped[str] = mapped_column(sa.String(200), default="")
    query: Mapped[str] = mapped_column(sa.String(200), default="")
    filters: Mapped[str] = mapped_column(sa.Text, default="{}")
    criteria: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # None until the owner of ``email`` follows the emailed link; set at once for an account.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    user: Mapped[User | None] = relationship()

    @property
    def address(self) -> str | None:
        return self.user.email if self.user is not None else self.email


class SearchAlertDelivery(db.Model):
    """An alert told about an offering: never twice, however often it is published."""

    alert_id: Mapped[int] = owned_by("search_alert", primary_key=True)
    offering_id: Mapped[int] = owned_by("offering", primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PublishedOffering(db.Model):
    """An offering published since the alerts were last matched: written with the publish
    (one row, so publishing stays quick), consumed by ``outbox deliver``."""

    __tablename__ = "alert_pending_offering"

    offering_id: Mapped[int] = owned_by("offering", primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AlertDemand(db.Model):
    """How many alerts were asked for a normalised search in a year: a term and a count,
    never who asked (the talent observatory's unmet demand)."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    term: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
