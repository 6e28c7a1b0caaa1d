"""Babel extraction method for app/models/vocabularies.toml (registered in babel.cfg): each
member's label, as app.models.enums translates it, is a message of the catalogues."""

import tomllib


def extract(fileobj, keywords, comment_tags, options):
    """Yield ``(lineno, funcname, message, comments)`` for every label; the catalogues keep
    no locations, so no line is given."""
    for vocabulary in tomllib.load(fileobj).values():
        for _value, label in vocabulary.values():
            yield 0, None, label, []
