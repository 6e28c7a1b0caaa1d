"""Fail when a catalogue lacks a message of the sources, or has an untranslated or fuzzy one
(plural forms included).

``--update`` extracts the messages (``make i18n-update``), merges them into both catalogues
and copies each msgid into the English catalogue where it is still empty: the source
strings are English, so that catalogue is complete by construction; the Spanish one is
translated by people and checked here.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
ROOT = REPO / "translations"
TEMPLATE = ROOT / "messages.pot"
# Babel skips folders whose names start with "_" unless told otherwise: the templates'
# _macros/ and _partials/ hold messages too.
EXTRACT = [
    "extract",
    "-F",
    str(ROOT / "babel.cfg"),
    "-k",
    "_l",
    "-k",
    "lazy_gettext",
    "-k",
    "lazy_ngettext:1,2",
    "--ignore-dirs",
    ".* __pycache__",
    "--no-location",
    "--omit-header",
    "--sort-output",
]


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def extract(output: Path) -> None:
    pybabel(*EXTRACT, "-o", str(output), str(REPO))


def messages(path: Path, lang: str | None = None) -> set[str]:
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=lang)
    return {
        message.id[0] if isinstance(message.id, tuple) else message.id
        for message in catalogue
        if message.id
    }


def catalogue_path(lang: str) -> Path:
    return ROOT / lang / "LC_MESSAGES" / "messages.po"


def problems(lang: str) -> list[str]:
    with catalogue_path(lang).open("rb") as handle:
        catalogue = read_po(handle, locale=lang)
    found = []
    if catalogue.fuzzy:  # pybabel compile silently skips a catalogue whose header is fuzzy
        found.append(f"{lang}: the catalogue header is marked fuzzy")
    for message in catalogue:
        if not message.id:
            continue
        label = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"{lang}: fuzzy: {label!r}")
        if isinstance(message.id, tuple) and len(strings) != catalogue.num_plurals:
            found.append(f"{lang}: needs {catalogue.num_plurals} plural forms: {label!r}")
        if not all(strings):
            found.append(f"{lang}: untranslated: {label!r}")
    return found


def fill_english() -> None:
    path = catalogue_path("en")
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="en")
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = message.id
        elif not message.string:
            message.string = message.id
    with path.open("wb") as handle:
        write_po(handle, catalogue, omit_header=False, sort_output=True, width=100)


def update() -> None:
    extract(TEMPLATE)
    pybabel("update", "-i", str(TEMPLATE), "-d", str(ROOT), "--no-fuzzy-matching")
    fill_english()


def not_extracted() -> list[str]:
    """Messages of the sources that a catalogue does not have (``make i18n-update`` forgotten)."""
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "messages.pot"
        extract(fresh)
        wanted = messages(fresh)
    return [
        f"{lang}: not in the catalogue (run make i18n-update): {message!r}"
        for lang in ("es", "en")
        for message in sorted(wanted - messages(catalogue_path(lang), lang))
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()
    if args.update:
        update()
    found = not_extracted() + [problem for lang in ("es", "en") for problem in problems(lang)]
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{len(found)} translation problem(s)", file=sys.stderr)
        return 1
    print("translations complete: es, en")
    return 0


if __name__ == "__main__":
    sys.exit(main())
