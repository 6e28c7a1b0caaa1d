"""Password hashing and the strength rule (length, then zxcvbn with the person's own data).

zxcvbn's feedback is English text; we read the pattern it found instead and explain it in our
own translated words."""

import hashlib
import re

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from app.services.errors import DomainError

MIN_LENGTH = 12


# zxcvbn scores 0-4; 3 is "safely unguessable: moderate protection from offline attacks".
MIN_SCORE = 3


# zxcvbn's cost grows with length; nobody types more, and longer input is a denial of service.
MAX_LENGTH = 128


# Compared against when the email is unknown, so a failed login takes as long either way.
_DUMMY_HASH = generate_password_hash("not a real password, only a timing decoy")

RULES_HINT = _l(
    "At least %(min)s characters. A few unrelated words are easy to remember and hard to "
    "guess; avoid common passwords, keyboard patterns, dates and your own name or email.",
    min=MIN_LENGTH,
)

_PATTERN_REASONS = {
    "spatial": _l("It follows a pattern of neighbouring keys on the keyboard."),
    "repeat": _l("It repeats the same characters or words."),
    "sequence": _l("It contains an easy sequence such as “abc” or “6543”."),
    "regex": _l("It contains a recent year."),
    "date": _l("It contains a date."),
}

_DICTIONARY_REASONS = {
    "passwords": _l("It is, or looks like, one of the most common passwords."),
    "user_inputs": _l("It contains your name or your email address."),
}

_WORDS_REASON = _l("It is made mostly of common words or names.")


class WeakPassword(DomainError):
    def __init__(self, message, field: str = "password"):
        super().__init__(message, field)


def hash_password(password: str) -> str:
    """werkzeug's current default (scrypt)."""
    return generate_password_hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)


def fingerprint(password_hash: str | None) -> str:
    """A short digest of the stored hash: a reset link carrying it dies once the password
    changes, and reveals nothing about the hash itself."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def _reason(result: dict):
    """Why zxcvbn found it guessable, from the longest pattern it matched."""
    matches = [match for match in result.get("sequence", []) if match["pattern"] != "bruteforce"]
    if not matches:
        return None
    longest = max(matches, key=lambda match: len(match["token"]))
    if longest["pattern"] == "dictionary":
        return _DICTIONARY_REASONS.get(longest.get("dictionary_name"), _WORDS_REASON)
    return _PATTERN_REASONS.get(longest["pattern"])


def check_strength(password: str, user_inputs: list[str], field: str = "password") -> None:
    """Raise WeakPassword with a translated explanation unless the password is strong enough."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            _l("Use at least %(min)s characters.", min=MIN_LENGTH),
            field,
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(_l("Use at most %(max)s characters.", max=MAX_LENGTH), field)
    inputs = sorted({part for value in user_inputs if value for part in _split(value)})
    result = zxcvbn(password, user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return
    reason = _reason(result)
    if reason is None:
        message = _l("This password is too easy to guess. Try a longer phrase of unrelated words.")
    else:
        message = _l(
            "This password is too easy to guess: %(reason)s Try a longer phrase of "
            "unrelated words.",
            reason=reason,
        )
    raise WeakPassword(message, field)


def _split(value: str) -> set[str]:
    """The whole value and its parts: "Ana García" and "ana.garcia@example.org" alike."""
    value = value.lower()
    return {part for part in (value, *re.split(r"[\W_]+", value)) if len(part) >= 3}
