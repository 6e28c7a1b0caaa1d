"""Starting and stopping real servers on loopback ports for a test, always bounded in time."""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from app.config import REQUIRED_OPERATOR_SETTINGS
from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SECRET = secrets.token_urlsafe(48)

# Production refuses to start without saying who runs the site.
OPERATOR = {
    name: f"Test operator {name.lower()}" if not name.endswith("_EMAIL") else "ops@example.org"
    for name in REQUIRED_OPERATOR_SETTINGS
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (loopback)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def redis_server():
    """A throwaway redis-server on a free loopback port, keeping nothing on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def gunicorn(database_url: str, *, workers: int = 1, threads: int = 4, **environment):
    """The site under gunicorn as production runs it (production checks on, a real secret),
    on a free loopback port; yields (base URL, the master's process)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "MOT_ENV": "production",
        "SECRET_KEY": SECRET,
        "SITE_URL": base,
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "MAIL_BACKEND": "console",
        **OPERATOR,
        **environment,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        try:
            wait_for(f"{base}/health")
        except Exception as error:
            process.kill()
            raise RuntimeError(process.communicate(timeout=10)[1].decode()[-3000:]) from error
        yield base, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


class Browser:
    """A visitor with a cookie jar, following no redirects (the answer is what is checked)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), self._NoRedirect()
        )

    def request(self, path: str, data: dict | None = None, timeout: float = 30):
        body = urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_form(self, path: str, data: dict, form_page: str | None = None):
        """GET the page with the form (for its CSRF token), then POST it."""
        status, html = self.request(form_page or path)
        match = CSRF.search(html)
        if match is None:
            raise AssertionError(f"no form at {form_page or path}: {status}")
        return self.request(path, {"csrf_token": match.group(1), **data})
