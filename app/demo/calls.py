"""The demo's calls for applications (applications.toml): criteria, reviewers, demo
residents' applications and reviews, and for one call its decisions sent, a confirmed
place and a reserve list. Everything goes through services.applications, as on the site;
a call that already has applications is left as it is."""

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.models import (
    Application,
    CallReviewer,
    Decision,
    Offering,
    ProjectStage,
    Role,
    User,
)
from app.services import applications


def _reviewer(session: Session, offering: Offering, number: int, name: str, now) -> User:
    email = f"demo.reviewer.{offering.external_id.lower()}.{number}@example.org"
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        # No password: nobody can log in as a demo reviewer.
        user = User(email=email, name=name, password_hash=None, role=Role.ORGANISATION_STAFF)
        user.organisation_id = offering.provider_id
        user.created_at = user.email_confirmed_at = now
        session.add(user)
        session.flush()
    if session.get(CallReviewer, (offering.id, user.id)) is None:
        session.add(CallReviewer(offering_id=offering.id, user_id=user.id, added_at=now))
    return user


def _answers(demo: dict) -> applications.ApplicationAnswers:
    return applications.ApplicationAnswers(
        project_name=demo["project_name"],
        description=demo.get("description", ""),
        stage=ProjectStage(demo["stage"]) if "stage" in demo else None,
        sector=demo.get("sector", ""),
        team_size=demo.get("team_size"),
        website=demo.get("website", ""),
        expectations=demo.get("expectations", ""),
    )


def _review(session, application, reviewers, demo, now) -> None:
    criteria = applications.criteria(session, application.offering_id)
    for reviewer, given in zip(reviewers, demo.get("scores", []), strict=False):
        if given == "conflict":
            applications.declare_conflict(session, application, reviewer, comment="", now=now)
        else:
            scores = {c.id: value for c, value in zip(criteria, given, strict=True)}
            applications.score(session, application, reviewer, scores=scores, comment="", now=now)


def seed_call(session: Session, offering: Offering, call: dict, residents, now: datetime):
    if session.scalar(select(exists().where(Application.offering_id == offering.id))):
        return
    reviewers = [
        _reviewer(session, offering, number, name, now)
        for number, name in enumerate(call["reviewers"], start=1)
    ]
    for position, criterion in enumerate(call["criterion"]):
        answers = applications.CriterionAnswers(
            name_es=criterion["name_es"],
            name_en=criterion.get("name_en"),
            description_es=criterion.get("description_es"),
            description_en=criterion.get("description_en"),
            weight=criterion["weight"],
            scale_max=criterion["scale_max"],
            position=position,
        )
        # Defined before the call opened, as staff must.
        applications.save_criterion(
            session,
            offering,
            answers,
            actor_id=reviewers[0].id,
            now=offering.enrolment_opens - timedelta(days=1),
        )
    # Sent while the call was open, as the applicants did.
    sent_at = min(offering.enrolment_opens + timedelta(hours=1), now)
    made = []
    for demo in call["application"]:
        application = applications.save_application(
            session,
            offering=offering,
            user=residents[demo["resident"] - 1],
            answers=_answers(demo),
            now=sent_at,
            submit=not demo.get("draft", False),
        )
        if not demo.get("draft", False):
            _review(session, application, reviewers, demo, now)
        made.append((application, demo))
    if not call.get("decide"):
        return
    for application, demo in made:
        if "decision" in demo:
            applications.set_decision(
                session,
                application,
                Decision(demo["decision"]),
                message=demo.get("message", ""),
                actor_id=reviewers[0].id,
            )
    applications.send_decisions(session, offering, actor_id=reviewers[0].id, now=now)
    for application, demo in made:
        if demo.get("confirmed"):
            applications.confirm_place(session, application, now=now, actor_id=application.user_id)
