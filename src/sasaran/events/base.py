"""The base of every domain event: who did it, in which workspace, when; and a JSON form for the
outbox that reads back into the same typed event."""

import dataclasses
import datetime as dt
import enum
import types
import typing
from typing import Any, ClassVar

from django.utils import timezone

EVENT_TYPES: dict[str, type["Event"]] = {}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Subclasses are frozen keyword-only dataclasses with a unique `name` ("okrs.check_in")."""

    name: ClassVar[str] = "event"
    workspace_id: int
    # The member who acted; None when Sasaran itself did (a rule, a KPI feed, an import, a job).
    actor_id: int | None = None
    # "" for a member; for the system actor, on whose behalf it acted ("rule 12 …").
    on_behalf_of: str = ""
    occurred_at: dt.datetime = dataclasses.field(default_factory=timezone.now)

    def __post_init__(self):
        # Plain values only (a Status enum member becomes its string), as the outbox will read.
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, enum.Enum):
                object.__setattr__(self, f.name, value.value)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("name", "event") in EVENT_TYPES:
            raise TypeError(f"Two events are called {cls.name!r}.")
        if "name" in cls.__dict__:
            EVENT_TYPES[cls.name] = cls

    @classmethod
    def by(cls, actor, **fields) -> "Event":
        """The event as done by `actor` (an accounts Actor or SystemActor)."""
        return cls(
            workspace_id=actor.workspace_id,
            actor_id=actor.user_id,
            on_behalf_of=actor.on_behalf_of,
            **fields,
        )

    def to_payload(self) -> dict[str, Any]:
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dt.datetime | dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> "Event":
        hints = typing.get_type_hints(cls)
        known = {f.name for f in dataclasses.fields(cls)}
        values = {}
        for key, value in payload.items():
            if key not in known:
                continue  # a field removed since the row was written
            values[key] = _revive(hints[key], value)
        return cls(**values)


def _revive(hint, value):
    """JSON value -> the field's type (datetimes, dates and tuples; the rest is JSON already)."""
    if value is None:
        return None
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if option is dt.datetime:
            return dt.datetime.fromisoformat(value)
        if option is dt.date:
            return dt.date.fromisoformat(value)
        if typing.get_origin(option) is tuple:
            return tuple(value)
    return value
