"""Pages: settings — members and roles, the team tree, workspace settings and API tokens.

Admins see every tab; members and viewers see only their own API tokens. The actions decide who
may write: a non-admin posting an admin form gets the action's 403.
"""

from zoneinfo import available_timezones

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasaran.accounts import actions, queries, teamtree
from sasaran.accounts.models import EVERY_WEEKS_CHOICES, WEEKDAY_CHOICES, Role
from sasaran.accounts.views.accountflows import site_url
from sasaran.errors import ActionError, Conflict, Forbidden, Invalid, NotFound
from sasaran.web.pages import actor_page


def apply_errors(form: forms.Form, exc: ActionError, default_field: str | None = None) -> None:
    """An action's refusal shown next to the field it names (or above the form)."""
    placed = False
    for error in exc.errors:
        if error.get("field") in form.fields:
            form.add_error(error["field"], error["message"])
            placed = True
    if not placed:
        form.add_error(default_field if default_field in form.fields else None, exc.message)


def require_admin_page(actor) -> None:
    if not actor.is_admin:
        raise Forbidden(_("Only workspace admins may do this."))


def team_tree(teams) -> list[tuple]:
    """Teams in tree order (parents before children, siblings by name) with their depth."""
    by_id = {t.pk: t for t in teams}
    return [
        (by_id[pk], depth)
        for pk, depth in teamtree.tree_order((t.pk, t.name, t.parent_id) for t in teams)
    ]


def _parent_choices(tree, exclude: set[int] = frozenset()) -> list[tuple[str, str]]:
    choices = [("", _("— none (top level) —"))]
    choices += [(str(t.pk), "\u2003" * depth + t.name) for t, depth in tree if t.pk not in exclude]
    return choices


# --- Forms: they parse and render; the actions validate and decide. ---


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    parent = forms.ChoiceField(label=gettext_lazy("Part of"), required=False)


