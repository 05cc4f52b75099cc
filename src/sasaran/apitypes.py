"""Strict input types for the API: a JSON `false` is not a number, "5" is not an integer."""

import math
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, StrictStr, WithJsonSchema

from sasaran.limits import MAX_MAGNITUDE, number_range_message

_NUMBER_SCHEMA = {"type": "number", "minimum": -MAX_MAGNITUDE, "maximum": MAX_MAGNITUDE}


def _strict_number(value: Any) -> float:
    # bool is an int subclass and "5" is what lax mode would coerce: neither is a number here.
    # Not a number, not finite, too large: one message, the range (sasaran.limits).
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(number_range_message())
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
        raise ValueError(number_range_message())
    return number


def _number_or_bool(value: Any) -> float | bool | None:
    if value is None or isinstance(value, bool):
        return value
    return _strict_number(value)


# One validator each rather than a union, so an error names the field and nothing else.
Number = Annotated[float, BeforeValidator(_strict_number), WithJsonSchema(_NUMBER_SCHEMA)]
NumberOrBool = Annotated[
    Any,
    BeforeValidator(_number_or_bool),
    WithJsonSchema({"anyOf": [_NUMBER_SCHEMA, {"type": "boolean"}, {"type": "null"}]}),
]
Id = Annotated[StrictInt, Field(ge=1, le=2**62)]


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold U+0000: refuse it here rather than fail in the database.
    if "\x00" in value:
        raise ValueError("Text must not contain the NUL character")
    return value


Text = Annotated[StrictStr, AfterValidator(_no_nul)]
# Free text in a query string (parsed, not strict: it arrives as text anyway).
QueryText = Annotated[str, AfterValidator(_no_nul), Field(max_length=100)]
Confidence = Annotated[StrictInt, Field(ge=1, le=5)]

# Path and query ids arrive as text, so they are parsed (not strict), but bounded: an id past
# SQLite's 64-bit integers must be a 422, not an OverflowError deep in the database driver.
PathId = Annotated[int, Field(ge=1, le=2**62)]
QueryId = Annotated[int, Field(ge=1, le=2**62)]
