"""Absolute links to the public site, built from SITE_URL so they survive proxies and caches."""

from flask import current_app, g, url_for

from app.i18n import LANGUAGES

# An id no offering has: an offering's link is built once with it, then each id put in.
_ANY_ID = 987_654_321_012_345


def absolute_url(endpoint: str, **values) -> str:
    return current_app.config["SITE_URL"] + url_for(endpoint, **values)


def _offering_url(endpoint: str, offering_id: int, lang: str) -> str:
    """``absolute_url(endpoint, offering_id=offering_id, lang=lang)``, the URL map asked once
    a request per endpoint and language (fifty offerings' links cost 2.5 ms asked each)."""
    links = g.setdefault("offering_links", {})
    if (endpoint, lang) not in links:
        link = absolute_url(endpoint, offering_id=_ANY_ID, lang=lang)
        before, _, after = link.rpartition(str(_ANY_ID))
        links[endpoint, lang] = before, after
    before, after = links[endpoint, lang]
    return f"{before}{offering_id}{after}"


def offering_urls(offering_id: int, endpoint: str = "catalogue.detail") -> dict[str, str]:
    """The offering's page in each language (canonical, hreflang alternates, open data), or
    another of its links (``endpoint``)."""
    return {lang: _offering_url(endpoint, offering_id, lang) for lang in LANGUAGES}
