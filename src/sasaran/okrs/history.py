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


# Ids of objectives an entry may carry in its before/after pictures.
OBJECTIVE_IDS = ("parent_id", "origin_id")


def for_reader(actor: Actor, entries: list[AuditEntry]) -> list[AuditEntry]:
    """The entries as `actor` may read them: a cycle's close entry keeps only the scores of key
    results the reader may see, and an objective the reader may not see is not named by its id
    (an aligned child's parent, a carried objective's origin: the field is left out). Two
    queries for the page."""
    for entry in entries:
        entry.before, entry.after = _rounded(entry.before), _rounded(entry.after)
    if actor.is_admin or actor.is_system:
        return entries
    kr_ids: set[int] = set()
    objective_ids: set[int] = set()
    for entry in entries:
        for side in (entry.before, entry.after):
            if not isinstance(side, dict):
                continue
            if entry.object_type == "cycle" and isinstance(side.get("scores"), dict):
                kr_ids |= {int(k) for k in map(str, side["scores"]) if k.isdigit()}
            objective_ids |= {side[k] for k in OBJECTIVE_IDS if isinstance(side.get(k), int)}
    visible_krs = (
        set(
            KeyResult.objects.filter(visibility_q(actor, "objective__"), pk__in=kr_ids).values_list(
                "pk", flat=True
            )
        )
        if kr_ids
        else set()
    )
    visible_objectives = (
        set(
            Objective.objects.filter(visibility_q(actor), pk__in=objective_ids).values_list(
                "pk", flat=True
            )
        )
        if objective_ids
        else set()
    )
    for entry in entries:
        entry.before = _hide(entry.before, visible_krs, visible_objectives)
        entry.after = _hide(entry.after, visible_krs, visible_objectives)
    return entries


# Derived ratios are shown at the API's precision (4 decimals), as everywhere else.
RATIOS = ("progress", "attainment", "forecast_progress")


def _rounded(side):
    if not isinstance(side, dict) or not any(isinstance(side.get(k), float) for k in RATIOS):
        return side
    return {k: round(v, 4) if k in RATIOS and isinstance(v, float) else v for k, v in side.items()}


def _hide(side, visible_krs: set[int], visible_objectives: set[int]):
    if not isinstance(side, dict):
        return side
    side = dict(side)
    if isinstance(side.get("scores"), dict):
        side["scores"] = {
            k: v for k, v in side["scores"].items() if str(k).isdigit() and int(k) in visible_krs
        }
    for key in OBJECTIVE_IDS:
        if isinstance(side.get(key), int) and side[key] not in visible_objectives:
            del side[key]  # not even "hidden": that an objective is there is private too
    return side
