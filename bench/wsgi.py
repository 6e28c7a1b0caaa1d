"""The production app, readied as each gunicorn worker readies it (``wsgi.py``), plus a
constant-response route: the floor every other route is compared to."""

from wsgi import app


@app.get("/_bench/constant")
def constant():
    return "ok"
