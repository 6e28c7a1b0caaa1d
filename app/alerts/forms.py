from app.auth.forms import EmailForm
from app.forms import ConfirmForm


class AccountAlertForm(ConfirmForm):
    """An account holder's alert: one button, to the account's address."""


class EmailAlertForm(EmailForm):
    """A visitor's alert: the address to confirm it from."""


class StopAlertForm(ConfirmForm):
    """The button of a stop link (mail programs post to it without a token: RFC 8058)."""

    class Meta:
        csrf = False
