"""Who sees and changes work: a space open to the workspace is seen by every member and changed by
those who may write (members and admins, not viewers); a private space only by its members, the
members of its team (and of the teams below it) and admins."""

from django.db.models import Q
from django.utils.translation import gettext as _

from sasaran.accounts import teamtree
from sasaran.accounts.queries import Actor
from sasaran.errors import Forbidden
from sasaran.work.models import Space, SpaceVisibility


def _teams_with_access(actor: Actor) -> frozenset[int]:
    """A private space's team lets in its own members and those of the teams below it: the
    actor's teams and every team above them."""
    return frozenset(teamtree.ancestors(actor.team_parents, actor.team_ids))


def space_q(actor: Actor, prefix: str = "") -> Q:
    """Spaces the actor may see; `prefix` reaches them from another model ("space__")."""
    p = prefix
    q = Q(**{f"{p}workspace_id": actor.workspace_id})
    if actor.is_system or actor.is_admin:
        return q
    return q & (
        Q(**{f"{p}visibility": SpaceVisibility.WORKSPACE})
        # A subquery, not a join: a join through the members would repeat rows.
        | Q(
            **{
                f"{p}pk__in": Space.members.through.objects.filter(user_id=actor.user_id).values(
                    "space_id"
                )
            }
        )
        | Q(**{f"{p}team_id__in": list(_teams_with_access(actor))})
    )


def can_see_space(actor: Actor, space: Space, member_ids: set[int] | None = None) -> bool:
    """The row twin of space_q (`member_ids`: the space's members, when already read)."""
    if space.workspace_id != actor.workspace_id:
        return False
    if actor.is_system or actor.is_admin or space.visibility == SpaceVisibility.WORKSPACE:
        return True
    if space.team_id is not None and space.team_id in _teams_with_access(actor):
        return True
    members = member_ids if member_ids is not None else _members(space)
    return actor.user_id in members


def _members(space: Space) -> set[int]:
    return set(space.members.values_list("id", flat=True))


def require_write(actor: Actor) -> None:
    if not actor.is_system and not actor.can_write:
        raise Forbidden(_("Viewers cannot change work."))


def require_space_admin(actor: Actor) -> None:
    if actor.is_system or not actor.is_admin:
        raise Forbidden(_("Only workspace admins may create or change spaces."))
