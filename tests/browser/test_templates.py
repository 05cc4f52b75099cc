"""In the browser: from a planning cycle's page a team member opens the templates, picks two,
types today's value of each key result and creates both objectives in that cycle and team."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sasaran.okrs.models import Cycle, CycleState, Objective

pytestmark = pytest.mark.django_db(transaction=True)

BASELINES = {
    "Reduce the average number of new bug reports from 72 to 60 a month": "75",
    "Raise the failure-free release rate from 96% to 99%": "95.5",
    "Increase test coverage from 35% to 50% to catch more issues before launch": "33",
    "Increase the win rate from 18% to 25%": "17",
    "Reduce the average deal cycle from 42 to 30 days": "45",
    "Run a win-loss analysis on 100% of closed opportunities": "10",
}


def test_a_team_builds_its_set_from_two_templates(
    signed_in, live_server, workspace, owner, cycle, product
):
    today = timezone.now().date()
    planning = Cycle.objects.create(
        workspace=workspace,
        name="Next quarter",
        start_date=today + dt.timedelta(days=61),
        end_date=today + dt.timedelta(days=150),
        state=CycleState.PLANNING,
    )
    page = signed_in("owner@example.com")
    page.goto(f"{live_server.url}/cycles/")
    page.get_by_role("link", name="Next quarter", exact=True).click()
    page.get_by_role("link", name="Start from templates").click()
    expect(page.get_by_label("Cycle", exact=True)).to_have_value(str(planning.pk))
    expect(page.get_by_label("Team", exact=True)).to_have_value(str(product.pk))
    page.get_by_label("Improve the quality of product releases").check()
    page.get_by_label("Improve sales efficiency and close more high-quality deals").check()
    page.get_by_role("button", name="Continue with the picked templates").click()
    expect(page.get_by_role("heading", name="Review the new objectives")).to_be_visible()
    expect(page.get_by_label("Cycle", exact=True)).to_have_value(str(planning.pk))
    for title, value in BASELINES.items():
        group = page.get_by_role("group", name=title)
        baseline = group.get_by_label("Today's value (baseline)")
        expect(baseline).to_have_value("")  # the template's sample is only a placeholder
        baseline.fill(value)
    # The owner drops one key result and changes one target.
    page.get_by_role(
        "group", name="Run a win-loss analysis on 100% of closed opportunities"
    ).get_by_label("Keep this key result").uncheck()
    page.get_by_role("group", name="Increase the win rate from 18% to 25%").get_by_label(
        "Target"
    ).fill("24")
    page.get_by_role("button", name="Create 2 objectives").click()
    page.wait_for_url(f"{live_server.url}/okrs/?cycle={planning.pk}&team={product.pk}")
    expect(page.get_by_text("2 objectives created from templates.")).to_be_visible()
    created = Objective.objects.filter(cycle=planning, team=product).order_by("id")
    assert [o.title for o in created] == [
        "Improve the quality of product releases",
        "Improve sales efficiency and close more high-quality deals",
    ]
    got = {
        kr.title: (kr.start_value, kr.target_value, kr.owner_id)
        for o in created
        for kr in o.key_results.all()
    }
    assert got == {
        "Reduce the average number of new bug reports from 72 to 60 a month": (
            75.0,
            60.0,
            owner.pk,
        ),
        "Raise the failure-free release rate from 96% to 99%": (95.5, 99.0, owner.pk),
        "Increase test coverage from 35% to 50% to catch more issues before launch": (
            33.0,
            50.0,
            owner.pk,
        ),
        "Increase the win rate from 18% to 25%": (17.0, 24.0, owner.pk),
        "Reduce the average deal cycle from 42 to 30 days": (45.0, 30.0, owner.pk),
    }
    assert not Objective.objects.filter(cycle=cycle).exists()
