"""The demo workspace: it loads through the real actions, is deterministic, resets, refuses to
load twice, and looks like a real company's quarter (a mix of statuses, stale key results,
forecasts, roll-ups, a graded last quarter)."""

import datetime as dt
import io
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from sasaran.accounts.models import Membership, Role, Team, TeamMember, User, Workspace
from sasaran.audit.models import AuditEntry
from sasaran.errors import Conflict
from sasaran.okrs import grading
from sasaran.okrs.demo import delete_demo, demo_workspace, fixture, load_demo
from sasaran.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Milestone, Objective
from sasaran.okrs.progress import weighted_mean
from sasaran.okrs.rollup import (
    KR_DERIVED,
    cycle_start,
    end_of_day,
    kr_is_stale,
    recompute_workspace,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 11, 18, 14, 0, tzinfo=JAKARTA)  # week 8 of 2026-Q4
QUARTER_JUST_STARTED = dt.datetime(2026, 10, 2, 9, 30, tzinfo=JAKARTA)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module with the clock frozen at NOW (so values stamped by
    the actions and values computed for NOW agree); rolled back when the module ends."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False), fast:
        with transaction.atomic():
            counts = load_demo(now=NOW)
            yield counts
            transaction.set_rollback(True)


@pytest.fixture
def ws(loaded, db):
    return Workspace.objects.get(slug="demo")


def _cycle(ws, name):
    return Cycle.objects.get(workspace=ws, name=name)


def _snapshot(ws) -> list[tuple]:
    """Everything a reader sees of the demo's OKRs, without database ids."""
    rows = []
    krs = (
        KeyResult.objects.filter(objective__workspace=ws)
        .select_related("objective__cycle", "objective__team", "objective__parent", "owner")
        .order_by("objective__cycle__name", "objective__title", "position", "title")
    )
    for kr in krs:
        obj = kr.objective
        names = dict(kr.milestones.values_list("pk", "title"))
        checkins = [
            (
                c.checked_in_at,
                c.value,
                c.confidence,
                c.progress_note,
                c.wins,
                c.blockers,
                tuple(names[m] for m in c.milestones_done),
                c.author.email,
            )
            for c in kr.check_ins.select_related("author").order_by("checked_in_at")
        ]
        rows.append(
            (
                obj.cycle.name,
                obj.title,
                obj.team.name if obj.team else None,
                obj.parent.title if obj.parent else None,
                obj.progress,
                obj.status,
                obj.score,
                kr.title,
                kr.owner.email,
                kr.kind,
                kr.direction,
                kr.current_value,
                kr.progress,
                kr.status,
                kr.confidence,
                kr.forecast_value,
                kr.score,
                kr.score_reason,
                checkins,
            )
        )
    return rows


# ---- what is in it ---------------------------------------------------------------------------


def test_it_loads_the_company_teams_and_people(ws, loaded):
    assert (ws.name, ws.time_zone) == ("Sasaran Demo", "Asia/Jakarta")
    assert loaded["members"] == Membership.objects.filter(workspace=ws).count() >= 15
    roles = Counter(Membership.objects.filter(workspace=ws).values_list("role", flat=True))
    assert roles[Role.VIEWER] >= 2 and roles[Role.MEMBER] >= 10
    admin = User.objects.get(email="admin@example.com")
    assert Membership.objects.get(workspace=ws, user=admin).role == Role.ADMIN
    assert admin.check_password("sasaran-demo")
    assert all(
        u.email.endswith("@example.com") for u in User.objects.filter(memberships__workspace=ws)
    )
    # Company at the root, departments beneath, sub-teams below some of them: three levels.
    teams = {t.name: t for t in Team.objects.filter(workspace=ws).select_related("parent")}
    assert teams["Company"].parent is None
    for name in ("Product", "Engineering", "Marketing", "Sales", "Customer Success"):
        assert teams[name].parent == teams["Company"]
    assert teams["Platform"].parent == teams["Engineering"]
    assert teams["Enterprise"].parent == teams["Sales"]
    # The department heads lead their departments (they grade their OKRs after the close).
    leads = set(
        TeamMember.objects.filter(team__workspace=ws, is_lead=True).values_list(
            "user__email", "team__name"
        )
    )
    assert ("budi@example.com", "Product") in leads and (
        "sarah@example.com",
        "Product",
    ) not in leads
    assert len(leads) == 7


