"""Profile one request on the bench organisation: where a path's time goes, function by function.

    .venv/bin/python bench/profile_path.py team_krs            # cProfile, top 40 by own time
    .venv/bin/python bench/profile_path.py home -n 50 --sort cumulative
    .venv/bin/python bench/profile_path.py /api/v1/me --token

Runs the request through Django's test client (the whole middleware stack, no server) as the same
plain member `make load` uses, over a copy of the bench database so nothing it writes stays. The
named paths are those of bench/load.py; anything starting with "/" is taken as a URL.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a bench/load.py path key or a URL starting with /")
    parser.add_argument("--db", help="database URL (default: bench/out/bench.sqlite3)")
    parser.add_argument("-n", type=int, default=100, help="requests profiled (100)")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--token", action="store_true", help="a bearer token, not a session")
    args = parser.parse_args(argv)

    url = generate.configure(args.db, "full")
    ws = generate.ensure(generate.SPECS["full"])
    from django.db import connection
    from django.test import Client

    from bench.load import copy_database
    from bench.run import pick_member
    from sasaran.accounts.actions import create_token
    from sasaran.accounts.queries import actor_for
    from sasaran.okrs.models import Cycle, CycleState, Objective

    _copy_url, copy_name = copy_database(url)
    connection.settings_dict["NAME"] = copy_name
    user = pick_member(ws)
    actor = actor_for(user, ws)
    cycle = Cycle.objects.get(workspace=ws, state=CycleState.ACTIVE)
    team = sorted(actor.team_ids)[0]
    objective = Objective.objects.filter(cycle=cycle, team_id=team).order_by("id").first()
    q = f"cycle={cycle.pk}&team={team}"
    named = {
        "team_krs": (f"/api/v1/key-results?{q}&limit=100", True),
        "team_objectives": (f"/api/v1/objectives?{q}", True),
        "objectives": (f"/api/v1/objectives?cycle={cycle.pk}&limit=50", True),
        "me": ("/api/v1/me", True),
        "home": ("/", False),
        "explorer": (f"/okrs/?cycle={cycle.pk}", False),
        "objective": (f"/objectives/{objective.pk}/", False),
    }
    path, token = named.get(args.path, (args.path, args.token))
    client = Client()
    headers = {}
    if token:
        _t, raw = create_token(actor, name="profile")
        headers["Authorization"] = f"Bearer {raw}"
    else:
        client.force_login(user)
    for _ in range(5):  # warm caches and imports
        assert client.get(path, headers=headers).status_code == 200, path
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.n):
        client.get(path, headers=headers)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"{path}: {stats.total_tt * 1000 / args.n:.2f} ms a request under the profiler")
    stats.sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
