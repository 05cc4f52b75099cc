"""Errors raised by actions and queries; the API and pages turn them into 4xx responses."""


class ActionError(Exception):
    status = 400

    def __init__(self, message: str, field: str | None = None, errors: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = (
            errors
            if errors is not None
            else ([{"field": field, "message": message}] if field else [])
        )


class Invalid(ActionError):
    status = 422


class Forbidden(ActionError):
    status = 403


class NotFound(ActionError):
    status = 404


class Conflict(ActionError):
    status = 409
