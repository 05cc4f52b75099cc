"""Build the large benchmark organisation into a database of its own.

    .venv/bin/python bench/generate.py [--force] [--spec small] [--db URL]

Default target: SQLite at bench/out/bench.sqlite3 (git-ignored). A database that already holds
the organisation of this generator version and spec, with an active cycle that still has a week
to run, is reused as it is. This is a data generator, not app code: it writes with bulk_create
in big batches, then lets sasaran.okrs.rollup.recompute_workspace derive every stored value
(progress, status, forecast, ...) from the check-in history exactly as `sasaran recompute` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_DB = OUT_DIR / "bench.sqlite3"  # the full spec; others get bench-<spec>.sqlite3
# Bump whenever what is generated changes, so stale bench databases are rebuilt.
GENERATOR_VERSION = (
    4  # 2: teams carry their tree order; 3: unknown progress, confidence caps done; 4: real tasks
)
SLUG = "bench"
BATCH = 2000  # rows per INSERT: 2,000 x <= 16 columns stays under SQLite's 32,766 parameters
CHUNK = 20_000  # check-ins built in memory before they are written


@dataclass(frozen=True)
class Spec:
    name: str = "full"
    members: int = 2000
    admins: int = 5
    viewer_share: float = 0.05
    l1_teams: int = 10  # divisions
    l2_teams: int = 50  # departments, each under a division
    l3_teams: int = 240  # teams, each under a department
    objectives_per_team: tuple[int, int, int] = (3, 4, 5)  # per cycle, by team level
    personal_objectives: int = 70  # per cycle, no team
    krs_per_objective: int = 4
    checkins: int = 300_000
    tasks: int = 100_000
    closed_cycles: int = 3  # plus one active cycle

    @property
    def teams(self) -> int:
        return self.l1_teams + self.l2_teams + self.l3_teams

    @property
    def cycles(self) -> int:
        return self.closed_cycles + 1

    @property
    def objectives_per_cycle(self) -> int:
        a, b, c = self.objectives_per_team
        return self.l1_teams * a + self.l2_teams * b + self.l3_teams * c + self.personal_objectives

    @property
    def objectives(self) -> int:
        return self.cycles * self.objectives_per_cycle

    @property
    def key_results(self) -> int:
        return self.objectives * self.krs_per_objective


SPECS = {
    "full": Spec(),
    # For trying the scripts out quickly; figures from it mean little.
    "small": Spec(
        name="small",
        members=200,
        l1_teams=2,
        l2_teams=5,
        l3_teams=24,
        personal_objectives=7,
        checkins=30_000,
        tasks=10_000,
    ),
}

CYCLE_DAYS = 90
ACTIVE_ELAPSED_DAYS = 45  # the active cycle is half-way through on generation day
MIN_DAYS_LEFT = 7  # reuse a bench database only while its active cycle has a week left

KINDS = [
    ("number", 0.30),
    ("percentage", 0.15),
    ("currency", 0.10),
    ("boolean", 0.10),
    ("milestones", 0.15),
    ("tasks", 0.20),
]
DIRECTIONS = [
    ("increase", 0.55),
    ("decrease", 0.25),
    ("stay_at_or_above", 0.10),
    ("stay_at_or_below", 0.10),
]
VISIBILITY = [("workspace", 0.85), ("team", 0.10), ("private", 0.05)]
VERBS = ["Grow", "Improve", "Launch", "Reduce", "Delight", "Scale", "Simplify", "Win", "Harden"]
THINGS = [
    "self-serve onboarding",
    "enterprise pipeline",
    "checkout conversion",
    "platform reliability",
    "support response times",
    "partner ecosystem",
    "mobile engagement",
    "data quality",
    "hiring funnel",
    "cloud spend",
    "developer experience",
    "regional expansion",
]
NOTES = [
    "",
    "",
    "Steady week.",
    "Shipped the first iteration; waiting on numbers.",
    "Blocked on the vendor contract, escalated.",
    "Ahead of plan after the campaign.",
    "Slipped a little: two people out sick.",
    "Experiment results look promising, rolling out wider.",
]


def marker(spec: Spec) -> str:
    """The bench workspace's name: which generator and spec built the database."""
    return f"Bench Org (generator v{GENERATOR_VERSION}, {spec.name})"


