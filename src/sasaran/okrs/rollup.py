"""Derived values of key results and objectives: computed from the pure arithmetic modules and
stored, in the caller's transaction. Used by every write (one KR and the objectives above it)
and by `sasaran recompute` (everything, in bulk, from history)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from sasaran import changes
from sasaran.accounts.models import Workspace
from sasaran.accounts.queries import system_actor
from sasaran.audit.log import record
from sasaran.events import publish
from sasaran.okrs import events
from sasaran.okrs import forecast as fc
from sasaran.okrs.alignment import ancestors
from sasaran.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Milestone, Objective
from sasaran.okrs.progress import (
    STAY_DIRECTIONS,
    Direction,
    Kind,
    kr_attainment,
    kr_progress,
    weighted_mean,
)
from sasaran.okrs.status import Status, Thresholds, auto_status, expected_progress, is_stale

FORECAST_WINDOW = 6
KR_DERIVED = [
    "current_value",
    "confidence",
    "last_checkin_at",
    "progress",
    "attainment",
    "status",
    "forecast_value",
    "forecast_progress",
    "stale_since",
]


def thresholds(workspace: Workspace) -> Thresholds:
    return Thresholds(
        on_track=workspace.on_track_threshold,
        at_risk=workspace.at_risk_threshold,
        grace=workspace.grace_fraction,
        stale_days=workspace.stale_days,
    )


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def cycle_start(cycle: Cycle, workspace: Workspace) -> dt.datetime:
    return _midnight(cycle.start_date, ZoneInfo(workspace.time_zone))


def end_of_day(day: dt.date, workspace: Workspace) -> dt.datetime:
    """A due date means "by the end of that day" in the workspace's time zone."""
    return _midnight(day + dt.timedelta(days=1), ZoneInfo(workspace.time_zone))


def kr_due(kr: KeyResult, cycle: Cycle, workspace: Workspace) -> dt.datetime:
    return end_of_day(kr.due_date or cycle.end_date, workspace)


def kr_progress_of(kr: KeyResult, milestones: Sequence[Milestone] = ()):
    """A function value -> progress for this KR (the forecast needs it for projected values);
    None for a checklist or task list with nothing to count."""

    def progress_of(value: float) -> float | None:
        return kr_progress(
            Kind(kr.kind),
            Direction(kr.direction),
            kr.start_value,
            kr.target_value,
            value,
            milestones=[(m.weight, m.done) for m in milestones],
            tasks=(kr.tasks_done, kr.tasks_total, kr.tasks_cancelled),
        )

    return progress_of


def compute_kr(
    kr: KeyResult,
    *,
    cycle: Cycle,
    workspace: Workspace,
    recent: Sequence[CheckIn],
    milestones: Sequence[Milestone],
    now: dt.datetime,
) -> None:
    """Set the KR's derived fields from its recent check-ins (newest first) and milestones."""
    latest = recent[0] if recent else None
    kr.current_value = latest.value if latest else kr.start_value
    kr.confidence = latest.confidence if latest else None
    kr.last_checkin_at = latest.checked_in_at if latest else None
    kind, direction = Kind(kr.kind), Direction(kr.direction)
    ms = [(m.weight, m.done) for m in milestones]
    tasks = (kr.tasks_done, kr.tasks_total, kr.tasks_cancelled)
    kr.attainment = kr_attainment(
        kind,
        direction,
        kr.start_value,
        kr.target_value,
        kr.current_value,
        milestones=ms,
        tasks=tasks,
    )
    kr.progress = kr_progress(
        kind,
        direction,
        kr.start_value,
        kr.target_value,
        kr.current_value,
        milestones=ms,
        tasks=tasks,
    )
    start, due = cycle_start(cycle, workspace), kr_due(kr, cycle, workspace)
    kr.status = kr_status(kr, cycle, workspace, now)
    # Only the status refresh marks a KR stale (and says so once); a fresh check-in clears it.
    if kr.stale_since is not None and not kr_is_stale(kr, cycle, workspace, now):
        kr.stale_since = None
    if kr.progress is None:
        # Nothing to count (an empty checklist, no tasks): nothing done, nothing to project.
        kr.current_value = 0.0
        kr.forecast_value = kr.forecast_progress = None
        return
    if kind == Kind.TASKS or kind == Kind.MILESTONES:
        # Their check-ins record the progress reached at the time (the done share), which is
        # what is projected; the current value is today's progress, not the last check-in's.
        kr.current_value = kr.progress
        result = fc.forecast(
            [(c.checked_in_at, c.value) for c in recent[:FORECAST_WINDOW]],
            start_at=start,
            start_value=0.0,
            due=due,
            progress_of=lambda v: max(0.0, min(1.0, v)),
        )
    else:
        result = fc.forecast(
            [(c.checked_in_at, c.value) for c in recent[:FORECAST_WINDOW]],
            start_at=start,
            start_value=kr.start_value,
            due=due,
            progress_of=kr_progress_of(kr, milestones),
        )
    kr.forecast_value = result.projected_value
    kr.forecast_progress = result.projected_progress


