"""Teachers and their school: asking to join (or proposing a school not on the map),
approval by the school's staff or partnership staff, invitations by signed expiring link.

A teacher is an account of role "school staff" whose organisation is a school; the
membership rows keep the request, who decided it and when, and who coordinates a school.
"""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.models import (
    MembershipStatus,
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    SchoolMembership,
    SchoolProposal,
    User,
)
from app.services import audit
from app.services.accounts.tokens import make_token, read_token
from app.services.accounts.users import normalise_email
from app.services.errors import Conflict, DomainError, Forbidden, NotFound
from app.services.mail import outbox

INVITATION_SALT = "schools.invitation"
INVITATION_MAX_AGE = timedelta(days=14)
PARTNERSHIP_ROLES = (Role.COORDINATOR, Role.ADMIN)
# Who may become a teacher: residents, and teachers moving to another school. Staff of an
# organisation or of the partnership keep their role.
JOINING_ROLES = (Role.RESIDENT, Role.SCHOOL_STAFF)
NOT_YOURS = _l("We could not find that among the teachers you can approve.")

_record_membership = audit.recorder("school_membership")
_record_organisation = audit.recorder("organisation")


def school_of(user: User) -> Organisation | None:
    """The school a teacher acts for, or None for anyone else."""
    organisation = user.organisation if user.is_authenticated else None
    if user.role != Role.SCHOOL_STAFF or organisation is None:
        return None
    return organisation if organisation.kind == OrganisationKind.SCHOOL else None


def is_partnership_staff(user: User) -> bool:
    return user.is_authenticated and user.role in PARTNERSHIP_ROLES


def is_coordinator(session: Session, user: User, school_id: int) -> bool:
    return bool(
        session.scalar(
            select(SchoolMembership.id).where(
                SchoolMembership.user_id == user.id,
                SchoolMembership.organisation_id == school_id,
                SchoolMembership.status == MembershipStatus.APPROVED,
                SchoolMembership.coordinator.is_(True),
            )
        )
    )


def live_membership(session: Session, user_id: int) -> SchoolMembership | None:
    return session.scalar(
        select(SchoolMembership)
        .where(
            SchoolMembership.user_id == user_id,
            SchoolMembership.status.in_((MembershipStatus.PENDING, MembershipStatus.APPROVED)),
        )
        .options(joinedload(SchoolMembership.organisation))
    )


def joinable_schools(session: Session) -> list[Organisation]:
    """Schools of the map a teacher can ask to join (proposals waiting for review are not
    offered to others until staff have looked at them)."""
    pending = select(SchoolProposal.organisation_id).where(SchoolProposal.reviewed_at.is_(None))
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.SCHOOL, Organisation.id.not_in(pending))
            .order_by(func.lower(Organisation.name))
        )
    )


def _check_can_join(session: Session, user: User) -> None:
    if user.role not in JOINING_ROLES:
        raise Forbidden(
            _l("Staff accounts cannot join a school. Sign up with another address to teach.")
        )
    current = live_membership(session, user.id)
    if current is not None:
        raise Conflict(
            _l(
                "You already belong to %(school)s or are waiting to: leave it first.",
                school=current.organisation.name,
            )
        )


def _propose_school(session: Session, user: User, name: str, municipality_id, now):
    if not name:
        raise DomainError(_l("Write the name of your school."), "name")
    municipality = session.get(Municipality, municipality_id) if municipality_id else None
    if municipality is None:
        raise DomainError(_l("Choose the municipality of your school."), "municipality")
    taken = session.scalar(
        select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    )
    if taken is not None:
        raise Conflict(
            _l("There is already an organisation with this name: choose it from the list."),
            "name",
        )
    school = Organisation(
        name=name, kind=OrganisationKind.SCHOOL, municipality=municipality, created_at=now
    )
    session.add(school)
    session.flush()
    session.add(SchoolProposal(organisation_id=school.id, proposed_by_id=user.id, created_at=now))
    return school


