"""The demo workspace: a SaaS company's OKRs (the seed's examples) with believable history.

The content is data (fixtures/demo.json); the weekly check-ins are generated from each key
result's trajectory with seeded random generators, so the same `now` always gives the same demo.
Everything goes through the real actions (teams, members, cycles, objectives, key results,
back-dated check-ins, closing last quarter with scores and retrospectives), so progress, status,
forecasts, roll-ups and the audit log are what the product itself computes. Shortcuts only where
no action exists: the workspace, its first admin, one password hash for every demo member, and
creation timestamps moved back onto the demo's timeline.
"""

import datetime as dt
import functools
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sasaran import changes
from sasaran.accounts.actions import add_member, create_team, set_team_members
from sasaran.accounts.models import Membership, Role, Team, TeamMember, User, Workspace
from sasaran.accounts.queries import Actor, actor_for
from sasaran.audit.models import AuditEntry
from sasaran.errors import Conflict
from sasaran.okrs import rollup
from sasaran.okrs.actions import (
    close_cycle,
    create_checkin,
    create_cycle,
    create_key_result,
    create_objective,
    update_key_result,
)
from sasaran.okrs.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Milestone,
    Objective,
    Retrospective,
)
from sasaran.okrs.permissions import can_edit_in_team
from sasaran.okrs.progress import STAY_DIRECTIONS, Direction, Kind
from sasaran.okrs.units import unit_for

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo.json"
SLUG = "demo"
ROLES = ("annual", "previous", "current", "next")
# The languages the demo's texts come in: English, or the seed's Indonesian originals (`*_id`).
LANGUAGES = ("en", "id")


