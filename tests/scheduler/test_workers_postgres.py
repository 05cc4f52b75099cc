"""Several workers on one PostgreSQL, as in production: real processes (forked), real row
claims. Each occurrence and each outbox delivery is done once; a worker killed mid-job loses
its lease and the job is done by the next worker."""

import datetime as dt
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, connections

from sasaran.audit.models import AuditEntry
from sasaran.events import Event, outbox, publish, subscribe
from sasaran.events.bus import unsubscribe
from sasaran.events.models import Delivery, DeliveryState
from sasaran.scheduler import registry, runner
from sasaran.scheduler.models import Occurrence, OccurrenceState

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FORK = multiprocessing.get_context("fork")


@pytest.fixture(autouse=True)
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("several workers are exercised on PostgreSQL (DATABASE_URL=postgresql://…)")


def start(target, *args):
    # Children open their own connections: never share the parent's socket across a fork.
    connections.close_all()
    process = FORK.Process(target=target, args=args)
    process.start()
    return process


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


# ---- the scheduler ---------------------------------------------------------------------------


def _run_due(now, name):
    while runner.run_one(now, worker=name):
        pass
    connections.close_all()


def test_two_workers_run_each_occurrence_once(tmp_path, only_test_jobs):
    log = tmp_path / "runs.log"

    def job(when):
        with open(log, "a") as out:  # O_APPEND: whole lines from both processes
            out.write(f"{when.isoformat()} {os.getpid()}\n")
        time.sleep(0.01)

    registry.register(registry.Job(key="test.minutely", cron="* * * * *", run=job))
    base = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
    # A backlog of 40 due occurrences (say, written by planners before both workers started).
    Occurrence.objects.bulk_create(
        Occurrence(job="test.minutely", scheduled_for=base + dt.timedelta(minutes=i))
        for i in range(40)
    )
    now = base + dt.timedelta(hours=1)
    workers = [start(_run_due, now, f"w{i}") for i in range(2)]
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    runs = [line.split()[0] for line in lines(log)]
    assert len(runs) == 40 and len(set(runs)) == 40
    assert set(Occurrence.objects.values_list("state", flat=True)) == {OccurrenceState.DONE}


def _run_until_killed(now, name):
    runner.run_one(now, worker=name)


def test_a_job_whose_worker_was_killed_is_run_again_by_the_next_worker(tmp_path, only_test_jobs):
    log = tmp_path / "runs.log"
    hang = tmp_path / "hang"
    hang.touch()

    def job(when):
        with open(log, "a") as out:
            out.write(f"start {os.getpid()}\n")
        while hang.exists():  # the first worker is killed in here
            time.sleep(0.05)
        with open(log, "a") as out:
            out.write(f"done {os.getpid()}\n")

    lease = dt.timedelta(seconds=30)
    registry.register(registry.Job(key="test.killed", cron="0 * * * *", run=job, lease=lease))
    now = dt.datetime(2026, 12, 2, 10, 1, tzinfo=dt.UTC)
    runner.plan(now)
    first = start(_run_until_killed, now, "doomed")
    wait_for(lambda: len(lines(log)) == 1)
    os.kill(first.pid, signal.SIGKILL)
    first.join(10)
    assert first.exitcode == -signal.SIGKILL
    held = Occurrence.objects.get(job="test.killed")
    assert (held.state, held.worker, held.attempts) == (OccurrenceState.RUNNING, "doomed", 1)
    # Another worker before the lease ends leaves it alone; after, it takes it over.
    assert runner.run_one(now + dt.timedelta(seconds=10), worker="next") is False
    hang.unlink()
    assert runner.run_one(now + lease + dt.timedelta(seconds=1), worker="next") is True
    done = Occurrence.objects.get(job="test.killed")
    assert (done.state, done.worker, done.attempts) == (OccurrenceState.DONE, "next", 2)
    assert [line.split()[0] for line in lines(log)] == ["start", "start", "done"]


# ---- the outbox ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Rang(Event):
    name = "test.rang"
    n: int


def note_ring(event: Rang) -> None:
    AuditEntry.objects.create(
        workspace_id=event.workspace_id, action="ring", object_type="test", object_id=event.n
    )
    hang = os.environ.get("SASARAN_TEST_HANG")
    while hang and Path(hang).exists():
        time.sleep(0.05)


@pytest.fixture
def ring_consumer():
    handler = subscribe(Rang, durable=True, name="tests.note_ring")(note_ring)
    yield
    unsubscribe(handler)


def _deliver_all(name):
    while outbox.deliver_one():
        pass
    connections.close_all()


def test_two_workers_deliver_each_event_once(workspace, ring_consumer):
    for n in range(40):
        publish(Rang(workspace_id=workspace.pk, n=n))
    workers = [start(_deliver_all, f"w{i}") for i in range(2)]
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    rings = sorted(AuditEntry.objects.filter(action="ring").values_list("object_id", flat=True))
    assert rings == list(range(40))
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.DONE}


def _deliver_one():
    outbox.deliver_one()


def test_a_delivery_whose_worker_was_killed_is_done_once_by_the_next(
    workspace, ring_consumer, tmp_path, monkeypatch
):
    hang = tmp_path / "hang"
    hang.touch()
    monkeypatch.setenv("SASARAN_TEST_HANG", str(hang))
    publish(Rang(workspace_id=workspace.pk, n=1))
    doomed = start(_deliver_one)
    wait_for(lambda: Delivery.objects.filter(state=DeliveryState.RUNNING).exists())
    time.sleep(0.3)  # inside the consumer, its row written but not committed
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.join(10)
    # What the killed worker wrote died with its transaction.
    assert not AuditEntry.objects.filter(action="ring").exists()
    hang.unlink()
    later = Delivery.objects.get().lease_until + dt.timedelta(seconds=1)
    assert outbox.deliver_one(later) is True
    assert AuditEntry.objects.filter(action="ring").count() == 1
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DONE, 2)
