"""Strict input types for the API: a JSON `false` is not a number, "5" is not an integer."""

from typing import Annotated

from pydantic import AfterValidator, Field, StrictFloat, StrictInt, StrictStr

Number = Annotated[StrictInt | StrictFloat, AfterValidator(float)]
Id = Annotated[StrictInt, Field(ge=1, le=2**62)]
Text = StrictStr
Confidence = Annotated[StrictInt, Field(ge=1, le=5)]
