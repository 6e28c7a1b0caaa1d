"""What an entrepreneur does with their application: save a draft, submit it before the
deadline, edit it until then, withdraw it at any time, and confirm an offered place.

A pitch deck is checked by its content (a PDF's header, objects and end-of-file mark), not
by its name, and stored under a random key only once every other check has passed."""

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import (
    Application,
    ApplicationStatus,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    Offering,
    ProjectStage,
    User,
)
from app.services import indicators, storage
from app.services.applications.calls import check_call_open
from app.services.applications.seats import free_place
from app.services.applications.states import transition
from app.services.enrolment import places
from app.services.enrolment.places import EnrolmentGone
from app.services.errors import Conflict, DomainError, NotFound
from app.services.owned import get_owned

PDF = "application/pdf"
# Tags, comments and doctype: text meant for a browser, not for the reviewers.
MARKUP = re.compile(r"<\s*(?:[a-zA-Z][\w:-]*|/|!)")
EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)
REQUIRED = _l("Fill this in before you submit the application.")


class AlreadyApplied(Conflict):
    def __init__(self):
        super().__init__(_l("You have already applied to this call."))


@dataclass(frozen=True)
class ApplicationAnswers:
    project_name: str
    description: str = ""
    stage: ProjectStage | None = None
    sector: str = ""
    team_size: int | None = None
    website: str = ""
    expectations: str = ""


@dataclass(frozen=True)
class Upload:
    """A file as it was sent: its bytes (the name it came with is never used)."""

    data: bytes


def get_own_application(session: Session, application_id: int, user_id: int) -> Application:
    """The one access rule for an applicant's application: anyone else's is not found."""
    return get_owned(
        session, Application, application_id, user_id, _l("We could not find that application.")
    )


def own_application(session: Session, offering_id: int, user_id: int) -> Application | None:
    return session.scalar(
        select(Application).where(
            Application.offering_id == offering_id, Application.user_id == user_id
        )
    )


