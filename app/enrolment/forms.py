"""The confirm step of enrolling and cancelling: a button and its CSRF token, nothing more."""

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """What is confirmed is in the URL; the form only proves the request came from our page."""