def _db_name(url: str) -> str:
    parsed = urlparse(url)
    return Path(parsed.path).name if parsed.scheme.startswith("sqlite") else parsed.path.lstrip("/")


BIG_BOARD = 500  # the tasks of the list whose board `make bench` times
LINKED_ONE_BY_ONE = 200  # the tasks linked one by one to the KR whose page `make bench` times
WORK_STATUSES = [
    ("To do", "open"),
    ("In progress", "open"),
    ("In review", "open"),
    ("Done", "done"),
    ("Cancelled", "cancelled"),
]


def _work(ws, task_krs, one_by_one: list[int], member_ids: list[int], rng) -> int:
    """A list per tasks KR holding exactly the tasks its counts say (done, cancelled, the rest
    open), each with an assignee and a due date, linked to its KR (the KRs in `one_by_one`:
    to each task instead)."""
    from sasaran.work.models import KeyResultLink, ListStatus, Space, Task, TaskList

    space = Space.objects.create(workspace=ws, name="Bench work")
    lists = TaskList.objects.bulk_create(
        [
            TaskList(space=space, name=f"Work of KR {kr.pk}", position=n)
            for n, kr in enumerate(task_krs)
        ],
        batch_size=BATCH,
    )
    statuses = ListStatus.objects.bulk_create(
        [
            ListStatus(task_list=tl, name=name, category=cat, position=p)
            for tl in lists
            for p, (name, cat) in enumerate(WORK_STATUSES)
        ],
        batch_size=BATCH,
    )
    by_list: dict[int, list] = defaultdict(list)
    for st in statuses:
        by_list[st.task_list_id].append(st)
    rows = []
    for kr, tl in zip(task_krs, lists, strict=True):
        todo, doing, review, done, cancelled = by_list[tl.pk]
        open_n = kr.tasks_total - kr.tasks_done - kr.tasks_cancelled
        kinds = [done] * kr.tasks_done + [cancelled] * kr.tasks_cancelled
        kinds += [rng.choice((todo, todo, doing, review)) for _ in range(open_n)]
        for n, status in enumerate(kinds):
            rows.append(
                Task(
                    workspace=ws,
                    task_list=tl,
                    title=f"Task {n + 1} of KR {kr.pk}",
                    status=status,
                    priority=rng.choice(("urgent", "high", "normal", "normal", "low")),
                    position=n,
                    due_date=dt.date(2026, 10, 1) + dt.timedelta(days=rng.randint(0, 120)),
                )
            )
    tasks = Task.objects.bulk_create(rows, batch_size=BATCH)
    Task.assignees.through.objects.bulk_create(
        [Task.assignees.through(task_id=t.pk, user_id=rng.choice(member_ids)) for t in tasks],
        batch_size=BATCH,
    )
    list_of = {kr.pk: tl for kr, tl in zip(task_krs, lists, strict=True)}
    links = [
        KeyResultLink(key_result_id=kr.pk, task_list=list_of[kr.pk])
        for kr in task_krs
        if kr.pk not in one_by_one
    ]
    links += [
        KeyResultLink(key_result_id=t_kr, task_id=t.pk)
        for t_kr in one_by_one
        for t in tasks
        if t.task_list_id == list_of[t_kr].pk
    ]
    KeyResultLink.objects.bulk_create(links, batch_size=BATCH)
    return len(tasks)


