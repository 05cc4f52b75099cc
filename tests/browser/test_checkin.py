"""In the browser: check in on a key result with the keyboard alone and watch the KR, the
objective and the objective it aligns to change in place; override a status with a reason."""

import re

import pytest
from playwright.sync_api import expect

from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def okrs(actor_of, admin, owner, cycle, company, product):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    team = objective(
        actor_of(owner), cycle, product, title="Make onboarding effortless", parent_id=top.pk
    )
    kr = key_result(actor_of(owner), team, title="Activation from 20 to 50")
    return top, team, kr


def test_check_in_with_the_keyboard_updates_the_page_in_place(signed_in, live_server, okrs):
    top, team, kr = okrs
    page = signed_in("owner@example.com")
    page.goto(f"{live_server.url}/objectives/{team.pk}/")
    page.evaluate("window.notReloaded = true")
    card = page.locator(f"#kr-{kr.pk}")
    summary = page.locator("#objective-summary")
    expect(card.locator(".kr-head .status")).not_to_have_text(re.compile("Done"))
    expect(summary).to_contain_text("0%")

    # Tab to the card's "Check in" control, then keyboard only.
    card.get_by_text("Check in", exact=True).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label(re.compile("^New value"))).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("50")
    page.keyboard.press("Tab")  # into the confidence radio group (1)
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 2, 3, 4
    expect(card.get_by_label("4 High")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("Onboarding wizard live")
    page.keyboard.press("Tab")
    page.keyboard.type("Activation doubled")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past blockers to the button
    expect(page.get_by_role("button", name="Save check-in")).to_be_focused()
    page.keyboard.press("Enter")

    expect(card.get_by_role("status")).to_have_text("Check-in saved.")
    expect(card.get_by_role("status")).to_be_focused()
    expect(card.locator(".kr-head .status")).to_have_text(re.compile("Done"))
    expect(summary.locator(".pct")).to_have_text("100%")
    expect(summary.locator(".parent-progress")).to_have_text("100% done")
    expect(page.locator("#checkin-feed")).to_contain_text("Activation doubled")
    assert page.evaluate("window.notReloaded") is True


def test_override_a_status_with_a_reason(signed_in, live_server, okrs):
    _, team, kr = okrs
    page = signed_in("owner@example.com")
    page.goto(f"{live_server.url}/objectives/{team.pk}/")
    card = page.locator(f"#kr-{kr.pk}")
    card.get_by_text("Override status", exact=True).click()
    card.get_by_label("Status").select_option("at_risk")
    card.get_by_role("button", name="Save status").click()
    expect(card.locator(".field-error")).to_have_text(re.compile("Say why"))
    card.get_by_label(re.compile("^Reason")).fill("Email vendor slipped two weeks")
    card.get_by_role("button", name="Save status").click()
    expect(card.get_by_role("status")).to_have_text("Status overridden.")
    expect(card.locator(".kr-head .status")).to_have_text(re.compile("At risk"))
    expect(card).to_contain_text("Email vendor slipped two weeks")
    expect(page.locator("#history")).to_contain_text("overrode the status of")