def request_membership(
    session: Session,
    *,
    user_id: int,
    now: datetime,
    school_id: int | None = None,
    proposed_name: str = "",
    municipality_id: int | None = None,
) -> SchoolMembership:
    """Ask to join a school of the map, or propose one that is not there (it is created
    pending review, and the request waits on it)."""
    user = session.get(User, user_id)
    _check_can_join(session, user)
    if school_id is not None:
        school = session.get(Organisation, school_id)
        if school is None or school not in joinable_schools(session):
            raise DomainError(_l("Choose your school from the list."), "school")
    else:
        school = _propose_school(session, user, proposed_name.strip(), municipality_id, now)
    membership = SchoolMembership(
        user=user, organisation=school, status=MembershipStatus.PENDING, created_at=now
    )
    session.add(membership)
    try:
        session.flush()
    except IntegrityError as error:  # a second request sent at the same moment
        raise Conflict(_l("You have already asked to join a school.")) from error
    return membership


def _may_decide(session: Session, actor: User, school_id: int) -> bool:
    """Partnership staff decide for every school; a school's teachers for their own."""
    if is_partnership_staff(actor):
        return True
    school = school_of(actor)
    return school is not None and school.id == school_id


def memberships_to_decide(session: Session, actor: User) -> list[SchoolMembership]:
    """Pending requests this person may approve or decline, oldest first."""
    stmt = (
        select(SchoolMembership)
        .where(SchoolMembership.status == MembershipStatus.PENDING)
        .options(joinedload(SchoolMembership.user), joinedload(SchoolMembership.organisation))
        .order_by(SchoolMembership.id)
    )
    if not is_partnership_staff(actor):
        school = school_of(actor)
        if school is None:
            return []
        stmt = stmt.where(SchoolMembership.organisation_id == school.id)
    return list(session.scalars(stmt))


def get_membership_for(session: Session, actor: User, membership_id: int) -> SchoolMembership:
    membership = session.get(SchoolMembership, membership_id)
    if membership is None or not _may_decide(session, actor, membership.organisation_id):
        raise NotFound(NOT_YOURS)
    return membership


