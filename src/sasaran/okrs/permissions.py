"""Who may see and change which OKRs. The same rules as a query filter (visibility_q) and as
checks on one loaded row, so lists and single reads never disagree.

The system actor (accounts.queries.SystemActor) sees its whole workspace and does what its
grants allow: check in (Grant.CHECK_IN), edit OKRs (Grant.EDIT), or all an admin may
(Grant.ADMIN)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from sasaran.accounts.queries import Actor, Grant
from sasaran.errors import Conflict, Forbidden
from sasaran.okrs.models import Cycle, KeyResult, Objective, Visibility


def visibility_q(actor: Actor, prefix: str = "") -> Q:
    """Objectives the actor may see; `prefix` reaches them from another model ("objective__").

    The owner of a key result always sees the objective it hangs on (and so its other key
    results), whatever its visibility: an owner must be able to find and check in on what they
    own. That is one uncorrelated subquery (the objectives of the actor's own key results, a
    handful of rows through the owner index), not a join that would repeat rows."""
    p = prefix
    q = Q(**{f"{p}workspace_id": actor.workspace_id})
    if actor.is_admin or actor.is_system:
        return q
    owned = KeyResult.objects.filter(owner_id=actor.user_id).values("objective_id")
    return q & (
        Q(**{f"{p}visibility": Visibility.WORKSPACE})
        | Q(**{f"{p}owner_id": actor.user_id})
        | Q(**{f"{p}visibility": Visibility.PRIVATE, f"{p}team_id__in": list(actor.team_ids)})
        | Q(**{f"{p}visibility": Visibility.TEAM, f"{p}team_id__in": list(actor.related_team_ids)})
        | Q(**{f"{p}pk__in": owned})
    )


def owns_key_result_in(actor: Actor, objective_id: int) -> bool:
    """Whether the actor owns a key result of the objective: the objectives of the actor's key
    results are read once per actor (one query), however many rows are checked."""
    owned = actor.memo.get("okrs.kr_objectives")
    if owned is None:
        owned = frozenset(
            KeyResult.objects.filter(
                owner_id=actor.user_id, objective__workspace_id=actor.workspace_id
            ).values_list("objective_id", flat=True)
        )
        actor.memo["okrs.kr_objectives"] = owned
    return objective_id in owned


def can_see(actor: Actor, objective: Objective) -> bool:
    """The row twin of visibility_q."""
    if objective.workspace_id != actor.workspace_id:
        return False
    if actor.is_admin or actor.is_system or objective.visibility == Visibility.WORKSPACE:
        return True
    if objective.owner_id == actor.user_id:
        return True
    if objective.visibility == Visibility.PRIVATE:
        if objective.team_id in actor.team_ids:
            return True
    elif objective.team_id in actor.related_team_ids:
        return True
    return owns_key_result_in(actor, objective.pk)


def can_edit_in_team(actor: Actor, team_id: int | None, owner_id: int | None) -> bool:
    """Members edit OKRs of teams they belong to, and their own personal OKRs."""
    if actor.is_system:
        return actor.may(Grant.EDIT)
    if actor.is_admin:
        return True
    if not actor.can_write:
        return False
    if team_id is None:
        return owner_id == actor.user_id
    return team_id in actor.team_ids


def require_edit(actor: Actor, objective: Objective) -> None:
    if actor.is_system:
        if actor.may(Grant.EDIT):
            return
        raise Forbidden(_("Sasaran may not change OKRs for this purpose."))
    if not (
        can_edit_in_team(actor, objective.team_id, objective.owner_id)
        or (actor.can_write and objective.owner_id == actor.user_id)
    ):
        raise Forbidden(_("You may not change this objective."))


def require_checkin(actor: Actor, kr: KeyResult) -> None:
    if actor.is_system:
        if actor.may(Grant.CHECK_IN):
            return
        raise Forbidden(_("Sasaran may not check in for this purpose."))
    if actor.is_admin:
        return
    if actor.can_write and (kr.owner_id == actor.user_id or kr.objective.team_id in actor.team_ids):
        return
    raise Forbidden(_("Only the key result's owner, its team's members and admins may check in."))


def can_grade(actor: Actor, objective: Objective) -> bool:
    """Who grades an objective's key results and writes its retrospective: its owner, the leads
    of its team (or of a team above it) and admins. The system actor only with Grant.EDIT: a
    KPI feed checks in, but grading is a judgement it does not make."""
    if actor.is_system:
        return actor.may(Grant.EDIT)
    if actor.is_admin:
        return True
    if not actor.can_write:
        return False
    return objective.owner_id == actor.user_id or (
        objective.team_id is not None and objective.team_id in actor.led_team_ids
    )


def require_grade(actor: Actor, objective: Objective) -> None:
    if not can_grade(actor, objective):
        if actor.is_system:
            raise Forbidden(_("Sasaran may not change OKRs for this purpose."))
        raise Forbidden(
            _(
                "Only the objective's owner, its team's leads and admins may grade it and "
                "write its retrospective."
            )
        )


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only workspace admins may do this."))


def guard_open(actor: Actor, cycle: Cycle) -> str:
    """Closed cycles are frozen; admins may still correct them, and the audit says so."""
    if not cycle.is_closed:
        return ""
    if actor.is_admin:
        return "admin change in closed cycle"
    raise Conflict(
        _("The cycle %(name)s is closed: its OKRs can no longer be changed.") % {"name": cycle.name}
    )


def require_comment(actor: Actor) -> None:
    """Members and admins comment on what they can see (the caller checks that); viewers read
    only, and Sasaran does not comment. Closed cycles stay open to comments: a comment changes
    no OKR, and the talk after a close is part of learning from it."""
    if actor.is_system:
        raise Forbidden(_("Sasaran does not write comments."))
    if not actor.can_write:
        raise Forbidden(_("Viewers may read comments but not write them."))


def require_comment_author(actor: Actor, author_id: int | None) -> None:
    """Only its author edits a comment (an edit puts words in the author's mouth)."""
    require_comment(actor)
    if author_id is None or author_id != actor.user_id:
        raise Forbidden(_("Only its author may edit a comment."))


def require_comment_delete(actor: Actor, author_id: int | None) -> None:
    """Its author or an admin deletes a comment (the audit log says who)."""
    require_comment(actor)
    if not actor.is_admin and (author_id is None or author_id != actor.user_id):
        raise Forbidden(_("Only its author or an admin may delete a comment."))
