"""Objective scores were stored rounded to 0.01, and colour and success were decided on that:
recompute them unrounded from their key results' scores (okrs.grading.objective_score)."""

from django.db import migrations

from sasaran.okrs.grading import objective_score


def rescore(apps, schema_editor):
    Objective = apps.get_model("okrs", "Objective")
    KeyResult = apps.get_model("okrs", "KeyResult")
    items: dict[int, list] = {}
    for objective_id, score, weight in (
        KeyResult.objects.filter(objective__score__isnull=False)
        .order_by()
        .values_list("objective_id", "score", "weight")
    ):
        items.setdefault(objective_id, []).append((score, weight))
    changed = []
    for objective in Objective.objects.filter(score__isnull=False).only("id", "score"):
        objective.score = objective_score(items.get(objective.pk, []))
        changed.append(objective)
    Objective.objects.bulk_update(changed, ["score"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("okrs", "0003_checkin_newest_first")]

    operations = [migrations.RunPython(rescore, migrations.RunPython.noop, elidable=True)]
