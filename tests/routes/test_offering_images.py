"""Offering images through HTTP: uploaded in the back-office form, refused at their field,
served with caching headers, shown on cards and pages; the programme's illustration when
there is none."""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Offering
from app.services import storage
from tests.images import SVG, photo
from tests.routes import test_admin_offerings as admin
from tests.routes.test_admin_offerings import error_of, form_data, post

world = admin.world  # the same staff, coordinator and offerings as the other form tests

LANGS = ("es", "en")
NEW = "/{lang}/admin/offerings/new"


def stored_files(app) -> int:
    return sum(1 for path in Path(app.config["STORAGE_FOLDER"]).rglob("*") if path.is_file())


def offerings_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Offering))


def create(client, world, lang, image, **changes):
    data = form_data(world, **changes)
    if image is not None:
        content, name = image if isinstance(image, tuple) else (image, "photo.jpg")
        data["image"] = (io.BytesIO(content), name)
    return post(client, NEW.format(lang=lang), data)


def with_image(app, client, auth, world, lang="es"):
    auth.login(world["staff"], lang=lang)
    answer = create(
        client,
        world,
        lang,
        photo(),
        image_alt_es="Dos personas ante un portátil",
        image_alt_en="Two people at a laptop",
    )
    assert answer.status_code == 302, answer.text
    with app.app_context():
        return db.session.scalars(select(Offering).order_by(Offering.id.desc())).first()


@pytest.mark.parametrize("lang", LANGS)
def test_staff_upload_an_image_with_its_alt_text_in_both_languages(app, client, auth, world, lang):
    offering = with_image(app, client, auth, world, lang)
    assert offering.image_key and offering.image_width == 1200 and offering.image_height == 675
    assert offering.image_alt_en == "Two people at a laptop"

    form = client.get(f"/{lang}/admin/offerings/{offering.id}/edit").text
    assert f'src="/media/offerings/{offering.image_key}.jpg"' in form
    assert 'id="remove_image"' in form


def test_the_image_is_served_with_caching_headers_and_only_an_offerings_image(
    app, client, auth, world
):
    offering = with_image(app, client, auth, world)
    url = f"/media/offerings/{offering.image_key}.jpg"

    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.mimetype == "image/jpeg"
    assert answer.data[:2] == b"\xff\xd8"
    cache = answer.headers["Cache-Control"]
    assert "public" in cache and "immutable" in cache and "max-age=31536000" in cache
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    again = client.get(url, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304

    with app.app_context():
        deck = storage.store(db.session, b"%PDF-1.4 a pitch deck", "application/pdf")
        db.session.commit()
    assert client.get(f"/media/offerings/{deck}.jpg").status_code == 404
    assert client.get("/media/offerings/nothing-here.jpg").status_code == 404
    # No key has a NUL byte (PostgreSQL refuses one in a text it compares): not found.
    assert client.get("/media/offerings/q1%00a.jpg").status_code == 404


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("image", "fragment"),
    [
        ((SVG, "drawing.svg"), {"es": "SVG", "en": "SVG"}),
        ((b"<html><script>alert(1)</script></html>", "photo.jpg"), {"es": "SVG", "en": "SVG"}),
        ((b"GIF89a not really", "photo.gif"), {"es": "no es una imagen", "en": "is not a JPEG"}),
    ],
    ids=["svg", "html-named-jpg", "not-an-image"],
)
def test_files_that_are_not_photos_are_refused_at_the_field_and_nothing_is_saved(
    app, client, auth, world, lang, image, fragment
):
    auth.login(world["staff"], lang=lang)
    before, files = offerings_count(app), stored_files(app)

    answer = create(client, world, lang, image, image_alt_es="Un dibujo", image_alt_en="A drawing")

    assert answer.status_code == 422
    assert fragment[lang] in error_of(answer.text, "image")
    assert 'href="#image"' in answer.text  # listed in the summary above the form
    assert offerings_count(app) == before
    assert stored_files(app) == files


@pytest.mark.parametrize("lang", LANGS)
def test_an_image_needs_its_alt_text_in_both_languages(app, client, auth, world, lang):
    auth.login(world["staff"], lang=lang)
    before = offerings_count(app)
    answer = create(client, world, lang, photo(), image_alt_es="Un aula", image_alt_en="")
    assert answer.status_code == 422
    expected = {"es": "inglés", "en": "in English"}[lang]
    assert expected in error_of(answer.text, "image_alt_en")
    assert offerings_count(app) == before


@pytest.mark.parametrize("lang", LANGS)
def test_a_too_large_image_is_refused_at_its_field(app, client, auth, world, lang, monkeypatch):
    monkeypatch.setitem(app.config, "OFFERING_IMAGE_MAX_BYTES", 1024 * 1024)
    auth.login(world["staff"], lang=lang)
    before = offerings_count(app)
    alts = {"image_alt_es": "Un aula", "image_alt_en": "A classroom"}
    # A little over the limit: refused by the service, the rest of the form kept.
    slightly = photo(tail=b"\0" * (1024 * 1024))
    answer = create(client, world, lang, slightly, **alts)
    assert answer.status_code == 413
    assert "1 MB" in error_of(answer.text, "image")
    assert "Ciberseguridad básica" in answer.text
    # Far beyond it: the request itself is refused before it is read.
    far = photo(tail=b"\0" * (4 * 1024 * 1024))
    answer = create(client, world, lang, far, **alts)
    assert answer.status_code == 413
    assert "1 MB" in error_of(answer.text, "image")
    assert offerings_count(app) == before


@pytest.mark.parametrize("lang", LANGS)
def test_cards_and_pages_show_the_image_sized_and_lazy_or_the_programmes_illustration(
    app, client, auth, world, lang
):
    offering = with_image(app, client, auth, world)
    with app.app_context():
        db.session.get(Offering, offering.id).status = "published"
        db.session.commit()
    alt = {"es": "Dos personas ante un portátil", "en": "Two people at a laptop"}[lang]

    listing = client.get(f"/{lang}/offerings/").text
    own = re.search(rf'<img[^>]*src="/media/offerings/{offering.image_key}\.jpg"[^>]*>', listing)
    assert own, "the card shows the offering's image"
    for attribute in (f'alt="{alt}"', 'width="1200"', 'height="675"', 'loading="lazy"'):
        assert attribute in own.group(0)
    # The other offerings have no image: their programme's illustration, decorative.
    illustration = re.search(
        r'<img[^>]*src="/static/img/programmes/bootcamps\.svg\?v=\w+"[^>]*>', listing
    )
    assert illustration
    for attribute in ('alt=""', 'width="640"', 'height="360"', 'loading="lazy"'):
        assert attribute in illustration.group(0)

    page = client.get(f"/{lang}/offerings/{offering.id}").text
    assert f'src="/media/offerings/{offering.image_key}.jpg"' in page
    assert client.get("/static/img/programmes/bootcamps.svg").status_code == 200
