"""A key result with nothing to count (an empty checklist, a tasks KR without tasks) has unknown
progress (null), not 0%: it has no automatic status and does not count in its objective. The
rows stored as 0% are converted, and their objectives' progress and status recomputed with the
pure arithmetic (okrs.progress, okrs.status)."""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import migrations, models
from django.db.models import Count, F, Q
from django.utils import timezone

from sasaran.okrs.alignment import ancestors
from sasaran.okrs.progress import weighted_mean
from sasaran.okrs.status import Thresholds, auto_status


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def unknown_progress(apps, schema_editor):
    KeyResult = apps.get_model("okrs", "KeyResult")
    Objective = apps.get_model("okrs", "Objective")
    empty_checklists = (
        KeyResult.objects.filter(kind="milestones")
        .annotate(weighing=Count("milestones", filter=Q(milestones__weight__gt=0)))
        .filter(weighing=0)
        .values("id")
    )
    no_tasks = KeyResult.objects.filter(kind="tasks", tasks_total__lte=F("tasks_cancelled"))
    unknown = KeyResult.objects.filter(Q(pk__in=empty_checklists) | Q(pk__in=no_tasks))
    workspaces = set(unknown.values_list("objective__workspace_id", flat=True).distinct())
    if not workspaces:
        return
    unknown.filter(status_override="").update(status=None)
    unknown.exclude(status_override="").update(status=F("status_override"))
    unknown.update(
        progress=None,
        attainment=None,
        current_value=0.0,
        forecast_value=None,
        forecast_progress=None,
    )
    now = timezone.now()
    for workspace_id in workspaces:
        objectives = {
            o.pk: o
            for o in Objective.objects.filter(workspace_id=workspace_id).select_related(
                "cycle", "workspace"
            )
        }
        items: dict[int, list] = defaultdict(list)
        for objective_id, progress, weight in KeyResult.objects.filter(
            objective__workspace_id=workspace_id
        ).values_list("objective_id", "progress", "weight"):
            items[objective_id].append((progress, weight))
        children: dict[int, list[int]] = defaultdict(list)
        for o in objectives.values():
            if o.parent_id in objectives:
                children[o.parent_id].append(o.pk)

        parent_of = {pk: o.parent_id for pk, o in objectives.items()}
        depth = {pk: len(ancestors(pk, parent_of)) for pk in objectives}
        # Deepest first, so every child is final before its parent reads it.
        for pk in sorted(objectives, key=depth.__getitem__, reverse=True):
            o = objectives[pk]
            counted = list(items[pk])
            if o.rollup_children:
                counted += [(objectives[c].progress, objectives[c].weight) for c in children[pk]]
            o.progress = weighted_mean(counted)
            ws, cycle = o.workspace, o.cycle
            tz = ZoneInfo(ws.time_zone)
            o.status = auto_status(
                o.progress,
                now=now,
                start=_midnight(cycle.start_date, tz),
                due=_midnight(cycle.end_date + dt.timedelta(days=1), tz),
                thresholds=Thresholds(
                    on_track=ws.on_track_threshold,
                    at_risk=ws.at_risk_threshold,
                    grace=ws.grace_fraction,
                ),
            )
        Objective.objects.bulk_update(list(objectives.values()), ["progress", "status"], 500)


class Migration(migrations.Migration):
    dependencies = [("okrs", "0004_objective_scores_unrounded")]

    operations = [
        migrations.AlterField(
            model_name="keyresult",
            name="attainment",
            field=models.FloatField(blank=True, default=0.0, null=True),
        ),
        migrations.AlterField(
            model_name="keyresult",
            name="progress",
            field=models.FloatField(blank=True, default=0.0, null=True),
        ),
        migrations.AlterField(
            model_name="keyresult",
            name="status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("on_track", "On track"),
                    ("at_risk", "At risk"),
                    ("off_track", "Off track"),
                    ("done", "Done"),
                ],
                default="on_track",
                max_length=10,
                null=True,
            ),
        ),
        migrations.RunPython(unknown_progress, migrations.RunPython.noop, elidable=True),
    ]
