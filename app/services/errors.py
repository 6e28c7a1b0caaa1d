"""Domain errors: translated messages, each at the form field it belongs to where one fits."""

from collections.abc import Iterator, Sequence


class DomainError(Exception):
    """A refusal. ``problems`` holds every (field, message) pair found at once; the common
    single refusal is ``DomainError(message, field)``."""

    status_code = 422

    def __init__(
        self,
        message=None,
        field: str | None = None,
        *,
        problems: Sequence[tuple[str | None, object]] = (),
        status_code: int | None = None,
    ):
        # Keep the lazy messages: each is rendered in the language of whoever reads it.
        self.problems = list(problems) or [(field, message)]
        self.field, self.message = self.problems[0]
        if status_code is not None:
            self.status_code = status_code
        super().__init__(self.message)

    def apply_to(self, form) -> None:
        """Put each message on the field it names (``sessions-2-end_time`` reaches into a
        list of subforms), or on the form as a whole."""
        fields = dict(_fields_by_name(form))
        for name, message in self.problems:
            target = fields.get(name) if name else None
            if target is None:
                form.form_errors.append(message)
            else:
                target.errors = [*target.errors, message]

    def __str__(self) -> str:
        return str(self.message)


def _fields_by_name(form) -> Iterator[tuple[str, object]]:
    for field in form:
        yield field.name, field
        inner = getattr(field, "form", None)  # FormField
        if inner is not None:
            yield from _fields_by_name(inner)
        for entry in getattr(field, "entries", ()):  # FieldList
            yield entry.name, entry
            if getattr(entry, "form", None) is not None:
                yield from _fields_by_name(entry.form)


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409
