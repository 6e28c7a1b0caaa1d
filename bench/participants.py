"""Latency of an offering's participants page in the back office with 2,000 participants.

    .venv/bin/python -m bench.participants [--participants 2000] [--requests 200]
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench.participants

In-process, through Flask's test client as a logged-in staff member (no network, one
worker): what is measured is the page itself, its queries and its template. Reports p50/p99
per view of the list (first page, a later page of 200 rows, a search, the waiting list) and
the attendance form, which lists every confirmed participant on one page.
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def make_app(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    from app import create_app

    return create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})


def seed(app, participants: int) -> tuple[int, int, str]:
    """A fresh database: one offering, 3/4 of the people confirmed and 1/4 waiting."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, update
    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from app.models import Enrolment, EnrolmentStatus, Offering, Role, User
    from app.services.reference import ensure_reference_data
    from tests.factories import make_offering, make_organisation

    confirmed = participants * 3 // 4
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        ensure_reference_data(db.session)
        own = make_organisation(db.session)
        offering = make_offering(db.session, provider=own, capacity=confirmed, sessions=4)
        now = datetime.now(UTC)
        staff = User(
            email="staff@example.org",
            name="Staff",
            password_hash=generate_password_hash("bench password", method="pbkdf2:sha256:1000"),
            role=Role.ORGANISATION_STAFF,
            organisation=own,
            email_confirmed_at=now,
        )
        db.session.add(staff)
        db.session.flush()
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"person{n}@example.org",
                    "name": f"Persona {n:05d}",
                    "email_confirmed_at": now,
                }
                for n in range(participants)
            ],
        )
        ids = db.session.scalars(select(User.id).where(User.email.like("person%"))).all()
        db.session.execute(
            insert(Enrolment),
            [
                {
                    "offering_id": offering.id,
                    "user_id": user_id,
                    "status": (
                        EnrolmentStatus.CONFIRMED if n < confirmed else EnrolmentStatus.WAITING
                    ),
                    "created_at": now,
                }
                for n, user_id in enumerate(ids)
            ],
        )
        db.session.execute(
            update(Offering).where(Offering.id == offering.id).values(seats_taken=confirmed)
        )
        db.session.commit()
        return offering.id, offering.sessions[0].id, staff.email


def measure(client, url: str, requests: int) -> tuple[float, float]:
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        app = make_app(url)
        offering_id, session_id, email = seed(app, args.participants)
        client = app.test_client()
        client.post("/es/auth/login", data={"email": email, "password": "bench password"})
        base = f"/es/admin/offerings/{offering_id}"
        pages = {
            "list, first page (50 rows)": f"{base}/participants",
            "list, page 9 of 200 rows": f"{base}/participants?per_page=200&page=9",
            "list, search": f"{base}/participants?q=persona%2001",
            "list, waiting list": f"{base}/participants?status=waiting",
            "attendance form (every confirmed)": f"{base}/sessions/{session_id}/attendance",
        }
        print(f"{args.participants} participants, {args.requests} requests each")
        print(f"{'page':40} {'p50 ms':>8} {'p99 ms':>8}")
        for label, page in pages.items():
            client.get(page)  # warm the template cache
            p50, p99 = measure(client, page, args.requests)
            print(f"{label:40} {p50:8.1f} {p99:8.1f}")


if __name__ == "__main__":
    main()
