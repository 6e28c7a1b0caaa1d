"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be set from the environment, so one file serves every host.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Processes, not threads: a page is Python work under one interpreter lock, so threads of a
# worker only queue for it (bench/RESULTS.md: with 1 thread per worker every warm page went
# faster and its p99 came within 3x its p50), and every worker SIGSEGV the benchmark caught
# was a worker running 4 threads (none in runs with 1). gunicorn's rule: 2 per core, plus 1,
# counting the cores this process may run on (not the host's, which a container may not have;
# where a CPU quota is set, set GUNICORN_WORKERS to match it).
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * len(os.sched_getaffinity(0)) + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (a deploy) requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Workers are replaced now and then, so a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The proxy in front (see README) is the only client; headers it sets are trusted there.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No preload_app: each worker imports wsgi.py (and readies itself) after the fork, so no two
# workers ever share a database connection.
