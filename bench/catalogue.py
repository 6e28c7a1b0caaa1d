"""Catalogue throughput and latency at 1,000 / 10,000 / 100,000 offerings, next to a
constant Flask route, under gunicorn, on SQLite or PostgreSQL.

python -m bench.catalogue [--sizes 1000 10000 100000] [--requests 400] [--concurrency 8]
    [--queries 240] [--database-url postgresql+psycopg://...]

Searches, filtered lists and offering pages cycle through --queries different generated
requests (typos and filter words among them), so no single cached answer carries the
figures. Each is measured twice: "cold", the first visit of every request since the server
started (what a change of the offer costs), and "warm", the same requests again. Last,
a resident made for the run enrols in --queries different offerings.
"""

import argparse
import http.client
import itertools
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import click

ROOT = Path(__file__).resolve().parent.parent
PORT = 5099
EMAIL = "bench@example.org"
PASSWORD = "bench-password-long-enough-1"  # noqa: S105 (a throwaway account)
# What Chromium and Firefox ask for: anonymous pages come gzip-compressed (the client reads
# the bytes as they come, as a browser's network stack does before it decompresses).
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"

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
    ("Impresión 3D", "3D printing", "impresión|fabricación"),
    ("Ofimática para el empleo", "Office software for work", "excel|word"),
    ("Programación de aplicaciones móviles", "Mobile app development", "android|kotlin"),
    ("Blockchain y finanzas", "Blockchain and finance", "blockchain|fintech"),
    ("Electrónica con Arduino", "Electronics with Arduino", "arduino|electrónica"),
]
LEVELS = [("básico", "beginners"), ("intermedio", "intermediate"), ("avanzado", "advanced")]
PLACES = ["Centro de innovación", "Biblioteca municipal", "Casa de la juventud", "Vivero"]
# What people type about each topic, misspelt as people misspell it (one word in three).
SEARCH_WORDS = [
    ["python", "pyton", "programacion", "progamacion"],
    ["ciberseguridad", "ciberseguirdad", "redes", "pymes"],
    ["datos", "analisis", "sql", "excel"],
    ["robotica", "robotca", "educativa", "stem"],
    ["web", "desarrollo", "javascript", "html"],
    ["inteligencia", "artificial", "inteligencia artificial", "ia"],
    ["marketing", "marqueting", "digital", "redes sociales"],
    ["nube", "cloud", "devops", "computacion"],
    ["videojuegos", "videojuegso", "diseño", "game design"],
    ["emprendimiento", "emprendimineto", "startups", "entrepreneurship"],
    ["impresion", "3d", "fabricacion", "printing"],
    ["ofimatica", "word", "empleo", "office"],
    ["android", "kotlin", "aplicaciones moviles", "mobile"],
    ["blockchain", "blokchain", "fintech", "finanzas"],
    ["arduino", "arduino electronica", "electronica", "electronics"],
]
FILTERS = {
    "format": ["online", "in-person", "hybrid"],
    "municipality": ["las-rozas", "boadilla-del-monte", "majadahonda"],
    "audience": ["residents", "unemployed", "entrepreneurs", "students"],
    "kind": ["bootcamp", "workshop", "talk", "training-cycle"],
    "programme": ["bootcamps", "training-cycles", "science-week", "smart-schools"],
}
# Open data's lists are compared at equal length: a page costs about 0.1 ms more per
# offering it holds, and the generated filters' pages of 50 held 24.7 offerings on average
# at 1,000 offerings against 50 at 100,000, so the sizes measured different pages. Twenty a
# page, because at 1,000 offerings 384 combinations of filters fill a first page of 20
# and only 109 one of 50 (the API's default), fewer than the 200 different lists asked.
API_PAGE = 20
FILTER_WORDS = [
    "gratis",
    "free",
    "online",
    "presencial",
    "desempleados",
    "majadahonda",
    "boadilla",
    "las rozas",
    "emprendedores",
    "empresas",
    "",
]


def resident(email: str, now: datetime):
    """A resident's account the bench logs in to, with the bench's password."""
    from app.extensions import db
    from app.models import Role
    from app.services import accounts

    return accounts.create_user(
        db.session,
        email=email,
        name="Bench",
        password=PASSWORD,
        role=Role.RESIDENT,
        organisation_id=None,
        now=now,
    )