def not_started(cycle: Cycle, workspace: Workspace, now: dt.datetime) -> bool:
    """A cycle still being planned, or whose first day has not come: nothing can have been done
    yet, so it has no pace to judge and takes no check-ins (its status reads "not started")."""
    return cycle.state == CycleState.PLANNING or now < cycle_start(cycle, workspace)


def kr_status(kr: KeyResult, cycle: Cycle, workspace: Workspace, now: dt.datetime) -> str | None:
    """The KR's status from its stored progress and confidence at `now`; None (no status) when
    its progress is unknown and nobody overrode it; "not started" before its cycle starts
    (an override set while planning waits until then)."""
    if not_started(cycle, workspace, now):
        return Status.NOT_STARTED
    auto = auto_status(
        kr.progress,
        now=now,
        start=cycle_start(cycle, workspace),
        due=kr_due(kr, cycle, workspace),
        confidence=kr.confidence,
        stay=kr.direction in STAY_DIRECTIONS,
        thresholds=thresholds(workspace),
    )
    # An override lasts until the next check-in; the check-in action clears it.
    return kr.status_override or auto


def objective_status(
    objective: Objective, cycle: Cycle, workspace: Workspace, now: dt.datetime
) -> str | None:
    if not_started(cycle, workspace, now):
        return Status.NOT_STARTED
    return auto_status(
        objective.progress,
        now=now,
        start=cycle_start(cycle, workspace),
        due=end_of_day(cycle.end_date, workspace),
        thresholds=thresholds(workspace),
    )


def compute_objective(
    objective: Objective,
    *,
    cycle: Cycle,
    workspace: Workspace,
    krs: Iterable[tuple[float | None, float]],
    children: Iterable[tuple[float | None, float]],
    now: dt.datetime,
) -> None:
    items = list(krs)
    if objective.rollup_children:
        items += list(children)
    objective.progress = weighted_mean(items)
    objective.status = objective_status(objective, cycle, workspace, now)


def refresh_key_result(kr: KeyResult, *, now: dt.datetime | None = None) -> None:
    """Recompute one KR from its history and save it (the caller holds the transaction)."""
    objective = kr.objective
    recent = list(kr.check_ins.order_by("-checked_in_at", "-id")[:FORECAST_WINDOW])
    milestones = list(kr.milestones.all()) if kr.kind == Kind.MILESTONES else []
    compute_kr(
        kr,
        cycle=objective.cycle,
        workspace=objective.workspace,
        recent=recent,
        milestones=milestones,
        now=now or timezone.now(),
    )
    kr.save(update_fields=[*KR_DERIVED, "updated_at"])


def refresh_objective_chain(objective: Objective, *, now: dt.datetime | None = None) -> None:
    """Recompute an objective and every objective it rolls up into, bottom-up.

    Each row is locked before it is read (child before parent, always upward), so concurrent
    check-ins under one parent serialise on it instead of overwriting each other's roll-up.
    A parent reads only its children's progress and weight, so once a level's progress is
    unchanged nothing above it can change: the walk stops there. The first parent is always
    visited, because the change that started the walk may have been the objective's own weight
    or alignment.
    """
    now = now or timezone.now()
    workspace = objective.workspace
    current: int | None = objective.pk
    seen: set[int] = set()
    while current is not None and current not in seen:
        # of=("self",): lock the objective only, not the cycle joined for its dates.
        obj = (
            Objective.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .get(pk=current)
        )
        items = KeyResult.objects.filter(objective=obj).order_by().values_list("progress", "weight")
        if obj.rollup_children:
            children = (
                Objective.objects.filter(parent=obj).order_by().values_list("progress", "weight")
            )
            items = items.union(children, all=True)
        before = (obj.progress, obj.status)
        compute_objective(
            obj, cycle=obj.cycle, workspace=workspace, krs=list(items), children=(), now=now
        )
        if (obj.progress, obj.status) != before:
            obj.save(update_fields=["progress", "status", "updated_at"])
        if seen and obj.progress == before[0]:
            return
        seen.add(current)
        current = obj.parent_id


