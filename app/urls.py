"""Absolute links to the public site, built from SITE_URL so they survive proxies and caches."""

from flask import current_app, url_for

from app.i18n import LANGUAGES


def absolute_url(endpoint: str, **values) -> str:
    return current_app.config["SITE_URL"] + url_for(endpoint, **values)


def offering_urls(offering_id: int) -> dict[str, str]:
    """The offering's page in each language: canonical, hreflang alternates, open data."""
    return {
        lang: absolute_url("catalogue.detail", offering_id=offering_id, lang=lang)
        for lang in LANGUAGES
    }
