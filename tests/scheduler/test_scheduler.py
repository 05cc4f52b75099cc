"""The scheduler: one occurrence row per (job, scheduled time), computed from the schedule (no
drift), claimed with a conditional UPDATE and a lease, retried after a failure, re-claimed
after a worker died."""

import datetime as dt

import pytest

from sasaran.scheduler import registry, runner
from sasaran.scheduler.models import Occurrence, OccurrenceState
from sasaran.scheduler.worker import process_one

UTC = dt.UTC


@pytest.fixture
def hourly(db, only_test_jobs):
    runs: list[dt.datetime] = []
    job = registry.register(
        registry.Job(
            key="test.hourly", cron="0 * * * *", run=runs.append, lease=dt.timedelta(minutes=5)
        )
    )
    yield job, runs
    registry.unregister(job.key)


def at(hour: int, minute: int = 0, day: int = 2) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def mine():
    return Occurrence.objects.filter(job="test.hourly")


def test_an_occurrence_is_planned_once_however_many_workers_plan_it(hourly):
    runner.plan(at(10, 7))
    runner.plan(at(10, 8))
    runner.plan(at(10, 59))
    assert list(mine().values_list("scheduled_for", flat=True)) == [at(10)]


def test_the_next_run_follows_the_schedule_not_the_time_the_last_one_ran(hourly):
    job, runs = hourly
    # The 10:00 run happens late, at 10:47; the next is still 11:00, not 11:47.
    runner.plan(at(10, 47))
    assert runner.run_one(at(10, 47)) is True
    runner.plan(at(10, 59))
    assert runner.run_one(at(10, 59)) is False
    runner.plan(at(11, 0))
    assert runner.run_one(at(11, 0)) is True
    assert runs == [at(10), at(11)]


def test_after_downtime_a_job_runs_once_for_the_latest_missed_time(hourly):
    job, runs = hourly
    runner.plan(at(1))
    runner.run_one(at(1))
    # The worker was down from 01:30 until 06:20.
    runner.plan(at(6, 20))
    while runner.run_one(at(6, 20)):
        pass
    assert runs == [at(1), at(6)]


def test_schedules_are_read_in_their_time_zone():
    job = registry.Job(key="x", cron="0 9 * * 1", run=print, tz="Asia/Jakarta")
    # Monday 09:00 in Jakarta is 02:00 UTC.
    assert job.latest_at_or_before(dt.datetime(2026, 11, 30, 2, 30, tzinfo=UTC)) == dt.datetime(
        2026, 11, 30, 2, 0, tzinfo=UTC
    )
    assert job.next_after(dt.datetime(2026, 11, 30, 2, 0, tzinfo=UTC)) == dt.datetime(
        2026, 12, 7, 2, 0, tzinfo=UTC
    )


def test_a_bad_schedule_is_refused_when_registered():
    with pytest.raises(ValueError, match="cron"):
        registry.register(registry.Job(key="bad", cron="61 * * * *", run=print))
    with pytest.raises(ValueError, match="time zone"):
        registry.register(registry.Job(key="bad", cron="0 * * * *", run=print, tz="Mars/Base"))


def test_an_occurrence_held_by_a_worker_is_not_claimed_by_another(hourly):
    runner.plan(at(10, 1))
    assert runner.claim(at(10, 1), "worker-a") is not None
    assert runner.claim(at(10, 2), "worker-b") is None
    # Its worker died: once the lease is over, another worker claims it.
    again = runner.claim(at(10, 7), "worker-b")
    assert again is not None
    occurrence, _token = again
    assert (occurrence.worker, occurrence.attempts) == ("worker-b", 2)


def test_a_worker_that_lost_its_lease_does_not_mark_the_new_holders_occurrence_done(
    db, only_test_jobs
):
    def slow(when):
        # While this run went on past its lease, another worker claimed the occurrence.
        Occurrence.objects.filter(job="test.slow").update(claim_token="other", worker="worker-b")

    registry.register(registry.Job(key="test.slow", cron="0 * * * *", run=slow))
    runner.plan(at(10, 1))
    assert runner.run_one(at(10, 1), worker="worker-a") is True
    held = Occurrence.objects.get(job="test.slow")
    assert (held.state, held.worker) == (OccurrenceState.RUNNING, "worker-b")


