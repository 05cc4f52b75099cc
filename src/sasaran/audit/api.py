"""REST endpoint for the audit log, filtered by what the caller may see."""

import datetime as dt
from typing import Any

from django.db.models import Q
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from sasaran.apitypes import QueryId
from sasaran.audit.queries import visible_entries
from sasaran.schemas import Pagination, with_errors

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
    object_type: str | None = None
    object_id: QueryId | None = None
    objective: QueryId | None = None
    actor: QueryId | None = None


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
    return qs
