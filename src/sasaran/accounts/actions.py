"""Writes to people and teams: members, roles, the team tree and API tokens."""

import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sasaran.accounts import teamtree
from sasaran.accounts.events import MemberAdded, WorkspaceSettingsChanged
from sasaran.accounts.models import ApiToken, Membership, Role, Team, TeamMember, User, hash_token
from sasaran.accounts.queries import Actor
from sasaran.audit.log import changed, record, snapshot
from sasaran.errors import Conflict, Forbidden, Invalid, NotFound
from sasaran.events import publish
from sasaran.params import UNSET, given


def _require_admin(actor: Actor) -> None:
    # People, teams, tokens and settings are managed by member admins only: Sasaran's own
    # grants (even Grant.ADMIN, for restoring OKRs) do not reach them.
    if actor.is_system or not actor.is_admin:
        raise Forbidden(_("Only workspace admins may do this."))


def _same_workspace(actor: Actor, obj) -> None:
    """Callers look rows up within the actor's workspace; the action checks again anyway."""
    if obj.workspace_id != actor.workspace_id:
        raise NotFound(_("Not found."))


def _team_parent(actor: Actor, parent_id: int | None, team: Team | None = None) -> None:
    if parent_id is None:
        return
    parents = actor.team_parents
    if parent_id not in parents:
        raise Invalid(_("No team of this workspace has that id."), field="parent_id")
    # The team itself among the new parent and those above it would make a loop.
    if team is not None and team.pk in teamtree.ancestors(parents, [parent_id]):
        raise Invalid(_("A team cannot sit under itself or its own sub-teams."), field="parent_id")


def _cadence(fields: dict, *, nullable: bool) -> None:
    """A check-in rhythm: every 1 or 2 weeks, on a weekday (Monday = 0); a team may leave
    either unset (None) to follow the workspace."""
    for key, allowed, message in (
        ("checkin_every_weeks", (1, 2), _("Choose every week or every two weeks.")),
        ("checkin_weekday", range(7), _("Choose a weekday.")),
    ):
        if key not in fields:
            continue
        value = fields[key]
        if value is None and nullable:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise Invalid(message, field=key)


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
        actor,
        action="create",
        obj=team,
        after=snapshot(team),
    )
    return team


@transaction.atomic
def update_team(
    actor: Actor,
    team: Team,
    *,
    name: str = UNSET,
    parent_id: int | None = UNSET,
    checkin_every_weeks: int | None = UNSET,
    checkin_weekday: int | None = UNSET,
) -> Team:
    fields = given(locals(), "actor", "team")
    _require_admin(actor)
    _same_workspace(actor, team)
    _name(fields)
    _cadence(fields, nullable=True)
    if "parent_id" in fields:
        _team_parent(actor, fields["parent_id"], team)
    before = snapshot(team)
    for key, value in fields.items():
        setattr(team, key, value)
    team.save()
    b, a = changed(before, snapshot(team))
    record(
        actor,
        action="update",
        obj=team,
        before=b,
        after=a,
    )
    return team


@transaction.atomic
def delete_team(actor: Actor, team: Team) -> None:
    _require_admin(actor)
    _same_workspace(actor, team)
    if team.children.exists() or team.objectives.exists():
        raise Conflict(_("The team still has sub-teams or objectives; move them first."))
    record(
        actor,
        action="delete",
        obj=team,
        before=snapshot(team),
    )
    team.delete()


