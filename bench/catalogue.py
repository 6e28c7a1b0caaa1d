"""Catalogue throughput and latency on 10,000 offerings, next to a constant Flask route.

python -m bench.catalogue [--offerings 10000] [--requests 400] [--concurrency 8]
"""

import argparse
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PORT = 5099

TOPICS = [
    ("Programación en Python", "Python programming", "python|programación"),
    ("Ciberseguridad para pymes", "Cybersecurity for small businesses", "ciberseguridad|redes"),
    ("Análisis de datos", "Data analysis", "datos|sql|excel"),
    ("Robótica educativa", "Educational robotics", "robótica|stem"),
    ("Desarrollo web", "Web development", "html|css|javascript"),
    ("Inteligencia artificial aplicada", "Applied artificial intelligence", "ia|machine learning"),
    ("Marketing digital", "Digital marketing", "marketing|redes sociales"),
    ("Computación en la nube", "Cloud computing", "cloud|devops"),
    ("Diseño de videojuegos", "Video game design", "videojuegos|diseño"),
    ("Emprendimiento digital", "Digital entrepreneurship", "emprendimiento|startups"),
]
LEVELS = [("básico", "beginners"), ("intermedio", "intermediate"), ("avanzado", "advanced")]


def seed(offerings: int) -> None:
    from app.extensions import db
    from app.models import (
        Audience,
        Format,
        InstructionLanguage,
        Kind,
        Mode,
        Municipality,
        Offering,
        OfferingAudience,
        OfferingLanguage,
        OfferingSession,
        OfferingStatus,
        Organisation,
        OrganisationKind,
        Programme,
    )
    from app.services.catalogue import search
    from app.services.reference import ensure_reference_data

    rng = random.Random(42)  # the same data every run
    ensure_reference_data(db.session)
    municipalities = db.session.scalars(db.select(Municipality)).all()
    programmes = db.session.scalars(db.select(Programme)).all()
    providers = [
        Organisation(name=f"Proveedor {n}", kind=OrganisationKind.TRAINING_PROVIDER)
        for n in range(30)
    ]
    db.session.add_all(providers)
    today = datetime.now(UTC).replace(hour=16, minute=0, second=0, microsecond=0)
    for number in range(offerings):
        title_es, title_en, skills = rng.choice(TOPICS)
        level_es, level_en = rng.choice(LEVELS)
        offering = Offering(
            external_id=f"BENCH-{number}",
            programme=rng.choice(programmes),
            kind=rng.choice(list(Kind)),
            mode=Mode.INDIVIDUAL,
            status=OfferingStatus.PUBLISHED,
            title_es=f"{title_es} nivel {level_es} {number}",
            title_en=f"{title_en} for {level_en} {number}",
            summary_es=f"Curso de {title_es.lower()} para personas de nivel {level_es}.",
            summary_en=f"A {title_en.lower()} course for {level_en}.",
            description_es=f"Aprende {title_es.lower()} con proyectos prácticos. " * 5,
            description_en=f"Learn {title_en.lower()} through practical projects. " * 5,
            format=rng.choice(list(Format)),
            venue="Centro de innovación",
            address="Calle Mayor 1",
            skills=skills,
            capacity=20,
            seats_taken=rng.randint(0, 20),
            provider=rng.choice(providers),
            municipality=rng.choice(municipalities),
            audience_rows=[OfferingAudience(audience=rng.choice(list(Audience)))],
            language_rows=[OfferingLanguage(language=InstructionLanguage.SPANISH)],
        )
        first = today + timedelta(days=rng.randint(1, 365))
        offering.sessions = [
            OfferingSession(
                starts_at=first + timedelta(weeks=w), ends_at=first + timedelta(weeks=w, hours=3)
            )
            for w in range(3)
        ]
        offering.starts_at, offering.ends_at = first, offering.sessions[-1].ends_at
        db.session.add(offering)
        search.index_offering(db.session, offering)
        if number % 500 == 499:
            db.session.commit()
    db.session.commit()


def prepare(database_url: str, offerings: int) -> None:
    os.environ["DATABASE_URL"] = database_url
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        if database_url.startswith("sqlite:///"):
            Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            db.drop_all()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        started = time.perf_counter()
        seed(offerings)
        print(f"seeded {offerings} offerings in {time.perf_counter() - started:.1f} s")


def fire(path: str, requests: int, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_worker = requests // concurrency

    def worker():
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for _ in range(per_worker):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += response.status != 200
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "errors": errors,
    }


def wait_until_up() -> None:
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            connection.request("GET", "/_bench/constant")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of the last run (no seeding)"
    )
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'instance' / 'bench.sqlite3'}"
    )
    args = parser.parse_args()
    (ROOT / "instance").mkdir(exist_ok=True)
    if not args.reuse:
        prepare(args.database_url, args.offerings)

    env = {**os.environ, "DATABASE_URL": args.database_url}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
            "bench.wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up()
        detail_id = args.offerings // 2 + 1
        routes = [
            ("constant", "/_bench/constant"),
            ("catalogue", "/es/offerings/"),
            ("search", "/es/offerings/?q=" + quote("programacion python")),
            ("filtered", "/es/offerings/?format=online&municipality=majadahonda&available=1"),
            ("detail", f"/es/offerings/{detail_id}"),
        ]
        for _, path in routes:  # warm up every worker's caches and connections
            fire(path, args.concurrency * 2, args.concurrency)
        results = {name: fire(path, args.requests, args.concurrency) for name, path in routes}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)

    floor = results["constant"]["rps"]
    print(
        f"\n{args.offerings} offerings, {args.requests} requests per route, "
        f"concurrency {args.concurrency}, gunicorn {args.workers} workers x 4 threads, "
        f"{args.database_url.split(':')[0]}"
    )
    print(
        f"{'route':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs constant':>12} {'errors':>7}"
    )
    for name, figures in results.items():
        print(
            f"{name:<10} {figures['rps']:8.1f} {figures['p50']:8.1f} {figures['p99']:8.1f} "
            f"{figures['rps'] / floor:12.2f} {figures['errors']:7d}"
        )


if __name__ == "__main__":
    main()
