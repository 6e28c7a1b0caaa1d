"""An offering's image: what is accepted, what is stored, and that nothing else survives."""

import io
from datetime import timedelta

import pytest
from PIL import Image

from app.models import AuditEntry
from app.services import offerings, storage
from app.services.errors import DomainError, NotFound
from app.services.offerings import ImageUpload
from app.services.offerings.images import HEIGHT, MIN_HEIGHT, MIN_WIDTH, WIDTH
from tests.factories import make_offering, make_user
from tests.images import SVG, photo

LIMIT = 2 * 1024 * 1024


def refusal(data: bytes, limit=LIMIT) -> DomainError:
    with pytest.raises(DomainError) as caught:
        offerings.process_image(data, max_bytes=limit)
    assert caught.value.field == "image"
    return caught.value


def test_a_photo_is_cropped_to_16_9_resized_and_re_encoded_without_its_metadata():
    original = photo(2400, 1800, tail=b"<script>alert(1)</script>")
    assert b"PhoneCam" in original

    stored = offerings.process_image(original, max_bytes=LIMIT)

    assert (stored.width, stored.height) == (WIDTH, HEIGHT)
    with Image.open(io.BytesIO(stored.data)) as image:
        assert image.format == "JPEG"
        assert image.size == (WIDTH, HEIGHT)
        assert not image.getexif()
    for trace in (b"PhoneCam", "Ana Fotógrafa".encode(), b"<script>", b"Exif"):
        assert trace not in stored.data
    assert len(stored.data) < len(original)


def test_a_transparent_png_goes_on_white_and_a_smaller_one_keeps_its_width():
    stored = offerings.process_image(photo(800, 800, fmt="PNG", mode="RGBA"), max_bytes=LIMIT)
    assert (stored.width, stored.height) == (800, 450)
    with Image.open(io.BytesIO(stored.data)) as image:
        assert image.mode == "RGB"


def test_webp_is_accepted():
    assert offerings.process_image(photo(1000, 600, fmt="WEBP"), max_bytes=LIMIT).width == 1000


@pytest.mark.parametrize(
    "data",
    [
        SVG,
        b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'></svg>",
        b"<!doctype html><html><script>alert(1)</script></html>",
    ],
    ids=["svg", "svg-with-bom", "html"],
)
def test_drawings_and_web_pages_are_refused_before_anything_parses_them(data):
    assert "SVG" in str(refusal(data).message)


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, named photo.jpg",
        photo(600, 400, fmt="GIF"),
        photo(600, 400, fmt="BMP"),
        photo()[:2000],
    ],
    ids=["text", "gif", "bmp", "truncated-jpeg"],
)
def test_files_that_are_not_a_jpeg_png_or_webp_image_are_refused(data):
    assert "JPEG" in str(refusal(data).message)


def test_too_large_too_small_and_empty_files_are_refused():
    big = photo()
    error = refusal(big, limit=len(big) - 1)
    assert error.status_code == 413
    assert "MB" in str(error.message)
    assert "480" in str(refusal(photo(MIN_WIDTH - 1, MIN_HEIGHT + 100)).message)
    assert refusal(b"").message


def test_an_image_that_unpacks_to_too_many_pixels_is_refused():
    bomb = photo(8000, 6000, fmt="PNG", mode="L")
    assert len(bomb) < LIMIT
    assert "pixels" in str(refusal(bomb).message)


@pytest.fixture
def offering(session):
    made = make_offering(session)
    session.commit()
    return made


def upload(data=None, alt_es="Personas programando", alt_en="People coding", remove=False):
    return ImageUpload(data=data, alt_es=alt_es, alt_en=alt_en, remove=remove)


def test_the_image_is_stored_with_its_size_and_both_alt_texts_then_replaced(session, offering):
    actor = make_user(session)
    offerings.set_image(session, offering, upload(photo()), actor_id=actor.id, max_bytes=LIMIT)
    session.commit()
    first = offering.image_key
    assert storage.storage().exists(first)
    assert (offering.image_width, offering.image_height) == (WIDTH, HEIGHT)
    assert (offering.image_alt_es, offering.image_alt_en) == (
        "Personas programando",
        "People coding",
    )
    assert offerings.image_file(session, first)[:2] == b"\xff\xd8"  # a JPEG

    offerings.set_image(
        session, offering, upload(photo(900, 600)), actor_id=actor.id, max_bytes=LIMIT
    )
    session.commit()
    assert offering.image_key != first
    assert storage.storage().exists(offering.image_key)
    assert not storage.storage().exists(first)  # the old one goes once the change commits
    entries = session.query(AuditEntry).filter_by(entity_type="offering", entity_id=offering.id)
    assert entries.count() == 2


def test_alt_text_is_required_in_both_languages_and_nothing_is_stored_without_it(session, offering):
    actor = make_user(session)
    with pytest.raises(DomainError) as caught:
        offerings.set_image(
            session,
            offering,
            upload(photo(), alt_es=" ", alt_en=""),
            actor_id=actor.id,
            max_bytes=LIMIT,
        )
    assert [field for field, _ in caught.value.problems] == ["image_alt_es", "image_alt_en"]
    session.rollback()
    assert offering.image_key is None


