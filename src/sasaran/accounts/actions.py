"""Writes to people and teams: members, roles, the team tree and API tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaran.accounts.models import ApiToken, Membership, Role, Team, TeamMember, User, hash_token
from sasaran.accounts.queries import Actor
from sasaran.audit.log import changed, record, snapshot
from sasaran.errors import Conflict, Forbidden, Invalid


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only workspace admins may do this."))


def _team_parent(actor: Actor, parent_id: int | None, team: Team | None = None) -> None:
    if parent_id is None:
        return
    parents = actor.team_parents
    if parent_id not in parents:
        raise Invalid(_("No team of this workspace has that id."), field="parent_id")
    if team is not None:
        # Walk up from the new parent: meeting the team itself means a loop.
        current: int | None = parent_id
        seen: set[int] = set()
        while current is not None and current not in seen:
            if current == team.pk:
                raise Invalid(
                    _("A team cannot sit under itself or its own sub-teams."), field="parent_id"
                )
            seen.add(current)
            current = parents.get(current)


def _name(fields: dict) -> None:
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise Invalid(_("The name cannot be empty."), field="name")
        if len(name) > 150:
            raise Invalid(_("The name is longer than 150 characters."), field="name")
        fields["name"] = name


@transaction.atomic
def create_team(actor: Actor, *, name: str, parent_id: int | None = None) -> Team:
    _require_admin(actor)
    fields = {"name": name}
    _name(fields)
    _team_parent(actor, parent_id)
    team = Team.objects.create(
        workspace_id=actor.workspace_id, name=fields["name"], parent_id=parent_id
    )
    record(
        workspace_id=actor.workspace_id,
        actor_id=actor.user_id,
        action="create",
        obj=team,
        after=snapshot(team),
    )
    return team


@transaction.atomic
def update_team(actor: Actor, team: Team, **fields) -> Team:
    _require_admin(actor)
    _name(fields)
    if "parent_id" in fields:
        _team_parent(actor, fields["parent_id"], team)
    before = snapshot(team)
    for key, value in fields.items():
        setattr(team, key, value)
    team.save()
    b, a = changed(before, snapshot(team))
    record(
        workspace_id=actor.workspace_id,
        actor_id=actor.user_id,
        action="update",
        obj=team,
        before=b,
        after=a,
    )
    return team


@transaction.atomic
def delete_team(actor: Actor, team: Team) -> None:
    _require_admin(actor)
    if team.children.exists() or team.objectives.exists():
        raise Conflict(_("The team still has sub-teams or objectives; move them first."))
    record(
        workspace_id=actor.workspace_id,
        actor_id=actor.user_id,
        action="delete",
        obj=team,
        before=snapshot(team),
    )
    team.delete()


@transaction.atomic
def set_team_members(actor: Actor, team: Team, user_ids: list[int]) -> Team:
    _require_admin(actor)
    known = set(
        Membership.objects.filter(
            workspace_id=actor.workspace_id, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )
    missing = [u for u in user_ids if u not in known]
    if missing:
        raise Invalid(
            _("User %(id)s is not a member of this workspace.") % {"id": missing[0]},
            field="member_ids",
        )
    before = sorted(team.team_members.values_list("user_id", flat=True))
    team.team_members.exclude(user_id__in=user_ids).delete()
    TeamMember.objects.bulk_create(
        [TeamMember(team=team, user_id=u) for u in sorted(set(user_ids) - set(before))]
    )
    record(
        workspace_id=actor.workspace_id,
        actor_id=actor.user_id,
        action="members",
        obj=team,
        before={"member_ids": before},
        after={"member_ids": sorted(set(user_ids))},
    )
    return team


@transaction.atomic
def add_member(
    actor: Actor,
    *,
    email: str,
    name: str = "",
    role: str = Role.MEMBER,
    password: str | None = None,
    team_ids: list[int] | None = None,
) -> Membership:
    _require_admin(actor)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(_("Enter a valid email address."), field="email") from None
    if role not in Role.values:
        raise Invalid(
            _("Choose one of: %(options)s.") % {"options": ", ".join(Role.values)}, field="role"
        )
    user = User.objects.filter(email=email).first()
    if user is None:
        if password:
            try:
                validate_password(password)
            except ValidationError as exc:
                raise Invalid(_(" ").join(exc.messages), field="password") from None
        user = User.objects.create_user(email, password or None, name=(name or "").strip()[:150])
    if Membership.objects.filter(workspace_id=actor.workspace_id, user=user).exists():
        raise Conflict(_("This person is already a member."))
    membership = Membership.objects.create(workspace_id=actor.workspace_id, user=user, role=role)
    for team_id in team_ids or []:
        _team_parent(actor, team_id)
        TeamMember.objects.get_or_create(team_id=team_id, user=user)
    record(
        workspace_id=actor.workspace_id,
        actor_id=actor.user_id,
        action="create",
        obj=membership,
        after={"email": email, "role": role, "team_ids": team_ids or []},
    )
    return membership


@transaction.atomic
def update_member(actor: Actor, membership: Membership, **fields) -> Membership:
    _require_admin(actor)
    before = {"role": membership.role, "name": membership.user.name}
    if "role" in fields:
        if fields["role"] not in Role.values:
            raise Invalid(
                _("Choose one of: %(options)s.") % {"options": ", ".join(Role.values)}, field="role"
            )
        if (
            membership.role == Role.ADMIN
            and fields["role"] != Role.ADMIN
            and not Membership.objects.filter(workspace_id=actor.workspace_id, role=Role.ADMIN)
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise Conflict(_("A workspace keeps at least one admin."))
        membership.role = fields["role"]
        membership.save(update_fields=["role"])
    if "name" in fields:
        membership.user.name = (fields["name"] or "").strip()[:150]
        membership.user.save(update_fields=["name"])
    if "team_ids" in fields:
        team_ids = fields["team_ids"] or []
        for team_id in team_ids:
            _team_parent(actor, team_id)
        TeamMember.objects.filter(
            user=membership.user, team__workspace_id=actor.workspace_id
        ).exclude(team_id__in=team_ids).delete()
        for team_id in team_ids:
            TeamMember.objects.get_or_create(team_id=team_id, user=membership.user)
    after = {"role": membership.role, "name": membership.user.name}
    b, a = changed(before, after)
    record(
        workspace_id=actor.workspace_id,
        actor_id=actor.user_id,
        action="update",
        obj=membership,
        before=b,
        after=a,
    )
    return membership


@transaction.atomic
def remove_member(actor: Actor, membership: Membership) -> None:
    _require_admin(actor)
    if membership.user_id == actor.user_id:
        raise Conflict(_("You cannot remove yourself."))
    if (
        membership.role == Role.ADMIN
        and not Membership.objects.filter(workspace_id=actor.workspace_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise Conflict(_("A workspace keeps at least one admin."))
    TeamMember.objects.filter(
        user_id=membership.user_id, team__workspace_id=actor.workspace_id
    ).delete()
    ApiToken.objects.filter(user_id=membership.user_id, workspace_id=actor.workspace_id).update(
        revoked_at=timezone.now()
    )
    record(
        workspace_id=actor.workspace_id,
        actor_id=actor.user_id,
        action="delete",
        obj=membership,
        before={"user_id": membership.user_id, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def create_token(actor: Actor, *, name: str = "") -> tuple[ApiToken, str]:
    """Returns the token row and the raw key; the key is shown once and never stored."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        workspace_id=actor.workspace_id,
        user_id=actor.user_id,
        name=(name or "").strip()[:100],
        prefix=raw[:10],
        key_hash=hash_token(raw),
    )
    record(
        workspace_id=actor.workspace_id,
        actor_id=actor.user_id,
        action="create",
        obj=token,
        after={"name": token.name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> None:
    if token.user_id != actor.user_id and not actor.is_admin:
        raise Forbidden(_("You may revoke only your own tokens."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(workspace_id=actor.workspace_id, actor_id=actor.user_id, action="revoke", obj=token)


def authenticate_token(raw: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        # Only touch the row when the stamp is stale: no write on every request.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