@transaction.atomic
def set_team_members(
    actor: Actor, team: Team, user_ids: list[int], lead_ids: list[int] | None = None
) -> Team:
    """The team's members, and which of them lead it (None: the leads who stay members)."""
    _require_admin(actor)
    _same_workspace(actor, team)
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
    current = dict(team.team_members.values_list("user_id", "is_lead"))
    before = sorted(current)
    leads_before = sorted(u for u, lead in current.items() if lead)
    if lead_ids is None:
        lead_ids = [u for u in leads_before if u in set(user_ids)]
    outside = [u for u in lead_ids if u not in set(user_ids)]
    if outside:
        raise Invalid(_("A team's lead must be one of its members."), field="lead_ids")
    team.team_members.exclude(user_id__in=user_ids).delete()
    TeamMember.objects.bulk_create(
        [TeamMember(team=team, user_id=u) for u in sorted(set(user_ids) - set(before))]
    )
    team.team_members.filter(user_id__in=lead_ids).update(is_lead=True)
    team.team_members.exclude(user_id__in=lead_ids).update(is_lead=False)
    after = {"member_ids": sorted(set(user_ids))}
    changes = ({"member_ids": before}, after)
    if sorted(set(lead_ids)) != leads_before:
        changes[0]["lead_ids"], after["lead_ids"] = leads_before, sorted(set(lead_ids))
    record(actor, action="members", obj=team, before=changes[0], after=after)
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
                raise Invalid(" ".join(exc.messages), field="password") from None
        user = User.objects.create_user(email, password or None, name=(name or "").strip()[:150])
    if Membership.objects.filter(workspace_id=actor.workspace_id, user=user).exists():
        raise Conflict(_("This person is already a member."))
    membership = Membership.objects.create(workspace_id=actor.workspace_id, user=user, role=role)
    for team_id in team_ids or []:
        _team_parent(actor, team_id)
        TeamMember.objects.get_or_create(team_id=team_id, user=user)
    record(
        actor,
        action="create",
        obj=membership,
        after={"email": email, "role": role, "team_ids": team_ids or []},
    )
    publish(MemberAdded.by(actor, user_id=user.pk, role=role))
    return membership


@transaction.atomic
def update_member(
    actor: Actor,
    membership: Membership,
    *,
    role: str = UNSET,
    name: str = UNSET,
    team_ids: list[int] = UNSET,
) -> Membership:
    fields = given(locals(), "actor", "membership")
    _require_admin(actor)
    _same_workspace(actor, membership)

    def picture() -> dict:
        team_ids = TeamMember.objects.filter(
            user_id=membership.user_id, team__workspace_id=actor.workspace_id
        ).values_list("team_id", flat=True)
        return {"role": membership.role, "name": membership.user.name, "team_ids": sorted(team_ids)}

    before = picture()
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
    if "name" in fields and (fields["name"] or "").strip()[:150] != membership.user.name:
        # A person's name is theirs, not the workspace's: an admin here may not rename someone
        # who also belongs to another workspace (its admins and members would see the change).
        if (
            Membership.objects.filter(user_id=membership.user_id)
            .exclude(workspace_id=actor.workspace_id)
            .exists()
        ):
            raise Forbidden(
                _(
                    "This person also belongs to another workspace: they change their name "
                    "in their own profile."
                ),
                field="name",
            )
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
    after = picture()
    b, a = changed(before, after)
    record(
        actor,
        action="update",
        obj=membership,
        before=b,
        after=a,
    )
    return membership