def _decide(session: Session, membership: SchoolMembership, status, actor_id, now) -> None:
    """Compare-and-set from pending: two colleagues deciding at once decide once."""
    result = session.execute(
        update(SchoolMembership)
        .where(
            SchoolMembership.id == membership.id,
            SchoolMembership.status == MembershipStatus.PENDING,
        )
        .values(status=status, decided_at=now, decided_by_id=actor_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(membership)
        raise Conflict(_l("This request has already been decided."))
    for name, value in (("status", status), ("decided_at", now), ("decided_by_id", actor_id)):
        set_committed_value(membership, name, value)
    summary = f"{membership.user_id} in {membership.organisation.name}: {status.value}"
    _record_membership(
        session,
        membership,
        actor_id,
        f"membership.{status.value}",
        summary,
        before={"status": MembershipStatus.PENDING.value},
        after={"status": status.value},
    )


def _make_teacher(user: User, school: Organisation) -> None:
    user.role = Role.SCHOOL_STAFF
    user.organisation = school


def add_teacher(
    session: Session, user: User, school: Organisation, *, coordinator: bool, now: datetime
) -> SchoolMembership:
    """Make ``user`` a teacher of ``school`` at once (an invitation, or an operator)."""
    membership = SchoolMembership(
        user=user,
        organisation=school,
        status=MembershipStatus.APPROVED,
        coordinator=coordinator,
        created_at=now,
        decided_at=now,
    )
    session.add(membership)
    _make_teacher(user, school)
    session.flush()
    return membership


def decide_membership(
    session: Session, membership: SchoolMembership, *, approve: bool, actor: User, now: datetime
) -> SchoolMembership:
    """Approve (the person becomes a teacher of the school) or decline a request, and tell
    the person by email."""
    status = MembershipStatus.APPROVED if approve else MembershipStatus.DECLINED
    _decide(session, membership, status, actor.id, now)
    if approve:
        _make_teacher(membership.user, membership.organisation)
    session.flush()
    outbox.send_to_user(
        session,
        membership.user,
        "school_membership_decided",
        school=membership.organisation,
        approved=approve,
    )
    return membership


def may_invite(session: Session, actor: User, school_id: int) -> bool:
    """Partnership staff invite to any school; a school's coordinator to their own."""
    return is_partnership_staff(actor) or is_coordinator(session, actor, school_id)


def invite(
    session: Session,
    *,
    actor: User,
    school_id: int | None,
    email: str,
    coordinator: bool,
    lang: str,
) -> str:
    """Email a signed link that makes its holder a teacher of the school; returns the token.
    The link names the address it was sent to and expires after INVITATION_MAX_AGE."""
    school = session.get(Organisation, school_id) if school_id is not None else None
    if school is None or school.kind != OrganisationKind.SCHOOL:
        raise DomainError(_l("Choose a school from the list."), "school")
    if not may_invite(session, actor, school.id):
        raise Forbidden(_l("Only partnership staff and the school's coordinator can invite."))
    address = normalise_email(email)
    # "user" is who invited: read_token asks every link for the account behind it.
    token = make_token(
        INVITATION_SALT,
        {"user": actor.id, "school": school.id, "email": address, "coordinator": coordinator},
    )
    outbox.enqueue(
        session,
        to=address,
        lang=lang,
        template="school_invitation",
        school=school,
        inviter=actor,
        token=token,
        days=INVITATION_MAX_AGE.days,
    )
    summary = f"Invitation to {school.name}"
    _record_organisation(
        session,
        school,
        actor.id,
        "school.invite",
        summary,
        after={"coordinator": coordinator},
    )
    return token


def read_invitation(session: Session, token: str) -> tuple[Organisation, str, bool]:
    """The school, address and coordinator flag of a valid invitation link."""
    payload = read_token(INVITATION_SALT, token, INVITATION_MAX_AGE)
    school = session.get(Organisation, payload.get("school"))
    email = payload.get("email")
    if school is None or school.kind != OrganisationKind.SCHOOL or not isinstance(email, str):
        raise NotFound(_l("This school is no longer on the map."))
    return school, email, bool(payload.get("coordinator"))


def accept_invitation(session: Session, token: str, *, user: User, now: datetime):
    """Join the invitation's school at once (its address must be this account's)."""
    school, email, coordinator = read_invitation(session, token)
    if normalise_email(user.email or "") != email:
        raise Forbidden(_l("This invitation was sent to another address: log in with that one."))
    current = live_membership(session, user.id)
    if current is not None and current.organisation_id == school.id:
        if current.status == MembershipStatus.APPROVED:
            return current  # the link followed again
        _decide(session, current, MembershipStatus.APPROVED, user.id, now)
        current.coordinator = current.coordinator or coordinator
        _make_teacher(user, school)
        session.flush()
        return current
    _check_can_join(session, user)
    return add_teacher(session, user, school, coordinator=coordinator, now=now)


def pending_proposals(session: Session) -> list[SchoolProposal]:
    return list(
        session.scalars(
            select(SchoolProposal)
            .where(SchoolProposal.reviewed_at.is_(None))
            .options(joinedload(SchoolProposal.organisation))
            .order_by(SchoolProposal.created_at)
        )
    )


def get_proposal(session: Session, organisation_id: int) -> SchoolProposal:
    proposal = session.get(SchoolProposal, organisation_id)
    if proposal is None:
        raise NotFound(_l("There is no such proposed school."))
    return proposal


def approve_school(
    session: Session, proposal: SchoolProposal, *, actor_id: int, now: datetime
) -> SchoolProposal:
    """The proposed school is reviewed: it joins the map for every teacher."""
    if not proposal.is_pending:
        raise Conflict(_l("This school has already been reviewed."))
    proposal.reviewed_at, proposal.reviewed_by_id = now, actor_id
    session.flush()
    _record_organisation(
        session,
        proposal.organisation,
        actor_id,
        "school.approve",
        proposal.organisation.name,
        before={"pending_review": True},
        after={"pending_review": False},
    )
    return proposal