def recompute_workspace(
    workspace: Workspace, *, now: dt.datetime | None = None, actor=None, cause: str = ""
) -> dict[str, int]:
    """Rebuild every derived value of a workspace from check-in history, in bulk. With an
    `actor` (whoever changed what the statuses hang on: thresholds, cycle dates), each key
    result whose status moved is audited and announced with `cause`; without one (`sasaran
    recompute`, which only repairs) nothing is."""
    now = now or timezone.now()
    changes.touch(workspace.pk)  # bulk writes: no audit entry or event says so when unchanged
    cycles = {c.pk: c for c in Cycle.objects.filter(workspace=workspace)}
    # Locked (PostgreSQL): a check-in committed while this runs would otherwise be overwritten
    # with values computed from the history read before it.
    krs = list(
        KeyResult.objects.filter(objective__workspace=workspace)
        .select_related("objective")
        .select_for_update(of=("self",))
    )
    kr_ids = [kr.pk for kr in krs]
    recent: dict[int, list[CheckIn]] = defaultdict(list)
    # Newest first; keep only the window each KR needs.
    for checkin in (
        CheckIn.objects.filter(key_result__objective__workspace=workspace)
        .order_by("key_result_id", "-checked_in_at", "-id")
        .only("key_result_id", "value", "confidence", "checked_in_at")
    ):
        bucket = recent[checkin.key_result_id]
        if len(bucket) < FORECAST_WINDOW:
            bucket.append(checkin)
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in Milestone.objects.filter(key_result_id__in=kr_ids) if kr_ids else []:
        milestones[m.key_result_id].append(m)
    status_before = {kr.pk: kr.status for kr in krs}
    for kr in krs:
        compute_kr(
            kr,
            cycle=cycles[kr.objective.cycle_id],
            workspace=workspace,
            recent=recent[kr.pk],
            milestones=milestones[kr.pk],
            now=now,
        )
    KeyResult.objects.bulk_update(krs, KR_DERIVED, batch_size=500)
    if actor is not None:
        for kr in krs:
            if kr.status != status_before[kr.pk]:
                announce_status(actor, kr, status_before[kr.pk], cause)

    objectives = {
        o.pk: o for o in Objective.objects.filter(workspace=workspace).select_for_update()
    }
    kr_items: dict[int, list[tuple[float | None, float]]] = defaultdict(list)
    for kr in krs:
        kr_items[kr.objective_id].append((kr.progress, kr.weight))
    parent_of = {pk: o.parent_id for pk, o in objectives.items()}
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent in parent_of.items():
        if parent is not None:
            children[parent].append(pk)
    # Deepest first, so every child is final before its parent reads it.
    order = sorted(objectives, key=lambda pk: len(ancestors(pk, parent_of)), reverse=True)
    for pk in order:
        obj = objectives[pk]
        compute_objective(
            obj,
            cycle=cycles[obj.cycle_id],
            workspace=workspace,
            krs=kr_items[pk],
            children=[(objectives[c].progress, objectives[c].weight) for c in children[pk]],
            now=now,
        )
    Objective.objects.bulk_update(list(objectives.values()), ["progress", "status"], batch_size=500)
    return {"key_results": len(krs), "objectives": len(objectives)}


def announce_status(actor, kr: KeyResult, from_status: str | None, cause: str) -> None:
    """A status moved without a write of the key result itself (time, thresholds, cycle
    dates): audit it and announce it. The audit notes the cause when a member's change caused
    it; Sasaran's entries already say why ("Sasaran, for the hourly status refresh")."""
    record(
        actor,
        action="status",
        obj=kr,
        objective_id=kr.objective_id,
        before={"status": from_status},
        after={"status": kr.status},
        note="" if actor.is_system else cause,
    )
    publish(events.KeyResultStatusChanged.of(actor, kr, from_status, cause))


