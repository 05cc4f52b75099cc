"""REST endpoint for the audit log (/audit), filtered by what the caller may see."""

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema

from sasaran.apitypes import QueryId, QueryText
from sasaran.okrs.history import for_reader, visible_entries
from sasaran.schemas import Shaped, paged, with_errors

router = Router(tags=["Audit"])


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    # Empty for a member; for Sasaran itself (actor_id null), on whose behalf it acted.
    on_behalf_of: str
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


@router.get("/audit", response=with_errors(200, list[AuditOut]))
@paged()
def list_audit(request, filters: Query[AuditFilters]):
    qs = visible_entries(request.auth)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id is not None:
        qs = qs.filter(object_id=filters.object_id)
    if filters.objective is not None:
        qs = qs.filter(objective_id=filters.objective)
    if filters.actor is not None:
        qs = qs.filter(actor_id=filters.actor)
    actor = request.auth
    return Shaped(qs, page=lambda entries: for_reader(actor, entries))
