"""The site operator's identity, as configured, for the legal texts and the error pages.

The legal name, address, tax id and contact addresses are facts only the operator can state;
until they are configured each one shows as a visible, translated placeholder.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.config import LOCALIZED_OPERATOR_SETTINGS
from app.i18n import current_language

PLACEHOLDERS = {
    "SITE_OWNER_NAME": _l("Madrid Oeste Tecnológico (partnership secretariat)"),
    "SITE_OWNER_ADDRESS": _l("postal address to be published by the site operator"),
    "SITE_OWNER_TAX_ID": _l("tax identification number to be published by the site operator"),
    "SITE_OWNER_REGISTRY": _l(
        "registry details, where applicable, to be published by the site operator"
    ),
    "CONTACT_EMAIL": _l("contact email address to be published by the site operator"),
    "DPO_EMAIL": _l("data protection officer's email address to be published by the site operator"),
    "ACCESSIBILITY_EMAIL": _l("accessibility email address to be published by the site operator"),
    "ACCESSIBILITY_UNIT": _l("the accessibility unit designated by the site operator"),
}


def _placeholder(name: str) -> Markup:
    return Markup('<span class="operator-placeholder">[{}]</span>').format(PLACEHOLDERS[name])


def operator_detail(name: str) -> Markup:
    """A configured identity detail in the page's language, or its placeholder. A detail
    written in words (LOCALIZED_OPERATOR_SETTINGS) reads its "<NAME>_EN" version on English
    pages; without one, the Spanish value is shown marked as Spanish."""
    config = current_app.config
    value = config.get(name)
    lang = current_language()
    if lang != "es" and name in LOCALIZED_OPERATOR_SETTINGS:
        translated = config.get(f"{name}_{lang.upper()}")
        if translated:
            return escape(translated)
        if value:
            return Markup('<span lang="es">{}</span>').format(value)
    return escape(value) if value else _placeholder(name)


def operator_email(name: str) -> Markup:
    """A configured address as a mailto link, or its placeholder (never a link to nowhere)."""
    value = current_app.config.get(name)
    if not value:
        return _placeholder(name)
    return Markup('<a href="mailto:{0}">{0}</a>').format(value)