@transaction.atomic
def remove_member(actor: Actor, membership: Membership) -> None:
    _require_admin(actor)
    _same_workspace(actor, membership)
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
        actor,
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
        actor,
        action="create",
        obj=token,
        after={"name": token.name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> None:
    _same_workspace(actor, token)
    if token.user_id != actor.user_id and not actor.is_admin:
        raise Forbidden(_("You may revoke only your own tokens."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor, action="revoke", obj=token)


def authenticate_token(raw: str) -> tuple[int, int] | None:
    """(user id, workspace id) of a live token of an active user, or None. Every API request
    runs this: one indexed query in plain SQL (the ORM would spend longer composing it)."""
    token_table, user_table = ApiToken._meta.db_table, User._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.user_id, t.workspace_id, t.last_used_at FROM {token_table} t "
            f"JOIN {user_table} u ON u.id = t.user_id "
            "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active",
            [hash_token(raw)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, user_id, workspace_id, last_used_at = row
    # Only touch the row when the stamp is stale: no write on every request.
    now = timezone.now()
    if isinstance(last_used_at, str):  # SQLite's raw value
        last_used_at = parse_datetime(last_used_at)
    if last_used_at is not None and timezone.is_naive(last_used_at):  # stored in UTC
        last_used_at = last_used_at.replace(tzinfo=datetime.UTC)
    if last_used_at is None or (now - last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user_id, workspace_id


# --- Invitations, workspace settings and profiles (issue 3). ---

import logging as _logging  # noqa: E402
import math as _math  # noqa: E402

from django.contrib.auth.tokens import PasswordResetTokenGenerator  # noqa: E402

_mail_log = _logging.getLogger("sasaran.mail")


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """One-time links for invitations: Django's reset tokens with their own salt, so a reset
    link never works as an invitation link or the other way round. Setting the password makes
    the token invalid (the password hash is part of it)."""

    key_salt = "sasaran.accounts.actions.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def send_mail_on_commit(subject: str, body: str, to: str, outcome: list | None = None) -> None:
    """Send after the transaction commits: no email about a change that was rolled back.
    The message is built now, in the request's language; a failed delivery is logged and does
    not undo the (already committed) change."""
    from django.core.mail import EmailMessage

    message = EmailMessage(" ".join(subject.split()), body, to=[to])

    def send() -> None:
        try:
            message.send()
        except OSError:
            _mail_log.exception("could not send %r to %s", message.subject, to)
            if outcome is not None:
                outcome.append(False)
        else:
            if outcome is not None:
                outcome.append(True)

    transaction.on_commit(send)


def _send_invitation(actor: Actor, user: User, site_url: str) -> dict:
    """Returns {"link", "sent"}: `sent` fills in once the email went out (on commit), so the
    page can say when it failed and show the link to pass on by hand."""
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    site_url = site_url.rstrip("/")
    # Somebody who already has a password (a member of another workspace) just signs in.
    set_password = not user.has_usable_password()
    if set_password:
        link = site_url + reverse(
            "accept_invitation",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": invitation_tokens.make_token(user),
            },
        )
    else:
        link = site_url + reverse("login")
    context = {
        "inviter": actor.user.display_name,
        "workspace": actor.workspace.name,
        "name": user.name,
        "email": user.email,
        "link": link,
        "set_password": set_password,
    }
    subject = render_to_string("accounts/registration/invitation_subject.txt", context)
    body = render_to_string("accounts/registration/invitation_email.txt", context)
    outcome: list[bool] = []
    send_mail_on_commit(subject, body, user.email, outcome)
    return {"link": link, "sent": outcome}


@transaction.atomic
def invite_member(
    actor: Actor,
    *,
    email: str,
    site_url: str,
    name: str = "",
    role: str = Role.MEMBER,
    team_ids: list[int] | None = None,
) -> Membership:
    """Add a member without a password and email them a one-time link to set one."""
    membership = add_member(actor, email=email, name=name, role=role, team_ids=team_ids)
    membership.invitation = _send_invitation(actor, membership.user, site_url)
    return membership


@transaction.atomic
def resend_invitation(actor: Actor, membership: Membership, *, site_url: str) -> None:
    _require_admin(actor)
    if membership.workspace_id != actor.workspace_id:
        raise Forbidden(_("Only workspace admins may do this."))
    _send_invitation(actor, membership.user, site_url)
    record(actor, action="invite", obj=membership)


WORKSPACE_SETTINGS = (
    "name",
    "on_track_threshold",
    "at_risk_threshold",
    "grace_fraction",
    "checkin_cadence_days",
    "checkin_weekday",
    "time_zone",
)


def _fraction(value, field: str, errors: list[dict]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not _math.isfinite(value):
        errors.append({"field": field, "message": _("Enter a number.")})
        return None
    return float(value)


@transaction.atomic
def update_workspace(
    actor: Actor,
    *,
    name: str = UNSET,
    on_track_threshold: float = UNSET,
    at_risk_threshold: float = UNSET,
    grace_fraction: float = UNSET,
    checkin_cadence_days: int = UNSET,
    checkin_weekday: int = UNSET,
    time_zone: str = UNSET,
):
    """Workspace settings: status thresholds, grace, check-in cadence, default time zone."""
    fields = given(locals(), "actor")
    from zoneinfo import available_timezones

    from sasaran.accounts.models import Workspace

    _require_admin(actor)
    workspace = Workspace.objects.select_for_update().get(pk=actor.workspace_id)
    errors: list[dict] = []
    if "name" in fields:
        _name(fields)
    for key in ("on_track_threshold", "at_risk_threshold", "grace_fraction"):
        if key in fields:
            fields[key] = _fraction(fields[key], key, errors)
    if "checkin_cadence_days" in fields:
        days = fields["checkin_cadence_days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
            errors.append(
                {
                    "field": "checkin_cadence_days",
                    "message": _("Enter a whole number of days from 1 to 90."),
                }
            )
    if "checkin_weekday" in fields:
        try:
            _cadence({"checkin_weekday": fields["checkin_weekday"]}, nullable=False)
        except Invalid as exc:
            errors.extend(exc.errors)
    if "time_zone" in fields and fields["time_zone"] not in available_timezones():
        errors.append(
            {"field": "time_zone", "message": _("Choose a time zone from the list (IANA name).")}
        )
    on_track = fields.get("on_track_threshold", workspace.on_track_threshold)
    at_risk = fields.get("at_risk_threshold", workspace.at_risk_threshold)
    grace = fields.get("grace_fraction", workspace.grace_fraction)
    if on_track is not None and not 0 < on_track <= 1:
        errors.append(
            {
                "field": "on_track_threshold",
                "message": _("The on-track threshold must be above 0 and at most 1."),
            }
        )
    elif at_risk is not None and not 0 < at_risk:
        errors.append(
            {"field": "at_risk_threshold", "message": _("The at-risk threshold must be above 0.")}
        )
    elif on_track is not None and at_risk is not None and not at_risk < on_track:
        errors.append(
            {
                "field": "at_risk_threshold",
                "message": _("The at-risk threshold must be below the on-track threshold."),
            }
        )
    if grace is not None and not 0 <= grace < 1:
        errors.append(
            {
                "field": "grace_fraction",
                "message": _("The grace period must be at least 0 and below 1."),
            }
        )
    if errors:
        raise Invalid(errors[0]["message"], errors=errors)
    before = snapshot(workspace)
    for key, value in fields.items():
        setattr(workspace, key, value)
    workspace.save()
    b, a = changed(before, snapshot(workspace))
    if a:
        record(
            actor,
            action="update",
            obj=workspace,
            before=b,
            after=a,
        )
    if a:
        # The okrs app recomputes statuses when thresholds change (okrs.jobs).
        publish(WorkspaceSettingsChanged.by(actor, fields=tuple(a)))
    actor.membership.workspace = workspace
    return workspace


PROFILE_FIELDS = (
    "name",
    "language",
    "time_zone",
    "notify_email_reminders",
    "notify_email_digest",
)


@transaction.atomic
def update_profile(
    user: User,
    *,
    name: str = UNSET,
    language: str = UNSET,
    time_zone: str = UNSET,
    notify_email_reminders: bool = UNSET,
    notify_email_digest: bool = UNSET,
) -> User:
    """A user's own name, language, time zone and notification choices (theirs alone: not
    workspace data, so not in a workspace's audit log)."""
    fields = given(locals(), "user")
    from zoneinfo import available_timezones

    from django.conf import settings

    errors: list[dict] = []
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if len(fields["name"]) > 150:
            errors.append(
                {"field": "name", "message": _("The name is longer than 150 characters.")}
            )
    if "language" in fields and fields["language"] not in {c for c, _n in settings.LANGUAGES}:
        errors.append({"field": "language", "message": _("Choose a language from the list.")})
    # An empty time zone means "the workspace's".
    if "time_zone" in fields and fields["time_zone"] not in available_timezones() | {""}:
        errors.append(
            {"field": "time_zone", "message": _("Choose a time zone from the list (IANA name).")}
        )
    for key in ("notify_email_reminders", "notify_email_digest"):
        if key in fields and not isinstance(fields[key], bool):
            errors.append({"field": key, "message": _("Choose yes or no.")})
    if errors:
        raise Invalid(errors[0]["message"], errors=errors)
    for key, value in fields.items():
        setattr(user, key, value)
    user.save(update_fields=list(fields))
    return user
