"""The indicator store: yearly values per definition and breakdown, the facts behind them
that outlive a profile (a participant's demographics as they were, searches that found
nothing), frozen years and the qualitative record."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.enums import AgeBand, EducationLevel, EmploymentStatus, Gender
from app.models.types import UTCDateTime, enum_column, outlives, owned_by, utcnow

# The breakdown of a value that is the indicator's total.
TOTAL = ""


class IndicatorValue(db.Model):
    """One figure: an indicator's value in a year, for the whole (``dimension`` empty) or
    for one ``key`` of a breakdown (``municipality`` / ``las-rozas``)."""

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(sa.String(40), primary_key=True, default=TOTAL)
    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True, default=TOTAL)
    value: Mapped[int] = mapped_column(sa.BigInteger)


class IndicatorDelta(db.Model):
    """A change to a figure written by the feed as it happens: added, never updated, so a
    rush of enrolments in different offerings shares no row to wait on. A figure is its
    ``IndicatorValue`` plus its deltas; a rebuild or ``indicators compact`` folds them in."""

    __table_args__ = (sa.Index("ix_indicator_delta_year_code", "year", "code"),)

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    year: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(40))
    dimension: Mapped[str] = mapped_column(sa.String(40), default=TOTAL)
    key: Mapped[str] = mapped_column(sa.String(120), default=TOTAL)
    value: Mapped[int] = mapped_column(sa.BigInteger)


class IndicatorYear(db.Model):
    """A year once reported: frozen, its values never change again, whatever is erased."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    frozen_by_id: Mapped[int | None] = outlives("user_account")


class ParticipantYear(db.Model):
    """A person who took part in a year, with the profile answers they had given when they
    first did: the inclusion figures read these, not the profile as it is today. Disability
    only when its separate consent was given. Deleted with the account's erasure (it is
    personal data); the figures of a frozen year keep what it counted."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = owned_by("user_account", primary_key=True, index=True)
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    age_band: Mapped[AgeBand | None] = mapped_column(enum_column(AgeBand))
    employment_status: Mapped[EmploymentStatus | None] = mapped_column(
        enum_column(EmploymentStatus)
    )
    education_level: Mapped[EducationLevel | None] = mapped_column(enum_column(EducationLevel))
    municipality: Mapped[str | None] = mapped_column(sa.String(64))
    disability: Mapped[bool | None]
    # Whether the person took part in a technical programme (a bootcamp or training cycle).
    technical: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SearchMiss(db.Model):
    """How often a normalised search found nothing in a year: a term and a count, never who
    searched."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    term: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class QualitativeEntry(db.Model):
    """What a line of work achieved in a year and the evidence for it, in both languages."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    line: Mapped[str] = mapped_column(sa.String(40))
    outcome_es: Mapped[str] = mapped_column(sa.Text)
    outcome_en: Mapped[str | None] = mapped_column(sa.Text)
    evidence_es: Mapped[str | None] = mapped_column(sa.Text)
    evidence_en: Mapped[str | None] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = outlives("user_account")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
