"""Durable reactions go through the outbox: written in the transaction of the change, delivered
by the worker once per consumer, retried after a failure, re-claimed after a lost lease."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone

from sasaran.audit.models import AuditEntry
from sasaran.events import Event, outbox, publish, subscribe
from sasaran.events.bus import unsubscribe
from sasaran.events.models import Delivery, DeliveryState, OutboxEvent
from sasaran.okrs import actions
from sasaran.okrs import events as ev
from tests.okrs.helpers import key_result, objective


@dataclass(frozen=True, kw_only=True)
class Pinged(Event):
    name = "test.pinged"
    n: int


def note_ping(event: Pinged) -> None:
    """A consumer whose work is a row: exactly one row per ping means exactly-once work."""
    AuditEntry.objects.create(
        workspace_id=event.workspace_id, action="ping", object_type="test", object_id=event.n
    )


@pytest.fixture
def durable_ping():
    handler = subscribe(Pinged, durable=True, name="tests.note_ping")(note_ping)
    yield handler
    unsubscribe(handler)


def pings():
    return sorted(AuditEntry.objects.filter(action="ping").values_list("object_id", flat=True))


def test_a_durable_event_is_written_in_the_transaction_of_the_change(workspace, durable_ping):
    with transaction.atomic():
        publish(Pinged(workspace_id=workspace.pk, n=1))
        delivery = Delivery.objects.get()
        assert delivery.consumer == "tests.note_ping"
        assert delivery.state == DeliveryState.PENDING
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(Pinged(workspace_id=workspace.pk, n=2))
        raise RuntimeError("rolled back")
    assert list(OutboxEvent.objects.values_list("payload__n", flat=True)) == [1]


def test_an_event_outlives_the_process_that_committed_it(workspace, durable_ping):
    # Committed, then the web process died before anything was delivered: the worker finds it.
    publish(Pinged(workspace_id=workspace.pk, n=7))
    assert pings() == []
    assert outbox.deliver_one() is True
    assert pings() == [7]
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.DONE and delivery.handled_at is not None
    assert outbox.deliver_one() is False
    assert pings() == [7]


def test_each_consumer_gets_its_own_delivery(workspace, durable_ping):
    seen = []
    other = subscribe(Pinged, durable=True, name="tests.other")(lambda e: seen.append(e.n))
    try:
        publish(Pinged(workspace_id=workspace.pk, n=3))
        while outbox.deliver_one():
            pass
    finally:
        unsubscribe(other)
    assert pings() == [3] and seen == [3]
    assert set(Delivery.objects.values_list("consumer", "state")) == {
        ("tests.note_ping", "done"),
        ("tests.other", "done"),
    }


def test_a_failing_consumer_is_retried_later_and_given_up_on_after_its_attempts(workspace):
    calls = []

    def flaky(event):
        calls.append(event.n)
        raise ValueError("the receiver is down")

    subscribe(Pinged, durable=True, name="tests.flaky")(flaky)
    try:
        publish(Pinged(workspace_id=workspace.pk, n=4))
        now = timezone.now()
        assert outbox.deliver_one(now) is True
        delivery = Delivery.objects.get()
        assert delivery.state == DeliveryState.PENDING
        assert "the receiver is down" in delivery.last_error
        assert delivery.next_attempt_at > now
        assert outbox.deliver_one(now) is False  # not before its back-off
        for _ in range(outbox.MAX_ATTEMPTS):
            outbox.deliver_one(now + dt.timedelta(days=1))
            now += dt.timedelta(days=1)
    finally:
        unsubscribe(flaky)
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    assert len(calls) == outbox.MAX_ATTEMPTS == delivery.attempts


def test_work_done_under_a_lost_lease_is_rolled_back(workspace):
    def slow(event):
        note_ping(event)
        # Meanwhile the lease ran out and another worker claimed the delivery.
        Delivery.objects.update(claim_token="another-worker")

    subscribe(Pinged, durable=True, name="tests.slow")(slow)
    try:
        publish(Pinged(workspace_id=workspace.pk, n=5))
        now = timezone.now()
        outbox.deliver_one(now)
    finally:
        unsubscribe(slow)
    assert pings() == []
    # (In this one-connection test the other worker's claim rolls back with the work; real
    # second workers on PostgreSQL: tests/scheduler/test_workers_postgres.py.)
    assert Delivery.objects.get().state == DeliveryState.RUNNING
    subscribe(Pinged, durable=True, name="tests.slow")(note_ping)
    try:
        assert outbox.deliver_one(now + outbox.LEASE + dt.timedelta(seconds=1)) is True
    finally:
        unsubscribe(note_ping)
    assert pings() == [5]


def test_an_expired_lease_is_claimed_again(workspace, durable_ping):
    publish(Pinged(workspace_id=workspace.pk, n=6))
    now = timezone.now()
    claimed = outbox.claim(now)
    assert claimed is not None  # a worker took it, then died
    assert outbox.deliver_one(now) is False  # still leased
    assert outbox.deliver_one(now + outbox.LEASE + dt.timedelta(seconds=1)) is True
    assert pings() == [6]
    assert Delivery.objects.get().attempts == 2


def test_a_delivery_for_a_consumer_this_worker_does_not_know_is_left_to_others(
    workspace, durable_ping
):
    # During a rolling deploy an older worker meets a newer consumer's deliveries.
    publish(Pinged(workspace_id=workspace.pk, n=8))
    Delivery.objects.update(consumer="tests.newer_consumer")
    assert outbox.deliver_one() is False
    assert Delivery.objects.get().state == DeliveryState.PENDING


def test_an_event_that_no_longer_reads_fails_like_its_consumer_and_the_worker_goes_on(
    workspace, durable_ping
):
    publish(Pinged(workspace_id=workspace.pk, n=9))
    # Written by an older version: the field `n` it needs today is missing.
    OutboxEvent.objects.update(payload={"workspace_id": workspace.pk})
    now = timezone.now()
    assert outbox.deliver_one(now) is True
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING
    assert "TypeError" in delivery.last_error
    assert pings() == []


def test_a_check_in_reaches_a_durable_consumer_with_its_typed_event(
    actor_of, owner, cycle, product
):
    got = []
    handler = subscribe(ev.CheckInRecorded, durable=True, name="tests.checkins")(got.append)
    try:
        obj = objective(actor_of(owner), cycle, product)
        kr = key_result(actor_of(owner), obj, start_value=0.0, target_value=10.0)
        checkin = actions.create_checkin(actor_of(owner), kr.pk, value=4.0, confidence=3)
        assert outbox.deliver_one() is True
    finally:
        unsubscribe(handler)
    (event,) = got
    assert isinstance(event, ev.CheckInRecorded)
    assert (event.check_in_id, event.value, event.checked_in_at) == (
        checkin.pk,
        4.0,
        checkin.checked_in_at,
    )


def test_the_events_command_shows_the_outbox_and_requeues_failed_deliveries(workspace):
    from io import StringIO

    from django.core.management import call_command

    publish_failed = Delivery.objects.create(
        event=OutboxEvent.objects.create(workspace_id=workspace.pk, name="test.pinged", payload={}),
        consumer="tests.gone",
        state=DeliveryState.FAILED,
        attempts=8,
        last_error="ValueError: the receiver is down",
    )
    out = StringIO()
    call_command("events", stdout=out)
    assert "tests.gone\tfailed\t1" in out.getvalue()
    assert "the receiver is down" in out.getvalue()
    call_command("events", "--retry", stdout=StringIO())
    publish_failed.refresh_from_db()
    assert (publish_failed.state, publish_failed.attempts) == (DeliveryState.PENDING, 0)


def test_delivered_events_are_pruned_after_their_time(workspace, durable_ping):
    publish(Pinged(workspace_id=workspace.pk, n=10))
    outbox.deliver_one()
    outbox.prune(timezone.now() - dt.timedelta(days=1))
    assert Delivery.objects.count() == 1
    outbox.prune(timezone.now() + dt.timedelta(seconds=1))
    assert not Delivery.objects.exists() and not OutboxEvent.objects.exists()
