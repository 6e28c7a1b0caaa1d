"""Searches that found nothing, counted in the worker and written in batches.

The talent observatory counts how often each search found nothing, never who searched.
Written at every such search, that was a write transaction per request (on SQLite, one
writer at a time for the whole site). Each worker adds them up in memory instead and writes
what it gathered (one upsert per search, added to what other workers and hosts wrote, and
its indicator deltas) once ``SEARCH_MISS_BATCH`` searches have gathered or
``SEARCH_MISS_SECONDS`` have passed since its last write, and when the worker exits. The
batch is written by a thread of its own, so the visitor whose search completed it waits
for nothing. A worker killed outright loses what it had not written yet, at most one batch.
"""

import atexit
import logging
import threading
import time
from collections import Counter

from flask import current_app
from sqlalchemy.orm import Session

from app.extensions import db
from app.services import indicators

log = logging.getLogger(__name__)


class _Gathered:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter[tuple[int, tuple[str, ...]]] = Counter()
        self.since = time.monotonic()
        self.app = None
        self.writer: threading.Thread | None = None


_gathered = _Gathered()


def count(words: tuple[str, ...], year: int) -> None:
    """One search that found nothing (its normalised words) in ``year``; written now if the
    batch is due."""
    app = current_app._get_current_object()
    with _gathered.lock:
        if _gathered.app is None:
            _gathered.app = app
            atexit.register(_at_exit)
        _gathered.counts[(year, tuple(words))] += 1
        due = (
            sum(_gathered.counts.values()) >= app.config["SEARCH_MISS_BATCH"]
            or time.monotonic() - _gathered.since >= app.config["SEARCH_MISS_SECONDS"]
        )
        if due and (_gathered.writer is None or not _gathered.writer.is_alive()):
            # One writer at a time: what gathers meanwhile goes with the next batch.
            _gathered.writer = threading.Thread(target=flush, name="search-misses", daemon=True)
            _gathered.writer.start()


def wait() -> None:
    """Until the batch being written, if any, is written."""
    writer = _gathered.writer
    if writer is not None:
        writer.join()


def _at_exit() -> None:
    wait()
    flush()


def flush() -> None:
    """Write what this worker gathered, in a transaction of its own (sorted, so two
    workers writing the same searches never wait for each other in a circle)."""
    with _gathered.lock:
        counts, _gathered.counts = _gathered.counts, Counter()
        _gathered.since = time.monotonic()
        app = _gathered.app
    if not counts or app is None:
        return
    try:
        with app.app_context(), Session(db.engine) as session:
            for (year, words), times in sorted(counts.items()):
                indicators.search_found_nothing(session, list(words), year, times=times)
            session.commit()
    except Exception:
        log.exception("searches that found nothing not written; kept for the next batch")
        with _gathered.lock:
            _gathered.counts.update(counts)
