"""In the browser: an admin creates an objective with two key results aligned to a company
objective, then closes the cycle with grades and a retrospective."""

import pytest
from playwright.sync_api import expect

from sasaran.okrs import actions
from sasaran.okrs.models import CycleState, KeyResult, Objective, Retrospective
from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_creates_aligned_objective_with_two_krs(
    signed_in, live_server, actor_of, admin, cycle, company, product
):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    page = signed_in("admin@example.com")
    page.goto(f"{live_server.url}/objectives/new/?cycle={cycle.pk}")
    page.get_by_role("textbox", name="Objective", exact=True).fill("Make onboarding effortless")
    page.get_by_label("Team").select_option(label="Product")
    page.get_by_label("Aligns to").select_option(label="Win the SME market")
    first = page.locator("fieldset.kr-fields").nth(0)
    first.get_by_role("textbox", name="Key result", exact=True).fill("Activation from 20% to 50%")
    first.get_by_label("Measured as").select_option("percentage")
    expect(first.get_by_label("Currency (ISO code)")).to_be_hidden()
    first.get_by_label("Start (baseline)").fill("20")
    first.get_by_label("Target").fill("50")
    page.get_by_role("button", name="Add another key result").click()
    second = page.locator("fieldset.kr-fields").nth(1)
    second.get_by_role("textbox", name="Key result", exact=True).fill("Ship the checklist")
    second.get_by_label("Measured as").select_option("milestones")
    expect(second.get_by_label("Target")).to_be_hidden()
    second.get_by_label("Milestone 1").fill("Design")
    second.get_by_role("button", name="Add a milestone").click()
    second.get_by_label("Milestone 2").fill("Release")
    page.get_by_role("button", name="Save objective").click()
    page.wait_for_url(f"{live_server.url}/objectives/*/")
    obj = Objective.objects.get(title="Make onboarding effortless")
    assert obj.parent_id == top.pk and obj.team_id == product.pk
    krs = list(obj.key_results.order_by("id"))
    assert [(k.title, k.kind) for k in krs] == [
        ("Activation from 20% to 50%", "percentage"),
        ("Ship the checklist", "milestones"),
    ]
    assert [m.title for m in krs[1].milestones.all()] == ["Design", "Release"]


def test_admin_closes_cycle_with_grades_and_retrospective(
    signed_in, live_server, actor_of, admin, owner, cycle, product
):
    obj = objective(actor_of(owner), cycle, product, title="Delight users")
    kr = key_result(actor_of(owner), obj, title="NPS 20 to 50")
    actions.create_checkin(actor_of(owner), kr.pk, value=44.0, confidence=4, wins="NPS jumped")
    page = signed_in("admin@example.com")
    page.goto(f"{live_server.url}/cycles/")
    page.get_by_role("link", name="Close and grade Current quarter").click()
    page.get_by_label("Score for NPS 20 to 50").select_option("0.6")
    page.get_by_label("What worked").fill("Weekly customer calls")
    page.get_by_label("Learnings").fill("NPS follows support speed")
    page.get_by_role("button", name="Close Current quarter with these scores").click()
    # No reason given: the page says so next to the field and closes nothing.
    expect(page.locator(f"#reason-{kr.pk}-error")).to_be_visible()
    expect(page.get_by_label("What worked")).to_have_value("Weekly customer calls")
    page.get_by_label("Reason for the score of NPS 20 to 50").fill("Survey sample was small")
    page.get_by_role("button", name="Close Current quarter with these scores").click()
    # Asked first: what closing does, and that it closes early.
    confirm = page.get_by_role("alertdialog", name="Close Current quarter?")
    expect(confirm).to_be_focused()
    expect(confirm).to_contain_text("freezes its OKRs")
    expect(confirm).to_contain_text("days before its end date")
    page.get_by_role("button", name="Yes, close Current quarter").click()
    page.wait_for_url(f"{live_server.url}/cycles/{cycle.pk}/celebrate/")
    expect(page.get_by_text("NPS jumped")).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED
    assert KeyResult.objects.get(pk=kr.pk).score == 0.6
    assert Retrospective.objects.get(objective=obj).what_worked == "Weekly customer calls"


def test_owner_edits_a_checklist_in_place(signed_in, live_server, actor_of, owner, cycle, product):
    """Removing, renaming and adding milestones in the browser keeps the ids (and the done
    state) of the milestones that stay."""
    obj = objective(actor_of(owner), cycle, product)
    kr = actions.create_key_result(
        actor_of(owner),
        obj,
        title="Launch",
        kind="milestones",
        milestones=[{"title": t, "weight": 1} for t in ("Beta", "GA", "Docs")],
    )
    beta, ga, _docs = kr.milestones.all()
    actions.create_checkin(actor_of(owner), kr.pk, milestones_done=[beta.pk], confidence=4)
    page = signed_in("owner@example.com")
    page.goto(f"{live_server.url}/key-results/{kr.pk}/edit/")
    rows = page.locator(".ms-row")
    rows.nth(2).get_by_role("button", name="Remove").click()  # Docs
    page.get_by_label("Milestone 2").fill("General availability")
    page.get_by_role("button", name="Add a milestone").click()
    expect(page.get_by_label("Milestone 4")).to_be_focused()
    page.get_by_label("Milestone 4").fill("Press")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/objectives/{obj.pk}/")
    assert list(kr.milestones.values_list("id", "title", "done"))[:2] == [
        (beta.pk, "Beta", True),
        (ga.pk, "General availability", False),
    ]
    assert [m.title for m in kr.milestones.all()] == ["Beta", "General availability", "Press"]
    kr.refresh_from_db()
    assert kr.progress == 1 / 3
