"""Domain errors: a translated message and, where one fits, the form field it belongs to."""


class DomainError(Exception):
    status_code = 422

    def __init__(self, message, field: str | None = None):
        # Keep the lazy message: it is rendered in the language of whoever reads it.
        super().__init__(message)
        self.message = message
        self.field = field

    def apply_to(self, form) -> None:
        """Put the message on the form field it belongs to, or on the form as a whole."""
        field = getattr(form, self.field, None) if self.field else None
        if field is not None:
            field.errors = [*field.errors, self.message]
        else:
            form.form_errors.append(self.message)

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409
