"""The background worker: queued tasks (django-tasks) and periodic jobs.

`process_one()` does one unit of work and says whether it did anything; the `worker` command
loops over it, tests call it directly."""

import datetime as dt
import logging
from collections.abc import Callable

from django.utils import timezone

from sasaran.accounts.models import Workspace
from sasaran.okrs import rollup
from sasaran.web.models import PeriodicJob

log = logging.getLogger(__name__)


def refresh_statuses() -> None:
    """Statuses move with time (expected progress grows every day): refresh them all."""
    for workspace in Workspace.objects.all():
        rollup.refresh_statuses(workspace)


PERIODIC: dict[str, tuple[dt.timedelta, Callable[[], None]]] = {
    "refresh_statuses": (dt.timedelta(hours=1), refresh_statuses),
}


def claim(name: str, every: dt.timedelta, now: dt.datetime) -> bool:
    """Claim the job's current occurrence; only one worker's UPDATE can match."""
    PeriodicJob.objects.get_or_create(name=name, defaults={"next_run_at": now})
    return bool(
        PeriodicJob.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + every, last_run_at=now
        )
    )


def run_queued_tasks() -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="sasaran-worker",
        excluded_queue_names=[],
    ).run()


def process_one(now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    for name, (every, job) in PERIODIC.items():
        if claim(name, every, now):
            log.info("running %s", name)
            job()
            return True
    return False
