"""The jobs the scheduler knows: registered by apps in `AppConfig.ready()` (fixed jobs) or
listed by sources (jobs that are data, such as automation rules, next)."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError


@dataclass(frozen=True)
class Job:
    key: str  # unique and stable: occurrences are stored under it
    cron: str  # five-field cron expression, read in `tz`
    run: Callable[["dt.datetime"], None]  # called with the occurrence's scheduled time
    tz: str = "UTC"
    lease: dt.timedelta = dt.timedelta(minutes=10)
    max_attempts: int = 3

    def latest_at_or_before(self, now: dt.datetime) -> dt.datetime:
        """The schedule's most recent time not after `now` (in UTC)."""
        # CronSim skips its start time: start one minute on to include `now`'s own minute. The
        # minute is added in UTC, not on the local wall clock, which repeats an hour when the
        # clocks go back (02:59 summer time + 1 minute is not 03:00 winter time).
        start = now.astimezone(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        return next(
            CronSim(self.cron, start.astimezone(ZoneInfo(self.tz)), reverse=True)
        ).astimezone(dt.UTC)

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        local = moment.astimezone(ZoneInfo(self.tz))
        return next(CronSim(self.cron, local)).astimezone(dt.UTC)


def check_cron(expr: str, tz: str = "UTC") -> None:
    """Raise ValueError with a reason when the expression or time zone is not usable."""
    try:
        zone = ZoneInfo(tz)
    except Exception:
        raise ValueError(f"Unknown time zone {tz!r}.") from None
    try:
        CronSim(expr, dt.datetime.now(zone))
    except CronSimError as exc:
        raise ValueError(f"Bad cron expression {expr!r}: {exc}") from None


_jobs: dict[str, Job] = {}
_sources: list[Callable[[], Iterable[Job]]] = []


def register(job: Job) -> Job:
    check_cron(job.cron, job.tz)
    _jobs[job.key] = job
    return job


def unregister(key: str) -> None:
    _jobs.pop(key, None)


def register_source(source: Callable[[], Iterable[Job]]) -> None:
    """A callable that lists jobs kept as data (read on every planning pass)."""
    if source not in _sources:
        _sources.append(source)


def jobs() -> dict[str, Job]:
    out = dict(_jobs)
    for source in _sources:
        for job in source():
            out[job.key] = job
    return out
