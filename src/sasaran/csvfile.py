"""CSV files that pages and the API hand out: UTF-8 without a byte-order mark, a header row,
numbers as Python writes them (never localised: 1234.5, not "1.234,5"), and text a spreadsheet
would run as a formula defused."""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

CONTENT_TYPE = "text/csv; charset=utf-8"
# A cell starting with one of these is read as a formula by spreadsheets (CSV injection): such
# text gets a leading apostrophe, which spreadsheets show as text and do not evaluate.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str | int | float:
    """One value as a CSV cell: numbers stay numbers, dates ISO 8601, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def render(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download named `filename` (ASCII: callers slugify what they put in it)."""
    answer = HttpResponse(render(header, rows).encode("utf-8"), content_type=CONTENT_TYPE)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer
