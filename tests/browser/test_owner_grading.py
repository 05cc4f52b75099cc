"""In the browser: after an admin closes the cycle, a department head (a team lead, not an
admin) grades a key result of the team and writes the objective's retrospective; a plain member
of the team finds no grading control."""

import pytest
from playwright.sync_api import expect

from sasaran.accounts.models import Role, TeamMember
from sasaran.okrs import actions
from sasaran.okrs.models import KeyResult, Retrospective
from tests.conftest import _member
from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closed(actor_of, workspace, admin, owner, teammate, cycle, product):
    head = _member(workspace, "head@example.com", Role.MEMBER, "Hana Head", [product])
    TeamMember.objects.filter(user=head).update(is_lead=True)
    obj = objective(actor_of(owner), cycle, product, title="Delight users")
    kr = key_result(actor_of(owner), obj, title="NPS 20 to 50")
    actions.create_checkin(actor_of(owner), kr.pk, value=35.0, confidence=4)  # suggested 0.5
    actions.close_cycle(actor_of(admin), cycle)
    return obj, kr


def test_department_head_grades_and_writes_the_retrospective(signed_in, live_server, cycle, closed):
    obj, kr = closed
    page = signed_in("head@example.com")
    page.goto(f"{live_server.url}/objectives/{obj.pk}/")
    page.get_by_role("link", name="Grade and write the retrospective").click()
    page.wait_for_url(f"{live_server.url}/cycles/{cycle.pk}/grade/*")
    page.get_by_label("Score for NPS 20 to 50").select_option("0.7")
    page.get_by_role("button", name="Save the grades of “Delight users”").click()
    # A score other than the suggestion needs a reason: said beside the field, nothing kept.
    expect(page.locator(f"#reason-{kr.pk}-error")).to_be_visible()
    assert KeyResult.objects.get(pk=kr.pk).score == 0.5
    page.get_by_label("Reason for the score of NPS 20 to 50").fill("The last survey came late")
    page.get_by_label("What worked").fill("Weekly customer calls")
    page.get_by_role("button", name="Save the grades of “Delight users”").click()
    expect(page.get_by_text("Grades of “Delight users” saved.")).to_be_visible()
    graded = KeyResult.objects.get(pk=kr.pk)
    assert (graded.score, graded.score_reason) == (0.7, "The last survey came late")
    assert Retrospective.objects.get(objective=obj).what_worked == "Weekly customer calls"
    page.goto(f"{live_server.url}/objectives/{obj.pk}/")
    expect(page.locator("dl.retro")).to_contain_text("Weekly customer calls")


def test_a_plain_member_finds_no_grading_control(signed_in, live_server, cycle, closed):
    obj, kr = closed
    page = signed_in("teammate@example.com")
    page.goto(f"{live_server.url}/objectives/{obj.pk}/")
    expect(page.get_by_role("heading", name="Grade")).to_be_visible()
    expect(page.get_by_role("link", name="Grade and write the retrospective")).to_have_count(0)
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/grade/")
    expect(page.get_by_text("No objective of this cycle is yours to grade")).to_be_visible()
    expect(page.get_by_label("Score for NPS 20 to 50")).to_have_count(0)


@pytest.fixture
def two_to_grade(actor_of, workspace, admin, owner, cycle, product):
    head = _member(workspace, "head@example.com", Role.MEMBER, "Hana Head", [product])
    TeamMember.objects.filter(user=head).update(is_lead=True)
    for title in ("Delight users", "Ship faster"):
        obj = objective(actor_of(owner), cycle, product, title=title)
        key_result(actor_of(owner), obj, title=f"KR of {title}")
    actions.close_cycle(actor_of(admin), cycle)


def test_another_objectives_save_asks_before_typed_grades_are_lost(
    signed_in, live_server, cycle, two_to_grade
):
    page = signed_in("head@example.com")
    page.goto(f"{live_server.url}/cycles/{cycle.pk}/grade/")
    first = page.locator("form.grade-form").filter(has_text="Delight users")
    first.get_by_label("What worked").click()
    page.keyboard.type("Weekly customer calls")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on the page"

    page.on("dialog", dismiss)
    page.get_by_role("button", name="Save the grades of “Ship faster”").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    # Still on the page, with what was typed; nothing of it was saved.
    expect(first.get_by_label("What worked")).to_have_value("Weekly customer calls")
    assert not Retrospective.objects.filter(what_worked="Weekly customer calls").exists()