def test_occurrences_of_a_job_no_longer_known_are_never_claimed_and_pruned_in_time(
    db, only_test_jobs
):
    # A worker died holding it, then the job went away (a rule deleted): nobody claims it...
    Occurrence.objects.create(
        job="test.gone", scheduled_for=at(9), state=OccurrenceState.RUNNING, lease_until=at(9)
    )
    assert runner.claim(at(10, 1), "w") is None
    # ...and it goes with the other old rows, whatever its state.
    runner.prune(at(9) + runner.KEEP)
    assert Occurrence.objects.filter(job="test.gone").exists()
    runner.prune(at(10) + runner.KEEP)
    assert not Occurrence.objects.filter(job="test.gone").exists()


@pytest.mark.parametrize(
    "cron,tz,day",
    [
        ("*/15 * * * *", "Europe/Berlin", dt.date(2026, 10, 25)),  # clocks go back
        ("*/15 * * * *", "Europe/Berlin", dt.date(2026, 3, 29)),  # clocks go forward
        ("* * * * *", "America/New_York", dt.date(2026, 11, 1)),
        ("30 2 * * *", "Europe/Berlin", dt.date(2026, 10, 25)),
    ],
)
def test_planning_every_minute_through_a_clock_change_finds_every_run_once(cron, tz, day):
    job = registry.Job(key="x", cron=cron, run=print, tz=tz)
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=UTC) - dt.timedelta(hours=3)
    planned = set()
    for minute in range(0, 8 * 60):
        now = start + dt.timedelta(minutes=minute, seconds=30)
        latest = job.latest_at_or_before(now)
        assert latest <= now
        planned.add(latest)
    expected, moment = [], job.next_after(start - dt.timedelta(days=1))
    while moment < start + dt.timedelta(hours=8):
        if moment >= start:
            expected.append(moment)
        moment = job.next_after(moment)
    assert sorted(p for p in planned if p >= start) == expected


def test_a_failed_run_is_retried_after_a_pause_then_given_up(db, only_test_jobs):
    calls = []

    def broken(when):
        calls.append(when)
        raise RuntimeError("boom")

    registry.register(registry.Job(key="test.broken", cron="0 * * * *", run=broken, max_attempts=2))
    try:
        runner.plan(at(10, 1))
        assert runner.run_one(at(10, 1)) is True
        occurrence = Occurrence.objects.get(job="test.broken")
        assert occurrence.state == OccurrenceState.PENDING
        assert "boom" in occurrence.error
        assert runner.run_one(at(10, 1)) is False  # not before its pause
        assert runner.run_one(at(10, 5)) is True
    finally:
        registry.unregister("test.broken")
    assert Occurrence.objects.get(job="test.broken").state == OccurrenceState.FAILED
    assert len(calls) == 2


def test_the_worker_runs_the_status_refresh_every_hour(db, workspace):
    assert "okrs.refresh_statuses" in registry.jobs()
    while process_one(at(10, 3), worker="w"):
        pass
    refresh = Occurrence.objects.get(job="okrs.refresh_statuses")
    assert (refresh.scheduled_for, refresh.state) == (at(10), OccurrenceState.DONE)


def test_old_occurrences_are_pruned(hourly):
    Occurrence.objects.create(
        job="test.hourly", scheduled_for=at(1, day=1) - runner.KEEP, state=OccurrenceState.DONE
    )
    runner.prune(at(1, day=2))
    assert not mine().exists()


def test_a_poll_with_nothing_new_to_plan_writes_nothing(hourly, django_assert_num_queries):
    runner.plan(at(10, 1))
    with django_assert_num_queries(1):  # one read, no insert
        runner.plan(at(10, 2))