def seed(offerings: int) -> None:
    """Bulk inserts (Core), with the search terms the offerings service would write."""
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
        SearchTerm,
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
    resident(EMAIL, datetime.now(UTC))
    db.session.commit()
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.replace(hour=16, minute=0, second=0)
    batch: dict[str, list] = {"offering": [], "session": [], "audience": [], "language": []}
    terms: list[dict] = []

    def flush() -> None:
        for model, key in (
            (Offering, "offering"),
            (OfferingSession, "session"),
            (OfferingAudience, "audience"),
            (OfferingLanguage, "language"),
            (SearchTerm, None),
        ):
            rows = terms if key is None else batch[key]
            if rows:
                db.session.execute(db.insert(model), rows)
        for rows in batch.values():
            rows.clear()
        terms.clear()
        db.session.commit()

    with click.progressbar(range(1, offerings + 1), label=f"Seeding {offerings} offerings") as bar:
        for number in bar:
            title_es, title_en, skills = rng.choice(TOPICS)
            level_es, level_en = rng.choice(LEVELS)
            provider = rng.choice(providers)
            first = today + timedelta(days=rng.randint(-20, 365))
            weeks = rng.randint(1, 4)
            window = rng.random()
            opens = now + timedelta(days=rng.randint(1, 20)) if window < 0.1 else None
            closes = now - timedelta(days=1) if 0.1 <= window < 0.2 else None
            capacity = rng.choice([10, 15, 20, 25, 30])
            values = dict(
                id=number,
                external_id=f"BENCH-{number}",
                programme_id=rng.choice(programmes).id,
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
                venue=rng.choice(PLACES),
                address="Calle Mayor 1",
                skills=skills,
                capacity=capacity,
                seats_taken=rng.randint(0, capacity),
                price_cents=rng.choice([0, 0, 0, 0, 2500, 9000]),
                provider_id=provider.id,
                municipality_id=rng.choice(municipalities).id,
                enrolment_opens=opens,
                enrolment_closes=closes,
                starts_at=first,
                ends_at=first + timedelta(weeks=weeks - 1, hours=3),
                created_at=now,
                updated_at=now,
            )
            batch["offering"].append(values)
            batch["session"] += [
                {
                    "offering_id": number,
                    "starts_at": first + timedelta(weeks=w),
                    "ends_at": first + timedelta(weeks=w, hours=3),
                }
                for w in range(weeks)
            ]
            audiences = rng.sample(list(Audience), rng.randint(1, 2))
            batch["audience"] += [{"offering_id": number, "audience": a} for a in audiences]
            batch["language"].append(
                {"offering_id": number, "language": InstructionLanguage.SPANISH}
            )
            transient = Offering(**{k: v for k, v in values.items() if k != "id"})
            transient.provider = provider
            terms += [
                {"offering_id": number, "term": term, "weight": weight}
                for term, weight in search.terms_of(transient).items()
            ]
            if number % 1000 == 0:
                flush()
    flush()


