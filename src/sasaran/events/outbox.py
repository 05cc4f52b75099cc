"""Delivering outbox events to durable consumers, one at a time (`deliver_one`), from the worker.

Claiming is a conditional UPDATE that sets a fresh claim token and a lease: of several workers
only one wins a delivery; if its worker dies, the lease runs out and another worker claims it
again. The consumer runs inside a transaction that also marks the delivery done, guarded by the
claim token: if the lease was lost meanwhile, everything the consumer wrote rolls back."""

import datetime as dt
import logging
import secrets
import time

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from sasaran.events.base import EVENT_TYPES
from sasaran.events.bus import durable_consumer, durable_consumers
from sasaran.events.models import Delivery, DeliveryState, OutboxEvent

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 8


class LeaseLost(Exception):
    pass


def _claimable(now: dt.datetime) -> Q:
    return Q(state=DeliveryState.PENDING, next_attempt_at__lte=now) | Q(
        state=DeliveryState.RUNNING, lease_until__lt=now
    )


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, … capped at one hour."""
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def claim(now: dt.datetime, lease: dt.timedelta = LEASE) -> tuple[Delivery, str] | None:
    """Claim the oldest deliverable delivery for a consumer this process knows (during a
    rolling deploy an older worker leaves a new consumer's deliveries to the newer ones);
    None when there is none."""
    candidates = (
        Delivery.objects.filter(_claimable(now), consumer__in=durable_consumers())
        .order_by("id")
        .values_list("pk", flat=True)[:20]
    )
    for pk in candidates:
        token = secrets.token_hex(8)
        won = (
            Delivery.objects.filter(_claimable(now), pk=pk).update(
                state=DeliveryState.RUNNING,
                claim_token=token,
                lease_until=now + lease,
                attempts=F("attempts") + 1,
            )
            == 1
        )
        if won:
            return Delivery.objects.select_related("event").get(pk=pk), token
    return None


def deliver_one(now: dt.datetime | None = None, *, lease: dt.timedelta = LEASE) -> bool:
    """Deliver one pending event to its consumer; False when nothing was due."""
    now = now or timezone.now()
    claimed = claim(now, lease)
    if claimed is None:
        return False
    delivery, token = claimed
    sub = durable_consumer(delivery.consumer)
    event_type = EVENT_TYPES.get(delivery.event.name)
    mine = Delivery.objects.filter(pk=delivery.pk, claim_token=token)
    started = time.monotonic()
    if sub is None or event_type is None:
        what = "consumer" if sub is None else "event type"
        mine.update(state=DeliveryState.FAILED, last_error=f"unknown {what}", lease_until=None)
        log.error("delivery %s: unknown %s", delivery.pk, what)
        return True
    try:
        # Inside the try: a payload that no longer reads as its event fails like a consumer.
        event = event_type.from_payload(delivery.event.payload)
        with transaction.atomic():
            sub.handler(event)
            done = mine.filter(state=DeliveryState.RUNNING).update(
                state=DeliveryState.DONE, handled_at=timezone.now(), lease_until=None
            )
            if done != 1:
                raise LeaseLost
    except LeaseLost:
        log.warning("delivery %s: lease lost; its work was rolled back", delivery.pk)
    except Exception as exc:
        log.exception("delivery %s to %s failed", delivery.pk, delivery.consumer)
        attempts = delivery.attempts
        gave_up = attempts >= MAX_ATTEMPTS
        mine.update(
            state=DeliveryState.FAILED if gave_up else DeliveryState.PENDING,
            # The backoff counts from the failure, on the caller's clock (see scheduler.runner).
            next_attempt_at=now
            + dt.timedelta(seconds=time.monotonic() - started)
            + backoff(attempts),
            lease_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
    return True


def prune(before: dt.datetime) -> None:
    """Delivered events older than `before` go (failed ones stay until retried or removed)."""
    Delivery.objects.filter(state=DeliveryState.DONE, handled_at__lt=before).delete()
    OutboxEvent.objects.filter(created_at__lt=before, deliveries__isnull=True).delete()