def configure(db_url: str | None = None, spec: str = "full") -> str:
    """Point Django at the bench database (before django.setup()) and set it up.

    The database comes from `db_url`, else DATABASE_URL, else bench/out/bench.sqlite3 (for the
    full spec; bench-<spec>.sqlite3 for the others). Its name
    must contain "bench": the generator empties a stale bench database, so it refuses anything
    that could be a real one.
    """
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    default = DEFAULT_DB if spec == "full" else OUT_DIR / f"bench-{spec}.sqlite3"
    url = db_url or os.environ.get("DATABASE_URL") or f"sqlite:///{default}"
    if "bench" not in _db_name(url):
        sys.exit(
            f"Refusing to benchmark against {_db_name(url)!r}: the bench database's name must "
            "contain 'bench' (it is emptied and rebuilt when stale)."
        )
    os.environ["DATABASE_URL"] = url
    os.environ["SASARAN_DATA_DIR"] = str(OUT_DIR)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
    if "testserver" not in hosts.split(","):
        os.environ["ALLOWED_HOSTS"] = f"{hosts},testserver"  # django.test.Client's host
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasaran.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    return url


def _is_sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite"


def _wipe(out: Callable[[str], None]) -> None:
    from django.core.management import call_command
    from django.db import connection

    if _is_sqlite():
        name = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        out(f"removed {name}")
    else:
        call_command("flush", interactive=False, verbosity=0)
        out(f"emptied {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)


def existing(spec: Spec):
    """The bench workspace when the database holds a usable one of this version and spec."""
    from sasaran.accounts.models import Workspace
    from sasaran.okrs.models import Cycle, CycleState

    ws = Workspace.objects.filter(slug=SLUG).first()
    if ws is None or ws.name != marker(spec):
        return None
    active = Cycle.objects.filter(workspace=ws, state=CycleState.ACTIVE).first()
    today = dt.datetime.now(dt.UTC).date()
    if active is None or active.end_date < today + dt.timedelta(days=MIN_DAYS_LEFT):
        return None
    return ws


def ensure(spec: Spec, *, force: bool = False, seed: int = 1, out: Callable[[str], None] = print):
    """Migrate the bench database and return its workspace, generating it when needed."""
    from django.core.management import call_command
    from django.db import connection

    from sasaran.accounts.models import Workspace

    call_command("migrate", verbosity=0)
    ws = None if force else existing(spec)
    if ws is not None:
        out(f"reusing {connection.settings_dict['NAME']} ({ws.name})")
        return ws
    if force or Workspace.objects.exists():
        _wipe(out)
    return generate(spec, seed=seed, out=out)


# ---- generation ------------------------------------------------------------------------------


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _split(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Integers proportional to `weights` that add up to exactly `total`."""
    scale = total / math.fsum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(len(weights)), total - sum(counts)):
        counts[i] += 1
    return counts


@dataclass
class Plan:
    """What happens to one KR over its cycle: the share of the way it gets by the cycle's end."""

    final: float
    cycle_index: int
    milestones: int = 0


def generate(spec: Spec, *, seed: int = 1, out: Callable[[str], None] = print):
    from django.db import DatabaseError, connection, transaction
    from django.utils import timezone

    from sasaran.accounts.models import (
        Membership,
        Role,
        Team,
        TeamMember,
        User,
        Workspace,
        renumber_teams,
    )
    from sasaran.okrs import grading, rollup
    from sasaran.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Milestone, Objective

    rng = random.Random(seed)
    started = time.perf_counter()
    step_at = [started]

    def step(what: str) -> None:
        now_ = time.perf_counter()
        out(f"  {what:<52} {now_ - step_at[0]:6.1f} s")
        step_at[0] = now_

    out(f"generating the {spec.name} organisation into {connection.settings_dict['NAME']} ...")
    if _is_sqlite():
        with connection.cursor() as cursor:
            # Generation only: a crash loses nothing but the bench database.
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")

    now = timezone.now()
    today = now.date()
    with transaction.atomic():
        ws = Workspace.objects.create(name="generating", slug=SLUG, time_zone="UTC")

        # People ----------------------------------------------------------------------------
        users = User.objects.bulk_create(
            [
                User(
                    email=f"member{i:04d}@bench.example",
                    name=f"Member {i:04d}",
                    password="!bench",  # unusable: nobody signs in as a bench member
                    date_joined=now - dt.timedelta(days=400),
                )
                for i in range(spec.members)
            ],
            batch_size=BATCH,
        )
        n_viewers = int(spec.members * spec.viewer_share)
        roles = {}
        for i, user in enumerate(users):
            if i < spec.admins:
                roles[user.pk] = Role.ADMIN
            elif i >= spec.members - n_viewers:
                roles[user.pk] = Role.VIEWER
            else:
                roles[user.pk] = Role.MEMBER
        Membership.objects.bulk_create(
            [Membership(workspace=ws, user=u, role=roles[u.pk]) for u in users], batch_size=BATCH
        )

        # Teams, three levels deep ----------------------------------------------------------
        l1 = Team.objects.bulk_create(
            [Team(workspace=ws, name=f"Division {i + 1:02d}") for i in range(spec.l1_teams)]
        )
        l2 = Team.objects.bulk_create(
            [
                Team(workspace=ws, name=f"Department {i + 1:03d}", parent=l1[i % len(l1)])
                for i in range(spec.l2_teams)
            ]
        )
        l3 = Team.objects.bulk_create(
            [
                Team(workspace=ws, name=f"Team {i + 1:03d}", parent=l2[i % len(l2)])
                for i in range(spec.l3_teams)
            ]
        )
        renumber_teams(ws.pk)  # bulk_create skips Team.save, which keeps the tree order
        levels = [l1, l2, l3]
        members: dict[int, list[int]] = defaultdict(list)  # team -> users who may own OKRs
        team_members = []
        for i, user in enumerate(users[spec.admins :]):
            team = l3[i % len(l3)]
            team_members.append(TeamMember(team=team, user=user))
            if roles[user.pk] != Role.VIEWER:
                members[team.pk].append(user.pk)
        # Each department and division gets a head from a team beneath it.
        for upper, lower in ((l2, l3), (l1, l2)):
            below: dict[int, list[int]] = defaultdict(list)
            for team in lower:
                below[team.parent_id].extend(members[team.pk])
            for team in upper:
                head = rng.choice(below[team.pk])
                team_members.append(TeamMember(team=team, user_id=head))
                members[team.pk].append(head)
        TeamMember.objects.bulk_create(team_members, batch_size=BATCH)
        writers = [u.pk for u in users if roles[u.pk] != Role.VIEWER]
        step(f"{len(users)} members, {spec.teams} teams")

        # Cycles: closed quarters, then the active one half-way through ----------------------
        active_start = today - dt.timedelta(days=ACTIVE_ELAPSED_DAYS)
        cycles = []
        for i in range(spec.cycles):
            start = active_start - dt.timedelta(days=(spec.closed_cycles - i) * (CYCLE_DAYS + 1))
            end = start + dt.timedelta(days=CYCLE_DAYS)
            closed = i < spec.closed_cycles
            cycles.append(
                Cycle(
                    workspace=ws,
                    name=f"Quarter {i + 1}",
                    start_date=start,
                    end_date=end,
                    state=CycleState.CLOSED if closed else CycleState.ACTIVE,
                    closed_at=rollup.end_of_day(end, ws) if closed else None,
                    created_at=dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
                    - dt.timedelta(days=14),
                )
            )
        cycles = Cycle.objects.bulk_create(cycles)
        cycle_index = {c.pk: i for i, c in enumerate(cycles)}

        # Objectives, aligned in trees: a team's objectives hang under its parent team's ------
        objectives: list[Objective] = []
        previous: dict[int | None, list[int]] = {}
        for cycle in cycles:
            created = rollup.cycle_start(cycle, ws) - dt.timedelta(days=7)
            by_team: dict[int | None, list[int]] = defaultdict(list)

            def objective(
                team_id, owner_id, pool, position, cycle=cycle, created=created, prev=previous
            ):
                aligned = pool and rng.random() < 0.9
                carried = prev.get(team_id) if rng.random() < 0.05 else None
                return Objective(
                    workspace=ws,
                    cycle=cycle,
                    title=f"{rng.choice(VERBS)} {rng.choice(THINGS)}",
                    description="Why this matters and how we will know." * rng.randint(0, 3),
                    owner_id=owner_id,
                    team_id=team_id,
                    kind="committed" if rng.random() < 0.75 else "aspirational",
                    visibility=_pick(rng, VISIBILITY) if team_id else "workspace",
                    parent_id=rng.choice(pool) if aligned else None,
                    rollup_children=rng.random() < 0.9,
                    weight=2.0 if rng.random() < 0.1 else 1.0,
                    origin_id=rng.choice(carried) if carried else None,
                    position=position,
                    created_at=created,
                )

            for level, teams in enumerate(levels):
                batch = []
                for team in teams:
                    pool = by_team.get(team.parent_id, []) if team.parent_id else []
                    for p in range(spec.objectives_per_team[level]):
                        batch.append(objective(team.pk, rng.choice(members[team.pk]), pool, p))
                for obj in Objective.objects.bulk_create(batch, batch_size=BATCH):
                    by_team[obj.team_id].append(obj.pk)
                    objectives.append(obj)
            team_of = {uid: t.pk for t in l3 for uid in members[t.pk]}
            batch = []
            for p in range(spec.personal_objectives):
                owner = rng.choice(writers[spec.admins :] or writers)
                batch.append(objective(None, owner, by_team.get(team_of.get(owner), []), p))
            objectives.extend(Objective.objects.bulk_create(batch, batch_size=BATCH))
            previous = by_team
        step(f"{len(cycles)} cycles, {len(objectives)} objectives")

        # Key results: every kind and direction ----------------------------------------------
        plans: list[Plan] = []
        krs: list[KeyResult] = []
        for obj in objectives:
            ci = cycle_index[obj.cycle_id]
            cycle = cycles[ci]
            owners = members.get(obj.team_id) or [obj.owner_id]
            for p in range(spec.krs_per_objective):
                kind = _pick(rng, KINDS)
                kr = KeyResult(
                    objective=obj,
                    title=f"KR {p + 1}: {rng.choice(VERBS).lower()} {rng.choice(THINGS)}",
                    owner_id=rng.choice(owners),
                    kind=kind,
                    weight=rng.choice([1.0, 1.0, 1.0, 2.0, 0.5]),
                    position=p,
                    created_at=obj.created_at,
                )
                if rng.random() < 0.2:
                    kr.due_date = cycle.start_date + dt.timedelta(days=rng.randint(30, CYCLE_DAYS))
                _shape(kr, rng)
                plans.append(
                    Plan(
                        final=min(1.3, rng.betavariate(3.0, 1.4) * 1.2),
                        cycle_index=ci,
                        milestones=rng.randint(3, 5) if kind == "milestones" else 0,
                    )
                )
                krs.append(kr)

        # Tasks: real rows in the work app (below), their counts on the tasks KRs. Two of the
        # active cycle's tasks KRs are the benchmark's: one list of 500 tasks (its board), and
        # one KR linked to 200 tasks one by one (its objective page).
        elapsed = ACTIVE_ELAPSED_DAYS / CYCLE_DAYS
        tasks_idx = [i for i, kr in enumerate(krs) if kr.kind == "tasks"]
        totals = _split(spec.tasks, [rng.uniform(0.3, 1.7) for _ in tasks_idx], rng)
        active = [n for n, i in enumerate(tasks_idx) if plans[i].cycle_index == spec.closed_cycles]
        for n, size in zip(active[:2], (BIG_BOARD, LINKED_ONE_BY_ONE), strict=False):
            totals[n] = size
        for i, total in zip(tasks_idx, totals, strict=True):
            kr, plan = krs[i], plans[i]
            share = plan.final if plan.cycle_index < spec.closed_cycles else plan.final * elapsed
            kr.tasks_total = total
            kr.tasks_cancelled = int(total * rng.uniform(0.0, 0.1))
            kr.tasks_done = min(total - kr.tasks_cancelled, round(share * total))
        krs = KeyResult.objects.bulk_create(krs, batch_size=BATCH)
        step(f"{len(krs)} key results ({sum(totals)} tasks counted on {len(tasks_idx)})")

        ms_rows = []
        for kr, plan in zip(krs, plans, strict=True):
            for m in range(plan.milestones):
                ms_rows.append(
                    Milestone(
                        key_result=kr,
                        title=f"Milestone {m + 1}",
                        weight=rng.choice([1.0, 1.0, 2.0]),
                        position=m,
                    )
                )
        ms_rows = Milestone.objects.bulk_create(ms_rows, batch_size=BATCH)
        milestones: dict[int, list[Milestone]] = defaultdict(list)
        for m in ms_rows:
            milestones[m.key_result_id].append(m)
        step(f"{len(ms_rows)} milestones")
        task_krs = [krs[i] for i in tasks_idx]
        everyone = [u.pk for u in users]
        n_tasks = _work(ws, task_krs, [krs[tasks_idx[n]].pk for n in active[1:2]], everyone, rng)
        step(f"{n_tasks} tasks in {len(task_krs)} lists, linked to their tasks KRs")

        # Check-ins: closed cycles get a full quarter of history, the active one half ---------
        weights = [
            rng.uniform(0.5, 1.5) * (1.0 if p.cycle_index < spec.closed_cycles else elapsed)
            for p in plans
        ]
        counts = _split(spec.checkins, weights, rng)
        done_ids: list[int] = []
        buffer: list[CheckIn] = []
        written = 0
        for kr, plan, n in zip(krs, plans, counts, strict=True):
            cycle = cycles[plan.cycle_index]
            buffer.extend(_checkins(kr, plan, n, cycle, ws, now, milestones[kr.pk], rng, done_ids))
            if len(buffer) >= CHUNK:
                CheckIn.objects.bulk_create(buffer, batch_size=BATCH)
                written += len(buffer)
                buffer = []
        CheckIn.objects.bulk_create(buffer, batch_size=BATCH)
        written += len(buffer)
        for i in range(0, len(done_ids), 900):
            Milestone.objects.filter(pk__in=done_ids[i : i + 900]).update(done=True)
        step(f"{written} check-ins")

        summary = rollup.recompute_workspace(ws, now=now)
        step(f"recompute_workspace ({summary['key_results']} KRs, {summary['objectives']} obj.)")

        # Closed cycles are graded: the suggested score of every KR, objectives from those.
        closed = [c.pk for c in cycles if c.state == CycleState.CLOSED]
        graded = list(
            KeyResult.objects.filter(objective__cycle_id__in=closed).only(
                "id", "objective_id", "progress", "weight"
            )
        )
        items: dict[int, list[tuple[float | None, float]]] = defaultdict(list)
        for kr in graded:
            kr.score = grading.suggest_score(kr.progress)
            items[kr.objective_id].append((kr.score, kr.weight))
        KeyResult.objects.bulk_update(graded, ["score"], batch_size=BATCH)
        scored = list(Objective.objects.filter(cycle_id__in=closed).only("id"))
        for obj in scored:
            obj.score = grading.objective_score(items[obj.pk])
        Objective.objects.bulk_update(scored, ["score"], batch_size=BATCH)
        ws.name = marker(spec)
        ws.save(update_fields=["name"])
        step(f"closed cycles graded ({len(graded)} KRs)")

    with connection.cursor() as cursor:
        if _is_sqlite():
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            # What a live server has long done: statistics, hint bits, visibility map, and the
            # load's dirty pages flushed; else the first run measures that clean-up instead.
            cursor.execute("VACUUM (ANALYZE)")
            try:
                with transaction.atomic():
                    cursor.execute("CHECKPOINT")
            except DatabaseError:
                out("  (no CHECKPOINT privilege: the first run may be slower)")
    connection.close()  # the next connection gets the app's own settings back
    out(f"generated in {time.perf_counter() - started:.1f} s")
    return Workspace.objects.get(pk=ws.pk)


def _shape(kr, rng: random.Random) -> None:
    """Units, directions and values that make sense for the KR's kind."""
    if kr.kind in ("boolean", "milestones", "tasks"):
        kr.direction, kr.start_value, kr.target_value = "increase", 0.0, 1.0
        kr.current_value = 0.0
        return
    direction = _pick(rng, DIRECTIONS)
    kr.direction = direction
    if kr.kind == "percentage":
        kr.unit = "%"
        low, high = rng.randint(5, 60), rng.randint(61, 99)
    elif kr.kind == "currency":
        kr.currency = rng.choice(["USD", "EUR", "IDR"])
        low = rng.randint(10, 500) * 1000
        high = low + rng.randint(50, 2000) * 1000
    else:
        kr.unit = rng.choice(["users", "deals", "ms", "tickets", ""])
        low = rng.randint(0, 200)
        high = low + rng.randint(20, 5000)
    if direction == "increase":
        kr.start_value, kr.target_value = float(low), float(high)
    elif direction == "decrease":
        kr.start_value, kr.target_value = float(high), float(low)
    else:
        # Hold a line: start and target are the line itself.
        kr.start_value = kr.target_value = float(high if direction.endswith("above") else low)
    kr.current_value = kr.start_value


def _checkins(kr, plan: Plan, n: int, cycle, ws, now, milestones, rng, done_ids) -> list:
    """`n` check-ins spread over the cycle (up to now), following the KR's plan with noise."""
    from sasaran.okrs import rollup
    from sasaran.okrs.models import CheckIn

    if n <= 0:
        return []
    start = rollup.cycle_start(cycle, ws)
    due = rollup.kr_due(kr, cycle, ws)
    end = min(rollup.end_of_day(cycle.end_date, ws), now)
    if end >= now:
        # Some active KRs have gone quiet: their last check-in is weeks old (stale).
        end = now - dt.timedelta(days=rng.choice([0, 0, 0, 0.5, 1, 3, 20]), hours=1)
    span = (end - start) / n
    total_weight = sum(m.weight for m in milestones) or 1.0
    rows = []
    ms_done = 0
    for i in range(n):
        at = start + span * (i + rng.uniform(0.2, 0.95))
        elapsed = min(1.0, max(0.0, (at - start) / (due - start))) if due > start else 1.0
        progress = max(0.0, plan.final * elapsed + rng.gauss(0, 0.04))
        done: list[int] = []
        if kr.kind == "boolean":
            value = 1.0 if progress >= 0.95 else 0.0
        elif kr.kind == "milestones":
            ms_done = min(len(milestones), max(ms_done, math.floor(progress * len(milestones))))
            done = [m.pk for m in milestones[:ms_done]]
            value = sum(m.weight for m in milestones[:ms_done]) / total_weight
        elif kr.kind == "tasks":
            value = kr.current_value  # what the check-in action records for a tasks KR
        elif kr.direction in ("increase", "decrease"):
            value = kr.start_value + (kr.target_value - kr.start_value) * progress
        else:
            drift = abs(kr.target_value or 1.0) * rng.gauss(0.01, 0.015)
            value = kr.target_value + (drift if kr.direction == "stay_at_or_above" else -drift)
        on_pace = progress / max(elapsed, 0.05)
        base = 5 if on_pace >= 1.0 else 4 if on_pace >= 0.8 else 3 if on_pace >= 0.5 else 2
        confidence = min(5, max(1, base + rng.choice([-1, 0, 0, 0, 1])))
        rows.append(
            CheckIn(
                key_result=kr,
                author_id=kr.owner_id,
                value=round(value, 2),
                milestones_done=done,
                confidence=confidence,
                progress_note=rng.choice(NOTES),
                blockers="Waiting on another team." if confidence <= 2 else "",
                checked_in_at=at,
                created_at=at,
            )
        )
    if milestones:
        done_ids.extend(m.pk for m in milestones[:ms_done])
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: bench/out/bench.sqlite3)")
    parser.add_argument("--spec", choices=sorted(SPECS), default="full")
    parser.add_argument("--force", action="store_true", help="rebuild even when reusable")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    configure(args.db, args.spec)
    ensure(SPECS[args.spec], force=args.force, seed=args.seed)


if __name__ == "__main__":
    main()
