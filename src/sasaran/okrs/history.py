"""Reading the audit log as a given actor may: the audit app records and reads entries; which
of them a reader may see depends on OKR visibility, which this app knows."""

from django.db.models import Q, QuerySet

from sasaran.accounts.queries import Actor
from sasaran.audit.models import AuditEntry
from sasaran.okrs.models import KeyResult, Objective
from sasaran.okrs.permissions import visibility_q

# History of these objects is workspace-wide knowledge; tokens and memberships are admin-only.
PUBLIC_TYPES = ("cycle", "team")


def visible_entries(actor: Actor) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.filter(workspace_id=actor.workspace_id)
    if actor.is_admin:
        return qs
    visible = Objective.objects.filter(visibility_q(actor)).values("id")
    return qs.filter(
        Q(objective_id__in=visible) | Q(objective_id__isnull=True, object_type__in=PUBLIC_TYPES)
    )


def history_of(actor: Actor, objective_id: int) -> QuerySet[AuditEntry]:
    """Everything that happened to an objective and its key results, newest first."""
    return visible_entries(actor).filter(objective_id=objective_id).select_related("actor")


def without_hidden_scores(actor: Actor, entry: AuditEntry) -> AuditEntry:
    """A cycle's close entry lists the score of every KR in the cycle, private ones too: keep
    only the key results this reader may see."""
    after = entry.after
    if (
        actor.is_admin
        or entry.object_type != "cycle"
        or not isinstance(after, dict)
        or not isinstance(after.get("scores"), dict)
    ):
        return entry
    ids = [int(k) for k in map(str, after["scores"]) if k.isdigit()]
    visible = {
        str(pk)
        for pk in KeyResult.objects.filter(
            visibility_q(actor, "objective__"), pk__in=ids
        ).values_list("pk", flat=True)
    }
    entry.after = {
        **after,
        "scores": {k: v for k, v in after["scores"].items() if str(k) in visible},
    }
    return entry
