"""Subscribing to and publishing domain events."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction

from sasaran import changes
from sasaran.events.base import Event

log = logging.getLogger(__name__)

Handler = Callable[[Event], None]


@dataclass(frozen=True)
class Subscriber:
    event_type: type[Event]
    handler: Handler
    name: str
    durable: bool


_subscribers: list[Subscriber] = []


def subscribe(event_type: type[Event], *, durable: bool = False, name: str = ""):
    """Decorator: call the function with every event of `event_type` (or a subclass; `Event`
    means all). Durable subscribers are delivered by the worker through the outbox, and their
    `name` (default: module.function) is stored with each delivery: keep it stable."""

    def register(handler: Handler) -> Handler:
        sub = Subscriber(
            event_type, handler, name or f"{handler.__module__}.{handler.__qualname__}", durable
        )
        if sub in _subscribers:  # ready() may run twice in tests
            return handler
        if sub.durable and any(s.durable and s.name == sub.name for s in _subscribers):
            raise ValueError(f"Two durable subscribers are called {sub.name!r}.")
        _subscribers.append(sub)
        return handler

    return register


def unsubscribe(handler: Handler) -> None:
    """Remove a handler (tests register throw-away subscribers)."""
    _subscribers[:] = [s for s in _subscribers if s.handler is not handler]


def subscribers_of(event: Event) -> list[Subscriber]:
    return [s for s in _subscribers if isinstance(event, s.event_type)]


def durable_consumers() -> list[str]:
    return [s.name for s in _subscribers if s.durable]


def durable_consumer(name: str) -> Subscriber | None:
    return next((s for s in _subscribers if s.durable and s.name == name), None)


def publish(event: Event) -> None:
    """Announce `event` from inside the transaction that made it happen.

    Durable subscribers: an outbox row and one delivery per subscriber, written now, in the
    caller's transaction (gone if it rolls back). Immediate subscribers: called once the
    transaction commits (never if it rolls back)."""
    from sasaran.events.models import Delivery, OutboxEvent

    # An announcement is a change (some, like a key result turning stale, have no audit entry).
    changes.touch(event.workspace_id)
    subs = subscribers_of(event)
    durable = [s for s in subs if s.durable]
    if durable:
        row = OutboxEvent.objects.create(
            workspace_id=event.workspace_id,
            name=event.name,
            payload=event.to_payload(),
            created_at=event.occurred_at,
        )
        Delivery.objects.bulk_create(Delivery(event=row, consumer=s.name) for s in durable)
    for sub in subs:
        if not sub.durable:
            transaction.on_commit(partial(_call, sub, event))


def _call(sub: Subscriber, event: Event) -> None:
    try:
        sub.handler(event)
    except Exception:
        # The change is committed; a failing reaction must not turn the request into an error.
        log.exception("subscriber %s failed on %s", sub.name, event.name)