def test_cycles_sit_around_now(ws):
    cycles = {c.name: c for c in Cycle.objects.filter(workspace=ws).select_related("parent")}
    assert cycles["2026-Q3"].state == CycleState.CLOSED
    assert cycles["2026-Q4"].state == CycleState.ACTIVE
    assert cycles["2027-Q1"].state == CycleState.PLANNING
    assert cycles["FY2026"].state == CycleState.ACTIVE
    assert cycles["2026-Q3"].parent == cycles["FY2026"] == cycles["2026-Q4"].parent
    assert cycles["2027-Q1"].parent == cycles["FY2027"]
    assert (cycles["2026-Q4"].start_date, cycles["2026-Q4"].end_date) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )


def test_it_uses_every_kind_direction_and_objective_flavour(ws):
    krs = KeyResult.objects.filter(objective__workspace=ws)
    assert set(krs.values_list("kind", flat=True)) == {
        "number",
        "percentage",
        "currency",
        "boolean",
        "milestones",
        "tasks",
    }
    assert set(krs.values_list("direction", flat=True)) == {
        "increase",
        "decrease",
        "stay_at_or_above",
        "stay_at_or_below",
    }
    assert {"IDR", "USD"} <= set(krs.filter(kind="currency").values_list("currency", flat=True))
    assert len({m.weight for kr in krs.filter(kind="milestones") for m in kr.milestones.all()}) > 1
    # The work app's demo release checklist feeds the current quarter's tasks KR: 9 of the 14
    # tasks done, 1 cancelled; other tasks KRs have no work linked, so nothing to count.
    release = krs.get(kind="tasks", objective__cycle__name="2026-Q4")
    assert (release.tasks_done, release.tasks_total, release.tasks_cancelled) == (9, 14, 1)
    assert release.progress == pytest.approx(9 / 13)
    assert all(kr.progress is None for kr in krs.filter(kind="tasks").exclude(pk=release.pk))
    current = Objective.objects.filter(cycle__name="2026-Q4", workspace=ws)
    assert set(current.values_list("kind", flat=True)) == {"committed", "aspirational"}
    private = current.filter(visibility="private")
    assert private.count() == 1 and private.get().team is not None
    assert current.filter(team__isnull=True).count() == 1  # one personal objective
    # 2-4 objectives per department, 3-5 key results per objective.
    for team in ("Product", "Engineering", "Marketing", "Sales", "Customer Success"):
        assert 2 <= current.filter(team__name=team).count() <= 4
    for obj in current:
        assert 3 <= obj.key_results.count() <= 5
    # The seed's own examples are there, with the Indonesian originals in the fixture.
    titles = set(current.values_list("title", flat=True))
    assert "Improve the quality of product releases" in titles
    assert "Increase customer satisfaction and loyalty" in titles
    specs = [o for role in fixture()["objectives"].values() for o in role]
    assert all(o["title_id"] and all(k["title_id"] for k in o["key_results"]) for o in specs)


# ---- the history -----------------------------------------------------------------------------


def test_check_ins_are_weekly_back_dated_and_never_in_the_future(ws):
    checkins = list(
        CheckIn.objects.filter(key_result__objective__workspace=ws).select_related(
            "key_result__objective__cycle", "author"
        )
    )
    assert len(checkins) > 400
    for c in checkins:
        cycle = c.key_result.objective.cycle
        assert cycle_start(cycle, ws) <= c.checked_in_at < end_of_day(cycle.end_date, ws)
        assert c.checked_in_at <= NOW
        assert c.author_id == c.key_result.owner_id
        assert 1 <= c.confidence <= 5 and c.progress_note
    weeks = {c.checked_in_at.astimezone(JAKARTA).isocalendar()[:2] for c in checkins}
    assert len(weeks) >= 13
    assert sum(bool(c.wins) for c in checkins) > 50
    assert sum(bool(c.blockers) for c in checkins) > 50
    # Weekly rhythm: in the closed quarter no owner went more than two weeks without a check-in.
    for kr in KeyResult.objects.filter(objective__cycle__name="2026-Q3", objective__workspace=ws):
        times = list(kr.check_ins.order_by("checked_in_at").values_list("checked_in_at", flat=True))
        assert len(times) >= 10
        assert max(b - a for a, b in zip(times, times[1:], strict=False)) <= dt.timedelta(days=15)
    # The audit log holds every check-in, dated when it happened.
    audit = AuditEntry.objects.filter(workspace=ws, action="check-in")
    assert audit.count() == len(checkins)
    assert {e.at for e in audit} == {c.checked_in_at for c in checkins}