@functools.cache
def fixture() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _password_hash(password: str) -> str:
    # One (slow, salted) hash shared by every demo member: hashing 17 times would take seconds.
    return _hash_with(password, tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _hash_with(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


def demo_workspace() -> Workspace | None:
    return Workspace.objects.filter(slug=fixture()["workspace"]["slug"]).first()


def demo_language(code: str | None) -> str:
    """The demo's language for a language code ("id", "id-ID", "en-us"): Indonesian or English."""
    base = (code or "").split("-")[0].lower()
    return base if base in LANGUAGES else "en"


# What the apps above okrs add to the demo (the work app: spaces, lists and tasks linked to the
# demo's key results), without okrs importing them: fn(workspace, actors by person key, KR ids by
# fixture key, now, language), called in the demo's transaction.
_EXTRAS: list = []


def register_demo_extra(fn) -> None:
    if fn not in _EXTRAS:
        _EXTRAS.append(fn)


def load_demo(
    *, reset: bool = False, now: dt.datetime | None = None, language: str = "en"
) -> dict[str, int]:
    """Create the demo workspace and return what it holds (counts by kind of row).

    `language` "id" writes the objectives', key results' and milestones' titles in the seed's
    Indonesian (the fixture's `title_id`); "en" in English.

    `now` is the moment the demo is built around: which quarters, check-in dates, statuses.
    Derived values come from the actions; when `now` is not the clock's time (a test or a
    preview of another date), the rows the actions computed at the clock are recomputed for
    `now` at the end, so the demo always reads as of `now`.
    """
    now = now or timezone.now()
    with transaction.atomic():
        existing = demo_workspace()
        if existing is not None:
            if not reset:
                raise Conflict('A demo workspace (slug "demo") already exists; reset it to reload.')
            delete_demo(existing)
        return _Builder(fixture(), now, demo_language(language)).run()


def delete_demo(workspace: Workspace) -> None:
    """Delete the workspace and everything in it (objectives before the cycles and teams they
    protect), and the demo's own users once they belong to no workspace."""
    emails = {p["email"] for p in fixture()["people"]}
    user_ids = list(workspace.memberships.values_list("user_id", flat=True))
    with transaction.atomic():
        changes.touch(workspace.pk, people=True)  # nothing kept from it is served again
        Objective.objects.filter(workspace=workspace).delete()
        Cycle.objects.filter(workspace=workspace).update(parent=None)
        Cycle.objects.filter(workspace=workspace).delete()
        Team.objects.filter(workspace=workspace).update(parent=None)
        Team.objects.filter(workspace=workspace).delete()
        workspace.delete()
        User.objects.filter(
            pk__in=user_ids, email__in=emails, memberships__isnull=True, is_superuser=False
        ).delete()


def summary(workspace: Workspace, now: dt.datetime | None = None) -> dict[str, Any]:
    """The active quarter at a glance: status mix, stale key results, forecasts."""
    now = now or timezone.now()
    out: dict[str, Any] = {"cycle": None, "key_results": 0, "status": {}, "stale": 0}
    cycle = (
        Cycle.objects.filter(workspace=workspace, state=CycleState.ACTIVE, parent__isnull=False)
        .order_by("-start_date")
        .first()
    )
    if cycle is None:
        return out
    krs = list(KeyResult.objects.filter(objective__cycle=cycle))
    out.update(
        cycle=cycle.name,
        key_results=len(krs),
        status=dict(Counter(kr.status for kr in krs)),
        stale=sum(rollup.kr_is_stale(kr, cycle, workspace, now) for kr in krs),
        forecasts=sum(kr.forecast_progress is not None for kr in krs),
    )
    return out


# ---- calendar -------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def shift_quarter(year: int, quarter: int, n: int) -> tuple[int, int]:
    index = year * 4 + quarter - 1 + n
    return index // 4, index % 4 + 1


def quarter_dates(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    next_year, next_quarter = shift_quarter(year, quarter, 1)
    return start, dt.date(next_year, 3 * next_quarter - 2, 1) - dt.timedelta(days=1)


# ---- generated history ----------------------------------------------------------------------


@dataclass
class _Kr:
    row: KeyResult
    spec: dict[str, Any]
    role: str
    cycle: Cycle
    milestone_ids: list[int] = field(default_factory=list)


@dataclass
class _Event:
    at: dt.datetime
    seq: int
    run: Callable[[], None]


def _shape(name: str, t: float, spec: dict) -> float:
    if name == "front":  # fast start, then slower
        return t**0.75
    if name == "back":  # slow start, most of it late
        return t**1.5
    if name == "stall":
        return min(t, spec.get("stall_at", 0.5))
    return t


class _Builder:
    def __init__(self, data: dict[str, Any], now: dt.datetime, language: str = "en") -> None:
        self.data = data
        self.now = now
        self.language = language
        self.tz = ZoneInfo(data["workspace"]["time_zone"])
        today = now.astimezone(self.tz).date()
        self.quarters = {
            "previous": shift_quarter(*quarter_of(today), -1),
            "current": quarter_of(today),
            "next": shift_quarter(*quarter_of(today), 1),
        }
        # The company started with Sasaran a month before last quarter: history begins there.
        self.history_start = quarter_dates(*self.quarters["previous"])[0]
        self.setup_at = self._at(self.history_start - dt.timedelta(days=30), 9)
        self.people = {p["key"]: p for p in data["people"]}
        self.users: dict[str, User] = {}
        self.actors: dict[str, Actor] = {}
        self.teams: dict[str, Team] = {}
        self.cycles: dict[str, Cycle] = {}
        self.objectives: dict[str, Objective] = {}
        self.objective_specs: dict[int, dict] = {}
        self.krs: list[_Kr] = []
        self.new_user_ids: list[int] = []

    def _at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def title(self, spec: dict) -> str:
        """The title in the demo's language: the seed's Indonesian original when asked for."""
        if self.language == "id" and spec.get("title_id"):
            return spec["title_id"]
        return spec["title"]

    def run(self) -> dict[str, int]:
        self._workspace()
        self._teams()
        self._people()
        self._cycles()
        for role in ROLES:
            for spec in self.data["objectives"].get(role, []):
                self._objective(role, spec)
        self._history()
        self._overrides()
        self._timeline()
        kr_ids = {item.spec["key"]: item.row.pk for item in self.krs if "key" in item.spec}
        for extra in _EXTRAS:
            extra(self.workspace, self.actors, kr_ids, self.now, self.language)
        if abs(timezone.now() - self.now) > dt.timedelta(minutes=1):
            # Built for another moment than the clock's: the actions stamped the rows nobody
            # checked in on (next quarter, objectives above them) with the clock; redo them.
            rollup.recompute_workspace(self.workspace, now=self.now)
        return self._counts()

    # -- people and teams --

    def _workspace(self) -> None:
        spec = self.data["workspace"]
        self.workspace = Workspace.objects.create(
            name=spec["name"],
            slug=spec["slug"],
            time_zone=spec["time_zone"],
            created_at=self.setup_at,
        )
        first = next(p for p in self.data["people"] if p["role"] == Role.ADMIN)
        user = User.objects.filter(email=first["email"]).first()
        if user is None:
            user = User.objects.create_user(first["email"], None, name=first["name"])
            self.new_user_ids.append(user.pk)
        Membership.objects.create(workspace=self.workspace, user=user, role=Role.ADMIN)
        self.users[first["key"]] = user
        self.first_admin = first["key"]

    def _admin(self) -> Actor:
        # A fresh actor: its cached team tree must include the teams just created.
        return actor_for(self.users[self.first_admin], self.workspace)

    def _teams(self) -> None:
        for spec in self.data["teams"]:
            parent = self.teams[spec["parent"]].pk if spec["parent"] else None
            self.teams[spec["key"]] = create_team(
                self._admin(), name=spec["name"], parent_id=parent
            )
        first = self.people[self.first_admin]
        TeamMember.objects.bulk_create(
            TeamMember(team=self.teams[t], user=self.users[first["key"]]) for t in first["teams"]
        )

    def _people(self) -> None:
        admin = self._admin()
        for spec in self.data["people"]:
            if spec["key"] == self.first_admin:
                continue
            existed = User.objects.filter(email=spec["email"]).exists()
            membership = add_member(
                admin,
                email=spec["email"],
                name=spec["name"],
                role=spec["role"],
                team_ids=[self.teams[t].pk for t in spec["teams"]],
            )
            if not existed:
                self.new_user_ids.append(membership.user_id)
            self.users[spec["key"]] = membership.user
        User.objects.filter(pk__in=self.new_user_ids).update(
            password=_password_hash(self.data["password"]), date_joined=self.setup_at
        )
        Membership.objects.filter(workspace=self.workspace).update(created_at=self.setup_at)
        Team.objects.filter(workspace=self.workspace).update(created_at=self.setup_at)
        self._leads(admin)
        for key, user in self.users.items():
            self.actors[key] = actor_for(user, self.workspace)
        self.admin = self.actors[self.first_admin]

    def _leads(self, admin: Actor) -> None:
        """The department heads and team leads named in `leads` lead their teams."""
        leads: dict[str, list[int]] = {}
        for spec in self.data["people"]:
            for team in spec.get("leads", []):
                leads.setdefault(team, []).append(self.users[spec["key"]].pk)
        for key, lead_ids in leads.items():
            team = self.teams[key]
            members = list(team.team_members.values_list("user_id", flat=True))
            set_team_members(admin, team, members, lead_ids)

    # -- cycles --

    def _cycles(self) -> None:
        names = self.data["cycles"]
        year = self.quarters["current"][0]
        years: dict[int, Cycle] = {}

        def annual(y: int, state: str) -> Cycle:
            if y not in years:
                years[y] = create_cycle(
                    self.admin,
                    name=names["annual"].format(year=y),
                    start_date=dt.date(y, 1, 1),
                    end_date=dt.date(y, 12, 31),
                    state=state,
                    created_at=min(
                        max(self.setup_at, self._at(dt.date(y, 1, 1) - dt.timedelta(days=14), 10)),
                        self.now - dt.timedelta(days=2),
                    ),
                )
            return years[y]

        self.cycles["annual"] = annual(year, CycleState.ACTIVE)
        if self.quarters["next"][0] != year:
            annual(self.quarters["next"][0], CycleState.PLANNING)
        states = {
            "previous": CycleState.ACTIVE,  # closed once its history is written
            "current": CycleState.ACTIVE,
            "next": CycleState.PLANNING,
        }
        for role, (y, q) in self.quarters.items():
            start, end = quarter_dates(y, q)
            planned = self._at(start - dt.timedelta(days=12), 10)
            self.cycles[role] = create_cycle(
                self.admin,
                name=names["quarter"].format(year=y, quarter=q),
                start_date=start,
                end_date=end,
                state=states[role],
                parent_id=years[y].pk if y in years else None,
                created_at=min(planned, self.now - dt.timedelta(days=2)),
            )

    # -- objectives and key results --

    def _created_at(self, role: str, index: int) -> dt.datetime:
        cycle = self.cycles[role]
        if role == "next":
            base = self.now - dt.timedelta(days=2)
        else:
            base = self._at(cycle.start_date - dt.timedelta(days=6), 10)
            base = max(base, self.setup_at + dt.timedelta(days=1))
        return min(base + dt.timedelta(minutes=20 * index), self.now - dt.timedelta(hours=1))

    def _objective(self, role: str, spec: dict) -> None:
        cycle = self.cycles[role]
        owner = self.users[spec["owner"]]
        team = self.teams[spec["team"]] if spec.get("team") else None
        created = self._created_at(role, len(self.objectives))
        fields: dict[str, Any] = {
            "title": self.title(spec),
            "description": spec.get("description", ""),
            "cycle_id": cycle.pk,
            "team_id": team.pk if team else None,
            "owner_id": owner.pk,
            "kind": spec.get("kind", "committed"),
            "visibility": spec.get("visibility", "workspace"),
            "created_at": created,
        }
        parent = self.objectives.get(spec.get("parent") or "")
        # A quarter's objective aligns to its year's only when the quarter lies in that year.
        if parent is not None and parent.cycle_id in (cycle.pk, cycle.parent_id):
            fields["parent_id"] = parent.pk
        if spec.get("origin") in self.objectives:
            fields["origin_id"] = self.objectives[spec["origin"]].pk
        owner_actor = self.actors[spec["owner"]]
        # The owner writes their own objectives where they may; the admin does the rest.
        actor = owner_actor if can_edit_in_team(owner_actor, fields["team_id"], owner.pk) else None
        actor = actor or self.admin
        objective = create_objective(actor, **fields)
        self.objectives[spec["key"]] = objective
        self.objective_specs[objective.pk] = spec
        for i, kr_spec in enumerate(spec["key_results"]):
            self._key_result(actor, objective, role, kr_spec, created + dt.timedelta(minutes=2 + i))

    def _key_result(
        self, actor: Actor, objective: Objective, role: str, spec: dict, created: dt.datetime
    ) -> None:
        kind = Kind(spec["kind"])
        fields: dict[str, Any] = {
            "title": self.title(spec),
            "description": spec.get("description", ""),
            "owner_id": self.users[spec["owner"]].pk,
            "kind": kind,
            "weight": float(spec.get("weight", 1)),
            "created_at": created,
        }
        if kind in (Kind.NUMBER, Kind.PERCENTAGE, Kind.CURRENCY):
            fields.update(
                direction=spec["direction"],
                unit=spec.get("unit", ""),
                start_value=float(spec["start"]),
                target_value=float(spec["target"]),
            )
            if kind == Kind.CURRENCY:
                fields["currency"] = spec["currency"]
        if kind == Kind.MILESTONES:
            fields["milestones"] = [
                {"title": self.title(m), "weight": float(m.get("weight", 1))}
                for m in spec["milestones"]
            ]
        kr = create_key_result(actor, objective, **fields)
        ids = list(kr.milestones.order_by("position", "id").values_list("pk", flat=True))
        self.krs.append(_Kr(kr, spec, role, self.cycles[role], ids))

    # -- check-ins --

    def _history(self) -> None:
        events: list[_Event] = []
        for item in self.krs:
            if item.role != "next":
                events += self._series(item, len(events))
        previous = self.cycles["previous"]
        close_at = min(self.now, self._at(previous.end_date + dt.timedelta(days=3), 16))
        events.append(_Event(close_at, len(events), lambda: self._close(previous, close_at)))
        events.sort(key=lambda e: (e.at, e.seq))
        for event in events:
            event.run()

    def _series(self, item: _Kr, seq: int) -> list[_Event]:
        spec, kr, cycle = item.spec, item.row, item.cycle
        traj = spec.get("trajectory", {})
        rng = random.Random(f"{self.data['seed']}:{item.role}:{spec['key']}")
        habit = self.people[spec["owner"]]["checkin"]
        start = rollup.cycle_start(cycle, self.workspace)
        due = rollup.kr_due(kr, cycle, self.workspace)
        limit = min(self.now, due - dt.timedelta(minutes=1))
        if traj.get("stale_weeks"):
            limit = min(limit, self.now - dt.timedelta(weeks=traj["stale_weeks"]))
        day = max(cycle.start_date, self.history_start) + dt.timedelta(days=3)
        day += dt.timedelta(days=(habit["day"] - day.weekday()) % 7)
        times: list[dt.datetime] = []
        while True:
            late = rng.random() < 0.15  # now and then a check-in comes in a few hours late
            hour = min(habit["hour"] + (rng.randint(1, 4) if late else 0), 21)
            at = self._at(day, hour, rng.randrange(0, 55))
            if at > limit:
                break
            times.append(at)
            day += dt.timedelta(days=7)
        # A skipped week here and there, never the first or the last two.
        last = len(times) - 2
        times = [at for i, at in enumerate(times) if i == 0 or i >= last or rng.random() > 0.1]
        span = (due - start).total_seconds()
        writer = _Writer(self, item, rng, traj, len(times))
        events = []
        for i, at in enumerate(times):
            t = (at - start).total_seconds() / span
            payload = writer.checkin(i, t)
            events.append(_Event(at, seq + i, functools.partial(self._checkin, item, at, payload)))
        return events

    def _checkin(self, item: _Kr, at: dt.datetime, payload: dict) -> None:
        create_checkin(
            self.actors[item.spec["owner"]],
            item.row.pk,
            checked_in_at=at,
            now=self.now,
            **payload,
        )

    # -- closing last quarter --

    def _close(self, cycle: Cycle, at: dt.datetime) -> None:
        scores = {
            item.row.pk: (float(item.spec["score"]["value"]), item.spec["score"]["reason"])
            for item in self.krs
            if item.role == "previous" and "score" in item.spec
        }
        retros = {
            obj.pk: self.objective_specs[obj.pk]["retrospective"]
            for obj in self.objectives.values()
            if obj.cycle_id == cycle.pk and "retrospective" in self.objective_specs[obj.pk]
        }
        close_cycle(
            self.admin,
            Cycle.objects.get(pk=cycle.pk),
            scores=scores,
            retrospectives=retros,
            now=at,
        )

    def _overrides(self) -> None:
        for item in self.krs:
            override = item.spec.get("override")
            if item.role != "current" or not override:
                continue
            kr = KeyResult.objects.select_related("objective__cycle").get(pk=item.row.pk)
            if kr.progress >= 1:
                continue
            update_key_result(
                self.actors[item.spec["owner"]],
                kr,
                status_override=override["status"],
                status_override_reason=override["reason"],
            )

    # -- timestamps on the demo's timeline --

    def _timeline(self) -> None:
        """Audit entries and check-ins were written just now; date them when they happened."""
        ws = self.workspace
        CheckIn.objects.filter(key_result__objective__workspace=ws).update(
            created_at=F("checked_in_at")
        )
        when: dict[tuple[str, int], dt.datetime] = {}
        for model in (Cycle, Objective, KeyResult):
            rows = model.objects.filter(
                **({"workspace": ws} if model is not KeyResult else {"objective__workspace": ws})
            )
            for pk, created in rows.values_list("pk", "created_at"):
                when[(model._meta.model_name, pk)] = created
        checkins = dict(
            CheckIn.objects.filter(key_result__objective__workspace=ws).values_list(
                "pk", "checked_in_at"
            )
        )
        closed = Cycle.objects.filter(workspace=ws, state=CycleState.CLOSED).first()
        entries = list(AuditEntry.objects.filter(workspace=ws))
        for entry in entries:
            if entry.action == "check-in":
                entry.at = checkins.get((entry.after or {}).get("check_in_id"), entry.at)
            elif entry.action in ("create", "members") and entry.object_type in (
                "team",
                "membership",
            ):
                entry.at = self.setup_at
            elif entry.action == "create":
                entry.at = when.get((entry.object_type, entry.object_id), entry.at)
            elif entry.action in ("close", "retrospective") and closed is not None:
                entry.at = closed.closed_at
        AuditEntry.objects.bulk_update(entries, ["at"], batch_size=500)
        if closed is not None:
            Retrospective.objects.filter(objective__cycle=closed).update(
                updated_at=closed.closed_at
            )

    def _counts(self) -> dict[str, int]:
        ws = self.workspace
        return {
            "members": Membership.objects.filter(workspace=ws).count(),
            "teams": Team.objects.filter(workspace=ws).count(),
            "cycles": Cycle.objects.filter(workspace=ws).count(),
            "objectives": Objective.objects.filter(workspace=ws).count(),
            "key_results": KeyResult.objects.filter(objective__workspace=ws).count(),
            "milestones": Milestone.objects.filter(key_result__objective__workspace=ws).count(),
            "check_ins": CheckIn.objects.filter(key_result__objective__workspace=ws).count(),
            "retrospectives": Retrospective.objects.filter(objective__workspace=ws).count(),
            "audit_entries": AuditEntry.objects.filter(workspace=ws).count(),
        }


class _Writer:
    """One key result's weekly check-ins: values from its trajectory, confidence, notes."""

    def __init__(self, builder: _Builder, item: _Kr, rng: random.Random, traj: dict, n: int):
        self.spec = item.spec
        self.kind = Kind(item.spec["kind"])
        self.direction = Direction(item.spec.get("direction", Direction.INCREASE))
        self.item = item
        self.rng = rng
        self.traj = traj
        self.n = n
        self.generic = builder.data["notes"]
        self.title = builder.title
        self.previous_value: float | None = None
        self.previous_progress = 0.0
        self.previous_done: set[int] = set()
        self.last_pick: dict[str, str] = {}
        self.notes_index = 0

    # values

    def checkin(self, i: int, t: float) -> dict[str, Any]:
        if self.kind in (Kind.NUMBER, Kind.PERCENTAGE, Kind.CURRENCY):
            return self._numeric(i, t)
        if self.kind == Kind.BOOLEAN:
            return self._boolean(t)
        if self.kind == Kind.MILESTONES:
            return self._milestones(t)
        return self._tasks()

    def _round(self, value: float) -> float:
        step = self.spec.get("step")
        if step:
            value = round(value / step) * step
        decimals = self.spec.get("decimals", 1 if self.kind == Kind.PERCENTAGE else 0)
        return round(value, decimals)

    def _numeric(self, i: int, t: float) -> dict[str, Any]:
        start, target = float(self.spec["start"]), float(self.spec["target"])
        if self.direction in STAY_DIRECTIONS:
            return self._stay(i, t, target)
        traj = self.traj
        pace = traj.get("pace", 0.85)
        progress = pace * _shape(traj.get("shape", "linear"), t, traj)
        # Early readings wobble less in absolute terms: little has moved yet.
        progress += self.rng.gauss(0, traj.get("noise", 0.02) * (0.4 + 0.6 * min(t, 1.0)))
        if traj.get("cumulative"):
            progress = max(progress, self.previous_progress, 0.0)
        value = self._round(start + progress * (target - start))
        if self.kind == Kind.PERCENTAGE:
            value = max(value, 0.0)  # a share cannot go negative (retention may pass 100%)
        progress = (value - start) / (target - start)
        confidence = self._confidence(pace, t, progress)
        note = self._numeric_note(value, start, target)
        ahead = progress >= 0.7 * t or t < 0.15
        improved = self.previous_value is not None and progress > self.previous_progress + 0.005
        worse = self.previous_value is not None and progress < self.previous_progress - 0.005
        wins = self._pick("wins") if improved and self.rng.random() < 0.55 else ""
        blockers = ""
        if (not ahead or worse) and self.rng.random() < 0.7:
            blockers = self._pick("blockers")
        self.previous_value, self.previous_progress = value, progress
        return {
            "value": value,
            "confidence": confidence,
            "progress_note": note,
            "wins": wins,
            "blockers": blockers,
        }

    def _stay(self, i: int, t: float, line: float) -> dict[str, Any]:
        traj = self.traj
        above = self.direction == Direction.STAY_AT_OR_ABOVE
        weeks_back = self.n - 1 - i
        breach = weeks_back in traj.get("breach_weeks", [])
        tiny = 10 ** -self.spec.get("decimals", 1 if self.kind == Kind.PERCENTAGE else 0)
        if breach:
            by = traj.get("breach_by", 2 * traj.get("spread", 1)) * self.rng.uniform(0.7, 1.3)
            value = self._round(line - by if above else line + by)
            value = min(value, line - tiny) if above else max(value, line + tiny)
        else:
            value = self._round(traj["level"] + self.rng.gauss(0, traj.get("spread", 0)))
            value = max(value, line) if above else min(value, line)
        if self.kind == Kind.PERCENTAGE:
            value = min(value, 100.0)
        recovering = (weeks_back + 1) in traj.get("breach_weeks", [])
        if breach:
            confidence = 2
        elif recovering:
            confidence = 3
        else:
            confidence = 5 if self.rng.random() < 0.3 else 4
        label, fv, ft = self._label(), self._fmt(value), self._fmt(line)
        if breach:
            side = "under" if above else "over"
            note = f"{label} at {fv} this week: {side} the {ft} line."
            blockers, wins = self._pick("blockers"), ""
        else:
            note = f"{label} at {fv} this week; the line is {ft}."
            if recovering:
                note += " Back within the line."
            blockers = ""
            wins = self._pick("wins") if self.rng.random() < 0.35 else ""
        self.previous_value = value
        return {
            "value": value,
            "confidence": confidence,
            "progress_note": note,
            "wins": wins,
            "blockers": blockers,
        }

    def _boolean(self, t: float) -> dict[str, Any]:
        done_at = self.traj.get("done_at")
        done = done_at is not None and t >= done_at
        first_done = done and not self.previous_value
        base = self.traj.get("confidence", 4)
        wins = blockers = ""
        if first_done:
            note = "Done."
            wins = self._pick("wins")
        elif done:
            note = "Done; nothing further to report."
        else:
            note = self._next_progress() or "Not done yet."
            if t > 0.3 and self.rng.random() < 0.45:
                blockers = self._pick("blockers", generic=False)
        confidence = 5 if done else self._wobble(base, t)
        self.previous_value = 1.0 if done else 0.0
        return {
            "value": done,
            "confidence": confidence,
            "progress_note": note,
            "wins": wins,
            "blockers": blockers,
        }

    def _milestones(self, t: float) -> dict[str, Any]:
        items = self.spec["milestones"]
        done = {
            i for i, m in enumerate(items) if m.get("done_at") is not None and t >= m["done_at"]
        }
        total = sum(float(m.get("weight", 1)) for m in items)
        share = sum(float(items[i].get("weight", 1)) for i in done) / total
        pending = [self.title(m) for i, m in enumerate(items) if i not in done]
        note = f"{len(done)} of {len(items)} milestones done ({share:.0%} by weight)."
        note += f" Next: {pending[0]}." if pending else " All milestones done."
        new = sorted(done - self.previous_done)
        wins = "; ".join(f"Milestone done: {self.title(items[i])}" for i in new) + (
            "." if new else ""
        )
        blockers = ""
        if pending and share < 0.7 * t and self.rng.random() < 0.6:
            blockers = self._pick("blockers", generic=False)
        confidence = 5 if not pending else self._wobble(self.traj.get("confidence", 4), t)
        self.previous_done = done
        return {
            "milestones_done": [self.item.milestone_ids[i] for i in sorted(done)],
            "confidence": confidence,
            "progress_note": note,
            "wins": wins,
            "blockers": blockers,
        }

    def _tasks(self) -> dict[str, Any]:
        return {
            "confidence": self._wobble(self.traj.get("confidence", 4), 1.0),
            "progress_note": self._next_progress() or "No tasks linked yet.",
        }

    # confidence and notes

    def _confidence(self, pace: float, t: float, progress: float) -> int:
        if progress >= 1:
            return 5
        base = self.traj.get("confidence")
        if base is None:
            base = 5 if pace >= 1.0 else 4 if pace >= 0.7 else 3 if pace >= 0.4 else 2
        return self._wobble(base, t)

    def _wobble(self, base: int, t: float) -> int:
        if t < 0.2 and base < 4:
            base += 1  # early in the quarter owners are more hopeful than the numbers
        r = self.rng.random()
        if self.traj.get("steady"):
            pass
        elif r < 0.12:
            base -= 1
        elif r > 0.92:
            base += 1
        return min(max(base, 1), 5)

    def _pick(self, name: str, *, generic: bool = True) -> str:
        options = self.spec.get(name) or (self.generic.get(name, []) if generic else [])
        if not options:
            return ""
        fresh = [o for o in options if o != self.last_pick.get(name)] or options
        choice = self.rng.choice(fresh)
        self.last_pick[name] = choice
        return choice

    def _next_progress(self) -> str:
        notes = self.spec.get("progress") or []
        if not notes:
            return ""
        note = notes[min(self.notes_index, len(notes) - 1)]
        if self.rng.random() < 0.5:
            self.notes_index += 1
        return note

    def _label(self) -> str:
        return self.spec.get("label") or "Value"

    def _fmt(self, value: float) -> str:
        decimals = self.spec.get("decimals", 1 if self.kind == Kind.PERCENTAGE else 0)
        if self.kind == Kind.CURRENCY:
            return f"{self.spec['currency']} {value:,.0f}"
        number = f"{value:,.{decimals}f}"
        unit = unit_for(self.spec.get("unit", ""), round(value, decimals))
        if not unit:
            return number
        return f"{number}{unit}" if unit in ("%",) or unit.startswith("/") else f"{number} {unit}"

    def _numeric_note(self, value: float, start: float, target: float) -> str:
        label, fv, ft = self._label(), self._fmt(value), self._fmt(target)
        if self.previous_value is None:
            baseline = self._fmt(start)
            return f"First check-in: {label} at {fv}, from a baseline of {baseline}; target {ft}."
        previous = self._fmt(self.previous_value)
        share = (value - start) / (target - start)
        if value == self.previous_value:
            trend = "unchanged since last week"
        elif value > self.previous_value:
            trend = f"up from {previous} last week"
        else:
            trend = f"down from {previous} last week"
        template = self.rng.randrange(3)
        if template == 0:
            return f"{label} at {fv}, {trend}. Target {ft}."
        if template == 1:
            return f"{label} at {fv} ({trend}); {share:.0%} of the way to {ft}."
        return f"Now at {fv} against a target of {ft}: {share:.0%} of the way, {trend}."
