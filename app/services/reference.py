"""Reference data every installation needs: the municipalities and the programmes."""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Municipality, Programme

# (slug, name_es, name_en, is_partner)
MUNICIPALITIES = [
    ("las-rozas", "Las Rozas de Madrid", "Las Rozas de Madrid", True),
    ("boadilla-del-monte", "Boadilla del Monte", "Boadilla del Monte", True),
    ("majadahonda", "Majadahonda", "Majadahonda", True),
    ("online", "En línea", "Online", False),
    ("other", "Otro municipio", "Other municipality", False),
]

# (slug, name, summary): the lines of the partnership's plan; names are translated messages.
PROGRAMMES = [
    (
        "bootcamps",
        _l("Upskilling and reskilling bootcamps"),
        _l("Intensive courses to learn or update a digital skill and find work with it."),
    ),
    (
        "training-cycles",
        _l("Training cycles"),
        _l("Longer courses that build a professional profile step by step."),
    ),
    (
        "science-week",
        _l("Science Week"),
        _l("Hands-on science and technology activities for all ages."),
    ),
    (
        "steam-congress",
        _l("STEAM Congress"),
        _l("The partnership's yearly meeting on science, technology, engineering, arts and maths."),
    ),
    (
        "smart-schools",
        _l("Smart Schools"),
        _l("Digital and STEM projects for schools, their pupils and their teachers."),
    ),
    (
        "acceleration",
        _l("Acceleration and incubation"),
        _l("Training, mentoring and incubation for digital entrepreneurs."),
    ),
    (
        "talent",
        _l("Talent seeking"),
        _l("Meetings between companies and people looking for a digital career."),
    ),
]


def ensure_reference_data(session: Session) -> None:
    """Create what is missing; never overwrite what staff have edited since."""
    known = set(session.scalars(select(Municipality.slug)))
    for order, (slug, name_es, name_en, is_partner) in enumerate(MUNICIPALITIES):
        if slug not in known:
            session.add(
                Municipality(
                    slug=slug,
                    name_es=name_es,
                    name_en=name_en,
                    is_partner=is_partner,
                    sort_order=order,
                )
            )
    known = set(session.scalars(select(Programme.slug)))
    for order, (slug, name, summary) in enumerate(PROGRAMMES):
        if slug in known:
            continue
        texts = {}
        for lang in ("es", "en"):
            with force_locale(lang):
                texts[lang] = (str(name), str(summary))
        session.add(
            Programme(
                slug=slug,
                sort_order=order,
                name_es=texts["es"][0],
                summary_es=texts["es"][1],
                name_en=texts["en"][0],
                summary_en=texts["en"][1],
            )
        )
    session.flush()
