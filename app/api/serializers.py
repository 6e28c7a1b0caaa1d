"""Offerings as open data: both languages side by side, slugs for categories, Madrid times."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import LANGUAGES, both_languages
from app.localtime import local_isoformat
from app.models import (
    Municipality,
    Offering,
    OfferingAudience,
    OfferingLanguage,
    OfferingSession,
    Organisation,
    Programme,
)
from app.models.catalogue import availability, split_list
from app.services.catalogue import PUBLIC_STATUSES
from app.services.offerings import IMAGE_CONTENT_TYPE
from app.services.schools import places_left
from app.urls import absolute_url, offering_urls

# The offering's texts kept in both languages (title_es, title_en...).
BILINGUAL = ("title", "summary", "description", "prerequisites", "image_alt")
# An offering as open data shows it, read as one row with its programme, place and
# provider (names as the model's, so the model's rules read it: availability, places left):
# no objects built, a fifth of the time of loading a list page's offerings through the ORM.
_OFFERINGS = (
    select(
        *(
            getattr(Offering, name)
            for name in (
                "id external_id status kind mode level format skills venue address"
                " capacity price_cents min_age max_age image_key image_width image_height"
                " enrolment_opens enrolment_closes starts_at ends_at updated_at"
            ).split()
        ),
        *(getattr(Offering, f"{field}_{lang}") for field in BILINGUAL for lang in LANGUAGES),
        Offering.seats_left.label("seats_left"),
        Offering.enrolment_deadline.label("enrolment_deadline"),
        Programme.slug.label("programme_slug"),
        *(getattr(Programme, f"name_{lang}").label(f"programme_name_{lang}") for lang in LANGUAGES),
        Municipality.slug.label("municipality_slug"),
        *(
            getattr(Municipality, f"name_{lang}").label(f"municipality_name_{lang}")
            for lang in LANGUAGES
        ),
        Organisation.name.label("provider_name"),
        Organisation.website.label("provider_website"),
    )
    .join(Programme, Programme.id == Offering.programme_id)
    .join(Municipality, Municipality.id == Offering.municipality_id)
    .join(Organisation, Organisation.id == Offering.provider_id)
)


def offerings_to_json(session: Session, ids, now: datetime) -> list[dict]:
    """The public offerings of ``ids`` as open data, in that order (those not public left
    out): one statement for the offerings, one for each of their lists, one for class seats."""
    ids = list(ids)
    if not ids:
        return []
    found = {
        row.id: row
        for row in session.execute(
            _OFFERINGS.where(Offering.id.in_(ids), Offering.status.in_(PUBLIC_STATUSES))
        )
    }
    rows = [found[offering_id] for offering_id in ids if offering_id in found]
    shown = [row.id for row in rows]
    sessions = _lists(
        session, OfferingSession, shown, OfferingSession.starts_at, OfferingSession.ends_at
    )
    audiences = _lists(session, OfferingAudience, shown, OfferingAudience.audience)
    languages = _lists(session, OfferingLanguage, shown, OfferingLanguage.language)
    left = places_left(session, rows, now)
    return [
        _offering_json(
            row,
            now,
            left[row.id],
            sessions.get(row.id, ()),
            audiences.get(row.id, ()),
            languages.get(row.id, ()),
        )
        for row in rows
    ]


def _lists(session: Session, model, ids: list[int], *columns) -> dict[int, list[tuple]]:
    """offering id -> its rows of ``model`` (``columns``, in their order)."""
    if not ids:
        return {}
    grouped: dict[int, list[tuple]] = defaultdict(list)
    statement = (
        select(model.offering_id, *columns)
        .where(model.offering_id.in_(ids))
        .order_by(model.offering_id, *columns)
    )
    for offering_id, *values in session.execute(statement):
        grouped[offering_id].append(values)
    return grouped


def _offering_json(row, now: datetime, places: int, sessions, audiences, languages) -> dict:
    """``places`` as services.schools.places_left counts them (pupils' seats for classes)."""
    return {
        "id": row.id,
        "external_id": row.external_id,
        "url": offering_urls(row.id),
        "ics_url": offering_urls(row.id, "catalogue.calendar"),
        "status": row.status.value,
        "availability": availability(row, now).value,
        "programme": {"slug": row.programme_slug, "name": both_languages(row, "programme_name")},
        "kind": row.kind.value,
        "mode": row.mode.value,
        "title": both_languages(row, "title"),
        "summary": both_languages(row, "summary"),
        "description": both_languages(row, "description"),
        "image": _image_json(row),
        "prerequisites": both_languages(row, "prerequisites"),
        "audience": [audience.value for (audience,) in audiences],
        "level": row.level.value if row.level else None,
        "format": row.format.value,
        "languages": [language.value for (language,) in languages],
        "skills": split_list(row.skills),
        "municipality": {
            "slug": row.municipality_slug,
            "name": both_languages(row, "municipality_name"),
        },
        "venue": row.venue,
        "address": row.address,
        "provider": {"name": row.provider_name, "website": row.provider_website},
        "capacity": row.capacity,
        "places_left": places,
        "price_eur": row.price_cents / 100,
        "min_age": row.min_age,
        "max_age": row.max_age,
        "enrolment_opens": local_isoformat(row.enrolment_opens),
        "enrolment_closes": local_isoformat(row.enrolment_deadline),
        "starts_at": local_isoformat(row.starts_at),
        "ends_at": local_isoformat(row.ends_at),
        "sessions": [
            {"starts_at": local_isoformat(starts), "ends_at": local_isoformat(ends)}
            for starts, ends in sessions
        ],
        "updated_at": local_isoformat(row.updated_at),
    }


def _image_json(row) -> dict | None:
    """The offering's own image as the site serves it (one size, a JPEG), or None: a
    programme's illustration is the site's decoration, not the offering's."""
    if not row.image_key:
        return None
    return {
        "url": absolute_url("media.offering_image", key=row.image_key),
        "width": row.image_width,
        "height": row.image_height,
        "content_type": IMAGE_CONTENT_TYPE,
        "alt": both_languages(row, "image_alt"),
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