class TeamCadenceForm(forms.Form):
    """The team's check-in rhythm; "workspace default" (empty) follows the workspace setting."""

    checkin_every_weeks = forms.TypedChoiceField(
        label=gettext_lazy("Check in"),
        choices=[("", gettext_lazy("as the workspace"))] + EVERY_WEEKS_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    checkin_weekday = forms.TypedChoiceField(
        label=gettext_lazy("Period starts on"),
        choices=[("", gettext_lazy("as the workspace"))] + WEEKDAY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy(
            "A key result is due when it has no check-in since the start of the current period."
        ),
    )


class TeamMembersForm(forms.Form):
    members = forms.MultipleChoiceField(
        label=gettext_lazy("Members"), required=False, widget=forms.CheckboxSelectMultiple
    )
    leads = forms.MultipleChoiceField(
        label=gettext_lazy("Leads"),
        help_text=gettext_lazy(
            "Leads grade the team's key results and write its retrospectives after the close "
            "(and those of the teams beneath it), with each objective's owner."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.MEMBER)
    teams = forms.MultipleChoiceField(
        label=gettext_lazy("Teams"), required=False, widget=forms.CheckboxSelectMultiple
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Workspace name"), max_length=150)
    on_track_threshold = forms.FloatField(
        label=gettext_lazy("On-track threshold"),
        help_text=gettext_lazy(
            "On track when progress is at least this fraction of the expected progress (at most 1)."
        ),
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    at_risk_threshold = forms.FloatField(
        label=gettext_lazy("At-risk threshold"),
        help_text=gettext_lazy(
            "At risk from this fraction up to the on-track threshold; below it, off track."
        ),
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    grace_fraction = forms.FloatField(
        label=gettext_lazy("Grace period"),
        help_text=gettext_lazy(
            "The first fraction of a cycle in which nothing is judged behind (0.1 = 10%)."
        ),
        widget=forms.NumberInput(attrs={"step": "0.05"}),
    )
    checkin_cadence_days = forms.IntegerField(
        label=gettext_lazy("Check-in cadence (days)"),
        help_text=gettext_lazy("A key result is stale after two periods without a check-in."),
    )
    checkin_weekday = forms.TypedChoiceField(
        label=gettext_lazy("Check-in period starts on"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        # A form posted without it (an older page) keeps the weekday as it is.
        required=False,
        empty_value=None,
        help_text=gettext_lazy(
            "For teams without their own rhythm: a key result is due when it has no check-in "
            "since this weekday (every week, or every two weeks from a cadence of 14 days)."
        ),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Default time zone"),
        help_text=gettext_lazy("Due dates end at midnight in this zone."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(self.initial.get("time_zone", ""))


# Canonical zones are "Area/Place" under these areas; the rest of the tz database is aliases
# kept for old systems (US/Pacific, Etc/GMT+7, Singapore...), which only lengthen the list.
ZONE_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


def time_zone_choices(current: str = "") -> list[tuple[str, str]]:
    """UTC and the canonical zones, plus `current` when it is an alias already in use."""
    zones = {z for z in available_timezones() if z.startswith(ZONE_AREAS)} | {"UTC"}
    if current in available_timezones():
        zones.add(current)
    return [(z, z) for z in sorted(zones)]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("What the token is for, e.g. “CI metrics push”."),
    )


# --- Pages ---


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, {"actor": request.actor, **context}, status=status)


def _members_page(request, *, invite_form=None, row_errors=None, status=200) -> HttpResponse:
    actor = request.actor
    teams = {t.pk: t for t in queries.workspace_teams(actor)}
    rows = []
    for m in queries.workspace_members(actor):
        team_names = sorted(
            teams[tm.team_id].name for tm in m.user.team_members.all() if tm.team_id in teams
        )
        rows.append(
            {
                "m": m,
                "teams": team_names,
                "pending": not m.user.has_usable_password(),
                "error": (row_errors or {}).get(m.pk),
                "is_me": m.user_id == actor.user_id,
            }
        )
    return _page(
        request,
        "accounts/settings/members.html",
        {"tab": "members", "rows": rows, "roles": Role.choices},
        status,
    )


@actor_page
def settings_home(request: HttpRequest) -> HttpResponse:
    """Admins land on members; everybody else on their own API tokens."""
    if request.actor.is_admin:
        return _members_page(request)
    return _tokens_page(request)


def _member(request, user_id: int):
    m = queries.workspace_members(request.actor).filter(user_id=user_id).first()
    if m is None:
        raise NotFound(_("No such member."))
    return m


@actor_page
def member(request: HttpRequest, user_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("settings")
    membership = _member(request, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _members_page(request, row_errors={membership.pk: _("Choose a role.")}, status=422)
    try:
        actions.update_member(request.actor, membership, role=form.cleaned_data["role"])
    except (Forbidden, NotFound):
        raise
    except ActionError as exc:
        return _members_page(request, row_errors={membership.pk: exc.message}, status=exc.status)
    messages.success(
        request,
        _("The role of %(name)s is now %(role)s.")
        % {"name": membership.user.display_name, "role": Role(membership.role).label},
    )
    return redirect("settings")


@actor_page
def remove_member(request: HttpRequest, user_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("settings")
    membership = _member(request, user_id)
    try:
        actions.remove_member(request.actor, membership)
    except Conflict as exc:
        return _members_page(request, row_errors={membership.pk: exc.message}, status=exc.status)
    messages.success(
        request,
        _("%(name)s was removed from the workspace.") % {"name": membership.user.display_name},
    )
    return redirect("settings")


@actor_page
def resend_invitation(request: HttpRequest, user_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("settings")
    membership = _member(request, user_id)
    actions.resend_invitation(request.actor, membership, site_url=site_url(request))
    return _members_page(request, row_errors={membership.pk: _("Invitation sent again.")})


@actor_page
def invite(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if request.method != "POST":
        require_admin_page(actor)
    tree = team_tree(list(queries.workspace_teams(actor)))
    form = InviteForm(request.POST or None)
    form.fields["teams"].choices = [(str(t.pk), "\u2003" * d + t.name) for t, d in tree]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                membership = actions.invite_member(
                    actor,
                    email=data["email"],
                    name=data["name"],
                    role=data["role"],
                    team_ids=[int(t) for t in data["teams"]],
                    site_url=site_url(request),
                )
            except (Forbidden, NotFound):
                raise
            except ActionError as exc:
                apply_errors(form, exc, default_field="email")
                status = exc.status
            else:
                # The email goes out when the action's transaction commits, i.e. by now.
                invitation = membership.invitation
                return _page(
                    request,
                    "accounts/settings/invited.html",
                    {
                        "tab": "members",
                        "email": data["email"],
                        "failed": invitation["sent"] == [False],
                        "link": invitation["link"],
                    },
                )
        else:
            require_admin_page(actor)
            status = 422
    return _page(request, "accounts/settings/invite.html", {"tab": "members", "form": form}, status)


@actor_page
def teams(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if request.method != "POST":
        require_admin_page(actor)
    tree = team_tree(list(queries.workspace_teams(actor)))
    form = TeamForm(request.POST or None)
    form.fields["parent"].choices = _parent_choices(tree)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            parent = form.cleaned_data["parent"]
            try:
                actions.create_team(
                    actor,
                    name=form.cleaned_data["name"],
                    parent_id=int(parent) if parent else None,
                )
            except (Forbidden, NotFound):
                raise
            except ActionError as exc:
                apply_errors(form, exc, default_field="name")
                status = exc.status
            else:
                messages.success(request, _("Team created."))
                return redirect("settings_teams")
        else:
            require_admin_page(actor)
            status = 422
    return _page(
        request,
        "accounts/settings/teams.html",
        {"tab": "teams", "tree": tree, "form": form},
        status,
    )


@actor_page
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    """One team: rename, move under another team, set its members, delete it when empty."""
    actor = request.actor
    if request.method != "POST":
        require_admin_page(actor)
    all_teams = list(queries.workspace_teams(actor))
    the_team = next((t for t in all_teams if t.pk == team_id), None)
    if the_team is None:
        raise NotFound(_("No such team."))
    tree = team_tree(all_teams)
    members = list(queries.workspace_members(actor))
    current = sorted(
        m.user_id for m in members if any(tm.team_id == team_id for tm in m.user.team_members.all())
    )
    leads = sorted(
        m.user_id
        for m in members
        if any(tm.team_id == team_id and tm.is_lead for tm in m.user.team_members.all())
    )
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    form = TeamForm(
        posted if which == "team" else None,
        initial={"name": the_team.name, "parent": the_team.parent_id or ""},
    )
    beneath = teamtree.descendants({t.pk: t.parent_id for t in all_teams}, [team_id])
    form.fields["parent"].choices = _parent_choices(tree, beneath)
    cadence_form = TeamCadenceForm(
        posted if which == "cadence" else None,
        initial={
            "checkin_every_weeks": the_team.checkin_every_weeks or "",
            "checkin_weekday": "" if the_team.checkin_weekday is None else the_team.checkin_weekday,
        },
    )
    members_form = TeamMembersForm(
        posted if which == "members" else None,
        initial={"members": [str(u) for u in current], "leads": [str(u) for u in leads]},
    )
    members_form.fields["members"].choices = members_form.fields["leads"].choices = [
        (str(m.user_id), f"{m.user.display_name} ({m.user.email})") for m in members
    ]
    status = 200
    delete_error = None
    if which == "team":
        if form.is_valid():
            parent = form.cleaned_data["parent"]
            try:
                actions.update_team(
                    actor,
                    the_team,
                    name=form.cleaned_data["name"],
                    parent_id=int(parent) if parent else None,
                )
                messages.success(request, _("Team saved."))
                return redirect("settings_teams")
            except (Invalid, Conflict) as exc:
                apply_errors(form, exc, default_field="name")
                status = exc.status
        else:
            status = 422
    elif which == "cadence":
        if cadence_form.is_valid():
            try:
                actions.update_team(actor, the_team, **cadence_form.cleaned_data)
                messages.success(request, _("Check-in rhythm saved."))
                return redirect("settings_team", team_id)
            except (Invalid, Conflict) as exc:
                apply_errors(cadence_form, exc)
                status = exc.status
        else:
            status = 422
    elif which == "members":
        if members_form.is_valid():
            ids = [int(u) for u in members_form.cleaned_data["members"]]
            lead_ids = [int(u) for u in members_form.cleaned_data["leads"]]
            try:
                actions.set_team_members(actor, the_team, ids, lead_ids)
                messages.success(request, _("Team members saved."))
                return redirect("settings_teams")
            except (Invalid, Conflict) as exc:
                apply_errors(members_form, exc, default_field="members")
                status = exc.status
        else:
            status = 422
    elif which == "delete":
        try:
            actions.delete_team(actor, the_team)
            messages.success(request, _("Team deleted."))
            return redirect("settings_teams")
        except Conflict as exc:
            delete_error = exc.message
            status = exc.status
    elif posted is not None:
        require_admin_page(actor)
    if status != 200:
        require_admin_page(actor)
    has_children = any(t.parent_id == team_id for t in all_teams)
    return _page(
        request,
        "accounts/settings/team.html",
        {
            "tab": "teams",
            "team": the_team,
            "form": form,
            "members_form": members_form,
            "cadence_form": cadence_form,
            "has_children": has_children,
            "delete_error": delete_error,
        },
        status,
    )


@actor_page
def workspace(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if request.method != "POST":
        require_admin_page(actor)
    ws = actor.workspace
    initial = {key: getattr(ws, key) for key in actions.WORKSPACE_SETTINGS}
    form = WorkspaceForm(request.POST or None, initial=initial)
    status = 200
    saved = request.GET.get("saved") == "1"
    if request.method == "POST":
        if form.is_valid():
            try:
                data = {k: v for k, v in form.cleaned_data.items() if v is not None}
                actions.update_workspace(actor, **data)
            except (Forbidden, NotFound):
                raise
            except ActionError as exc:
                apply_errors(form, exc)
                status = exc.status
            else:
                return redirect(reverse("settings_workspace") + "?saved=1")
        else:
            require_admin_page(actor)
            status = 422
    return _page(
        request,
        "accounts/settings/workspace.html",
        {"tab": "workspace", "form": form, "saved": saved},
        status,
    )


def _tokens_page(request, *, form=None, new_token=None, status=200) -> HttpResponse:
    actor = request.actor
    mine = list(queries.api_tokens(actor))
    others = (
        [t for t in queries.api_tokens(actor, everyone=True) if t.user_id != actor.user_id]
        if actor.is_admin
        else []
    )
    return _page(
        request,
        "accounts/settings/tokens.html",
        {
            "tab": "tokens",
            "form": form or TokenForm(),
            "tokens": mine,
            "others": others,
            "new_token": new_token,
        },
        status,
    )


@actor_page
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _tokens_page(request)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form=form, status=422)
    token, raw = actions.create_token(request.actor, name=form.cleaned_data["name"])
    # Shown in this response only: never stored, never in a redirect or the session.
    return _tokens_page(request, new_token={"token": token, "raw": raw}, status=201)


@actor_page
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("settings_tokens")
    token = queries.api_tokens(request.actor, everyone=True).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."))
    actions.revoke_token(request.actor, token)
    messages.success(request, _("Token revoked."))
    return redirect("settings_tokens")


urlpatterns = [
    path("settings/", settings_home, name="settings"),
    path("settings/members/invite/", invite, name="settings_invite"),
    path("settings/members/<int:user_id>/", member, name="settings_member"),
    path("settings/members/<int:user_id>/remove/", remove_member, name="settings_remove_member"),
    path(
        "settings/members/<int:user_id>/resend/",
        resend_invitation,
        name="settings_resend_invitation",
    ),
    path("settings/teams/", teams, name="settings_teams"),
    path("settings/teams/<int:team_id>/", team, name="settings_team"),
    path("settings/workspace/", workspace, name="settings_workspace"),
    path("settings/tokens/", tokens, name="settings_tokens"),
    path("settings/tokens/<int:token_id>/revoke/", revoke_token, name="settings_revoke_token"),
]
