"""The background worker: due occurrences of scheduled jobs, outbox deliveries, queued tasks.

`process_one()` does one unit of work and says whether it did anything; the `worker` command
loops over it, tests call it directly (as several workers, on PostgreSQL, with one killed)."""

import datetime as dt
import logging
import os
import socket

from django.utils import timezone

from sasaran.events import outbox
from sasaran.scheduler import registry, runner

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def process_one(now: dt.datetime | None = None, *, worker: str | None = None) -> bool:
    now = now or timezone.now()
    worker = worker or worker_name()
    jobs = registry.jobs()
    runner.plan(now, jobs)
    return runner.run_one(now, worker=worker, jobs=jobs) or outbox.deliver_one(now)


def process_safely(*, worker: str) -> bool:
    """process_one for the long-running loop: an error is logged and the worker goes on (what
    it held is claimed again after its lease), rather than the process dying."""
    try:
        return process_one(worker=worker)
    except Exception:
        log.exception("the worker's unit of work failed")
        return False


def run_queued_tasks() -> None:
    """Tasks enqueued through the Django Tasks API (django-tasks-db), run until none is left."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_name(),
        excluded_queue_names=[],
    ).run()
