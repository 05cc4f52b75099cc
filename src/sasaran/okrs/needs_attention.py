"""Reads behind the needs-attention view: the key results of a cycle that are off track, at
risk, of low confidence or stale, ordered by how far they are behind the pace (okrs.attention),
each with its newest check-in's blockers; and a summary of the key results in view.

Everything starts from okrs.queries' permission-aware querysets, so a key result of an
objective the reader may not see is never listed, counted or summarised. Each function runs a
fixed number of queries, however many key results there are.
"""

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from sasaran.accounts import teamtree
from sasaran.accounts.queries import Actor
from sasaran.okrs import attention, cadence, checkin_inbox, explore, queries, rollup
from sasaran.okrs.explore import TeamNode
from sasaran.okrs.models import CheckIn, Cycle, KeyResult
from sasaran.okrs.status import Status

# A screenful or two, like the explorer's list (explore.LIST_PAGE_SIZE).
PAGE_SIZE = 50
STATUSES = [s.value for s in Status]


@dataclass
class Filters:
    team: int | None = None
    owner: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.team or self.owner)


def parse_filters(params) -> Filters:
    """Team and owner from GET parameters; nonsense is ignored so an old shared link opens."""
    f = explore.parse_filters(params)
    return Filters(team=f.team, owner=f.owner)


@dataclass
class OwnerLag:
    """An owner with key results not checked in within the check-in rhythm."""

    user_id: int
    name: str
    key_results: int


@dataclass
class Summary:
    key_results: int
    by_status: dict[str, int]  # on_track, at_risk, off_track, done and "none" (no status)
    progress: float | None  # weighted mean, as the home page's cycle glance
    stale: int
    not_checked_in: list[OwnerLag]
    checkins_expected: bool  # False in a closed cycle or one not started: nobody is due


@dataclass
class Attention:
    cycle: Cycle
    expected: float
    rows: list[KeyResult] = field(default_factory=list)  # one page, or all for an export
    count: int = 0  # key results needing attention, all pages
    summary: Summary | None = None


def scope(actor: Actor, cycle: Cycle, teams: list[TeamNode], f: Filters) -> QuerySet[KeyResult]:
    """The visible key results of the cycle in the chosen team (with its sub-teams) and of the
    chosen owner: what the summary counts and the list picks from."""
    krs = queries.visible_key_results(actor).filter(objective__cycle=cycle)
    if f.team:
        team_ids = teamtree.descendants({t.id: t.parent_id for t in teams}, [f.team])
        krs = krs.filter(objective__team_id__in=team_ids)
    if f.owner:
        krs = krs.filter(owner_id=f.owner)
    return krs


# What the ordering reads of every candidate; the page's rows are then loaded whole.
_SORT_FIELDS = ("id", "progress", "confidence", "status", "due_date", "last_checkin_at")
_ROW_FIELDS = (
    *explore.KR_ROW_FIELDS,
    *explore.OWNER_FIELDS,
    "objective__id",
    "objective__title",
    "objective__team_id",
    "objective__team__id",
    "objective__team__name",
)


def latest_blockers() -> Subquery:
    """The blockers of a key result's newest check-in (by date, ties: the one made last), as a
    correlated subquery: one query for every row, along the (key result, date) index."""
    newest = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-checked_in_at", "-id")
    return Subquery(newest.values("blockers")[:1])


