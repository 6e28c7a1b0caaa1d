"""The qualitative record: each year staff write what each line of work achieved and the
evidence for it, in both languages (plain text: pages escape it)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import QualitativeEntry
from app.services import audit
from app.services.errors import DomainError

# The partnership's five lines of work.
LINES = {
    "talent": _l("Consolidate talent"),
    "stem": _l("Promote STEM from school to university"),
    "entrepreneurship": _l("Support digital entrepreneurs"),
    "skills-gap": _l("Close the skills gap"),
    "impact": _l("Track impact"),
}
TEXT_MAX = 4000


@dataclass(frozen=True)
class EntryText:
    outcome_es: str
    outcome_en: str = ""
    evidence_es: str = ""
    evidence_en: str = ""


def entries(session: Session, year: int) -> list[QualitativeEntry]:
    order = {line: index for index, line in enumerate(LINES)}
    found = session.scalars(
        select(QualitativeEntry).where(QualitativeEntry.year == year).order_by(QualitativeEntry.id)
    )
    return sorted(found, key=lambda entry: order.get(entry.line, len(order)))


def add_entry(
    session: Session, *, year: int, line: str, text: EntryText, author_id: int
) -> QualitativeEntry:
    if line not in LINES:
        raise DomainError(_l("Choose a line of work from the list."), "line")
    cleaned = {name: value.strip() for name, value in vars(text).items()}
    if not cleaned["outcome_es"]:
        raise DomainError(_l("Write the outcome in Spanish."), "outcome_es")
    for name, value in cleaned.items():
        if len(value) > TEXT_MAX:
            raise DomainError(_l("At most %(max)s characters.", max=TEXT_MAX), name)
    entry = QualitativeEntry(
        year=year,
        line=line,
        author_id=author_id,
        **{name: value or None for name, value in cleaned.items()},
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor_id=author_id,
        action="indicators.qualitative",
        entity_type="qualitative_entry",
        entity_id=entry.id,
        summary=f"Qualitative entry for {line} in {year}",
    )
    return entry
