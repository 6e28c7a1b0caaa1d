"""How long `indicators rebuild` takes for a year of 10,000, 100,000 and 1,000,000 enrolments.

`MOT_ENV=development pg_virtualenv -t -v 15 .venv/bin/python -m bench.indicators [--sizes
10000 100000 1000000]` empties the database named by DATABASE_URL (default: the cluster of
the PG* variables), migrates it, and for each size writes with SQL alone (generate_series) a
year of that many enrolments: one offering per 200 of them over every programme, kind and
municipality, a person per three enrolments (half with a profile), a confirmed event for
each place, a waiting one first for one in ten, attendance for one in two and completion for
one in three, and the participants' yearly rows the feed writes (``--without-snapshots``:
not, as for facts from before the store). It then times the rebuild of that year (the first,
which writes every figure, and a second, which finds nothing to change) and checks the total
of enrolments.
"""

import argparse
import os
import time
from datetime import UTC, datetime

from sqlalchemy import select, text

SIZES = (10_000, 100_000, 1_000_000)
LIMIT_SECONDS = {1_000_000: 10.0}

FACTS = [
    # People: a third of the enrolments, half of them with a profile.
    """INSERT INTO user_account (email, name, preferred_language, role, session_token,
         created_at, email_confirmed_at)
       SELECT 'bench' || i || '@example.org', 'Bench ' || i, 'es', 'resident', md5(i::text),
              now(), now()
       FROM generate_series(1, :people) AS i""",
    """INSERT INTO participant_profile (user_id, gender, age_band, employment_status,
         education_level, updated_at)
       SELECT id, (ARRAY['woman','man','non-binary','undisclosed'])[1 + id % 4],
              (ARRAY['16-24','25-34','35-44','45-54'])[1 + id % 4],
              (ARRAY['employed','unemployed','student'])[1 + id % 3],
              (ARRAY['secondary','university'])[1 + id % 2], now()
       FROM user_account WHERE id % 2 = 0""",
    # Places: enrolment i in offering i % offerings, for person i % people.
    # Every place was confirmed (some waited first: ids ending in 0), as the feed records.
    """INSERT INTO enrolment (offering_id, user_id, status, created_at, updated_at,
         completed_at, ever_confirmed, ever_waited)
       SELECT o.ids[1 + i % :offerings], u.ids[1 + i % :people],
              CASE WHEN i % 20 = 0 THEN 'cancelled' ELSE 'confirmed' END, now(), now(),
              CASE WHEN i % 3 = 0 THEN now() END, true, i % 10 = 0
       FROM generate_series(1, :enrolments) AS i,
            (SELECT array_agg(id ORDER BY id) AS ids FROM offering) AS o,
            (SELECT array_agg(id ORDER BY id) AS ids FROM user_account) AS u""",
    """INSERT INTO enrolment_event (enrolment_id, status, at, reason)
       SELECT id, 'waiting', now(), 'enrolled' FROM enrolment WHERE id % 10 = 0""",
    """INSERT INTO enrolment_event (enrolment_id, status, at, reason)
       SELECT id, 'confirmed', now(), 'enrolled' FROM enrolment""",
    """INSERT INTO attendance (enrolment_id, session_id, present, marked_at)
       SELECT e.id, s.id, e.id % 4 <> 0, now()
       FROM enrolment e JOIN session s ON s.offering_id = e.offering_id
       WHERE e.id % 2 = 0""",
]


def make_app():
    from app import create_app

    url = os.environ.get("DATABASE_URL") or "postgresql+psycopg://"
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})


def reset(db) -> None:
    from flask_migrate import upgrade

    db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.session.commit()
    upgrade()


def seed(db, enrolments: int, *, snapshots: bool) -> int:
    """The facts of a year; returns the year."""
    from app.models import Kind, Programme
    from app.services.indicators import year_of
    from app.services.reference import ensure_reference_data
    from tests.factories import make_offering, make_organisation

    session = db.session
    ensure_reference_data(session)
    provider = make_organisation(session, name="Bench provider")
    programmes = list(session.scalars(select(Programme.slug).order_by(Programme.id)))
    municipalities = ("las-rozas", "boadilla-del-monte", "majadahonda")
    offerings = max(10, enrolments // 200)
    kinds = list(Kind)
    for number in range(offerings):
        offering = make_offering(
            session,
            provider=provider,
            programme_slug=programmes[number % len(programmes)] if programmes else "bootcamps",
            municipality_slug=municipalities[number % 3],
            kind=kinds[number % len(kinds)],
            capacity=250,
            sessions=2,
        )
    session.flush()
    people = max(1, enrolments // 3)
    for statement in FACTS:
        session.execute(
            text(statement),
            {"people": people, "offerings": offerings, "enrolments": enrolments},
        )
    year = year_of(offering.starts_at)
    if snapshots:
        # The participants' yearly rows the feed writes at each first participation.
        from app.services.indicators.compute import record_missing_participants

        record_missing_participants(session, year)
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    return year


def timed_rebuild(db, year: int) -> tuple[float, int]:
    from app.services import indicators

    start = time.perf_counter()
    laps = []
    changes = indicators.rebuild(
        db.session,
        year,
        now=datetime.now(UTC),
        progress=lambda group: laps.append(f"{group} {time.perf_counter() - start:.2f}"),
    )
    if os.environ.get("BENCH_LAPS"):
        print("   ", ", ".join(laps))
    db.session.commit()
    return time.perf_counter() - start, len(changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--without-snapshots",
        action="store_true",
        help="facts from before the store: the first rebuild also writes every participant's "
        "yearly row (the feed writes them one by one in normal use)",
    )
    args = parser.parse_args()
    app = make_app()
    from app.extensions import db
    from app.services.indicators.store import stored_values

    print(f"{'enrolments':>11} {'seed s':>8} {'rebuild s':>10} {'figures':>8} {'again s':>8}")
    with app.app_context():
        for size in args.sizes:
            reset(db)
            start = time.perf_counter()
            year = seed(db, size, snapshots=not args.without_snapshots)
            seeded = time.perf_counter() - start
            first, changed = timed_rebuild(db, year)
            again, unchanged = timed_rebuild(db, year)
            assert unchanged == 0, "a second rebuild changed figures"
            assert stored_values(db.session, year)[("enrolments", "", "")] == size
            print(f"{size:>11,} {seeded:>8.1f} {first:>10.2f} {changed:>8} {again:>8.2f}")
            limit = LIMIT_SECONDS.get(size)
            if limit is not None and first > limit:
                raise SystemExit(f"rebuild of {size:,} enrolments took {first:.1f} s > {limit} s")


if __name__ == "__main__":
    main()
