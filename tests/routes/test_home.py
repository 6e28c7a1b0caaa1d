"""The home page's ways in: one per audience, the next offerings one can still join, and the
partnership in one sentence, in both languages."""

from datetime import timedelta

import pytest

from app.i18n import LANGUAGES
from app.models import utcnow
from tests.routes.test_pages import assert_well_structured, offerings, outline

SENTENCE = {
    "es": "Las Rozas de Madrid, Boadilla del Monte y Majadahonda se unen a empresas",
    "en": "Las Rozas de Madrid, Boadilla del Monte and Majadahonda join companies",
}
WAYS_IN = {
    "es": ["Para la ciudadanía", "Para centros educativos", "Para emprendedores", "Para empresas"],
    "en": ["For residents", "For schools", "For entrepreneurs", "For companies"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_audience_has_a_way_in_to_its_part_of_the_offer(client, lang):
    response = client.get(f"/{lang}/")
    html = response.get_data(as_text=True)

    assert SENTENCE[lang] in html
    headings = [text for level, text in outline(response).headings if level == 3]
    assert headings[:4] == WAYS_IN[lang]
    for audience in ("residents", "students", "entrepreneurs", "companies"):
        assert f'href="/{lang}/offerings/?audience={audience}"' in html
    assert f'href="/{lang}/schools/"' in html
    assert f'href="/{lang}/ecosystem/"' in html
    assert_well_structured(outline(response), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_next_offerings_are_those_with_places_left_and_enrolment_open(app, client, lang):
    now = utcnow()
    open_, full, closed, not_yet = offerings(
        app,
        {"starts_in": timedelta(days=4), "capacity": 10, "seats_taken": 3},
        {"starts_in": timedelta(days=2), "capacity": 5, "seats_taken": 5},
        {"starts_in": timedelta(days=3), "enrolment_closes": now - timedelta(hours=1)},
        {"starts_in": timedelta(days=3), "enrolment_opens": now + timedelta(days=1)},
    )

    html = client.get(f"/{lang}/").get_data(as_text=True)

    assert f'href="/{lang}/offerings/{open_}"' in html
    for gone in (full, closed, not_yet):
        assert f'href="/{lang}/offerings/{gone}"' not in html
    assert {"es": "Quedan 7 plazas", "en": "7 places left"}[lang] in html
    # Its programme's illustration, sized; and the way on to everything with places left.
    assert 'src="/static/img/programmes/bootcamps.svg?v=' in html
    assert f'href="/{lang}/offerings/?available=1"' in html


def test_with_nothing_to_join_the_home_page_says_so_and_points_to_the_offer(app, client):
    offerings(app, {"starts_in": timedelta(days=2), "capacity": 1, "seats_taken": 1})
    html = client.get("/en/").get_data(as_text=True)
    assert "No activity with places left is starting soon" in html
