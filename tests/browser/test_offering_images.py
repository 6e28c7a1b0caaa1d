"""An offering's image in a real browser: staff choose a file in the offering form (no
script), a drawing is refused at its field, a photo is kept; the card and the public page
show it sized and lazily loaded. Every page on the way is axe-clean in both languages."""

import pytest

from app.extensions import db
from app.i18n import LANGUAGES
from app.models import Offering, Role
from tests.browser.helpers import log_in
from tests.factories import make_offering, make_organisation, make_user
from tests.images import SVG, photo


@pytest.fixture
def staff(app):
    with app.app_context():
        own = make_organisation(db.session, name="Ayuntamiento de Las Rozas")
        offering = make_offering(db.session, provider=own, title_es="Robótica para familias")
        staff = make_user(db.session, role=Role.ORGANISATION_STAFF, organisation=own)
        db.session.commit()
        return {"email": staff.email, "offering": offering.id}


def save(page):
    page.locator("main form[enctype] button[type=submit]:not([name])").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_staff_give_an_offering_an_image_the_public_sees_it(
    app, page, staff, assert_accessible, tmp_path, lang
):
    drawing, picture = tmp_path / "drawing.svg", tmp_path / "photo.jpg"
    drawing.write_bytes(SVG)
    picture.write_bytes(photo())
    log_in(page, staff["email"], lang=lang)
    edit = f"/{lang}/admin/offerings/{staff['offering']}/edit"

    page.goto(edit)
    assert_accessible(page)
    page.set_input_files("#image", str(drawing))
    page.fill("#image_alt_es", "Un dibujo")
    page.fill("#image_alt_en", "A drawing")
    save(page)
    assert page.locator("#image-error").is_visible()
    assert page.locator("#form-errors a[href='#image']").count() == 1
    assert_accessible(page)

    page.set_input_files("#image", str(picture))
    page.fill("#image_alt_es", "Familias construyendo un robot")
    page.fill("#image_alt_en", "Families building a robot")
    save(page)
    with app.app_context():
        key = db.session.get(Offering, staff["offering"]).image_key
    assert key
    assert page.locator(f"main img[src='/media/offerings/{key}.jpg']").count() == 1
    assert_accessible(page)

    page.goto(f"/{lang}/offerings/{staff['offering']}")
    image = page.locator(f"main img[src='/media/offerings/{key}.jpg']")
    image.scroll_into_view_if_needed()
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") == 1200
    alt = {"es": "Familias construyendo un robot", "en": "Families building a robot"}[lang]
    assert image.get_attribute("alt") == alt
    assert image.get_attribute("loading") == "lazy"
    assert_accessible(page)