def own_applications(session: Session, user_id: int) -> list[Application]:
    return list(
        session.scalars(
            select(Application)
            .where(Application.user_id == user_id)
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
    )


def is_pdf(data: bytes) -> bool:
    """A PDF by its structure: the header first, at least one object, the end-of-file mark
    in the last kilobyte (renaming an image or a web page to .pdf gives none of these)."""
    return (
        re.match(rb"%PDF-[12]\.\d", data[:16]) is not None
        and re.search(rb"\d+\s+\d+\s+obj\b", data) is not None
        and b"%%EOF" in data[-1024:]
    )


def check_pitch_deck(upload: Upload) -> None:
    limit = current_app.config["PITCH_DECK_MAX_BYTES"]
    if not upload.data:
        raise DomainError(_l("The file is empty."), "pitch_deck")
    if len(upload.data) > limit:
        raise DomainError(
            _l("The pitch deck may be at most %(size)s MB.", size=limit // (1024 * 1024)),
            "pitch_deck",
            status_code=413,
        )
    if not is_pdf(upload.data):
        raise DomainError(
            _l("The pitch deck must be a PDF file. This file is not a PDF, whatever its name."),
            "pitch_deck",
        )


def _problems(answers: ApplicationAnswers, complete: bool) -> list[tuple[str, object]]:
    problems = []
    for name in ("project_name", "description", "sector", "expectations"):
        if MARKUP.search(getattr(answers, name) or ""):
            problems.append((name, _l("Write plain text, without HTML tags.")))
    if complete:
        for name in ("description", "stage", "sector", "team_size", "expectations"):
            value = getattr(answers, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                problems.append((name, REQUIRED))
    return problems


def _fill(application: Application, answers: ApplicationAnswers) -> None:
    application.project_name = answers.project_name
    application.description = answers.description or None
    application.stage = answers.stage
    application.sector = answers.sector or None
    application.team_size = answers.team_size
    application.website = answers.website or None
    application.expectations = answers.expectations or None


def save_application(
    session: Session,
    *,
    offering: Offering,
    user: User,
    answers: ApplicationAnswers,
    now: datetime,
    submit: bool,
    pitch_deck: Upload | None = None,
    remove_pitch_deck: bool = False,
    application: Application | None = None,
) -> Application:
    """Start (``application`` None) or change the person's application to ``offering``:
    kept as a draft, or submitted. Refused after the deadline, or once it is decided."""
    check_call_open(offering, now)
    if application is None:
        if own_application(session, offering.id, user.id) is not None:
            raise AlreadyApplied()
    elif application.status not in EDITABLE:
        raise Conflict(_l("This application can no longer be changed."))
    # A submitted application stays complete, whichever button sent the change.
    complete = submit or (application is not None and application.status != ApplicationStatus.DRAFT)
    if complete:
        places.check_person(offering, user, now)
    problems, status = _problems(answers, complete), DomainError.status_code
    if pitch_deck is not None:
        try:
            check_pitch_deck(pitch_deck)
        except DomainError as error:  # said at its field with the others, with its status
            problems.extend(error.problems)
            status = error.status_code
    if problems:
        raise DomainError(problems=problems, status_code=status)

    if application is None:
        application = Application(
            offering=offering, user=user, status=ApplicationStatus.DRAFT, created_at=now
        )
        session.add(application)
    _fill(application, answers)
    application.updated_at = now
    try:
        session.flush()
    except IntegrityError as error:
        raise AlreadyApplied() from error
    if submit and application.status == ApplicationStatus.DRAFT:
        transition(
            session,
            application,
            ApplicationStatus.SUBMITTED,
            now,
            user.id,
            "submitted",
            submitted_at=now,
            municipality_id=user.municipality_id,
        )
    old_key = application.pitch_deck_key
    if pitch_deck is not None or remove_pitch_deck:
        # Last: nothing above can refuse any more, so no file is stored for a refusal.
        application.pitch_deck_key = (
            storage.store(session, pitch_deck.data, PDF) if pitch_deck is not None else None
        )
        application.pitch_deck_size = len(pitch_deck.data) if pitch_deck is not None else None
        if old_key:
            storage.delete_after_commit(session, old_key)
    session.flush()
    return application


def application_of_place(session: Session, enrolment: Enrolment) -> Application | None:
    """The application a participant's place came from, if it came from one."""
    return session.scalar(select(Application).where(Application.enrolment_id == enrolment.id))


def give_up_place(
    session: Session, enrolment: Enrolment, *, now: datetime, actor_id: int | None
) -> bool:
    """A place that came from an application is given up by withdrawing the application,
    so its seat goes to the reserve list; False for any other place."""
    application = application_of_place(session, enrolment)
    if application is None:
        return False
    withdraw(session, application, now=now, actor_id=actor_id)
    return True


def pitch_deck(application: Application) -> bytes:
    if not application.pitch_deck_key:
        raise NotFound(_l("This application has no pitch deck."))
    try:
        return storage.storage().read(application.pitch_deck_key)
    except storage.StoredFileMissing as error:
        raise NotFound(_l("This application has no pitch deck.")) from error


def withdraw(
    session: Session, application: Application, *, now: datetime, actor_id: int | None
) -> list[Application]:
    """Withdraw at any time. A place it held (offered, confirmed, or a pending acceptance)
    goes to the first on the reserve list, who is told. Returns who was offered it."""
    while True:
        if application.status.is_closed:
            raise EnrolmentGone(_l("This application is already closed."))
        held = application.holds_seat
        if held:
            places.lock_offering(session, application.offering_id)
            session.refresh(application)
            held = application.holds_seat
        was_confirmed = application.status == ApplicationStatus.CONFIRMED
        if transition(
            session,
            application,
            ApplicationStatus.WITHDRAWN,
            now,
            actor_id,
            "withdrawn",
            pending_decision=None,
            pending_message=None,
        ):
            break
    if was_confirmed and application.enrolment is not None:
        places.transition(
            session,
            application.enrolment,
            EnrolmentStatus.CANCELLED,
            now,
            actor_id,
            "application-withdrawn",
        )
    session.flush()
    if not held:
        return []
    return free_place(session, application.offering_id, now=now, actor_id=actor_id)


def confirm_place(
    session: Session, application: Application, *, now: datetime, actor_id: int | None
) -> Application:
    """The accepted applicant takes the place: they become a participant of the programme
    (attendance, completion, exports), on the seat their acceptance already holds."""
    if application.status != ApplicationStatus.ACCEPTED:
        raise Conflict(_l("There is no offered place to confirm in this application."))
    if application.confirm_by is not None and now > application.confirm_by:
        raise DomainError(
            _l("The date to confirm this place has passed."),
            status_code=410,
        )
    if not transition(
        session,
        application,
        ApplicationStatus.CONFIRMED,
        now,
        actor_id,
        "confirmed",
        confirmed_at=now,
    ):
        raise Conflict(_l("There is no offered place to confirm in this application."))
    enrolment = Enrolment(
        offering_id=application.offering_id,
        user_id=application.user_id,
        status=EnrolmentStatus.CONFIRMED,
        created_at=now,
        updated_at=now,
    )
    enrolment.events.append(
        EnrolmentEvent(
            status=EnrolmentStatus.CONFIRMED, at=now, actor_id=actor_id, reason="applied"
        )
    )
    session.add(enrolment)
    session.flush()
    indicators.place_confirmed(session, enrolment.offering_id, enrolment.user_id, waited=False)
    application.enrolment_id = enrolment.id
    session.flush()
    places.notify(session, enrolment, "enrolment_confirmed")
    return application
