"""Planning and running occurrences. `plan` writes the due occurrence of every job (unique per
job and scheduled time); `run_one` claims one with a conditional UPDATE and a lease and runs it.
A worker that dies mid-job loses its lease, and the next worker to look claims it again."""

import datetime as dt
import logging
import secrets
import time

from django.db.models import F, Q
from django.utils import timezone

from sasaran.events import outbox
from sasaran.scheduler import registry
from sasaran.scheduler.models import Occurrence, OccurrenceState

log = logging.getLogger(__name__)

RETRY_AFTER = dt.timedelta(minutes=1)
KEEP = dt.timedelta(days=30)


def plan(now: dt.datetime, jobs: dict[str, registry.Job] | None = None) -> None:
    """Write each job's most recent due occurrence if it is not there yet. Missed occurrences
    are not replayed one by one: after downtime a job runs once, for the latest time due."""
    jobs = registry.jobs() if jobs is None else jobs
    if not jobs:
        return
    due = {key: job.latest_at_or_before(now) for key, job in jobs.items()}
    # Read first, so a poll with nothing new writes nothing (SQLite takes no write lock for it).
    planned = set(
        Occurrence.objects.filter(
            job__in=list(due), scheduled_for__in=set(due.values())
        ).values_list("job", "scheduled_for")
    )
    rows = [
        Occurrence(job=key, scheduled_for=at) for key, at in due.items() if (key, at) not in planned
    ]
    if rows:
        # The unique (job, scheduled_for) makes a second planner's insert a no-op.
        Occurrence.objects.bulk_create(rows, ignore_conflicts=True)


def _claimable(now: dt.datetime) -> Q:
    return (
        Q(state=OccurrenceState.PENDING, not_before__isnull=True)
        | Q(state=OccurrenceState.PENDING, not_before__lte=now)
        | Q(state=OccurrenceState.RUNNING, lease_until__lt=now)
    )


def claim(
    now: dt.datetime, worker: str, jobs: dict[str, registry.Job] | None = None
) -> tuple[Occurrence, str] | None:
    """Claim the earliest due occurrence of a job in `jobs` (default: every job known now)."""
    jobs = registry.jobs() if jobs is None else jobs
    candidates = (
        Occurrence.objects.filter(_claimable(now), job__in=list(jobs), scheduled_for__lte=now)
        .order_by("scheduled_for", "id")
        .values_list("pk", "job")[:20]
    )
    for pk, key in candidates:
        token = secrets.token_hex(8)
        won = Occurrence.objects.filter(_claimable(now), pk=pk).update(
            state=OccurrenceState.RUNNING,
            claim_token=token,
            worker=worker[:100],
            lease_until=now + jobs[key].lease,
            started_at=now,
            attempts=F("attempts") + 1,
        )
        if won == 1:
            return Occurrence.objects.get(pk=pk), token
    return None


def run_one(
    now: dt.datetime | None = None,
    *,
    worker: str = "worker",
    jobs: dict[str, registry.Job] | None = None,
) -> bool:
    """Claim and run one due occurrence; False when none was due."""
    now = now or timezone.now()
    # Listed once (a source, such as rules, may read the database to list its jobs).
    jobs = registry.jobs() if jobs is None else jobs
    claimed = claim(now, worker, jobs)
    if claimed is None:
        return False
    occurrence, token = claimed
    mine = Occurrence.objects.filter(pk=occurrence.pk, claim_token=token)
    job = jobs[occurrence.job]
    log.info("running %s for %s", job.key, occurrence.scheduled_for.isoformat())
    started = time.monotonic()
    try:
        job.run(occurrence.scheduled_for)
    except Exception as exc:
        log.exception("%s failed", job.key)
        gave_up = occurrence.attempts >= job.max_attempts
        mine.update(
            state=OccurrenceState.FAILED if gave_up else OccurrenceState.PENDING,
            lease_until=None,
            # The pause counts from the failure: `now` plus the run's own duration (the clock
            # the caller gave, so a test's or a replay's time stays consistent).
            not_before=now
            + dt.timedelta(seconds=time.monotonic() - started)
            + RETRY_AFTER * occurrence.attempts,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return True
    # Guarded by the token: a worker whose lease ran out does not overwrite the new holder.
    mine.update(state=OccurrenceState.DONE, finished_at=timezone.now(), lease_until=None)
    return True


def prune(now: dt.datetime) -> None:
    """Occurrences and delivered events are kept 30 days (what ran when, what was delivered,
    what failed). An occurrence that old and not done is dead too: planning only ever writes a
    job's latest time, and a job removed since leaves its rows unclaimable."""
    Occurrence.objects.filter(scheduled_for__lt=now - KEEP).delete()
    outbox.prune(now - KEEP)


registry.register(registry.Job(key="scheduler.prune", cron="17 3 * * *", run=prune))


def analyze(now: dt.datetime | None = None) -> None:
    """SQLite's planner picks indexes well only with statistics: without them it read every
    objective of a workspace to count one cycle's (bench: 0.85 ms → 0.1 ms a count). ANALYZE
    after each migrate and nightly, as the rows grow. PostgreSQL's autovacuum does this."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


registry.register(registry.Job(key="scheduler.analyze", cron="37 3 * * *", run=analyze))