def test_last_quarter_is_graded_with_edits_and_retrospectives(ws):
    q3 = _cycle(ws, "2026-Q3")
    krs = list(KeyResult.objects.filter(objective__cycle=q3))
    assert all(kr.score is not None for kr in krs)
    edited = [kr for kr in krs if kr.score != grading.suggest_score(kr.progress)]
    assert len(edited) >= 2 and all(kr.score_reason for kr in edited)
    for obj in Objective.objects.filter(cycle=q3):
        assert obj.score is not None
        retro = obj.retrospective
        assert retro.what_worked and retro.learnings and retro.root_causes
    assert AuditEntry.objects.filter(workspace=ws, action="close", object_id=q3.pk).exists()


def test_the_active_quarter_shows_a_believable_mix(ws):
    q4 = _cycle(ws, "2026-Q4")
    krs = list(KeyResult.objects.filter(objective__cycle=q4))
    statuses = Counter(kr.status for kr in krs)
    assert statuses["on_track"] >= 5 and statuses["at_risk"] >= 5 and statuses["off_track"] >= 3
    assert statuses["on_track"] < len(krs) / 2
    stale = [kr for kr in krs if kr_is_stale(kr, q4, ws, NOW)]
    assert 2 <= len(stale) <= 6
    assert all(NOW - kr.last_checkin_at >= dt.timedelta(weeks=3) for kr in stale)
    fresh = [kr for kr in krs if kr not in stale]
    assert all(NOW - kr.last_checkin_at <= dt.timedelta(days=8) for kr in fresh)
    counted = [kr for kr in krs if kr.progress is not None]
    assert all(kr.forecast_progress is not None for kr in counted)
    assert any(kr.forecast_progress >= 1 for kr in counted)
    assert any(kr.forecast_progress < 0.7 for kr in counted)
    assert {2, 3, 4, 5} <= {kr.confidence for kr in krs}
    overridden = [kr for kr in krs if kr.status_override]
    assert len(overridden) == 1 and overridden[0].status_override_reason
    # Next quarter is being planned: objectives and key results, no check-ins yet.
    planned = KeyResult.objects.filter(objective__cycle__name="2027-Q1")
    assert planned.exists() and not CheckIn.objects.filter(key_result__in=planned).exists()


def test_company_objectives_roll_up_their_aligned_children(ws):
    company = Objective.objects.filter(workspace=ws, cycle__name="2026-Q4", team__name="Company")
    assert company.count() == 3
    differs = 0
    for obj in company:
        krs = list(obj.key_results.values_list("progress", "weight"))
        children = list(obj.children.values_list("progress", "weight"))
        assert len(children) >= 2
        assert obj.progress == pytest.approx(weighted_mean(krs + children))
        differs += obj.progress != pytest.approx(weighted_mean(krs))
    assert differs >= 2
    # The year's objective rolls up this quarter's company objectives.
    year = Objective.objects.get(workspace=ws, cycle__name="FY2026")
    assert {c.cycle.name for c in year.children.all()} == {"2026-Q4"}


def test_recompute_changes_nothing(ws):
    kr_fields = [*KR_DERIVED, "status_override", "score"]

    def derived():
        krs = {
            pk: rest
            for pk, *rest in KeyResult.objects.filter(objective__workspace=ws).values_list(
                "pk", *kr_fields
            )
        }
        objectives = {
            pk: rest
            for pk, *rest in Objective.objects.filter(workspace=ws).values_list(
                "pk", "progress", "status", "score"
            )
        }
        return krs, objectives

    before = derived()
    recompute_workspace(ws, now=NOW)
    assert derived() == before


# ---- loading, reloading, refusing ------------------------------------------------------------


def test_reset_reloads_exactly_the_same_demo(ws, loaded):
    before = _snapshot(ws)
    old = set(Objective.objects.filter(workspace=ws).values_list("pk", flat=True))
    counts = load_demo(reset=True, now=NOW)
    again = Workspace.objects.get(slug="demo")
    assert again.pk != ws.pk
    assert not Objective.objects.filter(pk__in=old).exists()
    assert Workspace.objects.filter(slug="demo").count() == 1
    assert counts == loaded
    assert _snapshot(again) == before


def test_loading_twice_is_refused(ws):
    with pytest.raises(Conflict):
        load_demo(now=NOW)


def test_the_command_refuses_an_existing_demo_with_status_2(ws):
    with pytest.raises(CommandError) as exc:
        call_command("demo", stdout=io.StringIO())
    assert exc.value.returncode == 2
    assert "--reset" in str(exc.value)


