"""What happens to OKRs, announced to the apps above (work, automations, notifications, …).

Published by the okrs actions (and the hourly status refresh) inside their transaction; see
sasaran.events for immediate and durable subscribers."""

import datetime as dt
from dataclasses import dataclass

from sasaran.events import Event


@dataclass(frozen=True, kw_only=True)
class CheckInRecorded(Event):
    name = "okrs.check_in_recorded"
    check_in_id: int
    key_result_id: int
    objective_id: int
    value: float
    confidence: int
    checked_in_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class KeyResultProgressChanged(Event):
    name = "okrs.kr_progress_changed"
    key_result_id: int
    objective_id: int
    from_progress: float | None
    to_progress: float | None


@dataclass(frozen=True, kw_only=True)
class KeyResultStatusChanged(Event):
    """`cause`: "check-in", "edit", "override", "tasks", "time" (the hourly refresh),
    "settings" (new thresholds) or "cycle dates". A status is None while a key result has
    nothing to count (an empty checklist, no tasks)."""

    name = "okrs.kr_status_changed"
    key_result_id: int
    objective_id: int
    from_status: str | None
    to_status: str | None
    cause: str

    @classmethod
    def of(cls, actor, kr, from_status: str | None, cause: str) -> "KeyResultStatusChanged":
        """The key result `kr` (now at its new status) moved from `from_status`."""
        return cls.by(
            actor,
            key_result_id=kr.pk,
            objective_id=kr.objective_id,
            from_status=from_status,
            to_status=kr.status,
            cause=cause,
        )


@dataclass(frozen=True, kw_only=True)
class KeyResultBecameStale(Event):
    name = "okrs.kr_became_stale"
    key_result_id: int
    objective_id: int
    last_check_in_at: dt.datetime | None
    stale_days: int


@dataclass(frozen=True, kw_only=True)
class KeyResultCreated(Event):
    name = "okrs.kr_created"
    key_result_id: int
    objective_id: int


@dataclass(frozen=True, kw_only=True)
class KeyResultUpdated(Event):
    name = "okrs.kr_updated"
    key_result_id: int
    objective_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ObjectiveCreated(Event):
    name = "okrs.objective_created"
    objective_id: int
    cycle_id: int
    team_id: int | None


@dataclass(frozen=True, kw_only=True)
class ObjectiveUpdated(Event):
    name = "okrs.objective_updated"
    objective_id: int
    cycle_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CycleActivated(Event):
    name = "okrs.cycle_activated"
    cycle_id: int


@dataclass(frozen=True, kw_only=True)
class CycleClosed(Event):
    name = "okrs.cycle_closed"
    cycle_id: int


@dataclass(frozen=True, kw_only=True)
class CommentAdded(Event):
    """A comment on an objective (`key_result_id` None) or on one of its key results.
    `mentioned_user_ids`: the members it mentions (each may see the objective), for the
    notifications app to tell them; the author may be among them."""

    name = "okrs.comment_added"
    comment_id: int
    objective_id: int
    key_result_id: int | None
    mentioned_user_ids: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class CommentEdited(Event):
    """`newly_mentioned_user_ids`: members the edit mentions who were not mentioned before."""

    name = "okrs.comment_edited"
    comment_id: int
    objective_id: int
    key_result_id: int | None
    mentioned_user_ids: tuple[int, ...]
    newly_mentioned_user_ids: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class CommentDeleted(Event):
    """`author_id`: who wrote it (an admin may delete another member's comment)."""

    name = "okrs.comment_deleted"
    comment_id: int
    objective_id: int
    key_result_id: int | None
    author_id: int | None
