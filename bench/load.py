"""`make load`: Sasaran under concurrent load through its real server, beside a yardstick.

Starts `sasaran serve` (gunicorn, 2 workers) over a copy of the bench database (bench/generate.py
builds it when missing), signs a plain member in (a bearer token and a session), drives each path
with `wrk` and prints req/s, p50 and p99. In the same run it serves bench/yardstick.py — bare
Django + django-ninja, one raw SQL query, no auth — over the same copy and drives it the same
way: every figure is also given as a share of the yardstick's req/s, because this machine's
absolute speed varies by 2x between days.

    .venv/bin/python bench/load.py                     # SQLite (bench/out/bench.sqlite3)
    .venv/bin/python bench/load.py --db postgresql://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/load.py --duration 5 --only team_krs,home

wrk is the Debian package: `apt-get install -y wrk` when it is missing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Path_:
    key: str
    label: str
    url: str
    auth: str  # "token", "session" or "" (the yardstick)
    connections: int = 16
    lua: str | None = None  # a wrk script (a POST)
    conditional: bool = False  # sends the ETag of a first answer: a browser's reload


@dataclass
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def copy_database(url: str) -> tuple[str, str]:
    """A copy to load (writes land there, not in the bench database): a file copy for SQLite,
    CREATE DATABASE … TEMPLATE for PostgreSQL. Returns its URL and its NAME for Django."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.close()
    if url.startswith("sqlite"):
        target = Path(name).with_name("bench-load-copy.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(name, target)
        return f"sqlite:///{target}", str(target)
    import psycopg

    copy = f"{name}_load_copy"
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as pg:
        pg.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        pg.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        pg.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + copy, copy


def wrk(url: str, *, seconds: int, connections: int, headers: list[str], lua: str | None):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for h in headers:
        cmd += ["-H", h]
    if lua:
        cmd += ["-s", lua]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*?timeout (\d+)"):
        m = re.search(pattern, out)
        errors += int(m.group(1)) if m else 0
    return Figures(rps, pct("50"), pct("99"), errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: bench/out/bench.sqlite3)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per path (10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--only", help="comma-separated path keys")
    parser.add_argument(
        "--no-keep",
        action="store_true",
        help="RESPONSE_CACHE=false: every request renders afresh (the work, not the lookups)",
    )
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: install it with `apt-get install -y wrk` (Debian).")

    url = generate.configure(args.db, "full")
    ws = generate.ensure(generate.SPECS["full"])
    from django.test import Client

    from bench.run import pick_member
    from sasaran.accounts.actions import create_token
    from sasaran.accounts.queries import actor_for
    from sasaran.okrs.models import Cycle, CycleState, KeyResult, Objective

    load_url, load_name = copy_database(url)
    from django.db import connection

    connection.settings_dict["NAME"] = load_name  # the token and session go into the copy

    user = pick_member(ws)
    actor = actor_for(user, ws)
    cycle = Cycle.objects.get(workspace=ws, state=CycleState.ACTIVE)
    team = sorted(actor.team_ids)[0]
    _token, raw = create_token(actor, name="load")
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    # A browser holds its CSRF cookie after the first page: so does the load.
    client.get("/")
    csrf = client.cookies["csrftoken"].value
    objective = Objective.objects.filter(cycle=cycle, team_id=team).order_by("id").first()
    kr = (
        KeyResult.objects.filter(objective__cycle=cycle, objective__team_id=team, kind="number")
        .order_by("id")
        .first()
    )
    value = (kr.start_value + kr.target_value) / 2
    connection.close()

    port, yard_port = free_port(), free_port()
    base, yard = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{yard_port}"
    env = {**os.environ, "DATABASE_URL": load_url, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    env["WEB_CONCURRENCY"] = str(args.workers)
    env["RESPONSE_CACHE"] = "false" if args.no_keep else "true"
    # Rate limits are for the Internet, not for a load generator on loopback.
    env["RATE_LIMIT_PER_ACCOUNT_PER_MINUTE"] = "100000000"
    logs = tempfile.TemporaryDirectory()
    servers = [
        subprocess.Popen(
            [str(BIN / "sasaran"), "serve", "--no-migrate", "--port", str(port)],
            env=env,
            stdout=open(Path(logs.name) / "serve.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        subprocess.Popen(
            [
                *(str(BIN / "gunicorn"), "bench.yardstick:application"),
                *("--bind", f"127.0.0.1:{yard_port}", "--workers", str(args.workers)),
            ],
            env={**env, "YARDSTICK_DB": load_url},
            cwd=ROOT,
            stdout=open(Path(logs.name) / "yardstick.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
    ]
    lua = Path(logs.name) / "checkin.lua"
    lua.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.body = \'{{"value": {value}, "confidence": 3, "progress_note": "load"}}\'\n'
    )
    q = f"cycle={cycle.pk}&team={team}"
    krs_api, checkins = f"{base}/api/v1/key-results", f"{base}/api/v1/key-results/{kr.pk}/check-ins"
    objs = f"{base}/api/v1/objectives"
    paths = [
        Path_("yardstick", "yardstick: one team's KRs, raw SQL, no auth", f"{yard}/krs?{q}", ""),
        Path_(
            "team_krs", "GET key-results?cycle&team&limit=100", f"{krs_api}?{q}&limit=100", "token"
        ),
        Path_("team_objectives", "GET objectives?cycle&team", f"{objs}?{q}", "token"),
        Path_(
            "objectives",
            "GET objectives?cycle&limit=50",
            f"{objs}?cycle={cycle.pk}&limit=50",
            "token",
        ),
        Path_("me", "GET /api/v1/me", f"{base}/api/v1/me", "token"),
        Path_("home", "Home /", f"{base}/", "session"),
        Path_("explorer", "Explorer /okrs/?cycle", f"{base}/okrs/?cycle={cycle.pk}", "session"),
        Path_("objective", "Objective page", f"{base}/objectives/{objective.pk}/", "session"),
        Path_(
            "home_reload", "Home / reloaded (If-None-Match)", f"{base}/", "session", 16, None, True
        ),
        Path_("checkin_4", "POST check-ins", checkins, "token", 4, str(lua)),
        Path_("checkin_16", "POST check-ins", checkins, "token", 16, str(lua)),
    ]
    if args.only:
        wanted = {"yardstick", *args.only.split(",")}
        paths = [p for p in paths if p.key in wanted]
    try:
        wait_up(f"{base}/healthz")
        wait_up(f"{yard}/krs?{q}")
        results = []
        for p in paths:
            headers = {
                "token": [f"Authorization: Bearer {raw}"],
                "session": [f"Cookie: sessionid={session}; csrftoken={csrf}"],
                "": [],
            }[p.auth]
            if p.conditional:
                first = urllib.request.Request(
                    p.url, headers=dict(h.split(": ", 1) for h in headers)
                )
                with urllib.request.urlopen(first) as r:
                    headers = [*headers, f"If-None-Match: {r.headers['ETag']}"]
            # A short warm-up, then the measured run.
            wrk(p.url, seconds=2, connections=p.connections, headers=headers, lua=p.lua)
            figures = wrk(
                p.url, seconds=args.duration, connections=p.connections, headers=headers, lua=p.lua
            )
            results.append((p, figures))
            print(f"  loaded {p.label}", flush=True)
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
    yardstick = results[0][1].rps
    engine = "SQLite" if load_url.startswith("sqlite") else "PostgreSQL"
    print(
        f"\n{engine}, {args.workers} gunicorn workers, wrk -t2, {args.duration} s a path, "
        f"answers {'rendered afresh' if args.no_keep else 'kept per reader'}; "
        f"member {user.email} (team {team}), cycle {cycle.name}\n"
    )
    head = ("path", "conn", "req/s", "p50 ms", "p99 ms", "errors", "÷ yardstick")
    print("{:48} {:>4} {:>8} {:>8} {:>8} {:>6} {:>11}".format(*head))
    print("-" * 100)
    for p, f in results:
        share = f"{100 * f.rps / yardstick:.1f} %" if yardstick else "-"
        print(
            f"{p.label:48} {p.connections:>4} {f.rps:>8.1f} {f.p50_ms:>8.1f} {f.p99_ms:>8.1f} "
            f"{f.errors:>6} {share:>11}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
