"""Fail when a catalogue has an untranslated or fuzzy message (plural forms included).

``--fill-english`` copies each msgid into the English catalogue where it is still empty:
the source strings are English, so that catalogue is complete by construction; the Spanish
one is translated by people and checked here.
"""

import argparse
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "translations"


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fill-english", action="store_true")
    args = parser.parse_args()
    if args.fill_english:
        fill_english()
    found = [problem for lang in ("es", "en") for problem in problems(lang)]
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{len(found)} translation problem(s)", file=sys.stderr)
        return 1
    print("translations complete: es, en")
    return 0


if __name__ == "__main__":
    sys.exit(main())
