"""The demo offer, read from the TOML files beside this module (calls for applications:
app/demo/calls.py).

Organisations are upserted by name; offerings are written as rows of the import contract
and go through the importer, so the demo takes the same path as a municipality's
spreadsheet. Dates are days from the day it runs. Places are taken by demo residents
through the enrolment service, so the count of seats taken, the participant list and the
public page always agree. Running it again updates the same rows and adds nobody twice.
"""

import csv
import io
import tomllib
from datetime import UTC, date, datetime, timedelta
from itertools import cycle
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo import calls
from app.demo.classes import seed_classes
from app.localtime import MADRID
from app.models import (
    EducationLevel,
    EmploymentStatus,
    Enrolment,
    Gender,
    Mode,
    Municipality,
    Offering,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from app.services import enrolment, indicators
from app.services.accounts.profile import ProfileAnswers, save_profile
from app.services.errors import DomainError
from app.services.imports import COLUMN_NAMES, ImportResult, import_offerings
from app.services.reference import ensure_reference_data

DATA = Path(__file__).parent


def load(name: str) -> dict:
    with (DATA / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


class DemoDataError(RuntimeError):
    """The demo data broke the import contract: a bug in the data files, not bad input."""


def _sessions(today: date, offering: dict) -> str:
    hour, minute = map(int, offering["at"].split(":"))
    end = f"{hour + offering['hours']:02d}:{minute:02d}"
    days = [
        today + timedelta(days=offering["start"] + number * offering["every"])
        for number in range(offering["count"])
    ]
    return ";".join(f"{day.isoformat()} {offering['at']}-{end}" for day in days)


def offerings() -> list[dict]:
    """Each offering of offerings.toml with the defaults filled in."""
    data = load("offerings")
    return [data["defaults"] | offering for offering in data["offering"]]


def rows(today: date) -> list[dict[str, str]]:
    """The demo offer as rows of the import contract, dated relative to ``today``."""
    venues, notes = load("venues"), load("kind_notes")
    result = []
    for offering in offerings():
        venue = venues[offering["venue"]] if "venue" in offering else {}
        row = {column: str(offering.get(column, "")) for column in COLUMN_NAMES}
        for lang in ("es", "en"):
            if text := offering.get(f"description_{lang}"):
                row[f"description_{lang}"] = f"{text.strip()}\n\n{notes[offering['kind']][lang]}"
        closes = offering.get("closes")
        row |= {
            "venue": venue.get("name", ""),
            "address": venue.get("address", ""),
            "enrolment_opens": (today + timedelta(days=offering["opens"])).isoformat(),
            "enrolment_closes": ""
            if closes is None
            else (today + timedelta(days=closes)).isoformat(),
            "sessions": _sessions(today, offering),
        }
        result.append(row)
    return result


def _as_csv(table: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue().encode("utf-8")


def _upsert_organisations(session: Session) -> None:
    municipalities = {m.slug: m for m in session.scalars(select(Municipality))}
    known = {org.name.casefold(): org for org in session.scalars(select(Organisation))}
    for demo in load("organisations")["organisation"]:
        organisation = known.get(demo["name"].casefold())
        if organisation is None:
            organisation = Organisation(name=demo["name"])
            session.add(organisation)
        organisation.kind = OrganisationKind(demo["kind"])
        organisation.municipality = municipalities[demo["municipality"]]
        organisation.sector = demo["sector"]
        organisation.website = demo.get("website")
        organisation.member_since = demo.get("member_since")
        organisation.is_member = organisation.member_since is not None
    session.flush()


def _residents(session: Session, now: datetime) -> list[User]:
    """The demo residents of residents.toml: made once, found again by email."""
    data = load("residents")
    municipalities = cycle(data["municipalities"])
    slugs = {m.slug: m for m in session.scalars(select(Municipality))}
    answers = zip(
        cycle(data["birth_years"]),
        cycle(Gender(value) for value in data["genders"]),
        cycle(EmploymentStatus(value) for value in data["employment"]),
        cycle(EducationLevel(value) for value in data["education"]),
        strict=False,
    )
    residents = []
    first, last = data["first_names"], data["surnames"]
    for number in range(1, data["count"] + 1):
        name = f"{first[number % len(first)]} {last[number // len(first) % len(last)]}"
        email = f"demo.resident.{number:03d}@example.org"
        user = session.scalar(select(User).where(User.email == email))
        birth_year, gender, employment, education = next(answers)
        municipality = slugs[next(municipalities)]
        if user is None:
            language = "en" if number % 4 == 0 else "es"
            # No password: nobody can log in as a demo resident.
            user = User(email=email, name=name, password_hash=None, role=Role.RESIDENT)
            user.municipality, user.preferred_language = municipality, language
            user.created_at = user.email_confirmed_at = now
            session.add(user)
            session.flush()
            if number % data["without_profile_every"]:
                answer = ProfileAnswers(birth_year, None, gender, employment, education)
                save_profile(session, user.id, answer, now)
        residents.append(user)
    return residents


def _fill(session: Session, offering: Offering, demo: dict, residents: list[User], now) -> None:
    """Enrol residents until the share ``taken`` is confirmed and ``waiting`` more wait.

    They enrol as the window opens, so closed and past offerings have participants too;
    offerings not yet open, and those by application or class, keep their places free."""
    opens = offering.enrolment_opens
    if offering.mode != Mode.INDIVIDUAL or opens is None or opens > now:
        return
    places = round(offering.capacity * demo["taken"])
    wanted = places + (demo.get("waiting", 0) if places == offering.capacity else 0)
    enrolments = session.execute(
        select(Enrolment.user_id, Enrolment.status).where(Enrolment.offering_id == offering.id)
    ).all()
    enrolled = {user_id for user_id, _ in enrolments}
    have = sum(1 for _, status in enrolments if status.is_live)
    when = min(opens + timedelta(hours=1), now)
    for user in (user for user in residents if user.id not in enrolled):
        if have >= wanted:
            break
        try:
            enrolment.enrol(session, offering_id=offering.id, user_id=user.id, now=when)
        except DomainError:  # too young, too old: the next resident may fit
            continue
        have += 1


def seed_demo(session: Session, today: date | None = None) -> ImportResult:
    """Organisations, offerings, residents' places and schools' classes of the demo;
    flushes, never commits."""
    now = datetime.now(UTC)
    today = today or now.astimezone(MADRID).date()
    ensure_reference_data(session)
    _upsert_organisations(session)
    result = import_offerings(session, _as_csv(rows(today)), source="seed-demo")
    if not result.ok:
        with force_locale("en"):
            raise DemoDataError("; ".join(error.describe() for error in result.errors))
    residents = _residents(session, now)
    demos = {demo["external_id"]: demo for demo in offerings()}
    for offering in result.offerings:
        _fill(session, offering, demos[offering.external_id], residents, now)
    seed_classes(session, load("schools"), now)
    for call in load("applications")["call"]:
        offering = session.scalar(select(Offering).where(Offering.external_id == call["offering"]))
        calls.seed_call(session, offering, call, residents, now)
    # The feed counted every participation above; the offer and the map are counted here.
    this_year = now.astimezone(MADRID).year
    for year in (this_year - 1, this_year):
        if not indicators.is_frozen(session, year):
            indicators.rebuild(session, year, now=now)
    session.flush()
    return result
