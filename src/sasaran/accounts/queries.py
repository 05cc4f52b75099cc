"""Who is asking: the actor (user + membership + teams) that every action and query receives."""

import copy
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from sasaran import changes
from sasaran.accounts import teamtree
from sasaran.accounts.models import Membership, Team, TeamMember, User, Workspace
from sasaran.errors import NotFound


@dataclass
class Actor:
    """A member acting in their workspace."""

    user: User
    membership: Membership
    team_ids: frozenset[int] = field(default_factory=frozenset)
    # What the apps above look up about this actor once per request (okrs: the objectives the
    # actor owns key results in), so row checks over many rows cost no query per row.
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    is_system = False

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
    def label(self) -> str:
        return self.user.display_name

    # Members act for themselves (the system actor says for whom or what it acts).
    on_behalf_of = ""

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
    def led_team_ids(self) -> frozenset[int]:
        """The teams I lead and every team beneath them (a department head leads its teams)."""
        led = [t for t in self.team_ids if t in self._lead_of]
        return frozenset(teamtree.descendants(self.team_parents, led)) if led else frozenset()

    @cached_property
    def _lead_of(self) -> frozenset[int]:
        return frozenset(
            TeamMember.objects.filter(
                user_id=self.user_id, team__workspace_id=self.workspace_id, is_lead=True
            ).values_list("team_id", flat=True)
        )

    @cached_property
    def related_team_ids(self) -> frozenset[int]:
        """My teams, the teams above them and the teams below them (for `team` visibility)."""
        return frozenset(
            teamtree.ancestors(self.team_parents, self.team_ids)
            | teamtree.descendants(self.team_parents, self.team_ids)
        )


def actor_for(user: User | int, workspace: Workspace | int | None = None) -> Actor:
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


class Grant:
    """What the system actor may do; each kind of system work gets only what it needs."""

    SEE = "see"  # read every OKR of the workspace (always granted)
    CHECK_IN = "check_in"  # record check-ins (KPI feeds, task counts)
    EDIT = "edit"  # create and change OKRs (imports)
    ADMIN = "admin"  # everything an admin may do, closed cycles included (restore)


@dataclass
class SystemActor:
    """Sasaran itself acting in a workspace: for a rule, a KPI feed, an import or a periodic
    job. It is not a member: history and the audit log show it as "Sasaran" or "Sasaran, for
    <purpose>", and it may do only what its grants say (okrs.permissions reads them)."""

    workspace_obj: Workspace
    purpose: str
    grants: frozenset[str] = frozenset({Grant.SEE})

    is_system = True
    user = None
    membership = None
    team_ids: frozenset[int] = frozenset()
    related_team_ids: frozenset[int] = frozenset()
    led_team_ids: frozenset[int] = frozenset()

    @property
    def workspace(self) -> Workspace:
        return self.workspace_obj

    @property
    def workspace_id(self) -> int:
        return self.workspace_obj.pk

    @property
    def user_id(self) -> None:
        return None

    @property
    def role(self) -> str:
        return "system"

    @property
    def is_admin(self) -> bool:
        return Grant.ADMIN in self.grants

    @property
    def can_write(self) -> bool:
        return bool(self.grants - {Grant.SEE})

    def may(self, grant: str) -> bool:
        return Grant.ADMIN in self.grants or grant in self.grants

    @property
    def label(self) -> str:
        return system_label(self.purpose)

    @property
    def on_behalf_of(self) -> str:
        return self.purpose


def system_label(purpose: str) -> str:
    """How the system actor is named in history. `purpose` is stored as given: built-in
    purposes are marked with gettext_noop and translated here; a rule's name is shown as is."""
    return _("Sasaran, for %(purpose)s") % {"purpose": _(purpose)} if purpose else "Sasaran"


def system_actor(workspace: Workspace, purpose: str, *grants: str) -> SystemActor:
    """Sasaran acting in `workspace` for `purpose` (gettext_noop("the hourly status refresh"),
    or "rule 12 “Weekly reminder”"), with `grants` beyond seeing (Grant.CHECK_IN, Grant.EDIT,
    Grant.ADMIN)."""
    if not purpose:
        raise ValueError("The system actor always says on whose behalf it acts.")
    return SystemActor(workspace, purpose, frozenset({Grant.SEE, *grants}))


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
                    "team_id", "user_id", "is_lead"
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


# --- The signed-in actor of a request, kept per process under its workspace's people stamp ---
#
# Every request resolves its caller to an actor (membership, workspace, teams, the team tree:
# three queries). They change only when the workspace's people change, and then its `people`
# stamp moves (sasaran.changes), so each process keeps what it built under the stamp it read
# first and serves copies of it while the stamp holds. A removed member, a new role, a moved
# team: the stamp moves, the next request rebuilds. Copies, because an action may change its
# actor's objects (a workspace's settings) in a transaction that then rolls back.

_ACTORS: dict[tuple[int, int], tuple[str, Actor]] = {}
_FIRST_WORKSPACE: dict[int, int] = {}  # user id -> the workspace a session acts in
_MAX_KEPT = 10_000


def _copy_of(actor: Actor, user: User | None = None) -> Actor:
    workspace = copy.copy(actor.membership.workspace)
    user = user or copy.copy(actor.user)
    membership = copy.copy(actor.membership)
    membership.workspace, membership.user = workspace, user
    fresh = Actor(user=user, membership=membership, team_ids=actor.team_ids)
    for name in ("team_parents", "_lead_of", "led_team_ids", "related_team_ids"):
        fresh.__dict__[name] = getattr(actor, name)  # immutable: dict only read, frozensets
    return fresh


def request_actor(
    user_id: int, workspace_id: int | None = None, *, user: User | None = None
) -> tuple[Actor, dict[str, str]]:
    """The actor of a request's caller (their first workspace when none is named) and the
    workspace's change stamps, read before anything else. Raises NotFound like actor_for.
    A session passes its `user` (read afresh by Django on every request): the actor acts as
    that object, so a profile saved any way at all shows at once."""
    named = workspace_id is not None
    workspace_id = workspace_id or _FIRST_WORKSPACE.get(user_id)
    if workspace_id is None:
        workspace_id = (
            Membership.objects.filter(user_id=user_id)
            .order_by("id")
            .values_list("workspace_id", flat=True)
            .first()
        )
        if workspace_id is None:
            raise NotFound(_("You are not a member of this workspace."))
        _FIRST_WORKSPACE[user_id] = workspace_id
    stamps = changes.stamps(workspace_id)
    kept = _ACTORS.get((user_id, workspace_id))
    if kept is not None and kept[0] == stamps[changes.PEOPLE]:
        return _copy_of(kept[1], user), stamps
    try:
        actor = actor_for(user_id, workspace_id)
    except NotFound:
        _ACTORS.pop((user_id, workspace_id), None)
        if named:
            raise
        # The session's workspace let them go: act in their first remaining one, if any.
        del _FIRST_WORKSPACE[user_id]
        return request_actor(user_id, user=user)
    actor.led_team_ids, actor.related_team_ids  # noqa: B018 (computed once, kept with it)
    if len(_ACTORS) >= _MAX_KEPT or len(_FIRST_WORKSPACE) >= _MAX_KEPT:
        _ACTORS.clear()  # a crude bound: rebuilding costs three queries once per caller
        _FIRST_WORKSPACE.clear()
        _FIRST_WORKSPACE[user_id] = workspace_id
    _ACTORS[(user_id, workspace_id)] = (stamps[changes.PEOPLE], _copy_of(actor))
    return actor, stamps
