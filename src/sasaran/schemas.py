"""Schemas shared by every router: the error body, the declared error statuses, pagination."""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# The client errors the API answers with. ninja's own `codes_4xx` leaves out 422, the status of
# every validation error, so the spec would not document the most common error response.
ERROR_CODES = frozenset({400, 401, 403, 404, 405, 409, 413, 415, 422, 429})


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError]


def with_errors(ok_status: int, schema) -> dict:
    return {ok_status: schema, ERROR_CODES: ErrorOut}


class Shaped:
    """A queryset that the paginator slices in SQL; only the page's rows are then shaped."""

    def __init__(self, qs, shape=None, *, page=None):
        # `shape` shapes one row; `page` shapes the page's rows together (a few queries for
        # the page, not one per row).
        self.qs, self.shape, self.page = qs, shape, page

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, item):
        rows = list(self.qs[item])
        if self.page is not None:
            rows = self.page(rows)
        return [self.shape(row) for row in rows] if self.shape is not None else rows


class Pagination(LimitOffsetPagination):
    """limit/offset on every list; the offset is bounded so a huge one is a 422 rather than an
    integer overflow in the database."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=2**62)
