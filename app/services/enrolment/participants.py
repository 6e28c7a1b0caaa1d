"""An offering's participants as staff run them: the list, enrolling someone on their
behalf, promoting and cancelling by hand.

Places are taken and given back only through enrolment.places, under the same rules as
the public site (eligibility, capacity, waiting list). Every change is recorded in the
audit log in the caller's transaction."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, contains_eager

from app.models import Enrolment, EnrolmentStatus, Offering, OfferingSession, Role, User
from app.services import accounts, audit
from app.services.enrolment import places
from app.services.errors import Conflict, DomainError, NotFound
from app.services.mail import outbox
from app.services.pagination import Page, contains_text, paginate

_record_user = audit.recorder("user")
_record_enrolment = audit.recorder("enrolment")

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


# Confirmed first, then the waiting list in its order, then the places that ended; by name
# within each (the waiting list's order is the order it moves in).
_LIST_ORDER = (
    case(
        (Enrolment.status == EnrolmentStatus.CONFIRMED, 0),
        (Enrolment.status == EnrolmentStatus.WAITING, 1),
        else_=2,
    ),
    case((Enrolment.status == EnrolmentStatus.WAITING, Enrolment.id)),
    User.name,
    Enrolment.id,
)


@dataclass
class ParticipantList:
    page: Page  # of Enrolment, each with its user loaded
    positions: dict[int, int]  # enrolment id -> place on the waiting list
    counts: dict[EnrolmentStatus, int]  # the whole offering, whatever the filters


def _search(text: str):
    return contains_text(text, User.name, User.email)


def list_participants(
    session: Session,
    offering_id: int,
    *,
    text: str = "",
    status: EnrolmentStatus | None = None,
    page: int = 1,
    per_page: int = DEFAULT_PAGE_SIZE,
) -> ParticipantList:
    """One page of an offering's enrolments, searched and filtered in SQL: four queries
    whatever the page size or the number of participants."""
    stmt = (
        select(Enrolment)
        .outerjoin(Enrolment.user)
        .options(contains_eager(Enrolment.user))
        .where(Enrolment.offering_id == offering_id)
        .order_by(*_LIST_ORDER)
    )
    if text.strip():
        stmt = stmt.where(_search(text.strip()))
    if status is not None:
        stmt = stmt.where(Enrolment.status == status)
    result = paginate(session, stmt, page=page, per_page=per_page)
    waiting = [e.id for e in result.items if e.status == EnrolmentStatus.WAITING]
    return ParticipantList(
        page=result,
        positions=waiting_positions(session, offering_id, waiting),
        counts=status_counts(session, offering_id),
    )


def status_counts(session: Session, offering_id: int) -> dict[EnrolmentStatus, int]:
    rows = session.execute(
        select(Enrolment.status, func.count())
        .where(Enrolment.offering_id == offering_id)
        .group_by(Enrolment.status)
    )
    counts = dict.fromkeys(EnrolmentStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def waiting_positions(
    session: Session, offering_id: int, enrolment_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Place on the waiting list (1 = next) of the given waiting enrolments, or of all."""
    ranked = (
        select(
            Enrolment.id.label("enrolment_id"),
            func.row_number().over(order_by=Enrolment.id).label("position"),
        )
        .where(Enrolment.offering_id == offering_id, Enrolment.status == EnrolmentStatus.WAITING)
        .subquery()
    )
    stmt = select(ranked.c.enrolment_id, ranked.c.position)
    if enrolment_ids is not None:
        # Even with no ids the query runs: a page costs the same number of queries always.
        stmt = stmt.where(ranked.c.enrolment_id.in_(list(enrolment_ids)))
    return {enrolment_id: position for enrolment_id, position in session.execute(stmt)}


def confirmed_participants(session: Session, offering_id: int) -> list[Enrolment]:
    """Everyone with a confirmed place, by name, their accounts loaded (one query)."""
    return list(
        session.scalars(
            select(Enrolment)
            .outerjoin(Enrolment.user)
            .options(contains_eager(Enrolment.user))
            .where(
                Enrolment.offering_id == offering_id,
                Enrolment.status == EnrolmentStatus.CONFIRMED,
            )
            .order_by(User.name, Enrolment.id)
        )
    )


def get_offering_session(session: Session, offering: Offering, session_id: int) -> OfferingSession:
    """A session of this offering; a session of any other is not found."""
    found = session.scalar(
        select(OfferingSession).where(
            OfferingSession.id == session_id, OfferingSession.offering_id == offering.id
        )
    )
    if found is None:
        raise NotFound(_l("This offering has no such session."))
    return found


@dataclass
class OnBehalf:
    enrolment: Enrolment
    new_place: bool  # False: they already held this place
    new_account: bool


class AccountNotConfirmed(Conflict):
    def __init__(self):
        super().__init__(
            _l(
                "This address has an account that was never confirmed. Ask the person to "
                "follow the link we emailed them (or to ask for a new one when logging in), "
                "then enrol them."
            ),
            "email",
        )


