"""REST endpoint for the audit log, filtered by what the caller may see."""

import datetime as dt
from typing import Any

from django.db.models import Q
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from sasaran.apitypes import QueryId, QueryText
from sasaran.audit.models import AuditEntry
from sasaran.audit.queries import visible_entries
from sasaran.okrs.queries import visible_key_results
from sasaran.schemas import Pagination, Shaped, with_errors

router = Router(tags=["Audit"])


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: int
    object_repr: str
    objective_id: int | None
    before: Any
    after: Any
    note: str


class AuditFilters(Schema):
    object_type: QueryText | None = None
    object_id: QueryId | None = None
    objective: QueryId | None = None
    actor: QueryId | None = None


def _shape(actor):
    def shape(entry: AuditEntry) -> AuditEntry:
        # A cycle's close entry lists the score of every KR in the cycle, private ones too:
        # keep only the key results this reader may see.
        after = entry.after
        if (
            not actor.is_admin
            and entry.object_type == "cycle"
            and isinstance(after, dict)
            and isinstance(after.get("scores"), dict)
        ):
            keys = {str(k) for k in after["scores"]}
            ids = [int(k) for k in keys if k.isdigit()]
            visible = {
                str(pk)
                for pk in visible_key_results(actor).filter(pk__in=ids).values_list("pk", flat=True)
            }
            entry.after = {
                **after,
                "scores": {k: v for k, v in after["scores"].items() if str(k) in visible},
            }
        return entry

    return shape


@router.get("/audit", response=with_errors(200, list[AuditOut]))
@paginate(Pagination)
def list_audit(request, filters: Query[AuditFilters]):
    qs = visible_entries(request.auth)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id is not None:
        qs = qs.filter(object_id=filters.object_id)
    if filters.objective is not None:
        qs = qs.filter(Q(objective_id=filters.objective))
    if filters.actor is not None:
        qs = qs.filter(actor_id=filters.actor)
    return Shaped(qs, _shape(request.auth))
