"""REST endpoints for teams, members, API tokens and the current user."""

import datetime as dt
from typing import Literal

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from sasaran.accounts import actions
from sasaran.accounts.models import ApiToken, Membership, Team, TeamMember
from sasaran.apitypes import Id, PathId, QueryId, Text
from sasaran.errors import NotFound
from sasaran.schemas import Shaped, paged, with_errors

router = Router(tags=["People"])
RoleName = Literal["admin", "member", "viewer"]


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class TeamOut(Schema):
    id: int
    name: str
    parent_id: int | None
    member_ids: list[int]
    lead_ids: list[int] = Field(
        description="The members who lead the team: they grade its OKRs and write their "
        "retrospectives (and those of the teams beneath it) after the close."
    )


class TeamIn(In):
    name: Text = Field(max_length=150)
    parent_id: Id | None = None


class TeamPatch(In):
    name: Text | None = Field(None, max_length=150)
    parent_id: Id | None = None
    member_ids: list[Id] | None = None
    lead_ids: list[Id] | None = Field(None, description="A subset of the members.")


def _teams(actor):
    return Team.objects.filter(workspace_id=actor.workspace_id).prefetch_related(
        Prefetch("team_members", queryset=TeamMember.objects.only("team_id", "user_id", "is_lead"))
    )


def _team_out(t: Team) -> dict:
    return {
        "id": t.pk,
        "name": t.name,
        "parent_id": t.parent_id,
        "member_ids": sorted(m.user_id for m in t.team_members.all()),
        "lead_ids": sorted(m.user_id for m in t.team_members.all() if m.is_lead),
    }


def _get_team(actor, team_id: int) -> Team:
    team = _teams(actor).filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No such team."))
    return team


@router.get("/teams", response=with_errors(200, list[TeamOut]), tags=["Teams"])
@paged()
def list_teams(request, parent: QueryId | None = None):
    qs = _teams(request.auth).order_by("name", "id")
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    return Shaped(qs, _team_out)


@router.get("/teams/{team_id}", response=with_errors(200, TeamOut), tags=["Teams"])
def get_team(request, team_id: PathId):
    return _team_out(_get_team(request.auth, team_id))


@router.post("/teams", response=with_errors(201, TeamOut), tags=["Teams"])
def create_team(request, payload: TeamIn):
    team = actions.create_team(request.auth, **payload.model_dump())
    return Status(201, _team_out(_get_team(request.auth, team.pk)))


@router.patch("/teams/{team_id}", response=with_errors(200, TeamOut), tags=["Teams"])
def update_team(request, team_id: PathId, payload: TeamPatch):
    team = _get_team(request.auth, team_id)
    fields = payload.model_dump(exclude_unset=True)
    member_ids = fields.pop("member_ids", None)
    lead_ids = fields.pop("lead_ids", None)
    if "name" in fields and fields["name"] is None:
        fields.pop("name")
    # One request, one outcome: a rename must not stick when the member list is refused.
    with transaction.atomic():
        if fields:
            actions.update_team(request.auth, team, **fields)
        if member_ids is not None or lead_ids is not None:
            if member_ids is None:
                member_ids = [m.user_id for m in team.team_members.all()]
            actions.set_team_members(request.auth, team, member_ids, lead_ids)
    return _team_out(_get_team(request.auth, team_id))


@router.delete("/teams/{team_id}", response=with_errors(204, None), tags=["Teams"])
def delete_team(request, team_id: PathId):
    actions.delete_team(request.auth, _get_team(request.auth, team_id))
    return Status(204, None)


class MemberOut(Schema):
    id: int = Field(description="The user's id (what owner_id fields refer to).")
    email: str
    name: str
    role: RoleName
    team_ids: list[int]


class MemberIn(In):
    email: Text = Field(max_length=254)
    name: Text = Field("", max_length=150)
    role: RoleName = "member"
    team_ids: list[Id] = []


class MemberPatch(In):
    name: Text | None = Field(None, max_length=150)
    role: RoleName | None = None
    team_ids: list[Id] | None = None


def _members(actor):
    return (
        Membership.objects.filter(workspace_id=actor.workspace_id)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__team_members",
                queryset=TeamMember.objects.filter(team__workspace_id=actor.workspace_id),
            )
        )
        .order_by("user__name", "user__email")
    )


def _member_out(m: Membership) -> dict:
    return {
        "id": m.user_id,
        "email": m.user.email,
        "name": m.user.name,
        "role": m.role,
        "team_ids": sorted(t.team_id for t in m.user.team_members.all()),
    }


def _get_member(actor, user_id: int) -> Membership:
    m = _members(actor).filter(user_id=user_id).first()
    if m is None:
        raise NotFound(_("No such member."))
    return m


@router.get("/members", response=with_errors(200, list[MemberOut]), tags=["Members"])
@paged()
def list_members(request, role: RoleName | None = None, team: QueryId | None = None):
    qs = _members(request.auth)
    if role:
        qs = qs.filter(role=role)
    if team is not None:
        qs = qs.filter(user__team_members__team_id=team)
    return Shaped(qs, _member_out)


@router.get("/members/{user_id}", response=with_errors(200, MemberOut), tags=["Members"])
def get_member(request, user_id: PathId):
    return _member_out(_get_member(request.auth, user_id))


@router.post("/members", response=with_errors(201, MemberOut), tags=["Members"])
def add_member(request, payload: MemberIn):
    m = actions.add_member(request.auth, **payload.model_dump())
    return Status(201, _member_out(_get_member(request.auth, m.user_id)))


@router.patch("/members/{user_id}", response=with_errors(200, MemberOut), tags=["Members"])
def update_member(request, user_id: PathId, payload: MemberPatch):
    m = _get_member(request.auth, user_id)
    fields = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    actions.update_member(request.auth, m, **fields)
    return _member_out(_get_member(request.auth, user_id))


@router.delete("/members/{user_id}", response=with_errors(204, None), tags=["Members"])
def remove_member(request, user_id: PathId):
    actions.remove_member(request.auth, _get_member(request.auth, user_id))
    return Status(204, None)


class MeOut(Schema):
    id: int
    email: str
    name: str
    role: RoleName
    workspace_id: int
    workspace_name: str
    team_ids: list[int]


@router.get("/me", response=with_errors(200, MeOut), tags=["Members"])
def me(request):
    a = request.auth
    return {
        "id": a.user_id,
        "email": a.user.email,
        "name": a.user.name,
        "role": a.role,
        "workspace_id": a.workspace_id,
        "workspace_name": a.workspace.name,
        "team_ids": sorted(a.team_ids),
    }


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The secret; shown once, stored only as a hash.")


class TokenIn(In):
    name: Text = Field("", max_length=100)


@router.get("/tokens", response=with_errors(200, list[TokenOut]), tags=["Tokens"])
@paged()
def list_tokens(request):
    return ApiToken.objects.filter(
        workspace_id=request.auth.workspace_id, user_id=request.auth.user_id
    ).order_by("-created_at", "-id")


@router.post("/tokens", response=with_errors(201, NewTokenOut), tags=["Tokens"])
def create_token(request, payload: TokenIn):
    token, raw = actions.create_token(request.auth, name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", response=with_errors(204, None), tags=["Tokens"])
def revoke_token(request, token_id: PathId):
    token = ApiToken.objects.filter(
        workspace_id=request.auth.workspace_id, pk=token_id, revoked_at__isnull=True
    ).first()
    if token is None or (token.user_id != request.auth.user_id and not request.auth.is_admin):
        raise NotFound(_("No such token."))
    actions.revoke_token(request.auth, token)
    return Status(204, None)