def _create_account(
    session: Session,
    *,
    email: str,
    name: str,
    municipality_id: int | None,
    language: str,
    offering: Offering,
    actor_id: int,
    now: datetime,
) -> User:
    """A resident account opened by staff for someone at the desk or on the phone.

    Staff vouch for the address (they read it back to the person), so it is confirmed and
    the place can be taken now; it has no password until the person chooses one through the
    link we email them, so nobody else can log in with it meanwhile."""
    name = name.strip()
    if not name:
        raise DomainError(
            _l("No account uses this address yet: give the person's name to create one."),
            "name",
        )
    accounts.check_address(email)
    user = User(
        name=name,
        email=email,
        password_hash=None,
        preferred_language=accounts.check_language(language),
        municipality=accounts.residence(
            session, municipality_id, _l("Choose where they live from the list.")
        ),
        role=Role.RESIDENT,
        created_at=now,
        email_confirmed_at=now,
    )
    session.add(user)
    session.flush()
    _record_user(
        session,
        user,
        actor_id,
        "user.create-on-behalf",
        f"Account opened by staff for {name} <{email}>",
        after=audit.snapshot(user, ["name", "email", "municipality_id", "preferred_language"]),
    )
    outbox.send_to_user(
        session,
        user,
        "account_opened_by_staff",
        offering=offering,
        token=accounts.reset_token(user),
    )
    return user


def enrol_on_behalf(
    session: Session,
    *,
    offering: Offering,
    email: str,
    name: str = "",
    municipality_id: int | None = None,
    language: str = "es",
    actor_id: int,
    now: datetime,
) -> OnBehalf:
    """Enrol a person found by email, or a new resident account opened for them, through
    the public site's enrol(): eligibility applies, and a full offering means the waiting
    list. Raises the enrolment service's refusals; the caller rolls back, so a refused
    enrolment leaves no account behind either."""
    email = accounts.normalise_email(email)
    user = accounts.find_by_email(session, email)
    new_account = user is None
    if user is None:
        user = _create_account(
            session,
            email=email,
            name=name,
            municipality_id=municipality_id,
            language=language,
            offering=offering,
            actor_id=actor_id,
            now=now,
        )
    elif user.email_confirmed_at is None:
        raise AccountNotConfirmed()
    existing = places.live_enrolment(session, offering.id, user.id)
    if existing is not None:
        return OnBehalf(existing, new_place=False, new_account=False)
    place = places.enrol(
        session, offering_id=offering.id, user_id=user.id, now=now, actor_id=actor_id
    )
    summary = f"{user.name} enrolled by staff in offering {offering.id}: {place.status.value}"
    taken = audit.snapshot(place, ["offering_id", "user_id", "status"])
    _record_enrolment(session, place, actor_id, "enrolment.create-on-behalf", summary, after=taken)
    return OnBehalf(place, new_place=True, new_account=new_account)


def promote(session: Session, enrolment: Enrolment, *, actor_id: int, now: datetime) -> Enrolment:
    """A free seat to this waiting person, out of turn; they are told by email."""
    position = waiting_positions(session, enrolment.offering_id, [enrolment.id]).get(enrolment.id)
    places.promote_chosen(session, enrolment, now=now, actor_id=actor_id)
    _record_enrolment(
        session,
        enrolment,
        actor_id,
        "enrolment.promote",
        f"{_name(enrolment)} promoted by staff from the waiting list (was {position})",
        before={"status": EnrolmentStatus.WAITING.value, "position": position},
        after={"status": enrolment.status.value},
    )
    return enrolment


def cancel_place(
    session: Session, enrolment: Enrolment, *, actor_id: int, now: datetime
) -> list[Enrolment]:
    """End a live place for the person (at any time: the deadline binds participants, not
    staff). A freed seat goes to the waiting list; everyone concerned is emailed."""
    from app.services.applications.applying import give_up_place  # it builds on this package

    before = enrolment.status
    promoted = []
    # A place from a call's application: its seat goes to the call's reserve list instead.
    if not give_up_place(session, enrolment, now=now, actor_id=actor_id):
        promoted = places.release(
            session,
            enrolment,
            now=now,
            status=EnrolmentStatus.CANCELLED,
            actor_id=actor_id,
            reason="cancelled-by-staff",
        )
    places.notify(session, enrolment, "enrolment_cancelled_by_staff")
    _record_enrolment(
        session,
        enrolment,
        actor_id,
        "enrolment.cancel",
        f"{_name(enrolment)}'s place cancelled by staff",
        before={"status": before.value},
        after={"status": enrolment.status.value, "promoted": [e.id for e in promoted]},
    )
    return promoted


def _name(enrolment: Enrolment) -> str:
    return enrolment.user.name if enrolment.user else f"enrolment {enrolment.id}"


def export_rows(session: Session, offering_id: int) -> list[Enrolment]:
    """Every enrolment of the offering in list order, with account and municipality."""
    return list(
        session.scalars(
            select(Enrolment)
            .outerjoin(Enrolment.user)
            .options(contains_eager(Enrolment.user).joinedload(User.municipality))
            .where(Enrolment.offering_id == offering_id)
            .order_by(*_LIST_ORDER)
        )
    )
