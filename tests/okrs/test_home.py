"""Home (/): my key results that need a check-in this week, my teams' objectives, the
company's latest check-ins and the active cycle at a glance."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sasaran.okrs import actions
from sasaran.okrs.models import CycleState, KeyResult, Visibility
from tests.okrs.helpers import key_result, objective


def backdate(kr, last_checkin_days=None, created_days=29):
    now = timezone.now()
    KeyResult.objects.filter(pk=kr.pk).update(
        created_at=now - dt.timedelta(days=created_days),
        last_checkin_at=None
        if last_checkin_days is None
        else now - dt.timedelta(days=last_checkin_days),
    )


@pytest.fixture
def okrs(actor_of, admin, owner, teammate, seller, cycle, company, product, sales):
    me = actor_of(owner)
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    prod = objective(me, cycle, product, title="Make onboarding effortless", parent_id=top.pk)
    fresh = key_result(me, prod, title="Fresh KR")
    actions.create_checkin(me, fresh.pk, value=35.0, confidence=4, blockers="Email vendor")
    never = key_result(me, prod, title="Never checked KR")
    stale = key_result(me, prod, title="Stale KR")
    backdate(stale, last_checkin_days=20)
    cadence = key_result(me, prod, title="Cadence KR")
    backdate(cadence, last_checkin_days=10)
    soon = key_result(
        me, prod, title="Due soon KR", due_date=timezone.now().date() + dt.timedelta(days=3)
    )
    actions.create_checkin(me, soon.pk, value=30.0, confidence=4)
    done = key_result(me, prod, title="Done KR")
    actions.create_checkin(me, done.pk, value=50.0, confidence=5)
    key_result(me, prod, title="Teammate KR", owner_id=teammate.pk)
    objective(me, cycle, None, title="Learn SQL properly")
    sell = objective(actor_of(seller), cycle, sales, title="Land enterprise logos")
    deals = key_result(actor_of(seller), sell, title="Sign 10 enterprise deals")
    actions.create_checkin(actor_of(seller), deals.pk, value=25.0, confidence=3)
    secret = objective(
        me, cycle, product, title="Quiet pricing experiment", visibility=Visibility.PRIVATE
    )
    hidden = key_result(me, secret, title="Secret price test revenue")
    actions.create_checkin(me, hidden.pk, value=21.0, confidence=4)
    return {"never": never, "stale": stale, "cadence": cadence, "soon": soon, "fresh": fresh}


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    return html[start : html.find("</section>", start)]


def test_home_requires_sign_in(client, db):
    assert client.get("/").status_code == 302


def test_my_key_results_needing_a_check_in_are_listed_with_the_reason_and_a_link(
    client, okrs, owner
):
    due = section(home(client, owner), "due-h")
    # Stale first, then never checked in, then out of cadence, then due soon.
    order = ["Stale KR", "Never checked KR", "Cadence KR", "Due soon KR"]
    positions = [due.index(t) for t in order]
    assert positions == sorted(positions)
    assert "Stale" in due and "No check-in yet" in due
    # The cadence KR (10 days without a check-in) is due since its period began.
    assert re.search(r"Due (since \w+|today) · last check-in 1", due)
    assert "Due " in due
    for name in ("never", "stale", "cadence", "soon"):
        assert f'href="/key-results/{okrs[name].pk}/check-in/"' in due


def test_recent_done_and_other_peoples_key_results_are_not_listed(client, okrs, owner):
    due = section(home(client, owner), "due-h")
    for title in ("Fresh KR", "Done KR", "Teammate KR", "Sign 10 enterprise deals"):
        assert title not in due


def test_up_to_date_owner_is_told_so(client, okrs, seller):
    assert "You are up to date" in section(home(client, seller), "due-h")


def test_viewer_sees_what_is_due_without_a_check_in_link(
    client, actor_of, admin, viewer, cycle, product
):
    obj = objective(actor_of(admin), cycle, product, title="Keep customers")
    key_result(actor_of(admin), obj, title="Viewer's KR", owner_id=viewer.pk)
    html = home(client, viewer)
    assert "Viewer&#x27;s KR" in section(html, "due-h")
    assert "/check-in/" not in html


def test_my_teams_objectives_include_the_teams_above_and_my_personal_ones(client, okrs, owner):
    teams = section(home(client, owner), "teams-h")
    for title in (
        "Win the SME market",
        "Make onboarding effortless",
        "Learn SQL properly",
        "Quiet pricing experiment",
        "Teammate KR",
    ):
        assert title in teams
    assert teams.index("Win the SME market") < teams.index("Make onboarding effortless")
    assert teams.index("Make onboarding effortless") < teams.index("Learn SQL properly")
    assert "Land enterprise logos" not in teams


def test_recent_check_ins_across_the_company_show_only_visible_ones(client, okrs, seller, owner):
    feed = section(home(client, seller), "feed-h")
    assert "Sign 10 enterprise deals" in feed and "Fresh KR" in feed
    assert "Email vendor" in feed  # blockers come first
    assert "Secret price test revenue" not in feed and "Quiet pricing" not in feed
    assert "Secret price test revenue" in section(home(client, owner), "feed-h")


def test_cycle_glance_counts_by_status_and_days_left(client, okrs, owner, seller):
    html = home(client, owner)
    glance = section(html, "glance-h1")
    assert "Current quarter" in glance and "60 days left" in glance
    assert "Average progress of 9 key results you can see" in glance
    assert 'class="expected at-' in glance
    assert "status=at_risk" in glance and "stale=1" in glance
    # The stale count: the stale KR only (the others were checked in or are new).
    assert '◌</span> Stale</span></a> <span class="n">1</span>' in glance
    # Private key results count for those who may see them only.
    assert "Average progress of 8 key results" in section(home(client, seller), "glance-h1")


def test_no_active_cycle_says_so(client, owner, cycle):
    cycle.state = CycleState.PLANNING
    cycle.save()
    html = home(client, owner)
    assert "No active cycle" in html


@pytest.mark.parametrize("extra", [0, 5])
def test_home_query_count_does_not_grow_with_rows(
    client, actor_of, admin, owner, seller, cycle, company, product, sales, extra, no_kept_answers
):
    me = actor_of(owner)
    for i in range(1 + extra):
        top = objective(actor_of(admin), cycle, company, title=f"Company {i}")
        obj = objective(me, cycle, product, title=f"Objective {i}", parent_id=top.pk)
        for _ in range(3):
            kr = key_result(me, obj)
            actions.create_checkin(me, kr.pk, value=30.0, confidence=3)
        key_result(me, obj, title="Never checked")
        theirs = key_result(actor_of(seller), objective(actor_of(seller), cycle, sales))
        actions.create_checkin(actor_of(seller), theirs.pk, value=30.0, confidence=3)
    client.force_login(owner)
    client.get("/")  # the process now keeps this reader's actor
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    # session, user, change stamps, cycles, objectives, key results, check-ins, the glance's
    # counts
    # …, and the latest check-ins: one chunk read newest first, its visible ones, their rows.
    assert len(ctx.captured_queries) <= 10, [q["sql"] for q in ctx.captured_queries]


def test_glance_leaves_key_results_with_nothing_to_count_out_of_the_average(
    client, actor_of, owner, cycle, product
):
    me = actor_of(owner)
    obj = objective(me, cycle, product, title="Launch the partner programme")
    counted = key_result(me, obj, title="Partners signed", start_value=0.0, target_value=10.0)
    actions.create_checkin(me, counted.pk, value=6.0, confidence=4)
    actions.create_key_result(me, obj, title="Partner portal tasks", kind="tasks")
    glance = section(home(client, owner), "glance-h1")
    assert "60%" in glance and "30%" not in glance