def prepare(database_url: str, offerings: int) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        if database_url.startswith("sqlite:///"):
            path = Path(database_url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            # Everything, triggers' functions included, as a new database would be.
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
        upgrade()
        started = time.perf_counter()
        seed(offerings)
        if not database_url.startswith("sqlite"):
            with db.engine.begin() as connection:
                connection.exec_driver_sql(
                    "SELECT setval('offering_id_seq', (SELECT max(id) FROM offering))"
                )
                connection.exec_driver_sql("ANALYZE")
        else:
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        print(f"seeded {offerings} offerings in {time.perf_counter() - started:.1f} s")
        db.engine.dispose()


def queries(count: int, offerings: int, rng: random.Random) -> dict[str, list[str]]:
    """``count`` different paths per cycling route."""
    searches: set[str] = set()
    while len(searches) < count:
        words = rng.sample(rng.choice(SEARCH_WORDS), rng.randint(1, 2))
        extra = rng.choice(FILTER_WORDS)
        searches.add(" ".join([*words, extra]).strip())
    filtered: set[str] = set()
    while len(filtered) < count:
        chosen = rng.sample(sorted(FILTERS), rng.randint(1, 3))
        params = [(name, rng.choice(FILTERS[name])) for name in chosen]
        if rng.random() < 0.5:
            params.append(("available", "1"))
        if rng.random() < 0.3:
            params.append(("free", "1"))
        filtered.add(urlencode(sorted(params)))
    ids = rng.sample(range(1, offerings + 1), min(count, offerings))
    return {
        "search": [f"/es/offerings/?q={quote(text)}" for text in sorted(searches)],
        "filtered": [f"/es/offerings/?{query}" for query in sorted(filtered)],
        "detail": [f"/es/offerings/{number}" for number in ids],
    }


def local_app():
    """The app in this process, to ask the database measured before the server starts:
    a cache of its own, so nothing it reads is stored for the server."""
    from app import create_app

    return create_app({"CACHE_TYPE": "SimpleCache", "RATELIMIT_ENABLED": False})


def full_lists(count: int, rng: random.Random) -> list[str]:
    """``count`` open data lists of API_PAGE offerings, each a combination of filters whose
    first page is full in the database measured."""
    from app.extensions import db

    app = local_app()
    client = app.test_client()
    combinations = [
        [*zip(names, values, strict=True), *extra]
        for size in (1, 2, 3)
        for names in itertools.combinations(sorted(FILTERS), size)
        for values in itertools.product(*(FILTERS[name] for name in names))
        for extra in (
            [],
            [("available", "1")],
            [("free", "1")],
            [("available", "1"), ("free", "1")],
        )
    ]
    rng.shuffle(combinations)
    lists = []
    for params in combinations:
        query = urlencode(sorted(params))
        if client.get(f"/api/v1/offerings?per_page=1&{query}").json["total"] >= API_PAGE:
            lists.append(f"/api/v1/offerings?{query}&per_page={API_PAGE}")
            if len(lists) == count:
                break
    with app.app_context():
        db.engine.dispose()
    return lists


def _form_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def login_cookie(email: str = EMAIL) -> str:
    """Log a bench account in; the session cookie a signed-in visitor sends."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request("GET", "/es/auth/login")
    response = connection.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    body = urlencode({"csrf_token": _form_token(html), "email": email, "password": PASSWORD})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection.request("POST", "/es/auth/login", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"bench login failed: {response.status}")
    cookie = response.getheader("Set-Cookie", cookie).split(";")[0]
    # The page the login leads to shows its welcome message: a browser then holds the
    # session without it, as every later visit of a signed-in resident does.
    connection.request("GET", response.getheader("Location"), headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.getheader("Set-Cookie", cookie).split(";")[0]


def confirm_token(cookie: str, path: str) -> tuple[str, str]:
    """(cookie, CSRF token) of the confirm page at ``path``, as the resident's browser
    holds them when they press its button."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    html = response.read().decode()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"bench confirm page {path}: {response.status}")
    return response.getheader("Set-Cookie", cookie).split(";")[0], _form_token(html)


def open_places(count: int, rng: random.Random) -> tuple[str, list[str]]:
    """A new resident's account (one a run, so each run's enrolments are new ones) and the
    enrol pages of ``count`` offerings it may take a place in now (a place or a place on
    the waiting list), picked at random."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Mode, Offering, OfferingStatus
    from app.services.enrolment import check_eligibility
    from app.services.errors import DomainError

    with local_app().app_context():
        now = datetime.now(UTC)
        email = f"bench-{now:%Y%m%d%H%M%S%f}@example.org"
        user = resident(email, now)
        db.session.commit()
        candidates = db.session.scalars(
            select(Offering.id).where(
                Offering.status == OfferingStatus.PUBLISHED, Offering.mode == Mode.INDIVIDUAL
            )
        ).all()
        paths = []
        for offering_id in rng.sample(candidates, len(candidates)):
            try:
                check_eligibility(db.session.get(Offering, offering_id), user, now)
            except DomainError:
                continue
            paths.append(f"/es/offerings/{offering_id}/enrol")
            if len(paths) == count:
                break
        db.session.rollback()
        db.engine.dispose()
    return email, paths


def fire(
    paths: list[str],
    requests: int,
    concurrency: int,
    cookie: str | None = None,
    accept_encoding: str = BROWSER_ENCODINGS,
    form: dict | None = None,
) -> dict:
    """GET each of ``paths`` in turn from ``concurrency`` clients; with ``form``, POST it
    there as a browser sends a form, answered by a redirect (303 or 302) when it is done."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_worker = requests // concurrency
    headers = {"Cookie": cookie} if cookie else {}
    if accept_encoding:
        headers["Accept-Encoding"] = accept_encoding
    method, body, done = "GET", None, {200}
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        method, body, done = "POST", urlencode(form), {302, 303}

    def worker(offset: int):
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        for number in range(per_worker):
            path = paths[(offset + number * concurrency) % len(paths)]
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                errors += response.status not in done
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "errors": errors,
    }


