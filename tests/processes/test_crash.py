"""Workers killed mid-rush lose nothing: while hundreds of people enrol through gunicorn,
workers are killed with SIGKILL several times (the master starts new ones). Afterwards no
offering is over capacity, no seat is free while someone waits, every confirmed or waiting
place has its email in the outbox, and every enrolment answered with success is stored."""

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPException
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Enrolment, EnrolmentStatus, Offering, OutboxMessage, User
from tests.factories import DEFAULT_PASSWORD, make_offering, make_user
from tests.processes.servers import Browser, gunicorn

PEOPLE = 300
CAPACITIES = (30, 20, 10)
KILLS = 4
TRIES = 4  # a person whose request died with its worker tries again, as anyone would


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def kill_workers(master: int, stop: threading.Event, killed: list[int]) -> None:
    while len(killed) < KILLS and not stop.wait(0.6):
        workers = workers_of(master)
        if workers:
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])


RETRIED: list[str] = []


def attempt(step, *args):
    for _ in range(TRIES):
        try:
            return step(*args)
        except (OSError, HTTPException, AssertionError) as error:
            RETRIED.append(type(error).__name__)
            time.sleep(0.2)  # the worker died under this request: ask again
    return None


def enrol(base: str, email: str, offering_id: int) -> bool:
    person = Browser(base)
    logged_in = attempt(
        person.post_form, "/es/auth/login", {"email": email, "password": DEFAULT_PASSWORD}
    )
    if logged_in is None or logged_in[0] != 302:
        return False
    path = f"/es/offerings/{offering_id}/enrol"
    answer = attempt(person.post_form, path, {})
    return answer is not None and answer[0] == 302


def test_killed_workers_lose_no_enrolment(app):
    with app.app_context():
        offerings = [make_offering(db.session, capacity=size) for size in CAPACITIES]
        people = [make_user(db.session) for _ in range(PEOPLE)]
        db.session.commit()
        wanted = [
            (person.id, person.email, offerings[number % len(offerings)].id)
            for number, person in enumerate(people)
        ]
        db.session.remove()

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with gunicorn(url, workers=2, threads=4, RATELIMIT_ENABLED="0") as (base, master):
        stop, killed = threading.Event(), []
        killer = threading.Thread(target=kill_workers, args=(master.pid, stop, killed))
        killer.start()
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda row: enrol(base, row[1], row[2]), wanted, timeout=240))
        stop.set()
        killer.join(timeout=10)
        assert master.poll() is None, "the master went down"

    assert len(killed) == KILLS
    assert RETRIED, "no request was in flight when the workers died"
    succeeded = {
        (user_id, offering_id)
        for (user_id, _, offering_id), ok in zip(wanted, answers, strict=True)
        if ok
    }
    assert len(succeeded) > PEOPLE // 2
    with app.app_context():
        session = db.session
        live = session.execute(
            select(Enrolment.user_id, Enrolment.offering_id, Enrolment.status).where(
                Enrolment.status.in_((EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITING))
            )
        ).all()
        assert succeeded <= {(user_id, offering_id) for user_id, offering_id, _ in live}
        assert len(live) == len({(user_id, offering_id) for user_id, offering_id, _ in live})
        for offering in session.scalars(select(Offering)):
            confirmed = sum(
                1
                for _, offering_id, status in live
                if offering_id == offering.id and status == EnrolmentStatus.CONFIRMED
            )
            waiting = sum(
                1
                for _, offering_id, status in live
                if offering_id == offering.id and status == EnrolmentStatus.WAITING
            )
            assert offering.seats_taken == confirmed <= offering.capacity
            assert waiting == 0 or confirmed == offering.capacity
        told = set(
            session.execute(
                select(User.id, OutboxMessage.template).join(
                    OutboxMessage, OutboxMessage.to_address == User.email
                )
            ).all()
        )
        for user_id, _, status in live:
            template = {
                EnrolmentStatus.CONFIRMED: "enrolment_confirmed",
                EnrolmentStatus.WAITING: "enrolment_waiting",
            }[status]
            assert (user_id, template) in told
        assert session.scalar(select(func.count()).select_from(Enrolment)) == len(live)
