"""Enrolment under a rush: N would-be participants for a few places, all at once.

    MOT_ENV=development pg_virtualenv -t -v 15 .venv/bin/python -m bench.enrolment \
        [--people 1000] [--places 30] [--processes 16] [--cold]

Each worker process has its own connection and calls the real service (enrol, then commit),
as a gunicorn worker would per request, started as wsgi.py starts a worker (email templates
compiled, catalogues loaded). Each warms up on an offering of its own, as a worker that has
served requests is warm (``--cold``: without, so each first enrolment also connects and
compiles its SQL), and then all start the rush together from a barrier. Reports enrolments
per second over the rush itself, the latency distribution (the worst wait is what the last
person in the rush sees), and checks the outcome: exactly `places` confirmed, everyone else
waiting, no duplicates.
"""

import argparse
import multiprocessing
import os
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import make_url


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or "postgresql+psycopg://"


def make_app():
    from app import create_app

    return create_app({"RATELIMIT_ENABLED": False})


def prepare(people: int, places: int, processes: int) -> tuple[int, list[int], list[tuple]]:
    from flask_migrate import upgrade

    from app.extensions import db
    from app.models import User
    from app.services.reference import ensure_reference_data
    from tests.factories import make_offering

    app = make_app()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        ensure_reference_data(db.session)
        offering = make_offering(db.session, capacity=places, starts_in=timedelta(days=30))
        # Each process warms up on an offering of its own (one place, two people: both
        # emails' templates compiled, its connection made) before the rush starts.
        warm_ups = [make_offering(db.session, capacity=1) for _ in range(processes)]
        now = datetime.now(UTC)
        users = [
            User(
                email=f"person{n}@example.org",
                name=f"Person {n}",
                email_confirmed_at=now,
                preferred_language="es",
            )
            for n in range(people + 2 * processes)
        ]
        db.session.add_all(users)
        db.session.commit()
        ids = [user.id for user in users]
        warm = [
            (warm_up.id, ids[people + 2 * n : people + 2 * n + 2])
            for n, warm_up in enumerate(warm_ups)
        ]
        return offering.id, ids[:people], warm


_start = None  # each process's copy of the barrier they all start the rush from


def _join(barrier) -> None:
    global _start
    _start = barrier


def worker(args) -> tuple[list[float], float, float]:
    offering_id, user_ids, warm_up = args
    from app.extensions import db
    from app.models import utcnow
    from app.ops.warm import warm_up as ready_worker
    from app.services import enrolment

    app = make_app()
    ready_worker(app)  # as wsgi.py readies each gunicorn worker
    latencies = []
    with app.app_context():
        if warm_up is not None:
            warm_up_offering, people = warm_up
            for user_id in people:
                enrolment.enrol(
                    db.session, offering_id=warm_up_offering, user_id=user_id, now=utcnow()
                )
                db.session.commit()
        _start.wait()  # every process connected and warm before the rush
        first = time.perf_counter()
        for user_id in user_ids:
            started = time.perf_counter()
            enrolment.enrol(db.session, offering_id=offering_id, user_id=user_id, now=utcnow())
            db.session.commit()
            latencies.append(time.perf_counter() - started)
    return latencies, first, time.perf_counter()


def sample_activity(stop, samples) -> None:
    """Where the rush spends its time, seen from PostgreSQL every 10 ms: sessions waiting
    for a lock, running a statement, or inside a transaction between statements (Python
    work while the offering's row lock is held)."""
    import psycopg

    with psycopg.connect(autocommit=True) as connection:
        while not stop.is_set():
            rows = connection.execute(
                "SELECT state, wait_event_type FROM pg_stat_activity "
                "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            ).fetchall()
            samples.append(rows)
            stop.wait(0.01)


def report_activity(samples) -> None:
    if not samples:
        return
    waiting = statistics.mean(
        sum(1 for state, wait in rows if state == "active" and wait == "Lock") for rows in samples
    )
    running = statistics.mean(
        sum(1 for state, wait in rows if state == "active" and wait != "Lock") for rows in samples
    )
    between = statistics.mean(
        sum(1 for state, _ in rows if state == "idle in transaction") for rows in samples
    )
    print(
        f"sessions on average: {waiting:.1f} waiting for the lock, {running:.1f} running a "
        f"statement, {between:.1f} in a transaction between statements ({len(samples)} samples)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--places", type=int, default=30)
    parser.add_argument("--processes", type=int, default=16)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="No warm-up enrolments: each process's first one connects and compiles its SQL.",
    )
    args = parser.parse_args()
    # Before anything imports the app: its configuration reads DATABASE_URL once, at import.
    os.environ.setdefault("DATABASE_URL", database_url())
    offering_id, user_ids, warm = prepare(args.people, args.places, args.processes)

    chunks = [user_ids[n :: args.processes] for n in range(args.processes)]
    stop, samples = threading.Event(), []
    on_postgres = make_url(database_url()).get_backend_name() == "postgresql"
    sampler = threading.Thread(target=sample_activity, args=(stop, samples))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(args.processes + 1)
    with context.Pool(args.processes, initializer=_join, initargs=(barrier,)) as pool:
        results = pool.map_async(
            worker,
            [
                (offering_id, chunk, None if args.cold else warm_up)
                for chunk, warm_up in zip(chunks, warm, strict=True)
            ],
        )
        barrier.wait()
        if on_postgres:
            sampler.start()
        done = results.get()
    latencies = sorted(latency for chunk, _, _ in done for latency in chunk)
    # The rush itself: from the first process's start to the last one's end (the CLOCK_
    # MONOTONIC that perf_counter reads is one clock for every process of the machine).
    wall = max(end for _, _, end in done) - min(start for _, start, _ in done)
    stop.set()
    if on_postgres:
        sampler.join()

    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Enrolment, EnrolmentStatus, Offering

    with make_app().app_context():
        rush = Enrolment.offering_id == offering_id
        counts = dict(
            db.session.execute(
                select(Enrolment.status, func.count()).where(rush).group_by(Enrolment.status)
            ).all()
        )
        seats = db.session.get(Offering, offering_id).seats_taken
        distinct_people = db.session.scalar(
            select(func.count(func.distinct(Enrolment.user_id))).where(rush)
        )
    confirmed = counts.get(EnrolmentStatus.CONFIRMED, 0)
    waiting = counts.get(EnrolmentStatus.WAITING, 0)
    print(
        f"{args.people} people, {args.places} places, {args.processes} processes, "
        f"{make_url(database_url()).get_backend_name()}, {'cold' if args.cold else 'warm'}"
    )
    print(f"enrolments/s  {len(latencies) / wall:8.1f}")
    print(f"mean ms       {statistics.mean(latencies) * 1000:8.1f}")
    print(f"p50 ms        {statistics.median(latencies) * 1000:8.1f}")
    print(f"p99 ms        {latencies[int(len(latencies) * 0.99) - 1] * 1000:8.1f}")
    print(f"worst ms      {latencies[-1] * 1000:8.1f}")
    print(
        f"confirmed {confirmed}, waiting {waiting}, seats_taken {seats}, people {distinct_people}"
    )
    ok = confirmed == args.places == seats and waiting == args.people - args.places
    ok = ok and distinct_people == args.people
    report_activity(samples)
    print("outcome: correct" if ok else "outcome: WRONG")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