def wait_until_up() -> None:
    for _ in range(1200):  # two minutes: a loaded machine starts workers slowly
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            connection.request("GET", "/_bench/constant")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def run(args, offerings: int) -> dict:
    # The database this process seeds and asks, and the server's.
    os.environ["DATABASE_URL"] = args.database_url
    if not args.reuse:
        prepare(args.database_url, offerings)
    rng = random.Random(7)
    cycling = queries(args.queries, offerings, rng)
    cycling["api"] = full_lists(args.queries, rng)
    newcomer, enrol = open_places(args.queries, rng)
    cache_dir = ROOT / "instance" / "bench-cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    env = {
        **os.environ,
        "CACHE_DIR": str(cache_dir),
        "RATELIMIT_ENABLED": "0",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_MAX_REQUESTS": "0",  # no worker restarts in the middle of a measure
        # A worker that crashes in C (one SIGSEGV seen at a start, not reproduced) leaves
        # the Python stack of every thread in the output.
        "PYTHONFAULTHANDLER": "1",
    }
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
            str(args.threads),
            "--log-level",
            "warning",
            "bench.wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    requests = max(args.requests, len(cycling["search"]))
    results = {}

    def measure(paths: list[str], count: int, cookie: str | None = None) -> dict:
        return fire(paths, count, args.concurrency, cookie, args.accept_encoding)

    try:
        wait_until_up()
        # Each worker connects and compiles its SQL once, as after any restart.
        measure(["/_bench/constant", "/es/offerings/"], args.concurrency * 4)
        results["constant"] = measure(["/_bench/constant"], requests)
        results["catalogue"] = measure(["/es/offerings/"], requests)
        for name, paths in cycling.items():
            results[f"{name} cold"] = measure(paths, len(paths))
            results[f"{name} warm"] = measure(paths, requests)
        cookie = login_cookie()
        results["signed-in catalogue"] = measure(["/es/offerings/"], requests, cookie)
        # Signed-in visitors without a place share offering pages: cold, then warm too.
        results["signed-in detail cold"] = measure(
            cycling["detail"], len(cycling["detail"]), cookie
        )
        results["signed-in detail warm"] = measure(cycling["detail"], requests, cookie)
        # Last, as its places change the offer the routes above read.
        cookie, token = confirm_token(login_cookie(newcomer), enrol[0])
        results["enrolment"] = fire(
            enrol, len(enrol), args.concurrency, cookie, "", form={"csrf_token": token}
        )
        results["constant again"] = measure(["/_bench/constant"], requests)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
    floor = statistics.mean([results["constant"]["rps"], results["constant again"]["rps"]])
    print(
        f"\n{offerings} offerings, {requests} requests per route ({args.queries} different "
        f"searches, filters and offering pages), concurrency {args.concurrency}, gunicorn "
        f"{args.workers} workers x {args.threads} threads, {args.database_url.split(':')[0]}, "
        f"Accept-Encoding {args.accept_encoding!r}"
    )
    print(f"{'route':<22} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'errors':>7}")
    for name, figures in results.items():
        figures["ratio"] = figures["rps"] / floor
        print(
            f"{name:<22} {figures['rps']:8.1f} {figures['p50']:8.1f} {figures['p99']:8.1f} "
            f"{figures['ratio']:6.2f} {figures['errors']:7d}"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    # gunicorn.conf.py's default; issue 13's first table was measured with 4.
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--accept-encoding",
        default=BROWSER_ENCODINGS,
        help="what the clients ask for (a browser's by default; '' for uncompressed pages)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of the last run (no seeding)"
    )
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'instance' / 'bench.sqlite3'}"
    )
    args = parser.parse_args()
    (ROOT / "instance").mkdir(exist_ok=True)
    runs = {size: run(args, size) for size in args.sizes}
    if len(runs) > 1:
        smallest, largest = min(runs), max(runs)
        print(f"\np50 at {largest} offerings / p50 at {smallest} (target at most 1.5)")
        for name in runs[smallest]:
            before, after = runs[smallest][name]["p50"], runs[largest][name]["p50"]
            print(f"{name:<22} {after / before:6.2f}")


if __name__ == "__main__":
    main()
