"""Time Sasaran's hot paths on the bench organisation, each beside a one-query SQL lower bound.

    make bench                       # = .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py -n 500 --explain
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/sasaran_bench .venv/bin/python bench/run.py

The bench database is generated first when missing or stale (bench/generate.py). Check-in writes
commit for real, like the app; every row the benchmark adds is deleted again at the end and the
KRs it touched are recomputed from their history, so repeated runs do not grow the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402

# These figures time the work of each path: answers kept per reader (sasaran.responsecache)
# would make every repeat a lookup. `make load` measures the server both ways.
os.environ.setdefault("RESPONSE_CACHE", "false")

# The targets (SQLite, this machine), held against each path's p95.
TARGETS_MS = {
    "checkin": 15.0,
    "checkin_admin": 15.0,
    "team": 20.0,
    "company": 30.0,
    "explorer": 50.0,
    "explorer_list": 50.0,
    "objective": 50.0,
    "board": 50.0,
    "linked_kr": 50.0,
}


@dataclass
class Result:
    key: str
    label: str
    times: list[float]
    queries: tuple[int, int]
    bound: list[float] = field(default_factory=list)
    bound_label: str = ""
    size: int | None = None  # a page's HTML bytes (the last response)


def pct(times: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of `times`."""
    ordered = sorted(times)
    rank = max(1, min(len(ordered), round(q * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def timed(fn: Callable[[int], object], n: int, warmup: int) -> list[float]:
    for i in range(warmup):
        fn(-1 - i)
    times = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return times


def count_queries(fn: Callable[[int], object], samples: int, explain: str | None = None):
    """(fewest, most) queries one call runs, over a few calls; EXPLAIN them when asked."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for i in range(samples):
        with CaptureQueriesContext(connection) as ctx:
            fn(10_000 + i)
        counts.append(len(ctx.captured_queries))
        if explain and i == 0:
            print_plans(explain, [q["sql"] for q in ctx.captured_queries])
    return min(counts), max(counts)


def db_times(fn: Callable[[int], object], samples: int) -> list[float]:
    """Milliseconds one call spends inside the database driver (execute and fetch), per call:
    the floor of a page, whose own bound is its queries."""
    from django.db import connection

    spent = [0.0]

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - start

    out = []
    for i in range(samples):
        spent[0] = 0.0
        with connection.execute_wrapper(wrapper):
            fn(20_000 + i)
        out.append(spent[0] * 1000)
    return out


def print_plans(label: str, statements: list[str]) -> None:
    from django.db import connection

    print(f"\n--- {label}: {len(statements)} queries")
    for sql in statements:
        print(f"  {sql[:300]}{' ...' if len(sql) > 300 else ''}")
        head = sql.lstrip().split(None, 1)[0].upper()
        if head not in ("SELECT", "UPDATE", "INSERT", "DELETE", "WITH"):
            continue
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            try:
                cursor.execute(prefix + sql)
            except Exception as exc:  # noqa: BLE001 - a plan is a nicety, never fatal
                print(f"      (no plan: {exc})")
                continue
            for row in cursor.fetchall():
                print(f"      {row[-1]}")


# ---- the paths, as the app runs them ---------------------------------------------------------


def team_page_data(actor, cycle, team_id: int, now: dt.datetime) -> list[dict]:
    """What a team page needs: the team's objectives in a cycle, each with its KR rows."""
    from sasaran.okrs import queries

    objectives = list(
        queries.filter_objectives(
            queries.api_objectives(actor), cycle=cycle.pk, team=team_id
        ).order_by("position", "id")
    )
    krs: dict[int, list[dict]] = defaultdict(list)
    for kr in (
        queries.visible_key_results(actor)
        .filter(objective_id__in=[o.pk for o in objectives])
        .select_related("objective__cycle", "objective__workspace")
        .order_by("position", "id")
    ):
        krs[kr.objective_id].append(queries.kr_row(kr, kr.objective.cycle, now))
    return [{**queries.objective_row(o), "key_results": krs[o.pk]} for o in objectives]


def company_progress(actor, cycle) -> list[dict]:
    """Company-wide progress by team for a cycle: average objective progress and KRs per status,
    from two aggregate queries and the team list (the numbers are the teams' own objectives)."""
    from django.db.models import Avg, Count

    from sasaran.accounts.models import Team
    from sasaran.okrs import queries

    teams = {
        t["id"]: {**t, "objectives": 0, "progress": None, "key_results": {}}
        for t in Team.objects.filter(workspace_id=actor.workspace_id).values(
            "id", "name", "parent_id"
        )
    }
    for row in (
        queries.visible_objectives(actor)
        .filter(cycle=cycle, team__isnull=False)
        .values("team_id")
        .annotate(progress=Avg("progress"), n=Count("id"))
        .order_by()
    ):
        teams[row["team_id"]].update(objectives=row["n"], progress=row["progress"])
    for row in (
        queries.visible_key_results(actor)
        .filter(objective__cycle=cycle, objective__team__isnull=False)
        .values("objective__team_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        teams[row["objective__team_id"]]["key_results"][row["status"]] = row["n"]
    return list(teams.values())


# ---- the same data, one hand-written query each ----------------------------------------------

OBJECTIVE_COLUMNS = (
    "o.id, o.title, o.description, o.owner_id, o.team_id, o.cycle_id, o.parent_id, o.kind, "
    "o.visibility, o.rollup_children, o.weight, o.progress, o.status, o.score, o.created_at, "
    "o.updated_at"
)
KR_COLUMNS = (
    "k.id, k.objective_id, k.title, k.description, k.owner_id, k.kind, k.direction, k.unit, "
    "k.currency, k.start_value, k.target_value, k.current_value, k.weight, k.due_date, "
    "k.progress, k.attainment, k.status, k.status_override, k.status_override_reason, "
    "k.confidence, k.last_checkin_at, k.forecast_value, k.forecast_progress, k.score, "
    "k.score_reason, k.created_at"
)


def visibility_sql(actor, alias: str = "o") -> tuple[str, list]:
    """sasaran.okrs.permissions.visibility_q, by hand."""
    a = alias
    params: list = [actor.workspace_id]
    if actor.is_admin:
        return f"{a}.workspace_id = %s", params
    parts = [f"{a}.visibility = 'workspace'", f"{a}.owner_id = %s"]
    params.append(actor.user_id)
    for visibility, ids in (("private", actor.team_ids), ("team", actor.related_team_ids)):
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            parts.append(f"({a}.visibility = '{visibility}' AND {a}.team_id IN ({marks}))")
            params.extend(sorted(ids))
    # The owner of a key result sees its objective.
    parts.append(f"{a}.id IN (SELECT objective_id FROM okrs_keyresult WHERE owner_id = %s)")
    params.append(actor.user_id)
    return f"{a}.workspace_id = %s AND ({' OR '.join(parts)})", params


def objective_columns_sql(actor) -> tuple[str, str, list]:
    """(columns, join, params): OBJECTIVE_COLUMNS with the parent's id only when the actor may
    see the parent (queries.with_visible_parent), by hand."""
    vis, params = visibility_sql(actor, "p")
    parent = f"CASE WHEN {vis} THEN o.parent_id END AS parent_id"
    columns = OBJECTIVE_COLUMNS.replace("o.parent_id", parent)
    return columns, "LEFT JOIN okrs_objective p ON p.id = o.parent_id", params


def fetch(sql: str, params: list) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def team_page_sql(actor, cycle_id: int, team_id: int) -> list:
    vis, params = visibility_sql(actor)
    columns, parent_join, parent_params = objective_columns_sql(actor)
    return fetch(
        f"SELECT {columns}, {KR_COLUMNS} FROM okrs_objective o {parent_join} "
        "LEFT JOIN okrs_keyresult k ON k.objective_id = o.id "
        f"WHERE o.cycle_id = %s AND o.team_id = %s AND {vis} "
        "ORDER BY o.position, o.id, k.position, k.id",
        [*parent_params, cycle_id, team_id, *params],
    )


def company_progress_sql(actor, cycle_id: int) -> list:
    vis, params = visibility_sql(actor)
    counts = ", ".join(
        f"SUM(CASE WHEN k.status = '{s}' THEN 1 ELSE 0 END) AS {s}"
        for s in ("on_track", "at_risk", "off_track", "done")
    )
    return fetch(
        "SELECT t.id, t.name, t.parent_id, COUNT(p.id), AVG(p.progress), SUM(p.on_track), "
        "SUM(p.at_risk), SUM(p.off_track), SUM(p.done) FROM accounts_team t LEFT JOIN ("
        f"  SELECT o.id, o.team_id, o.progress, {counts} FROM okrs_objective o"
        "   LEFT JOIN okrs_keyresult k ON k.objective_id = o.id"
        f"  WHERE o.cycle_id = %s AND o.team_id IS NOT NULL AND {vis}"
        "   GROUP BY o.id, o.team_id, o.progress"
        ") p ON p.team_id = t.id WHERE t.workspace_id = %s GROUP BY t.id, t.name, t.parent_id",
        [cycle_id, *params, actor.workspace_id],
    )


def objective_page_sql(actor, cycle_id: int, offset: int) -> list:
    vis, params = visibility_sql(actor)
    columns, parent_join, parent_params = objective_columns_sql(actor)
    return fetch(
        f"SELECT {columns} FROM okrs_objective o {parent_join} WHERE o.cycle_id = %s AND {vis} "
        "ORDER BY o.cycle_id, o.position, o.id LIMIT 50 OFFSET %s",
        [*parent_params, cycle_id, *params, offset],
    )


def insert_checkin_sql(kr_id: int, author_id: int, value: float, confidence: int) -> None:
    """One committed INSERT of a check-in row: the write's floor (no roll-up, no audit)."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO okrs_checkin (key_result_id, author_id, on_behalf_of, value, "
            "milestones_done, confidence, progress_note, wins, blockers, checked_in_at, "
            "created_at) VALUES (%s, %s, '', %s, %s, %s, %s, '', '', %s, %s)",
            [kr_id, author_id, value, "[]", confidence, "bench", now, now],
        )


# ---- the run -------------------------------------------------------------------------------


def pick_member(ws):
    """A plain member (not an admin) in a team: the most common caller, with real visibility
    filtering, who may check in on their team's KRs."""
    from sasaran.accounts.models import Membership, Role

    return (
        Membership.objects.filter(workspace=ws, role=Role.MEMBER, user__team_members__isnull=False)
        .select_related("user")
        .order_by("user_id")
        .first()
        .user
    )


def checkin_payload(kr, milestone_ids: list[int], rng: random.Random) -> dict:
    payload: dict = {"confidence": rng.randint(1, 5), "progress_note": "bench check-in"}
    if kr.kind == "boolean":
        payload["value"] = rng.random() < 0.5
    elif kr.kind == "milestones":
        payload["milestones_done"] = milestone_ids[: rng.randint(0, len(milestone_ids))]
    elif kr.kind != "tasks":
        low, high = sorted((kr.start_value, kr.target_value))
        spread = max(high - low, abs(high) * 0.05, 1.0)
        payload["value"] = round(rng.uniform(low - spread * 0.1, high + spread * 0.1), 2)
    return payload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--db", help="database URL (default: DATABASE_URL or bench/out/...)")
    parser.add_argument("--spec", choices=sorted(generate.SPECS), default="full")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print every query and its plan")
    parser.add_argument(
        "--only",
        help="comma-separated path keys to time (default all): "
        "checkin,checkin_admin,checkin_action,team,company,list,"
        "explorer,explorer_list,objective,home",
    )
    args = parser.parse_args(argv)

    url = generate.configure(args.db, args.spec)
    from django.db import connection
    from django.db.models import Max, Sum
    from django.test import Client
    from django.utils import timezone

    from sasaran.accounts.actions import create_token
    from sasaran.accounts.models import Membership, Role, Team
    from sasaran.accounts.queries import actor_for
    from sasaran.audit.models import AuditEntry
    from sasaran.okrs import actions
    from sasaran.okrs import queries as okr_queries
    from sasaran.okrs.alignment import ancestors
    from sasaran.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Milestone, Objective

    ws = generate.ensure(generate.SPECS[args.spec], force=args.regenerate)
    rng = random.Random(args.seed)
    n, warm = args.iterations, args.warmup

    cycle = Cycle.objects.get(workspace=ws, state=CycleState.ACTIVE)
    kr_totals = KeyResult.objects.filter(objective__workspace=ws).aggregate(
        tasks=Sum("tasks_total")
    )
    sizes = {
        "members": Membership.objects.filter(workspace=ws).count(),
        "teams": Team.objects.filter(workspace=ws).count(),
        "cycles": Cycle.objects.filter(workspace=ws).count(),
        "objectives": Objective.objects.filter(workspace=ws).count(),
        "KRs": KeyResult.objects.filter(objective__workspace=ws).count(),
        "check-ins": CheckIn.objects.filter(key_result__objective__workspace=ws).count(),
        "tasks (counts)": kr_totals["tasks"],
    }
    if connection.vendor == "sqlite":
        engine = f"SQLite {connection.Database.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            engine = f"PostgreSQL {cursor.fetchone()[0]}"
    print(f"\ndatabase: {engine} at {connection.settings_dict['NAME']} ({url.split(':', 1)[0]})")
    print(
        f"machine:  {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print("data:     " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
    print(f"runs:     {n} timed iterations per path after {warm} warm-up ones\n")

    # Everything the benchmark adds is above these ids and removed at the end.
    checkin_max = CheckIn.objects.aggregate(m=Max("id"))["m"] or 0
    audit_max = AuditEntry.objects.aggregate(m=Max("id"))["m"] or 0
    user = pick_member(ws)
    actor = actor_for(user, ws)
    admin = (
        Membership.objects.filter(workspace=ws, role=Role.ADMIN).order_by("user_id").first().user
    )
    # Check-in targets: the active-cycle KRs the member may check in on (own or their teams'),
    # and for the admin any KR of the active cycle.
    active_krs = list(KeyResult.objects.filter(objective__cycle=cycle))
    team_objectives = set(
        Objective.objects.filter(cycle=cycle, team_id__in=actor.team_ids).values_list(
            "id", flat=True
        )
    )
    writable = [
        kr for kr in active_krs if kr.objective_id in team_objectives or kr.owner_id == user.pk
    ]
    ms_ids: dict[int, list[int]] = defaultdict(list)
    saved_milestones = list(Milestone.objects.filter(key_result__objective__cycle=cycle))
    for m in saved_milestones:
        ms_ids[m.key_result_id].append(m.pk)
    team_ids = list(Team.objects.filter(workspace=ws).values_list("id", flat=True))
    vis, vis_params = visibility_sql(actor)
    visible_in_cycle = fetch(
        f"SELECT COUNT(*) FROM okrs_objective o WHERE o.cycle_id = %s AND {vis}",
        [cycle.pk, *vis_params],
    )[0][0]
    offsets = list(range(0, max(1, visible_in_cycle - 49), 50))
    parent_of = dict(Objective.objects.filter(cycle=cycle).values_list("id", "parent_id"))

    def chains(krs) -> str:
        depths = [1 + len(ancestors(k.objective_id, parent_of)) for k in krs]
        return f"roll-up chains of {min(depths)}-{max(depths)} objectives"

    print(
        f"member:   {user.email} (in {len(actor.team_ids)} team); {len(writable)} active KRs "
        f"they may check in on, {chains(writable)}; {visible_in_cycle} objectives visible "
        f"in {cycle.name}"
    )
    print(f"admin:    {admin.email}; any of {len(active_krs)} active KRs, {chains(active_krs)}\n")
    clients: dict[str, Client] = {}

    def post_checkin(who: str, kr) -> None:
        response = clients[who].post(
            f"/api/v1/key-results/{kr.pk}/check-ins",
            checkin_payload(kr, ms_ids[kr.pk], rng),
            content_type="application/json",
        )
        if response.status_code != 201:
            raise SystemExit(f"check-in failed: {response.status_code} {response.content[:300]}")

    # Each path draws its arguments from one seeded stream, per call.
    def checkin_api(_i: int) -> None:
        post_checkin("member", rng.choice(writable))

    def checkin_api_admin(_i: int) -> None:
        post_checkin("admin", rng.choice(active_krs))

    def checkin_action(_i: int) -> None:
        kr = rng.choice(writable)
        actions.create_checkin(actor, kr.pk, **checkin_payload(kr, ms_ids[kr.pk], rng))

    def checkin_sql(_i: int) -> None:
        kr = rng.choice(writable)
        insert_checkin_sql(kr.pk, user.pk, 1.0, rng.randint(1, 5))

    def team_page(_i: int) -> None:
        team_page_data(actor, cycle, rng.choice(team_ids), timezone.now())

    def team_page_bound(_i: int) -> None:
        team_page_sql(actor, cycle.pk, rng.choice(team_ids))

    def company(_i: int) -> None:
        company_progress(actor, cycle)

    def company_bound(_i: int) -> None:
        company_progress_sql(actor, cycle.pk)

    def objective_list(_i: int) -> None:
        offset = rng.choice(offsets)
        response = clients["member"].get(
            f"/api/v1/objectives?cycle={cycle.pk}&limit=50&offset={offset}"
        )
        if response.status_code != 200:
            raise SystemExit(f"list failed: {response.status_code} {response.content[:300]}")

    def objective_list_bound(_i: int) -> None:
        objective_page_sql(actor, cycle.pk, rng.choice(offsets))

    # The pages, as a signed-in member's browser asks for them (session cookie, full HTML).
    visible_ids = list(
        okr_queries.visible_objectives(actor).filter(cycle=cycle).values_list("id", flat=True)
    )
    sizes_seen: dict[str, int] = {}

    def page(key: str, url: str) -> None:
        response = clients["web"].get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} failed: {response.status_code} {response.content[:300]}")
        sizes_seen[key] = len(response.content)

    def explorer_tree(_i: int) -> None:
        page("explorer", f"/okrs/?cycle={cycle.pk}")

    def explorer_list(_i: int) -> None:
        page("explorer_list", f"/okrs/?cycle={cycle.pk}&view=list")

    def objective_page(_i: int) -> None:
        page("objective", f"/objectives/{rng.choice(visible_ids)}/")

    def home_page(_i: int) -> None:
        page("home", "/")

    def inbox_page(_i: int) -> None:
        page("inbox", "/check-ins/?teams=1")

    def attention_page(_i: int) -> None:
        page("attention", f"/okrs/attention/?cycle={cycle.pk}")

    # The work app: the board of the generator's 500-task list, and the objective page of the
    # KR it linked to 200 tasks one by one.
    from django.db.models import Count

    from sasaran.work.models import KeyResultLink, TaskList

    big_list = TaskList.objects.annotate(n=Count("tasks")).order_by("-n").values("pk", "n").first()
    linked = (
        KeyResultLink.objects.filter(task__isnull=False)
        .values("key_result__objective_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )

    def board_page(_i: int) -> None:
        page("board", f"/work/lists/{big_list['pk']}/?view=board")

    def linked_kr_page(_i: int) -> None:
        page("linked_kr", f"/objectives/{linked['key_result__objective_id']}/")

    insert = "1 INSERT+COMMIT"
    db = "its SQL execute"
    paths = [
        ("checkin", "a. check-in write (API)", checkin_api, checkin_sql, insert),
        ("checkin_admin", "   same, admin, any active KR", checkin_api_admin, checkin_sql, insert),
        ("checkin_action", "   same, action only (no HTTP)", checkin_action, checkin_sql, insert),
        ("team", "b. team page data", team_page, team_page_bound, "1 JOIN"),
        ("company", "c. company progress by team", company, company_bound, "1 GROUP BY"),
        ("list", "d. objective list API (50)", objective_list, objective_list_bound, "1 LIMIT"),
        ("explorer", "e. OKR explorer page, tree", explorer_tree, None, db),
        ("explorer_list", "   same, list view (page 1)", explorer_list, None, db),
        ("objective", "f. objective page", objective_page, None, db),
        ("home", "g. home page", home_page, None, db),
        ("inbox", "h. check-in inbox, my teams' KRs", inbox_page, None, db),
        ("attention", "i. needs attention (whole cycle)", attention_page, None, db),
        ("board", "j. board of a 500-task list", board_page, None, db),
        ("linked_kr", "k. objective page, a KR with 200 tasks", linked_kr_page, None, db),
    ]
    if args.only:
        wanted = {k.strip() for k in args.only.split(",")}
        unknown = wanted - {p[0] for p in paths}
        if unknown:
            parser.error(f"unknown path keys: {', '.join(sorted(unknown))}")
        paths = [p for p in paths if p[0] in wanted]
    results = []
    tokens = []
    try:
        for who, caller in (("member", actor), ("admin", actor_for(admin, ws))):
            token, raw = create_token(caller, name="bench")
            tokens.append(token)
            clients[who] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        clients["web"] = Client()
        clients["web"].force_login(user)  # a session, as the browser has after signing in
        for key, label, fn, bound, bound_label in paths:
            explain = label.strip() if args.explain else None
            queries = count_queries(fn, 20, explain)
            times = timed(fn, n, warm)
            # A page's floor is the time its own queries take inside the database driver.
            bound_times = timed(bound, n, warm) if bound else db_times(fn, 20)
            results.append(
                Result(key, label, times, queries, bound_times, bound_label, sizes_seen.get(key))
            )
            print(f"  timed {label.strip()}")
    finally:
        if "web" in clients:
            clients["web"].logout()  # deletes the session row force_login added
        cleanup(checkin_max, audit_max, tokens, saved_milestones)
        print("  benchmark rows removed; touched KRs recomputed from their history")

    print_table(results, connection.vendor)
    return 0


def cleanup(checkin_max: int, audit_max: int, tokens: list, saved_milestones: list) -> None:
    """Delete what the run added and recompute what it touched, so reruns start equal."""
    from django.db import transaction

    from sasaran.audit.models import AuditEntry
    from sasaran.okrs import rollup
    from sasaran.okrs.models import CheckIn, KeyResult, Milestone

    with transaction.atomic():
        added = CheckIn.objects.filter(id__gt=checkin_max)
        touched = set(added.values_list("key_result_id", flat=True))
        added.delete()
        AuditEntry.objects.filter(id__gt=audit_max).delete()
        for token in tokens:
            token.delete()
        Milestone.objects.bulk_update(saved_milestones, ["done"], batch_size=1000)
        for kr in KeyResult.objects.filter(pk__in=touched).select_related(
            "objective__cycle", "objective__workspace"
        ):
            rollup.refresh_key_result(kr)
            rollup.refresh_objective_chain(kr.objective)


def print_table(results: list[Result], vendor: str) -> None:
    print()
    head = (
        f"{'path':<31}{'median':>8}{'p95':>8}{'queries':>9}   "
        f"{'SQL bound':<16}{'median':>7}{'ratio':>7}   {'target (p95)':<14}result"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        med, p95 = pct(r.times, 0.5), pct(r.times, 0.95)
        bmed = pct(r.bound, 0.5)
        lo, hi = r.queries
        q = f"{lo}" if lo == hi else f"{lo}-{hi}"
        target = TARGETS_MS.get(r.key)
        verdict = ("PASS" if p95 <= target else "MISS") if target is not None else ""
        if target is not None and vendor != "sqlite":
            verdict += " (targets are for SQLite)"
        tgt = f"<= {target:.0f} ms" if target is not None else "-"
        print(
            f"{r.label:<31}{med:8.2f}{p95:8.2f}{q:>9}   {r.bound_label:<16}{bmed:7.2f}"
            f"{med / bmed if bmed else float('nan'):6.1f}x   {tgt:<14}{verdict}"
        )
    print("\nmilliseconds; queries = per call (fewest-most over 20 calls); ratio = median / bound")
    pages = [r for r in results if r.size is not None]
    if pages:
        print(
            "pages: bound = median time inside the database driver's execute over 20 calls; "
            "HTML size of the last response: "
            + ", ".join(f"{r.label.strip()} {r.size / 1024:,.0f} KB" for r in pages)
        )


if __name__ == "__main__":
    sys.exit(main())
