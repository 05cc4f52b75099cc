"""The okrs app's periodic jobs and its reactions to other apps' events (wired in apps.py)."""

import datetime as dt

from django.db import transaction

from sasaran.accounts.events import WorkspaceSettingsChanged
from sasaran.accounts.models import Workspace
from sasaran.events import subscribe
from sasaran.okrs import rollup
from sasaran.scheduler.registry import Job

# Status follows the pace of the cycle, which moves every hour; stale KRs are flagged then too.
REFRESH_STATUSES = Job(
    key="okrs.refresh_statuses",
    cron="0 * * * *",
    run=lambda scheduled_for: refresh_statuses(),
    lease=dt.timedelta(minutes=30),
)


def refresh_statuses() -> None:
    for workspace in Workspace.objects.all():
        rollup.refresh_statuses(workspace)


# These decide every stored status (or the due-date boundaries, or staleness): recompute.
STATUS_SETTINGS = {
    "on_track_threshold",
    "at_risk_threshold",
    "grace_fraction",
    "time_zone",
    "checkin_cadence_days",
}


@subscribe(WorkspaceSettingsChanged)
def recompute_after_settings_change(event: WorkspaceSettingsChanged) -> None:
    if STATUS_SETTINGS & set(event.fields):
        with transaction.atomic():
            rollup.recompute_workspace(Workspace.objects.get(pk=event.workspace_id))