def kr_pace(kr: KeyResult, cycle: Cycle, workspace: Workspace, now: dt.datetime) -> str | None:
    """The automatic status by pace alone (no confidence cap, no override): what the story of
    a KR compares its status with (okrs.story)."""
    return auto_status(
        kr.progress,
        now=now,
        start=cycle_start(cycle, workspace),
        due=kr_due(kr, cycle, workspace),
        stay=kr.direction in STAY_DIRECTIONS,
        thresholds=thresholds(workspace),
    )


def kr_expected_progress(
    kr: KeyResult, cycle: Cycle, workspace: Workspace, now: dt.datetime
) -> float:
    return expected_progress(now, cycle_start(cycle, workspace), kr_due(kr, cycle, workspace))


def kr_is_stale(kr: KeyResult, cycle: Cycle, workspace: Workspace, now: dt.datetime) -> bool:
    # A finished key result, or one in a closed cycle, has nothing left to report.
    if cycle.is_closed or kr.status in (Status.DONE, Status.NOT_STARTED):
        return False
    since = max(cycle_start(cycle, workspace), kr.created_at)
    return is_stale(kr.last_checkin_at, now=now, since=since, stale_days=workspace.stale_days)


def refresh_statuses(workspace: Workspace, *, now: dt.datetime | None = None) -> int:
    """Move statuses on with time (expected progress grows every day) and flag key results that
    turned stale, without touching anything else, as Sasaran: each change is audited and
    announced (KeyResultStatusChanged with cause "time", KeyResultBecameStale), in the
    transaction of the change. Each row is written only if it still holds the values its new
    status was computed from, so a check-in committed meanwhile is never overwritten.
    Returns the rows changed."""
    now = now or timezone.now()
    actor = system_actor(workspace, gettext_noop("the hourly status refresh"))
    changed = 0
    open_cycles = Cycle.objects.filter(workspace=workspace).exclude(state=CycleState.CLOSED)
    cycles = {c.pk: c for c in open_cycles}
    krs = list(
        KeyResult.objects.filter(objective__cycle__in=list(cycles)).select_related("objective")
    )
    # A transaction per chunk: on SQLite a long one would hold the write lock from check-ins.
    for first in range(0, len(krs), 500):
        with transaction.atomic():
            for kr in krs[first : first + 500]:
                cycle = cycles[kr.objective.cycle_id]
                status = kr_status(kr, cycle, workspace, now)
                stale = kr_is_stale(kr, cycle, workspace, now)
                stale_since = (kr.stale_since or now) if stale else None
                if status == kr.status and stale_since == kr.stale_since:
                    continue
                # Compare-and-set on everything read, status and stale flag included: of two
                # overlapping refreshes (or a refresh and an edit) only one writes and announces.
                unchanged = KeyResult.objects.filter(
                    pk=kr.pk,
                    progress=kr.progress,
                    confidence=kr.confidence,
                    status_override=kr.status_override,
                    last_checkin_at=kr.last_checkin_at,
                    status=kr.status,
                    stale_since=kr.stale_since,
                    due_date=kr.due_date,
                )
                if not unchanged.update(status=status, stale_since=stale_since):
                    continue  # a check-in got there first; it computed everything afresh
                changed += 1
                if status != kr.status:
                    was, kr.status = kr.status, status
                    announce_status(actor, kr, was, "time")
                if stale and kr.stale_since is None:
                    publish(
                        events.KeyResultBecameStale.by(
                            actor,
                            key_result_id=kr.pk,
                            objective_id=kr.objective_id,
                            last_check_in_at=kr.last_checkin_at,
                            stale_days=workspace.stale_days,
                        )
                    )
    with transaction.atomic():
        for obj in Objective.objects.filter(cycle__in=list(cycles)):
            status = objective_status(obj, cycles[obj.cycle_id], workspace, now)
            if status == obj.status:
                continue
            unchanged = Objective.objects.filter(
                pk=obj.pk, progress=obj.progress, status=obj.status
            )
            if unchanged.update(status=status):
                changed += 1
                record(
                    actor,
                    action="status",
                    obj=obj,
                    objective_id=obj.pk,
                    before={"status": obj.status},
                    after={"status": status},
                )
    return changed
