"""Reads behind the check-in inbox: the key results I own in active cycles (and, on request, my
teams' ones I may check in), each with whether it is due under its team's cadence.

Due-ness (okrs/cadence.py): a key result is due when it was never checked in, or not since the
current cadence period began — midnight of the period's first day in the reader's time zone.
Everything here runs a fixed number of queries, however many rows come back.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Q
from django.utils.translation import gettext as _

from sasaran.accounts.models import Team, Workspace
from sasaran.accounts.queries import Actor
from sasaran.errors import Forbidden, NotFound
from sasaran.okrs import cadence, queries, rollup
from sasaran.okrs.models import CycleState, KeyResult
from sasaran.okrs.permissions import require_checkin


def reader_zone(actor: Actor) -> ZoneInfo:
    """The reader's zone: their profile's, else the workspace's (as the pages show times)."""
    for name in (actor.user.time_zone, actor.workspace.time_zone):
        try:
            return ZoneInfo(name) if name else ZoneInfo(actor.workspace.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def workspace_cadence(workspace: Workspace) -> cadence.Cadence:
    return cadence.Cadence(
        every_weeks=cadence.weeks_of_days(workspace.checkin_cadence_days),
        weekday=workspace.checkin_weekday,
    )


def team_cadence(team: Team | None, workspace: Workspace) -> cadence.Cadence:
    """A team's rhythm; personal objectives (no team) follow the workspace's."""
    default = workspace_cadence(workspace)
    if team is None:
        return default
    return cadence.resolve(team.checkin_every_weeks, team.checkin_weekday, default=default)


@dataclass(frozen=True)
class Due:
    due: bool
    since: dt.date  # the first day of the current period, in the reader's zone
    every_weeks: int
    last_checkin_at: dt.datetime | None
    today: dt.date
    just_now: bool = False  # checked in within the last minute ("0 minutes ago" reads broken)

    @property
    def since_kind(self) -> str:
        """How the template words the period's start: "today", a weekday name within the last
        week, else a date."""
        days = (self.today - self.since).days
        if days == 0:
            return "today"
        return "weekday" if days < 7 else "date"


def period_started_at(
    rhythm: cadence.Cadence, now: dt.datetime, zone: ZoneInfo
) -> tuple[dt.date, dt.datetime]:
    """The current period's first day and the instant it began (midnight, reader's zone)."""
    since = cadence.period_start(now.astimezone(zone).date(), rhythm)
    return since, dt.datetime.combine(since, dt.time(), tzinfo=zone)


def due_of(kr: KeyResult, rhythm: cadence.Cadence, now: dt.datetime, zone: ZoneInfo) -> Due:
    today = now.astimezone(zone).date()
    since, started_at = period_started_at(rhythm, now, zone)
    return Due(
        due=cadence.is_due(kr.last_checkin_at, started_at),
        since=since,
        every_weeks=rhythm.every_weeks,
        last_checkin_at=kr.last_checkin_at,
        today=today,
        just_now=kr.last_checkin_at is not None
        and now - kr.last_checkin_at < dt.timedelta(minutes=1),
    )


def decorate(actor: Actor, kr: KeyResult, now: dt.datetime, zone: ZoneInfo) -> KeyResult:
    """Attach .due (no query: kr.objective, its team and cycle must be loaded)."""
    kr.due = due_of(kr, team_cadence(kr.objective.team, actor.workspace), now, zone)
    return kr


def _decorate_row(actor: Actor, kr: KeyResult, now: dt.datetime, zone: ZoneInfo) -> KeyResult:
    """What an inbox row shows besides the KR itself (no query)."""
    cycle = kr.objective.cycle
    kr.expected = rollup.kr_expected_progress(kr, cycle, actor.workspace, now)
    try:
        require_checkin(actor, kr)
        kr.can_check_in = not cycle.is_closed and not rollup.not_started(
            cycle, actor.workspace, now
        )
    except Forbidden:
        kr.can_check_in = False
    decorate(actor, kr, now, zone)
    kr.milestone_list = list(kr.milestones.all())
    return kr


@dataclass
class Inbox:
    rows: list[KeyResult]
    due_count: int
    teams: bool  # the "My teams" toggle is on
    has_teams: bool  # the actor belongs to a team (else the toggle is pointless)


def _rows_queryset(actor: Actor, *, teams: bool):
    mine = Q(owner_id=actor.user_id)
    if teams:
        mine |= Q(objective__team_id__in=list(actor.team_ids))
    return (
        queries.visible_key_results(actor)
        .filter(objective__cycle__state=CycleState.ACTIVE)
        .filter(mine)
        .select_related("objective__team", "objective__cycle", "owner")
        .prefetch_related("milestones")
    )


def inbox(actor: Actor, now: dt.datetime, *, teams: bool = False) -> Inbox:
    """Due rows first (never checked in before the rest), then by objective and position."""
    zone = reader_zone(actor)
    rows = []
    for kr in _rows_queryset(actor, teams=teams):
        # An active cycle that starts later has nothing to check in yet (rules §5).
        if rollup.not_started(kr.objective.cycle, actor.workspace, now):
            continue
        _decorate_row(actor, kr, now, zone)
        # Another member's key result is listed only where I may check it in.
        if kr.owner_id != actor.user_id and not kr.can_check_in:
            continue
        rows.append(kr)
    rows.sort(
        key=lambda k: (
            not k.due.due,
            k.owner_id != actor.user_id,
            k.objective.cycle.end_date,
            k.objective.team.tree_order if k.objective.team else 1 << 30,
            k.objective.position,
            k.objective_id,
            k.position,
            k.pk,
        )
    )
    return Inbox(
        rows=rows,
        due_count=sum(1 for k in rows if k.due.due),
        teams=teams,
        has_teams=bool(actor.team_ids),
    )


def row(actor: Actor, kr_id: int, now: dt.datetime) -> KeyResult:
    """One row, freshly read (after a save, or to open the inline form elsewhere)."""
    kr = (
        queries.visible_key_results(actor)
        .select_related("objective__team", "objective__cycle", "owner")
        .prefetch_related("milestones")
        .filter(pk=kr_id)
        .first()
    )
    if kr is None:
        raise NotFound(_("No such key result."))
    return _decorate_row(actor, kr, now, reader_zone(actor))