def test_a_refused_file_and_missing_alt_text_are_said_together(session, offering):
    with pytest.raises(DomainError) as caught:
        offerings.set_image(
            session, offering, upload(SVG, alt_en=""), actor_id=None, max_bytes=LIMIT
        )
    assert [field for field, _ in caught.value.problems] == ["image", "image_alt_en"]


def test_a_file_stored_in_a_transaction_that_rolls_back_is_deleted(session, offering):
    offerings.set_image(session, offering, upload(photo()), actor_id=None, max_bytes=LIMIT)
    key = offering.image_key
    assert storage.storage().exists(key)
    session.rollback()
    assert not storage.storage().exists(key)


def test_removing_the_image_deletes_its_file_and_alt_texts(session, offering):
    offerings.set_image(session, offering, upload(photo()), actor_id=None, max_bytes=LIMIT)
    session.commit()
    key = offering.image_key
    offerings.set_image(session, offering, upload(remove=True), actor_id=None, max_bytes=LIMIT)
    session.commit()
    assert offering.image_key is None and offering.image_alt_es is None
    assert not storage.storage().exists(key)


def test_keeping_the_image_may_change_its_alt_texts_but_not_drop_them(session, offering):
    offerings.set_image(session, offering, upload(photo()), actor_id=None, max_bytes=LIMIT)
    session.commit()
    offerings.set_image(session, offering, upload(alt_es="Un aula"), actor_id=None, max_bytes=LIMIT)
    assert offering.image_alt_es == "Un aula"
    with pytest.raises(DomainError):
        offerings.set_image(session, offering, upload(alt_en=""), actor_id=None, max_bytes=LIMIT)


def test_only_an_offerings_image_is_served_never_another_stored_file(session, offering):
    other = storage.store(session, b"%PDF-1.4 a pitch deck", "application/pdf")
    session.commit()
    with pytest.raises(NotFound):
        offerings.image_file(session, other)
    with pytest.raises(NotFound):
        offerings.image_file(session, "../../etc/passwd")


@pytest.mark.parametrize(
    ("mode", "fmt"), [("P", "PNG"), ("LA", "PNG"), ("I;16", "PNG"), ("CMYK", "JPEG"), ("L", "JPEG")]
)
def test_every_colour_mode_comes_out_as_an_rgb_jpeg(mode, fmt):
    image = Image.new(mode, (640, 480))
    out = io.BytesIO()
    image.save(out, fmt)
    stored = offerings.process_image(out.getvalue(), max_bytes=LIMIT)
    with Image.open(io.BytesIO(stored.data)) as result:
        assert (result.format, result.mode, result.size) == ("JPEG", "RGB", (640, 360))


def test_a_duplicate_gets_its_own_copy_of_the_image_and_alt_texts(session, offering):
    offerings.set_image(session, offering, upload(photo()), actor_id=None, max_bytes=LIMIT)
    session.commit()
    first_day = offering.sessions[0].starts_at.date() + timedelta(days=60)

    copy = offerings.duplicate(session, offering, first_day, actor_id=None)
    session.commit()

    assert copy.image_key and copy.image_key != offering.image_key
    assert offerings.image_file(session, copy.image_key) == offerings.image_file(
        session, offering.image_key
    )
    assert (copy.image_width, copy.image_height) == (offering.image_width, offering.image_height)
    assert (copy.image_alt_es, copy.image_alt_en) == ("Personas programando", "People coding")

    # Removing one image leaves the other whole, either way round.
    kept = copy.image_key
    offerings.set_image(session, offering, upload(remove=True), actor_id=None, max_bytes=LIMIT)
    session.commit()
    assert offerings.image_file(session, kept)[:2] == b"\xff\xd8"
    again = offerings.duplicate(session, copy, first_day, actor_id=None)
    session.commit()
    offerings.set_image(session, copy, upload(remove=True), actor_id=None, max_bytes=LIMIT)
    session.commit()
    assert offerings.image_file(session, again.image_key)[:2] == b"\xff\xd8"


def test_a_duplicate_of_an_offering_without_an_image_has_none(session, offering):
    first_day = offering.sessions[0].starts_at.date() + timedelta(days=7)
    copy = offerings.duplicate(session, offering, first_day, actor_id=None)
    assert (copy.image_key, copy.image_alt_es, copy.image_alt_en) == (None, None, None)


def test_a_duplicate_rolled_back_leaves_no_copy_of_the_image(session, offering):
    offerings.set_image(session, offering, upload(photo()), actor_id=None, max_bytes=LIMIT)
    session.commit()
    first_day = offering.sessions[0].starts_at.date() + timedelta(days=7)
    copy_key = offerings.duplicate(session, offering, first_day, actor_id=None).image_key
    assert storage.storage().exists(copy_key)
    session.rollback()
    assert not storage.storage().exists(copy_key)
    assert storage.storage().exists(offering.image_key)
