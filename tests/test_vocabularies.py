"""The enums built from app/models/vocabularies.toml: their stored values, their labels and
the messages the catalogues get from them."""

import tomllib
from importlib import import_module
from pathlib import Path

from babel.messages.extract import extract
from babel.messages.pofile import read_po
from flask_babel import LazyString, force_locale

from app.models import enums
from app.models.types import LabelledEnum, PlaceStatus

ROOT = Path(__file__).resolve().parent.parent
VOCABULARIES = ROOT / "app" / "models" / "vocabularies.toml"


def vocabularies() -> dict:
    with VOCABULARIES.open("rb") as handle:
        return tomllib.load(handle)


def labels() -> set[str]:
    return {label for members in vocabularies().values() for _value, label in members.values()}


def test_every_table_is_an_enum_with_its_members_values_and_lazy_labels_in_order(app):
    with app.app_context(), force_locale("en"):
        for name, members in vocabularies().items():
            vocabulary = getattr(enums, name)
            assert issubclass(vocabulary, LabelledEnum)
            assert all(isinstance(member.label, LazyString) for member in vocabulary)
            assert [(member.name, member.value, str(member.label)) for member in vocabulary] == [
                (member, value, label) for member, (value, label) in members.items()
            ]


def test_members_keep_their_stored_values_labels_and_rules(app):
    with app.app_context(), force_locale("es"):
        assert str(enums.ApplicationStatus.ACCEPTED.label) == "Aceptada: confirma tu plaza"
    assert enums.Kind.BOOTCAMP == "bootcamp"
    assert str(enums.Kind.SCIENCE_WEEK_ACTIVITY) == "science-week-activity"
    assert enums.InstructionLanguage("en") is enums.InstructionLanguage.ENGLISH
    assert enums.AgeBand.FROM_65.value == "65-plus"
    assert [status.value for status in enums.ClassStatus] == [
        "confirmed",
        "waiting",
        "cancelled",
        "declined",
        "offering-cancelled",
    ]
    assert enums.Kind.TALK.is_one_off and not enums.Kind.BOOTCAMP.is_one_off
    assert enums.ApplicationStatus.CONFIRMED.holds_place
    assert enums.ApplicationStatus.LAPSED.is_closed
    assert issubclass(enums.EnrolmentStatus, PlaceStatus)
    assert enums.LIVE_ENROLMENT_STATUSES == (
        enums.EnrolmentStatus.CONFIRMED,
        enums.EnrolmentStatus.WAITING,
    )
    assert enums.LIVE_CLASS_STATUSES == (enums.ClassStatus.CONFIRMED, enums.ClassStatus.WAITING)


def test_members_print_and_unpickle_as_class_declared_enums_do():
    """Cached results are pickled, enums in them: pickle finds a class by module and name."""
    member = enums.Kind.BOOTCAMP
    assert repr(member) == "<Kind.BOOTCAMP: 'bootcamp'>"
    reducer, arguments = member.__reduce_ex__(4)
    assert getattr(import_module(reducer.__module__), reducer.__qualname__) is enums.Kind
    assert reducer(*arguments) is member


def test_extraction_yields_every_label_and_the_catalogues_translate_them():
    with VOCABULARIES.open("rb") as handle:
        extracted = {
            message
            for _lineno, message, _comments, _context in extract(
                "tools.vocabulary_messages:extract", handle
            )
        }
    assert extracted == labels()
    for lang in ("es", "en"):
        with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalogue = read_po(handle, locale=lang)
        assert all(catalogue.get(label) and catalogue.get(label).string for label in labels())