def needs_attention(
    actor: Actor,
    cycle: Cycle,
    teams: list[TeamNode],
    f: Filters,
    now: dt.datetime,
    page: int | None = 1,
) -> Attention:
    """The key results needing attention, in attention.order_key order: one page of
    PAGE_SIZE, or every one with page=None (the CSV export)."""
    workspace = actor.workspace
    result = Attention(cycle=cycle, expected=explore.cycle_expected(cycle, workspace, now))
    in_scope = scope(actor, cycle, teams, f)
    # The database narrows to the likely ones; attention.reasons decides, with the same rules.
    candidates = in_scope.filter(
        Q(status__in=[Status.OFF_TRACK, Status.AT_RISK])
        | Q(confidence__lte=attention.LOW_CONFIDENCE)
        | explore.stale_q([cycle], workspace, now)
    ).exclude(status=Status.DONE)
    keyed = []
    decorated: dict[int, tuple] = {}
    # Plain values, not model instances: a cycle's candidates run to thousands.
    for row in candidates.values(*_SORT_FIELDS, "created_at").order_by():
        kr = SimpleNamespace(pk=row["id"], **row)
        expected = rollup.kr_expected_progress(kr, cycle, workspace, now)
        stale = rollup.kr_is_stale(kr, cycle, workspace, now)
        why = attention.reasons(kr.status, kr.confidence, stale)
        if not why:
            continue
        gap = attention.gap_points(kr.progress, expected)
        keyed.append((attention.order_key(gap, kr.confidence, stale, kr.pk), kr.pk))
        decorated[kr.pk] = (expected, stale, gap, why)
    keyed.sort()
    result.count = len(keyed)
    ids = [pk for _key, pk in keyed]
    if page is not None:
        start = (max(page, 1) - 1) * PAGE_SIZE
        ids = ids[start : start + PAGE_SIZE]
    position = {pk: i for i, pk in enumerate(ids)}
    # The ids come from the visible queryset above: looked up by primary key alone.
    rows = (
        KeyResult.objects.filter(pk__in=ids)
        .select_related("owner", "objective__team")
        .only(*_ROW_FIELDS)
        .annotate(latest_blockers=latest_blockers())
    )
    result.rows = sorted(rows, key=lambda kr: position[kr.pk])
    for kr in result.rows:
        explore.decorate_kr(actor, kr, cycle, now)
        _expected, _stale, kr.gap, kr.reasons = decorated[kr.pk]
    if page is not None:
        result.summary = summary(actor, cycle, in_scope, now)
    return result


def summary(actor: Actor, cycle: Cycle, in_scope: QuerySet[KeyResult], now: dt.datetime) -> Summary:
    """Counts by status, weighted mean progress and staleness of the key results in view (one
    query), and who owes a check-in by the workspace's rhythm (one more)."""
    workspace = actor.workspace
    counted = Q(weight__gt=0, progress__isnull=False)
    totals = in_scope.aggregate(
        n=Count("id"),
        weighted=Sum(F("progress") * F("weight"), filter=counted),
        weights=Sum("weight", filter=counted),
        stale=Count("id", filter=explore.stale_q([cycle], workspace, now)),
        none=Count("id", filter=Q(status__isnull=True)),
        **{s: Count("id", filter=Q(status=s)) for s in STATUSES},
    )
    weights = totals["weights"] or 0
    started = rollup.cycle_start(cycle, workspace) <= now
    due = not cycle.is_closed and started
    lagging: list[OwnerLag] = []
    if due:
        # Due by each KR's team rhythm (§5.7), as Home and the inbox say it: one query of plain
        # values (a cycle holds thousands of KRs; model instances would cost a second).
        zone = checkin_inbox.reader_zone(actor)
        default = checkin_inbox.workspace_cadence(workspace)
        began: dict[tuple, dt.datetime] = {}
        owing: dict[int, OwnerLag] = {}
        rows = (
            in_scope.exclude(status=Status.DONE)
            .filter(owner__isnull=False)
            .values_list(
                "owner_id",
                "owner__name",
                "owner__email",
                "last_checkin_at",
                "objective__team__checkin_every_weeks",
                "objective__team__checkin_weekday",
            )
            .order_by()
        )
        for owner_id, name, email, last, every, weekday in rows:
            if (every, weekday) not in began:
                rhythm = cadence.resolve(every, weekday, default=default)
                began[every, weekday] = checkin_inbox.period_started_at(rhythm, now, zone)[1]
            if cadence.is_due(last, began[every, weekday]):
                lag = owing.get(owner_id)
                count = (lag.key_results if lag else 0) + 1
                owing[owner_id] = OwnerLag(owner_id, name or email, count)
        lagging = sorted(owing.values(), key=lambda o: (o.name.lower(), o.user_id))
    return Summary(
        key_results=totals["n"],
        by_status={s: totals[s] for s in [*STATUSES, "none"]},
        progress=(totals["weighted"] / weights) if weights else None,
        stale=totals["stale"],
        not_checked_in=lagging,
        checkins_expected=due,
    )
