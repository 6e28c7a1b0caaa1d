"""An offering's image: checked, resized and re-encoded on the server, kept in the storage.

What staff upload is never served as it came. Pillow decodes it (so a file that only calls
itself an image is refused), turns it upright, crops it to the cards' 16:9 and writes a new
JPEG: no metadata (camera, place, author) and nothing but pixels survives. Drawings (SVG)
can carry scripts and are refused before anything parses them. The alternative text is
required in both languages: the image is content, not decoration.
"""

import io
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Offering
from app.services import audit, storage
from app.services.errors import DomainError, NotFound

# What is stored: 16:9, like the programmes' illustrations, at most this size.
WIDTH, HEIGHT = 1200, 675
MIN_WIDTH, MIN_HEIGHT = MIN_SIZE = 480, 270
JPEG_QUALITY = 82
CONTENT_TYPE = "image/jpeg"
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# A small file can still unpack to a huge picture (a "decompression bomb"): refuse past this.
MAX_PIXELS = 40_000_000
ALT_LENGTH = 300
FIELD = "image"

NOT_AN_IMAGE = _l("This file is not a JPEG, PNG or WebP image, whatever its name.")
DRAWING = _l(
    "Drawings (SVG) and web pages are not accepted: they can carry scripts. "
    "Upload a JPEG, PNG or WebP image."
)
TOO_SMALL = _l(
    "The image is too small: it needs at least %(width)d by %(height)d pixels.",
    width=MIN_WIDTH,
    height=MIN_HEIGHT,
)
TOO_MANY_PIXELS = _l("The image has too many pixels. Upload a smaller one.")
ALT_REQUIRED = {
    "es": _l("Describe the image in Spanish for people who cannot see it."),
    "en": _l("Describe the image in English for people who cannot see it."),
}
NO_IMAGE = _l("This offering has no image.")


def too_large(limit: int):
    return _l("The image may be at most %(size)s MB.", size=limit // (1024 * 1024))


@dataclass(frozen=True)
class ImageUpload:
    """What staff sent: the file's bytes (or None to keep the image) and both alt texts."""

    data: bytes | None
    alt_es: str
    alt_en: str
    remove: bool = False


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    width: int
    height: int


def _looks_like_markup(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n\x00").lower()
    return head.startswith(b"<") or b"<svg" in data[:4096].lower()


def process_image(data: bytes, *, max_bytes: int) -> ProcessedImage:
    """The upload as the site will serve it, or a DomainError at the image field."""
    if not data:
        raise DomainError(_l("The file is empty."), FIELD)
    if len(data) > max_bytes:
        raise DomainError(too_large(max_bytes), FIELD, status_code=413)
    if _looks_like_markup(data):
        raise DomainError(DRAWING, FIELD)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise DomainError(NOT_AN_IMAGE, FIELD)
                if probe.width * probe.height > MAX_PIXELS:
                    raise DomainError(TOO_MANY_PIXELS, FIELD)
                probe.verify()  # the whole file, not only its header
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                picture = ImageOps.exif_transpose(image)
        if picture.width < MIN_WIDTH or picture.height < MIN_HEIGHT:
            raise DomainError(TOO_SMALL, FIELD)
        # Every mode (palette, grey, 16-bit, CMYK...) as RGB, transparent parts on white.
        rgba = picture.convert("RGBA")
        picture = Image.new("RGB", rgba.size, "white")
        picture.paste(rgba, mask=rgba.getchannel("A"))
        size = (
            (WIDTH, HEIGHT) if picture.width >= WIDTH else (picture.width, picture.width * 9 // 16)
        )
        fitted = ImageOps.fit(picture, size, method=Image.Resampling.LANCZOS)
        out = io.BytesIO()
        fitted.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise DomainError(TOO_MANY_PIXELS, FIELD) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise DomainError(NOT_AN_IMAGE, FIELD) from error
    return ProcessedImage(out.getvalue(), fitted.width, fitted.height)


def _alt_problems(upload: ImageUpload) -> list[tuple[str, object]]:
    problems = []
    for lang, text in (("es", upload.alt_es), ("en", upload.alt_en)):
        if not (text or "").strip():
            problems.append((f"image_alt_{lang}", ALT_REQUIRED[lang]))
        elif len(text) > ALT_LENGTH:
            problems.append(
                (f"image_alt_{lang}", _l("At most %(num)d characters.", num=ALT_LENGTH))
            )
    return problems


_record = audit.recorder("offering")


def set_image(
    session: Session, offering: Offering, upload: ImageUpload, *, actor_id: int, max_bytes: int
) -> None:
    """Replace, keep or remove the offering's image and its alt texts, in the caller's
    transaction (a new file is deleted again if it does not commit, the old one only once
    it does)."""
    before = {"image": bool(offering.image_key), "image_alt_es": offering.image_alt_es}
    if upload.remove and not upload.data:
        if offering.image_key:
            storage.delete_after_commit(session, offering.image_key)
        offering.image_key = offering.image_width = offering.image_height = None
        offering.image_alt_es = offering.image_alt_en = None
    elif upload.data or offering.image_key:
        problems = _alt_problems(upload)
        processed = None
        if upload.data:
            try:
                processed = process_image(upload.data, max_bytes=max_bytes)
            except DomainError as error:
                raise DomainError(
                    problems=[*error.problems, *problems], status_code=error.status_code
                ) from error
        if problems:
            raise DomainError(problems=problems)
        if processed is not None:
            if offering.image_key:
                storage.delete_after_commit(session, offering.image_key)
            offering.image_key = storage.store(session, processed.data, CONTENT_TYPE)
            offering.image_width, offering.image_height = processed.width, processed.height
        offering.image_alt_es = upload.alt_es.strip()
        offering.image_alt_en = upload.alt_en.strip()
    else:
        return  # no image before, none sent: nothing to say
    after = {"image": bool(offering.image_key), "image_alt_es": offering.image_alt_es}
    if before != after or upload.data:
        _record(session, offering, actor_id, "update", offering.external_id, before, after)
    session.flush()


def copy_image(session: Session, source: Offering, copy: Offering) -> None:
    """Give ``copy`` a file of its own with ``source``'s image and alt texts (tied to the
    caller's transaction like any stored file), so that replacing or removing either
    image never takes the other's. A source whose file has gone gives no image."""
    if not source.image_key:
        return
    files = storage.storage()
    try:
        data = files.read(storage.check_key(source.image_key))
    except storage.StoredFileMissing:
        return
    copy.image_key = storage.store(session, data, CONTENT_TYPE, files)
    copy.image_width, copy.image_height = source.image_width, source.image_height
    copy.image_alt_es, copy.image_alt_en = source.image_alt_es, source.image_alt_en


def image_file(session: Session, key: str) -> bytes:
    """The stored image an offering shows; any other key (a pitch deck's, or one no key
    can be, a NUL byte that PostgreSQL refuses to compare among them) is not found."""
    try:
        storage.check_key(key)
    except storage.StoredFileMissing as error:
        raise NotFound(NO_IMAGE) from error
    found = session.scalar(select(Offering.id).where(Offering.image_key == key))
    if found is None:
        raise NotFound(NO_IMAGE)
    try:
        return storage.storage().read(key)
    except storage.StoredFileMissing as error:
        raise NotFound(NO_IMAGE) from error
