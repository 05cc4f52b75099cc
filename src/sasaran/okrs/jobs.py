"""The okrs app's periodic jobs and its reactions to other apps' events (wired in apps.py)."""

import datetime as dt
import logging

from django.utils.translation import gettext_noop

from sasaran.accounts.events import WorkspaceSettingsChanged
from sasaran.accounts.models import Workspace
from sasaran.accounts.queries import system_actor
from sasaran.events import subscribe
from sasaran.okrs import rollup
from sasaran.scheduler.registry import Job

log = logging.getLogger(__name__)

# Status follows the pace of the cycle, which moves every hour; stale KRs are flagged then too.
REFRESH_STATUSES = Job(
    key="okrs.refresh_statuses",
    cron="0 * * * *",
    run=lambda scheduled_for: refresh_statuses(),
    lease=dt.timedelta(minutes=30),
)


def refresh_statuses() -> None:
    """Every workspace, each on its own: one that fails does not hold up the others (the
    occurrence is then retried, which is harmless: the refresh only writes what changed)."""
    failed = []
    for workspace in Workspace.objects.all():
        try:
            rollup.refresh_statuses(workspace)
        except Exception:
            log.exception("status refresh of workspace %s failed", workspace.pk)
            failed.append(workspace.pk)
    if failed:
        raise RuntimeError(f"status refresh failed for workspaces {failed}")


# These decide every stored status (or the due-date boundaries, or staleness): recompute.
STATUS_SETTINGS = {
    "on_track_threshold",
    "at_risk_threshold",
    "grace_fraction",
    "time_zone",
    "checkin_cadence_days",
}


# Durable (through the outbox, by the worker): a recompute is never lost to a process that dies
# after the settings were saved. Each status it moves is audited and announced as Sasaran.
@subscribe(WorkspaceSettingsChanged, durable=True, name="okrs.recompute_after_settings_change")
def recompute_after_settings_change(event: WorkspaceSettingsChanged) -> None:
    if STATUS_SETTINGS & set(event.fields):
        workspace = Workspace.objects.get(pk=event.workspace_id)
        actor = system_actor(workspace, gettext_noop("a change of the workspace's settings"))
        rollup.recompute_workspace(workspace, actor=actor, cause="settings")
