"""Offerings as open data: both languages side by side, slugs for categories, Madrid times."""

from datetime import datetime

from app.i18n import both_languages
from app.localtime import local_isoformat
from app.models import Offering
from app.services.offerings import IMAGE_CONTENT_TYPE
from app.urls import absolute_url, offering_urls


def image_to_json(offering: Offering) -> dict | None:
    """The offering's own image as the site serves it (one size, a JPEG), or None: a
    programme's illustration is the site's decoration, not the offering's."""
    if not offering.image_key:
        return None
    return {
        "url": absolute_url("media.offering_image", key=offering.image_key),
        "width": offering.image_width,
        "height": offering.image_height,
        "content_type": IMAGE_CONTENT_TYPE,
        "alt": both_languages(offering, "image_alt"),
    }


def offering_to_json(offering: Offering, now: datetime, places_left: int) -> dict:
    """``places_left`` as services.schools.places_left counts it (pupils' seats for classes)."""
    return {
        "id": offering.id,
        "external_id": offering.external_id,
        "url": offering_urls(offering.id),
        "ics_url": offering_urls(offering.id, "catalogue.calendar"),
        "status": offering.status.value,
        "availability": offering.availability(now).value,
        "programme": {
            "slug": offering.programme.slug,
            "name": both_languages(offering.programme, "name"),
        },
        "kind": offering.kind.value,
        "mode": offering.mode.value,
        "title": both_languages(offering, "title"),
        "summary": both_languages(offering, "summary"),
        "description": both_languages(offering, "description"),
        "image": image_to_json(offering),
        "prerequisites": both_languages(offering, "prerequisites"),
        "audience": [audience.value for audience in offering.audiences],
        "level": offering.level.value if offering.level else None,
        "format": offering.format.value,
        "languages": [language.value for language in offering.languages],
        "skills": offering.skill_list,
        "municipality": {
            "slug": offering.municipality.slug,
            "name": both_languages(offering.municipality, "name"),
        },
        "venue": offering.venue,
        "address": offering.address,
        "provider": {"name": offering.provider.name, "website": offering.provider.website},
        "capacity": offering.capacity,
        "places_left": places_left,
        "price_eur": offering.price_cents / 100,
        "min_age": offering.min_age,
        "max_age": offering.max_age,
        "enrolment_opens": local_isoformat(offering.enrolment_opens),
        "enrolment_closes": local_isoformat(offering.enrolment_deadline),
        "starts_at": local_isoformat(offering.starts_at),
        "ends_at": local_isoformat(offering.ends_at),
        "sessions": [
            {
                "starts_at": local_isoformat(session.starts_at),
                "ends_at": local_isoformat(session.ends_at),
            }
            for session in offering.sessions
        ],
        "updated_at": local_isoformat(offering.updated_at),
    }


def organisation_to_json(entry) -> dict:
    organisation = entry.organisation
    place = organisation.municipality
    return {
        "id": organisation.id,
        "name": organisation.name,
        "kind": organisation.kind.value,
        "sector": organisation.sector,
        "municipality": place.slug if place is not None else None,
        "member": organisation.is_member,
        "member_since": organisation.member_since.isoformat()
        if organisation.member_since
        else None,
        "member_until": organisation.member_until.isoformat()
        if organisation.member_until
        else None,
        "website": organisation.website,
        "contact_email": organisation.contact_email,
        "offerings": [
            {"id": offering.id, "url": offering_urls(offering.id)} for offering in entry.offerings
        ],
    }
