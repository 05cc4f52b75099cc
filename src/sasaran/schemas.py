"""Schemas shared by every router: the error body, the declared error statuses, pagination."""

from functools import wraps

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


# ?format=csv on a list endpoint: the same filters, every matching row, as a CSV file.
FORMAT_DESCRIPTION = (
    "`json` (the default): one page of rows. `csv`: every row matching the filters as a CSV file "
    "(text/csv, UTF-8, a header row of field names; nested fields as `parent_child` columns, "
    "lists left out; `limit` and `offset` do not apply)."
)


def csv_response_doc(status: int = 200) -> dict:
    """openapi_extra documenting the text/csv answer beside the JSON one."""
    return {
        "responses": {
            status: {"content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}}
        }
    }


def csv_or_page(to_csv):
    """Put between @router.get and @paginate: when the request's filters say format=csv, the
    view answers `to_csv(request, filters)` (an HttpResponse, which ninja passes through)
    instead of a page. The filter schema carries `format`, so the spec documents it."""

    def decorate(paginated):
        @wraps(paginated)
        def view(request, **kwargs):
            if getattr(kwargs.get("filters"), "format", None) == "csv":
                return to_csv(request, kwargs["filters"])
            return paginated(request, **kwargs)

        return view

    return decorate
