"""Audit entries a given actor may read."""

from django.db.models import Q, QuerySet

from sasaran.accounts.queries import Actor
from sasaran.audit.models import AuditEntry
from sasaran.okrs.models import Objective
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
