"""Readying a new worker before its first request: the emails' templates compiled and both
languages' catalogues loaded, so that the first enrolment a worker takes in a rush does not
compile them while it holds an offering's lock."""

from flask import Flask
from flask_babel import force_locale, gettext

from app.i18n import LANGUAGES


def warm_up(app: Flask) -> None:
    for name in app.jinja_env.list_templates(filter_func=lambda name: name.startswith("email/")):
        app.jinja_env.get_template(name)
    with app.app_context():
        for lang in LANGUAGES:
            with force_locale(lang):
                gettext("MOT Formación")
