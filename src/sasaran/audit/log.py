"""Writing audit entries: called by actions inside their transaction."""

from typing import Any

from django.db import models

from sasaran import changes
from sasaran.audit.models import AuditEntry


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a row's own columns (foreign keys as `<name>_id`)."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(obj, field.attname)
        out[field.attname] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    actor,
    *,
    action: str,
    obj: models.Model,
    objective_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEntry:
    """One entry by `actor` (a member's Actor or the SystemActor) in the actor's workspace.
    Every audited write changes the workspace: its change stamps move at commit (its people's
    too when the object is one of accounts': a member, team, role, setting or profile)."""
    changes.touch(actor.workspace_id, people=obj._meta.app_label == "accounts")
    return AuditEntry.objects.create(
        workspace_id=actor.workspace_id,
        actor_id=actor.user_id,
        on_behalf_of=actor.on_behalf_of[:200],
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        objective_id=objective_id,
        before=before,
        after=after,
        note=note,
    )