def test_if_empty_skips_when_any_workspace_exists(ws):
    objectives = Objective.objects.count()
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "skipped" in out.getvalue()
    assert Objective.objects.count() == objectives


def test_the_cli_exits_with_status_2_on_bad_options(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SASARAN_DATA_DIR"] = str(tmp_path)
    sasaran = Path(sys.executable).with_name("sasaran")
    result = subprocess.run(
        [str(sasaran), "demo", "--reset", "--if-empty"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--reset or --if-empty" in result.stderr


def test_a_quarter_that_just_started_still_has_13_weeks_of_history(db):
    existing = demo_workspace()
    if existing is not None:
        delete_demo(existing)
    assert not Workspace.objects.exists()
    out = io.StringIO()
    with time_machine.travel(QUARTER_JUST_STARTED, tick=False):
        call_command("demo", "--if-empty", stdout=out)
    assert "admin@example.com" in out.getvalue() and "sasaran-demo" in out.getvalue()
    ws = Workspace.objects.get(slug="demo")
    assert _cycle(ws, "2026-Q4").state == CycleState.ACTIVE
    assert _cycle(ws, "2026-Q3").state == CycleState.CLOSED
    checkins = CheckIn.objects.filter(key_result__objective__workspace=ws)
    assert all(c.checked_in_at <= QUARTER_JUST_STARTED for c in checkins)
    weeks = {c.checked_in_at.astimezone(JAKARTA).isocalendar()[:2] for c in checkins}
    assert len(weeks) >= 13
    # The closed quarter's close happened before now, after its last check-in.
    q3 = _cycle(ws, "2026-Q3")
    last = checkins.filter(key_result__objective__cycle=q3).latest("checked_in_at")
    assert last.checked_in_at <= q3.closed_at <= QUARTER_JUST_STARTED


# ---- the demo in the user's language -----------------------------------------------------------


def _seed_titles(key: str) -> tuple[set[str], set[str], set[str]]:
    """The fixture's objective, key-result and milestone titles (`key`: title or title_id)."""
    objectives, krs, milestones = set(), set(), set()
    for specs in fixture()["objectives"].values():
        for o in specs:
            objectives.add(o[key])
            for kr in o["key_results"]:
                krs.add(kr[key])
                milestones |= {m[key] for m in kr.get("milestones", [])}
    return objectives, krs, milestones


def _titles(ws) -> tuple[set[str], set[str], set[str]]:
    return (
        set(Objective.objects.filter(workspace=ws).values_list("title", flat=True)),
        set(KeyResult.objects.filter(objective__workspace=ws).values_list("title", flat=True)),
        set(
            Milestone.objects.filter(key_result__objective__workspace=ws).values_list(
                "title", flat=True
            )
        ),
    )


def test_language_id_loads_the_seeds_indonesian_titles(ws, loaded):
    assert _titles(ws) == _seed_titles("title")  # English by default
    with time_machine.travel(NOW, tick=False):
        counts = load_demo(reset=True, now=NOW, language="id")
    indonesian = Workspace.objects.get(slug="demo")
    assert _titles(indonesian) == _seed_titles("title_id")
    assert "Menjadi platform pilihan untuk kolaborasi tim jarak jauh" in _titles(indonesian)[0]
    # The same company and history, only in the other language.
    assert counts == loaded


def test_the_command_follows_language_code_unless_told(ws, settings):
    settings.LANGUAGE_CODE = "id"
    with time_machine.travel(NOW, tick=False):
        call_command("demo", "--reset", stdout=io.StringIO())
        assert _titles(demo_workspace()) == _seed_titles("title_id")
        call_command("demo", "--reset", "--language", "en", stdout=io.StringIO())
        assert _titles(demo_workspace()) == _seed_titles("title")


def test_the_command_refuses_an_unknown_language():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("demo", "--language", "fr", stdout=io.StringIO())


def test_first_run_with_language_code_id_loads_the_indonesian_demo(tmp_path):
    """What `make run` does on an empty database (scripts/run.sh: migrate, demo --if-empty),
    with LANGUAGE_CODE=id in the environment."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SASARAN_DATA_DIR": str(tmp_path), "LANGUAGE_CODE": "id"}
    sasaran = Path(sys.executable).with_name("sasaran")
    for command in (["migrate", "--no-input", "-v", "0"], ["demo", "--if-empty"]):
        result = subprocess.run(
            [str(sasaran), *command], env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "sasaran.sqlite3") as db:
        titles = {row[0] for row in db.execute("SELECT title FROM okrs_objective")}
    assert titles == _seed_titles("title_id")[0]
