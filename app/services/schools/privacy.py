"""A teacher's part of their copy of their data (GDPR art. 15 and 20): the classes they
registered, with their history, and their places in schools (asked, approved or declined),
with the schools they proposed. Pupils are never named, so a class holds no one else's."""

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.i18n import both_languages
from app.models import ClassRegistration, SchoolMembership, SchoolProposal


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_rows(session: Session, user_id: int) -> dict[str, list[dict]]:
    registrations = session.scalars(
        select(ClassRegistration)
        .where(ClassRegistration.teacher_id == user_id)
        .options(
            selectinload(ClassRegistration.offering),
            selectinload(ClassRegistration.meeting),
            selectinload(ClassRegistration.school),
            selectinload(ClassRegistration.events),
        )
        .order_by(ClassRegistration.id)
    )
    memberships = session.scalars(
        select(SchoolMembership)
        .where(SchoolMembership.user_id == user_id)
        .options(selectinload(SchoolMembership.organisation))
        .order_by(SchoolMembership.id)
    )
    proposals = session.scalars(
        select(SchoolProposal)
        .where(SchoolProposal.proposed_by_id == user_id)
        .options(selectinload(SchoolProposal.organisation))
        .order_by(SchoolProposal.organisation_id)
    )
    return {
        "class_registrations": [
            {
                "id": reg.id,
                "offering": {"id": reg.offering.id, "title": both_languages(reg.offering, "title")},
                "school": reg.school.name,
                "session_starts_at": _iso(reg.meeting.starts_at),
                "status": reg.status.value,
                "group_name": reg.group_name,
                "stage": reg.stage.value,
                "grade": reg.grade,
                "pupils": reg.pupils,
                "teachers": reg.teachers,
                "accessibility": reg.accessibility,
                "phone": reg.phone or None,
                "pupils_present": reg.pupils_present,
                "decline_reason": reg.decline_reason,
                "created_at": _iso(reg.created_at),
                "updated_at": _iso(reg.updated_at),
                "headcount_confirmed_at": _iso(reg.headcount_confirmed_at),
                "history": [
                    {
                        "status": event.status.value,
                        "pupils": event.pupils,
                        "at": _iso(event.at),
                        "reason": event.reason,
                    }
                    for event in reg.events
                ],
            }
            for reg in registrations
        ],
        "school_memberships": [
            {
                "school": membership.organisation.name,
                "status": membership.status.value,
                "coordinator": membership.coordinator,
                "created_at": _iso(membership.created_at),
                "decided_at": _iso(membership.decided_at),
            }
            for membership in memberships
        ],
        "schools_proposed": [
            {
                "school": proposal.organisation.name,
                "created_at": _iso(proposal.created_at),
                "reviewed_at": _iso(proposal.reviewed_at),
            }
            for proposal in proposals
        ],
    }
