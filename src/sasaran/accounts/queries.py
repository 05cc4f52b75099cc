"""Who is asking: the actor (user + membership + teams) that every action and query receives."""

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from sasaran.accounts.models import Membership, Team, TeamMember, User, Workspace
from sasaran.errors import NotFound


@dataclass
class Actor:
    user: User
    membership: Membership
    team_ids: frozenset[int] = field(default_factory=frozenset)
    # What the apps above look up about this actor once per request (okrs: the objectives the
    # actor owns key results in), so row checks over many rows cost no query per row.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def workspace(self) -> Workspace:
        return self.membership.workspace

    @property
    def workspace_id(self) -> int:
        return self.membership.workspace_id

    @property
    def user_id(self) -> int:
        return self.user.pk

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def is_admin(self) -> bool:
        return self.membership.is_admin

    @property
    def can_write(self) -> bool:
        return self.membership.can_write

    @cached_property
    def team_parents(self) -> dict[int, int | None]:
        return dict(
            Team.objects.filter(workspace_id=self.workspace_id).values_list("id", "parent_id")
        )

    @cached_property
    def related_team_ids(self) -> frozenset[int]:
        """My teams, the teams above them and the teams below them (for `team` visibility)."""
        parents = self.team_parents
        related: set[int] = set()
        for team_id in self.team_ids:
            current: int | None = team_id
            while current is not None and current not in related:
                related.add(current)
                current = parents.get(current)
        children: dict[int, list[int]] = {}
        for child, parent in parents.items():
            if parent is not None:
                children.setdefault(parent, []).append(child)
        stack = list(self.team_ids)
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in related:
                    related.add(child)
                    stack.append(child)
        return frozenset(related)


def actor_for(user: User, workspace: Workspace | int | None = None) -> Actor:
    """The user's actor in a workspace (their first one when none is named)."""
    memberships = Membership.objects.select_related("workspace", "user").filter(user=user)
    if workspace is not None:
        memberships = memberships.filter(workspace=workspace)
    membership = memberships.order_by("id").first()
    if membership is None:
        raise NotFound(_("You are not a member of this workspace."))
    team_ids = frozenset(
        TeamMember.objects.filter(
            user=user, team__workspace_id=membership.workspace_id
        ).values_list("team_id", flat=True)
    )
    return Actor(user=membership.user, membership=membership, team_ids=team_ids)


# --- Settings pages (issue 3): people, teams and tokens, each in a fixed number of queries. ---


def workspace_members(actor: Actor):
    """Every membership of the actor's workspace with its user and team ids (two queries)."""
    from django.db.models import Prefetch

    return (
        Membership.objects.filter(workspace_id=actor.workspace_id)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__team_members",
                queryset=TeamMember.objects.filter(team__workspace_id=actor.workspace_id).only(
                    "team_id", "user_id"
                ),
            )
        )
        .order_by("user__name", "user__email")
    )


def workspace_teams(actor: Actor):
    """The workspace's teams with their member count (one query)."""
    from django.db.models import Count

    return (
        Team.objects.filter(workspace_id=actor.workspace_id)
        .annotate(member_count=Count("team_members"))
        .order_by("name", "id")
    )


def api_tokens(actor: Actor, *, everyone: bool = False):
    """The actor's live API tokens; an admin may ask for every member's (`everyone`)."""
    from sasaran.accounts.models import ApiToken

    tokens = ApiToken.objects.filter(workspace_id=actor.workspace_id, revoked_at__isnull=True)
    if not (everyone and actor.is_admin):
        tokens = tokens.filter(user_id=actor.user_id)
    return tokens.select_related("user").order_by("-created_at", "-id")
