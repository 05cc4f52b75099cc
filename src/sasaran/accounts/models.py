"""Who works in Sasaran: users, workspaces, their roles, the team tree and API tokens."""

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaran.accounts.teamtree import places


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str) -> "User":
        # Emails are stored lower-cased (create_user): "Ada@Example.com" signs in too.
        return self.get(email=(username or "").strip().lower())

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    notify_email_reminders = models.BooleanField(_("check-in reminders by email"), default=True)
    notify_email_digest = models.BooleanField(_("weekly digest by email"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
EVERY_WEEKS_CHOICES = [(1, _("every week")), (2, _("every two weeks"))]


class Workspace(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Status thresholds (PRODUCT §2): on track when progress >= on_track x expected, and so on.
    on_track_threshold = models.FloatField(_("on-track threshold"), default=0.7)
    at_risk_threshold = models.FloatField(_("at-risk threshold"), default=0.4)
    grace_fraction = models.FloatField(_("grace period (fraction of the cycle)"), default=0.1)
    checkin_cadence_days = models.PositiveSmallIntegerField(_("check-in cadence (days)"), default=7)
    # The weekday check-in periods start on (Monday = 0), for teams that do not set their own.
    checkin_weekday = models.PositiveSmallIntegerField(
        _("check-in weekday"), choices=WEEKDAY_CHOICES, default=0
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")

    def __str__(self) -> str:
        return self.name

    @property
    def stale_days(self) -> int:
        # Stale = no check-in for two cadence periods.
        return 2 * self.checkin_cadence_days


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_write(self) -> bool:
        return self.role in (Role.ADMIN, Role.MEMBER)


class Team(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    members = models.ManyToManyField(User, through="TeamMember", related_name="teams", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The team's check-in rhythm (okrs/cadence.py); unset (null) takes the workspace's.
    checkin_every_weeks = models.PositiveSmallIntegerField(
        _("check-in every"), choices=EVERY_WEEKS_CHOICES, null=True, blank=True
    )
    checkin_weekday = models.PositiveSmallIntegerField(
        _("check-in weekday"), choices=WEEKDAY_CHOICES, null=True, blank=True
    )
    # The team's place in its workspace's tree order (accounts/teamtree.py), kept by save() so
    # that lists of OKRs sort by team in SQL. Derived: never set it by hand.
    tree_order = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # A new team, a new name or a new parent can move every team after it.
        renumber_teams(self.workspace_id)


def renumber_teams(workspace_id: int) -> None:
    """Store the tree order of a workspace's teams (writes only the rows that moved)."""
    teams = list(
        Team.objects.filter(workspace_id=workspace_id).only("id", "name", "parent_id", "tree_order")
    )
    place = places([(t.pk, t.name, t.parent_id) for t in teams])
    moved = [t for t in teams if t.pk in place and t.tree_order != place[t.pk]]
    for team in moved:
        team.tree_order = place[team.pk]
    Team.objects.bulk_update(moved, ["tree_order"], batch_size=500)


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_members")
    # A lead (a department head, a team lead) grades the team's OKRs and writes their
    # retrospectives after the close, with the objectives' owners (okrs.permissions).
    is_lead = models.BooleanField(_("leads the team"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="one_team_member")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, so a database leak does not leak access."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tokens")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> str:
        return "sas_" + secrets.token_urlsafe(32)
