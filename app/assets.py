"""Static files with long cache lifetimes: every URL ``url_for`` builds for a static file
carries a digest of the file's content (``?v=...``), and a request that names the current
digest is answered as cacheable for a year and immutable. A new release changes the digest
of each file it changes, so browsers fetch exactly those again; a URL without the digest
(or with an old one) gets the default short lifetime."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request

YEAR = 365 * 24 * 3600


# Bounded: a page about a missing file (a 404 links to itself in the other language) asks
# for names anyone can make up.
@lru_cache(maxsize=512)
def _digest(path: str) -> str | None:
    # A file's content is fixed for the life of a release (a process never outlives it).
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except (OSError, ValueError):  # no such file; a name no file can have (a NUL byte)
        return None


def _folder(endpoint: str) -> str | None:
    blueprint = endpoint.rpartition(".")[0]
    if not blueprint:
        return current_app.static_folder
    owner = current_app.blueprints.get(blueprint)
    return owner.static_folder if owner is not None else None


def _is_static(endpoint: str | None) -> bool:
    return bool(endpoint) and (endpoint == "static" or endpoint.endswith(".static"))


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_digest(endpoint, values):
        if _is_static(endpoint) and "filename" in values and "v" not in values:
            folder = _folder(endpoint)
            digest = folder and _digest(str(Path(folder) / values["filename"]))
            if digest:
                values["v"] = digest

    @app.after_request
    def cache_for_a_year(response):
        if _is_static(request.endpoint) and response.status_code == 200:
            folder = _folder(request.endpoint)
            filename = (request.view_args or {}).get("filename", "")
            wanted = folder and _digest(str(Path(folder) / filename))
            if wanted and request.args.get("v") == wanted:
                response.cache_control.public = True
                response.cache_control.max_age = YEAR
                response.cache_control.immutable = True
        return response
