"""schema.org data (JSON-LD) for an offering: a Course, or an Event for one-off activities."""

from datetime import datetime, timedelta

from app.i18n import localized
from app.localtime import MADRID, local_isoformat
from app.models import Availability, Format, Offering, OfferingStatus

COURSE_MODES = {Format.IN_PERSON: "onsite", Format.ONLINE: "online", Format.HYBRID: "blended"}

ATTENDANCE_MODES = {
    Format.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    Format.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Format.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}

OFFER_AVAILABILITY = {
    Availability.OPEN: "https://schema.org/InStock",
    Availability.WAITING_LIST: "https://schema.org/SoldOut",
    Availability.NOT_YET_OPEN: "https://schema.org/PreOrder",
    Availability.CLOSED: "https://schema.org/Discontinued",
    Availability.CANCELLED: "https://schema.org/Discontinued",
}


def offering_json_ld(offering: Offering, lang: str, url: str, now: datetime) -> dict:
    """The offering as schema.org data for search engines, texts in ``lang``."""
    common = {
        "@context": "https://schema.org",
        "name": localized(offering, "title", lang).text,
        "description": localized(offering, "summary", lang).text,
        "url": url,
        "inLanguage": _languages(offering),
        "offers": _offer(offering, url, now),
    }
    if offering.kind.is_one_off:
        return {
            "@type": "Event",
            **common,
            "startDate": local_isoformat(offering.starts_at),
            "endDate": local_isoformat(offering.ends_at),
            "eventAttendanceMode": ATTENDANCE_MODES[offering.format],
            "eventStatus": "https://schema.org/EventCancelled"
            if offering.status == OfferingStatus.CANCELLED
            else "https://schema.org/EventScheduled",
            "location": _location(offering, lang, url),
            "organizer": _organisation(offering),
        }
    return {
        "@type": "Course",
        **common,
        "provider": _organisation(offering),
        **({"teaches": offering.skill_list} if offering.skill_list else {}),
        **({"educationalLevel": offering.level.value} if offering.level else {}),
        "hasCourseInstance": [
            {
                "@type": "CourseInstance",
                "courseMode": COURSE_MODES[offering.format],
                "startDate": local_isoformat(offering.starts_at),
                "endDate": local_isoformat(offering.ends_at),
                "location": _location(offering, lang, url),
                "inLanguage": _languages(offering),
                "courseWorkload": _workload(offering),
                "courseSchedule": {
                    "@type": "Schedule",
                    "startDate": _local_date(offering.starts_at),
                    "endDate": _local_date(offering.ends_at),
                    "repeatCount": len(offering.sessions),
                    "scheduleTimezone": MADRID.key,
                },
            }
        ],
    }


def _languages(offering: Offering) -> list[str]:
    return [language.value for language in offering.languages]


def _organisation(offering: Offering) -> dict:
    provider = offering.provider
    return {
        "@type": "Organization",
        "name": provider.name,
        **({"url": provider.website} if provider.website else {}),
    }


def _offer(offering: Offering, url: str, now: datetime) -> dict:
    return {
        "@type": "Offer",
        "category": "Free" if offering.is_free else "Paid",
        "price": f"{offering.price_cents / 100:.2f}",
        "priceCurrency": "EUR",
        "url": url,
        "availability": OFFER_AVAILABILITY[offering.availability(now)],
        **(
            {"validFrom": local_isoformat(offering.enrolment_opens)}
            if offering.enrolment_opens
            else {}
        ),
    }


def _location(offering: Offering, lang: str, url: str) -> dict | list[dict]:
    online = {"@type": "VirtualLocation", "url": url}
    if offering.format == Format.ONLINE:
        return online
    address = {
        "@type": "PostalAddress",
        "addressCountry": "ES",
        "addressRegion": "Comunidad de Madrid",
    }
    if offering.address:
        address["streetAddress"] = offering.address
    if offering.municipality.is_partner:
        address["addressLocality"] = localized(offering.municipality, "name", lang).text
    place = {"@type": "Place", "address": address}
    if offering.venue:
        place["name"] = offering.venue
    return [place, online] if offering.format == Format.HYBRID else place


def _workload(offering: Offering) -> str:
    """Total teaching time as an ISO 8601 duration (``PT12H30M``)."""
    total = sum((session.ends_at - session.starts_at for session in offering.sessions), timedelta())
    hours, seconds = divmod(int(total.total_seconds()), 3600)
    minutes = seconds // 60
    return f"PT{hours}H{minutes}M" if minutes else f"PT{hours}H"


def _local_date(value: datetime | None) -> str | None:
    return value.astimezone(MADRID).date().isoformat() if value else None
