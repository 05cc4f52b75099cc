"""Schemas shared by every router: the error body, the declared error statuses, pagination,
and the JSON renderer."""

from functools import wraps

import orjson
from django.conf import settings
from django.http import HttpResponse
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from sasaran import responsecache

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


# Dates and times keep the text they always had (DjangoJSONEncoder's: milliseconds, "Z" for
# UTC); everything else orjson writes itself, several times faster than json.dumps.
_ENCODER = NinjaJSONEncoder()
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def to_json(data) -> bytes:
    return orjson.dumps(data, default=_ENCODER.default, option=_ORJSON_OPTIONS)


JSON_TYPE = "application/json; charset=utf-8"


class JSONRenderer(BaseRenderer):
    """The API's renderer: orjson, with dates and times as Django writes them."""

    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return to_json(data)


class Shaped:
    """A queryset that the paginator slices in SQL; only the page's rows are then shaped."""

    def __init__(self, qs, shape=None, *, page=None, count=None):
        # `shape` shapes one row; `page` shapes the page's rows together (a few queries for
        # the page, not one per row); `count` is the same rows without what only shaping
        # needs (an annotation's join), for a cheaper count(*).
        self.qs, self.shape, self.page, self.count_qs = qs, shape, page, count

    def __len__(self) -> int:
        return (self.qs if self.count_qs is None else self.count_qs).count()

    def __getitem__(self, item):
        rows = list(self.qs[item])
        if self.page is not None:
            rows = self.page(rows)
        return [self.shape(row) for row in rows] if self.shape is not None else rows


class ShapedPage(dict):
    """A page of rows our own code shaped (Shaped): `paged` sends it as it is."""


class Pagination(LimitOffsetPagination):
    """limit/offset on every list; the offset is bounded so a huge one is a 422 rather than an
    integer overflow in the database."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=2**62)

    def paginate_queryset(self, queryset, pagination, request, **params):
        if not isinstance(queryset, Shaped):
            return super().paginate_queryset(queryset, pagination, request, **params)
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        items = queryset[offset : offset + limit]
        # A page that is not full tells the count itself: no count(*) over the filtered set
        # (only an empty page past the start cannot tell whether rows lie before it).
        if len(items) < limit and (items or offset == 0):
            count = offset + len(items)
        else:
            count = len(queryset)
        return ShapedPage(items=items, count=count)


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


def paged(to_csv=None):
    """Put under @router.get of a list: limit/offset pagination (ninja's, so the spec shows its
    parameters and the paged schema).

    A page of rows shaped by our own code (a Shaped returned by the view, whose shape makes
    plain dicts) is sent as JSON at once: ninja would validate every row against the response
    schema again, which costs more than reading them. tests/api/test_shaped_pages.py holds
    every such list to what the schema would have made of it (settings.API_SHAPED_PAGES=False
    turns this off).

    With `to_csv`, when the request's filters say format=csv the view answers
    `to_csv(request, filters)` instead of a page (the filter schema carries `format`, so the
    spec documents it)."""

    def decorate(view):
        paginated = paginate(Pagination)(view)

        @wraps(paginated)
        def page_view(request, **kwargs):
            if to_csv is not None and getattr(kwargs.get("filters"), "format", None) == "csv":
                return to_csv(request, kwargs["filters"])

            def build():
                result = paginated(request, **kwargs)
                if (
                    isinstance(result, ShapedPage)
                    and settings.API_SHAPED_PAGES
                    and all(type(row) is dict for row in result["items"])
                ):
                    return HttpResponse(to_json(result), content_type=JSON_TYPE)
                return result

            # Kept per reader while the workspace is unchanged, and 304 on If-None-Match.
            return responsecache.answer(request, build)

        return page_view

    return decorate
