"""Reads behind the home page, the OKR explorer and the alignment map.

Everything starts from okrs.queries' permission-aware querysets, so a private objective the
actor may not see is absent from every list, tree and count built here. Each function runs a
fixed number of queries, however many rows come back.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Lower

from sasaran.accounts import teamtree
from sasaran.accounts.models import Team, TeamMember, User, Workspace
from sasaran.accounts.queries import Actor
from sasaran.errors import Forbidden
from sasaran.okrs import checkin_inbox, queries, rollup
from sasaran.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Objective
from sasaran.okrs.permissions import require_checkin
from sasaran.okrs.status import Status, expected_progress

STATUSES = [s.value for s in Status]
# The tree view shows this many objectives per page (with their key results).
TREE_PAGE_SIZE = 25
# 50 rows: a screenful or two; each row costs ~0.15 ms to load and draw (bench/README.md).
LIST_PAGE_SIZE = 50
# A key result due within this many days needs a check-in this week.
DUE_SOON_DAYS = 7


# -- cycles and teams ---------------------------------------------------------------------------


def pick_cycle(cycles: list[Cycle], wanted: str | None) -> Cycle | None:
    """The cycle asked for, else the active one (the shortest if several run at once), else the
    newest."""
    chosen = next((c for c in cycles if str(c.pk) == wanted), None)
    if chosen is not None:
        return chosen
    active = [c for c in cycles if c.state == CycleState.ACTIVE]
    if active:
        # Prefer a cycle running today: activating next quarter early must not hide this one.
        today = dt.date.today()
        return min(
            active,
            key=lambda c: (
                not c.start_date <= today <= c.end_date,
                c.end_date - c.start_date,
                c.pk,
            ),
        )
    return cycles[0] if cycles else None


@dataclass
class TeamNode:
    id: int
    name: str
    parent_id: int | None
    depth: int = 0
    path: list[str] = field(default_factory=list)


def team_tree(actor: Actor) -> list[TeamNode]:
    """Every team of the workspace in tree order (company, its departments, their teams...),
    each with its depth and the names on the way down to it."""
    rows = list(
        Team.objects.filter(workspace_id=actor.workspace_id).values_list("id", "name", "parent_id")
    )
    by_id = {r[0]: r for r in rows}
    ordered: list[TeamNode] = []
    paths: dict[int, list[str]] = {}
    for team_id, depth in teamtree.tree_order(rows):
        _, name, parent_id = by_id[team_id]
        path = [*paths.get(parent_id, []), name] if depth else [name]
        paths[team_id] = path
        ordered.append(TeamNode(team_id, name, parent_id, depth, path))
    return ordered


# -- time-dependent values ----------------------------------------------------------------------


def cycle_expected(cycle: Cycle, workspace: Workspace, now: dt.datetime) -> float:
    return expected_progress(
        now, rollup.cycle_start(cycle, workspace), rollup.end_of_day(cycle.end_date, workspace)
    )


def stale_q(cycles: list[Cycle], workspace: Workspace, now: dt.datetime, prefix: str = "") -> Q:
    """Key results that rollup.kr_is_stale calls stale, as SQL: no check-in, creation or cycle
    start within the last two cadence periods, not done nor not started, in an open cycle."""
    cutoff = now - dt.timedelta(days=workspace.stale_days)
    eligible = [
        c.pk for c in cycles if not c.is_closed and rollup.cycle_start(c, workspace) < cutoff
    ]
    p = prefix
    return (
        Q(**{f"{p}objective__cycle_id__in": eligible, f"{p}created_at__lt": cutoff})
        & ~Q(**{f"{p}status__in": [Status.DONE, Status.NOT_STARTED]})
        & (Q(**{f"{p}last_checkin_at__isnull": True}) | Q(**{f"{p}last_checkin_at__lt": cutoff}))
    )


def decorate_kr(actor: Actor, kr: KeyResult, cycle: Cycle, now: dt.datetime) -> KeyResult:
    """Attach what the rows show and what depends on the clock and the viewer (no query:
    kr.objective must be loaded)."""
    workspace = actor.workspace
    kr.expected = rollup.kr_expected_progress(kr, cycle, workspace, now)
    kr.is_stale = rollup.kr_is_stale(kr, cycle, workspace, now)
    kr.can_check_in = (
        not cycle.is_closed
        and not rollup.not_started(cycle, workspace, now)
        and _may_check_in(actor, kr)
    )
    return kr


def _may_check_in(actor: Actor, kr: KeyResult) -> bool:
    try:
        require_checkin(actor, kr)
    except Forbidden:
        return False
    return True


# -- the explorer -------------------------------------------------------------------------------


@dataclass
class Filters:
    team: int | None = None
    owner: int | None = None
    status: str | None = None
    confidence: int | None = None
    stale: bool = False
    q: str = ""

    @property
    def on_key_results(self) -> bool:
        """Filters that pick key results (an objective then shows only if one of its KRs does)."""
        return bool(self.owner or self.status or self.confidence or self.stale)

    @property
    def any(self) -> bool:
        return bool(self.team or self.on_key_results or self.q)

    @property
    def count(self) -> int:
        """How many filters are set (the folded panel's summary on a phone says it)."""
        return sum(
            bool(x)
            for x in (self.team, self.owner, self.status, self.confidence, self.stale, self.q)
        )


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def parse_filters(params) -> Filters:
    """Filters from GET parameters; values that make no sense are ignored, so a shared URL with
    a stale team id still opens."""
    confidence = _int(params.get("confidence"))
    status = params.get("status") or None
    return Filters(
        team=_int(params.get("team")),
        owner=_int(params.get("owner")),
        status=status if status in STATUSES else None,
        confidence=confidence if confidence in range(1, 6) else None,
        stale=params.get("stale") in ("1", "on", "true"),
        q=(params.get("q") or "").strip()[:200],
    )


@dataclass
class TeamGroup:
    team: TeamNode | None  # None: personal objectives
    objectives: list[Objective]


@dataclass
class Exploration:
    cycle: Cycle
    expected: float
    groups: list[TeamGroup] = field(default_factory=list)  # tree view, one page
    objective_count: int = 0  # matching objectives, all pages
    rows: list[KeyResult] = field(default_factory=list)  # list view, one page
    row_count: int = 0  # matching key results, all pages


def _matching(actor: Actor, cycle: Cycle, teams: list[TeamNode], f: Filters, now: dt.datetime):
    """(objectives, key results) of the cycle matching the filters, as querysets."""
    objectives = queries.visible_objectives(actor).filter(cycle=cycle)
    krs = queries.visible_key_results(actor).filter(objective__cycle=cycle)
    if f.team:
        team_ids = teamtree.descendants({t.id: t.parent_id for t in teams}, [f.team])
        objectives = objectives.filter(team_id__in=team_ids)
        krs = krs.filter(objective__team_id__in=team_ids)
    if f.owner:
        krs = krs.filter(owner_id=f.owner)
    if f.status:
        krs = krs.filter(status=f.status)
    if f.confidence:
        krs = krs.filter(confidence=f.confidence)
    if f.stale:
        krs = krs.filter(stale_q([cycle], actor.workspace, now))
    if f.q:
        krs = krs.filter(Q(title__icontains=f.q) | Q(objective__title__icontains=f.q))
    if f.on_key_results:
        objectives = objectives.filter(pk__in=krs.values("objective_id"))
    elif f.q:
        objectives = objectives.filter(
            Q(title__icontains=f.q) | Q(pk__in=krs.values("objective_id"))
        )
    return objectives, krs


# What a row of the explorer reads (decorate_kr, web/fragments.kr_row): loading only these
# columns makes the hundred rows of a page a third cheaper to fetch and build. A field missing
# here would cost a query per row, which the query-count tests catch.
KR_ROW_FIELDS = (
    "id",
    "objective_id",
    "owner_id",
    "title",
    "kind",
    "direction",
    "unit",
    "currency",
    "current_value",
    "target_value",
    "progress",
    "attainment",
    "status",
    "status_override",
    "confidence",
    "due_date",
    "last_checkin_at",
    "created_at",
    "position",
)
OWNER_FIELDS = ("owner__id", "owner__name", "owner__email")
USER_UNSHOWN = ("password", "last_login", "language", "time_zone")


def _page_ids(ordered, page: int, size: int) -> list[int]:
    start = (max(page, 1) - 1) * size
    return list(ordered.values_list("id", flat=True)[start : start + size])


def explore_tree(
    actor: Actor,
    cycle: Cycle,
    teams: list[TeamNode],
    f: Filters,
    now: dt.datetime,
    page: int = 1,
) -> Exploration:
    """One page of objectives grouped by team in tree order, each with its matching key
    results. The database sorts the matching objectives by their team's stored tree order and
    returns the page's ids; only the page's objectives and key results are loaded whole."""
    objectives_qs, krs_qs = _matching(actor, cycle, teams, f, now)
    result = Exploration(cycle=cycle, expected=cycle_expected(cycle, actor.workspace, now))
    order = (F("team__tree_order").asc(nulls_last=True), "position", "id")
    # A cycle holds a few thousand objectives at most: their ids in order, in one query, give
    # both the count and the page (a COUNT and a LIMIT cost two scans).
    every_id = list(objectives_qs.order_by(*order).values_list("id", flat=True))
    result.objective_count = len(every_id)
    start = (max(page, 1) - 1) * TREE_PAGE_SIZE
    ids = every_id[start : start + TREE_PAGE_SIZE]
    position = {pk: i for i, pk in enumerate(ids)}
    # The ids come from the visible queryset just above: looking them up by primary key alone
    # lets the database skip the visibility filter's scan of the workspace's objectives.
    objectives = sorted(
        Objective.objects.filter(pk__in=ids)
        .select_related("owner")
        .defer("description", *(f"owner__{f}" for f in USER_UNSHOWN)),
        key=lambda o: position[o.pk],
    )
    by_id = {o.pk: o for o in objectives}
    for o in objectives:
        o.krs = []
    krs = (
        krs_qs.filter(objective_id__in=ids)
        .select_related("owner")
        .only(*KR_ROW_FIELDS, *OWNER_FIELDS)
    )
    for kr in krs.order_by("position", "id"):
        kr.objective = by_id[kr.objective_id]
        by_id[kr.objective_id].krs.append(decorate_kr(actor, kr, cycle, now))
    team_by_id = {t.id: t for t in teams}
    for o in objectives:
        team = team_by_id.get(o.team_id)
        if result.groups and result.groups[-1].team is team:
            result.groups[-1].objectives.append(o)
        else:
            result.groups.append(TeamGroup(team=team, objectives=[o]))
    return result


def explore_list(
    actor: Actor,
    cycle: Cycle,
    teams: list[TeamNode],
    f: Filters,
    now: dt.datetime,
    page: int = 1,
) -> Exploration:
    """One page of matching key results, in team tree order (personal objectives' last)."""
    _, krs_qs = _matching(actor, cycle, teams, f, now)
    result = Exploration(cycle=cycle, expected=cycle_expected(cycle, actor.workspace, now))
    result.row_count = krs_qs.count()
    order = (
        F("objective__team__tree_order").asc(nulls_last=True),
        "objective__position",
        "objective_id",
        "position",
        "id",
    )
    ids = _page_ids(krs_qs.order_by(*order), page, LIST_PAGE_SIZE)
    position = {pk: i for i, pk in enumerate(ids)}
    # The ids come from the visible queryset just above (see explore_tree).
    rows = sorted(
        KeyResult.objects.filter(pk__in=ids)
        .select_related("owner", "objective__team")
        .only(
            *KR_ROW_FIELDS,
            *OWNER_FIELDS,
            "objective__id",
            "objective__title",
            "objective__team_id",
            "objective__team__id",
            "objective__team__name",
        ),
        key=lambda kr: position[kr.pk],
    )
    result.rows = [decorate_kr(actor, kr, cycle, now) for kr in rows]
    return result


def owner_choices(
    actor: Actor, cycle: Cycle, selected: int | None = None, also: Iterable[int] = ()
) -> list[User]:
    """The owners the filter offers: the actor, the members of the actor's teams, the owner
    already selected (so a shared link keeps its choice) and `also` (the owners a page shows,
    so anyone on screen can be picked), each only if they own a key result the actor can see
    in the cycle. A workspace's every owner would make a huge list."""
    close = {actor.user_id, *([selected] if selected else []), *also}
    close.update(
        TeamMember.objects.filter(team_id__in=actor.team_ids).values_list("user_id", flat=True)
    )
    # Those few people first, then which of them own a key result the actor sees: the database
    # looks up a handful of owners instead of scanning every visible key result of the cycle.
    owner_ids = set(
        queries.visible_key_results(actor)
        .filter(objective__cycle=cycle, owner_id__in=close)
        .order_by()
        .values_list("owner_id", flat=True)
        .distinct()
    )
    return list(
        User.objects.filter(pk__in=owner_ids)
        .only("id", "name", "email")
        .order_by(Lower("name"), "email")
    )


# -- the alignment map --------------------------------------------------------------------------


@dataclass
class AlignmentMap:
    cycle: Cycle
    expected: float
    roots: list[Objective]  # company objectives and what aligns to other cycles, with .aligned
    unaligned: list[Objective]  # team and personal objectives aligned to nothing
    count: int


def alignment_map(
    actor: Actor, cycle: Cycle, teams: list[TeamNode], now: dt.datetime
) -> AlignmentMap:
    """The cycle's visible objectives as trees following `parent`: company objectives at the
    top. An objective whose parent the actor cannot see starts a tree of its own (nothing says
    a hidden parent exists); one aligned to another cycle's objective names it."""
    rank = {t.id: i for i, t in enumerate(teams)}
    team_by_id = {t.id: t for t in teams}
    objectives = sorted(
        queries.visible_objectives(actor).filter(cycle=cycle).select_related("owner"),
        key=lambda o: (rank.get(o.team_id, len(teams)), o.position, o.pk),
    )
    by_id = {o.pk: o for o in objectives}
    for o in objectives:
        o.aligned, o.team_node, o.outer_parent = [], team_by_id.get(o.team_id), None
    outside = {o.parent_id for o in objectives if o.parent_id and o.parent_id not in by_id}
    outer = (
        {
            p.pk: p
            for p in queries.visible_objectives(actor)
            .filter(pk__in=outside)
            .select_related("cycle")
        }
        if outside
        else {}
    )
    roots, unaligned = [], []
    for o in objectives:
        if o.parent_id in by_id:
            by_id[o.parent_id].aligned.append(o)
        elif o.parent_id:
            o.outer_parent = outer.get(o.parent_id)
            roots.append(o)
        elif o.team_node is not None and o.team_node.depth == 0:
            roots.append(o)
        else:
            unaligned.append(o)
    # Alignment is acyclic (okrs.alignment refuses loops), so every objective is reached once.
    return AlignmentMap(
        cycle=cycle,
        expected=cycle_expected(cycle, actor.workspace, now),
        roots=roots,
        unaligned=unaligned,
        count=len(objectives),
    )


# -- home ---------------------------------------------------------------------------------------


@dataclass
class CycleGlance:
    cycle: Cycle
    expected: float
    progress: float | None
    key_results: int
    by_status: dict[str, int]
    stale: int
    days_left: int
    # "not_started" before the cycle starts (the progress bar then draws nothing).
    status: str | None = None


@dataclass
class Home:
    cycles: list[Cycle]
    due: list[KeyResult]  # mine, needing a check-in this week
    team_objectives: list[TeamGroup]
    checkins: list[CheckIn]
    glances: list[CycleGlance]


def _checkin_reason(kr: KeyResult) -> str:
    """Why a KR is on the home list, for the template to word."""
    if kr.is_stale:
        return "stale"
    if kr.last_checkin_at is None:
        return "never"
    if kr.due.due:
        return "cadence"  # not checked in since its team's cadence period began
    return "due"


def home(actor: Actor, now: dt.datetime, checkin_limit: int = 5) -> Home:
    workspace = actor.workspace
    today = now.astimezone(ZoneInfo(workspace.time_zone)).date()
    active = [c for c in queries.cycles(actor) if c.state == CycleState.ACTIVE]
    active.sort(key=lambda c: (c.end_date - c.start_date, c.pk))
    cycle_by_id = {c.pk: c for c in active}
    teams = teamtree.ancestors(actor.team_parents, actor.team_ids)

    # My teams' objectives (and those of the teams above them), and my personal ones.
    rank_of_depth = teamtree.depths(actor.team_parents)
    objectives = sorted(
        queries.visible_objectives(actor)
        .filter(cycle_id__in=list(cycle_by_id))
        .filter(Q(team_id__in=teams) | Q(team__isnull=True, owner_id=actor.user_id))
        .select_related("team", "owner"),
        key=lambda o: (
            o.team_id is None,
            rank_of_depth.get(o.team_id, 0),
            o.team.name.lower() if o.team else "",
            o.team_id or 0,
            o.cycle_id,
            o.position,
            o.pk,
        ),
    )
    obj_by_id = {o.pk: o for o in objectives}
    for o in objectives:
        o.krs = []

    # One query for the key results of those objectives and the ones I own.
    zone = checkin_inbox.reader_zone(actor)
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    krs = (
        queries.visible_key_results(actor)
        .filter(objective__cycle_id__in=list(cycle_by_id))
        .filter(Q(objective_id__in=list(obj_by_id)) | Q(owner_id=actor.user_id))
        .select_related("objective__team", "owner")
        .order_by("position", "id")
    )
    due: list[KeyResult] = []
    for kr in krs:
        cycle = cycle_by_id[kr.objective.cycle_id]
        if kr.objective_id in obj_by_id:
            kr.objective = obj_by_id[kr.objective_id]
        decorate_kr(actor, kr, cycle, now)
        if kr.objective_id in obj_by_id:
            obj_by_id[kr.objective_id].krs.append(kr)
        if kr.owner_id == actor.user_id and kr.status not in (Status.DONE, Status.NOT_STARTED):
            # Due by the team's cadence (okrs/cadence.py), not by a count of days.
            checkin_inbox.decorate(actor, kr, now, zone)
            due_date = kr.due_date or cycle.end_date
            if kr.is_stale or kr.due.due or due_date <= soon:
                kr.due_on = due_date
                kr.reason = _checkin_reason(kr)
                due.append(kr)
    order = {"stale": 0, "never": 1, "cadence": 2, "due": 3}
    due.sort(key=lambda k: (order[k.reason], k.due_on, k.pk))

    groups: list[TeamGroup] = []
    for o in objectives:
        key = o.team_id
        if groups and (groups[-1].team.id if groups[-1].team else None) == key:
            groups[-1].objectives.append(o)
        else:
            node = TeamNode(o.team.pk, o.team.name, o.team.parent_id) if o.team else None
            groups.append(TeamGroup(team=node, objectives=[o]))

    checkins = queries.recent_checkins(actor, checkin_limit, cycle_ids=list(cycle_by_id))
    return Home(
        cycles=active,
        due=due,
        team_objectives=groups,
        checkins=checkins,
        glances=_glances(actor, active, now, today),
    )


def _glances(
    actor: Actor, cycles: list[Cycle], now: dt.datetime, today: dt.date
) -> list[CycleGlance]:
    """Per active cycle: weighted mean progress of the visible KRs, counts by status, stale."""
    if not cycles:
        return []
    workspace = actor.workspace
    # Unknown progress (nothing to count) is left out of the mean, weight and all.
    counted = Q(weight__gt=0, progress__isnull=False)
    rows = (
        queries.visible_key_results(actor)
        .filter(objective__cycle__in=cycles)
        .values("objective__cycle_id")
        .annotate(
            n=Count("id"),
            weighted=Sum(F("progress") * F("weight"), filter=counted),
            weights=Sum("weight", filter=counted),
            stale=Count("id", filter=stale_q(cycles, workspace, now)),
            **{s: Count("id", filter=Q(status=s)) for s in STATUSES},
        )
    )
    by_cycle = {r["objective__cycle_id"]: r for r in rows}
    glances = []
    for c in cycles:
        r = by_cycle.get(c.pk, {})
        weights = r.get("weights") or 0
        glances.append(
            CycleGlance(
                cycle=c,
                expected=cycle_expected(c, workspace, now),
                progress=(r["weighted"] / weights) if weights else None,
                key_results=r.get("n", 0),
                by_status=Counter({s: r.get(s, 0) for s in STATUSES}),
                stale=r.get("stale", 0),
                days_left=max((c.end_date - today).days, 0),
                status=Status.NOT_STARTED if rollup.not_started(c, workspace, now) else None,
            )
        )
    return glances
