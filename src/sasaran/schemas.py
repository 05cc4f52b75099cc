"""Schemas shared by every router: the error body."""

from ninja import Schema
from ninja.responses import codes_4xx


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError]


def with_errors(ok_status: int, schema) -> dict:
    return {ok_status: schema, codes_4xx: ErrorOut}


class Shaped:
    """A queryset that the paginator slices in SQL; only the page's rows are then shaped."""

    def __init__(self, qs, shape):
        self.qs, self.shape = qs, shape

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item):
        return [self.shape(row) for row in self.qs[item]]
