"""In the browser: the weekly check-in as fast as the issue asks — from Home a check-in with a
note in two clicks; four key results with the keyboard alone from the inbox; on a 390 px phone,
Home's rows are tappable, the objective page's first Check in is on the first screen and the
explorer's filters are folded."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn
from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def due_krs(actor_of, admin, owner, cycle, company, product):
    """Four key results of mine, each last checked in eight days ago: all due this week. Their
    objective has what a real one has above its key results: a parent and a description."""
    me = actor_of(owner)
    top = objective(actor_of(admin), cycle, company, title="Become the go-to platform for teams")
    obj = objective(
        me,
        cycle,
        product,
        title="Make onboarding effortless for every new workspace",
        parent_id=top.pk,
        description=(
            "New workspaces reach their first check-in within a day: a guided setup, templates"
            " for the first objectives and an invitation flow that brings the team along."
        ),
    )
    krs = []
    for i in range(4):
        kr = key_result(me, obj, title=f"KR number {i + 1}", start_value=0.0, target_value=100.0)
        actions.create_checkin(
            me,
            kr.pk,
            value=10.0,
            confidence=4,
            checked_in_at=timezone.now() - dt.timedelta(days=8),
        )
        krs.append(kr)
    return obj, krs


def test_from_home_a_check_in_with_a_note_takes_two_clicks(signed_in, live_server, due_krs):
    _, krs = due_krs
    kr = krs[0]
    page = signed_in("owner@example.com")
    row = page.locator("#due-h").locator("xpath=..").locator("li", has_text=kr.title)
    clicks = 0
    row.get_by_role("link", name=re.compile("^Check in")).click()  # 1: the row opens in place
    clicks += 1
    form_row = page.locator(f"#checkin-kr-{kr.pk}")
    note = form_row.get_by_label("Progress")
    note.click()  # 2: into the note
    clicks += 1
    page.keyboard.type("Wizard shipped to all new sign-ups")
    page.keyboard.press("Enter")  # a key, not a click
    expect(form_row.get_by_role("status")).to_have_text(re.compile(r"^Saved · 10% · "))
    expect(form_row).to_contain_text("Done this week")
    assert clicks <= 2
    checkin = CheckIn.objects.filter(key_result=kr).order_by("-id").first()
    assert checkin.progress_note == "Wizard shipped to all new sign-ups"
    assert (checkin.value, checkin.confidence) == (10.0, 4)  # prefilled, kept


def test_four_key_results_with_the_keyboard_alone(signed_in, live_server, due_krs):
    _, krs = due_krs
    page = signed_in("owner@example.com")
    page.goto(f"{live_server.url}/check-ins/")
    started = time.monotonic()
    # Tab from the top of the page to the first row's first field.
    first = page.locator(f"#ci{krs[0].pk}-value")
    for _ in range(40):
        page.keyboard.press("Tab")
        if first.evaluate("el => el === document.activeElement"):
            break
    expect(first).to_be_focused()
    for i, kr in enumerate(krs):
        expect(page.locator(f"#ci{kr.pk}-value")).to_be_focused()
        page.keyboard.type(str(20 + 10 * i))  # the prefilled value is selected: replaced
        page.keyboard.press("Tab")  # confidence
        page.keyboard.press("3")
        page.keyboard.press("Tab")  # the progress note
        page.keyboard.type(f"Note for row {i + 1}")
        page.keyboard.press("Enter")  # saves the row, focus moves to the next row
        row = page.locator(f"#checkin-kr-{kr.pk}")
        expect(row.get_by_role("status")).to_have_text(re.compile(rf"^Saved · {20 + 10 * i}% · "))
    assert time.monotonic() - started < 60
    for i, kr in enumerate(krs):
        expect(page.locator(f"#checkin-kr-{kr.pk}").get_by_role("status")).to_be_visible()
        checkin = CheckIn.objects.filter(key_result=kr).order_by("-id").first()
        assert (checkin.value, checkin.confidence, checkin.progress_note) == (
            20.0 + 10 * i,
            3,
            f"Note for row {i + 1}",
        )


def test_a_bad_row_keeps_its_input_while_save_all_saves_the_others(signed_in, live_server, due_krs):
    _, krs = due_krs
    page = signed_in("owner@example.com")
    page.goto(f"{live_server.url}/check-ins/")
    page.locator(f"#ci{krs[0].pk}-value").fill("55")
    page.locator(f"#ci{krs[1].pk}-value").fill("fifty")
    page.locator(f"#ci{krs[1].pk}-blockers").fill("Legal review pending")
    page.get_by_role("button", name="Save all").first.click()
    bad = page.locator(f"#checkin-kr-{krs[1].pk}")
    expect(bad.locator(".field-error")).to_have_text(re.compile("Enter a number between"))
    expect(bad.locator(f"#ci{krs[1].pk}-value")).to_have_value("fifty")
    expect(bad.locator(f"#ci{krs[1].pk}-blockers")).to_have_value("Legal review pending")
    expect(page.locator(f"#checkin-kr-{krs[0].pk}").get_by_role("status")).to_have_text(
        re.compile(r"^Saved · 55% · ")
    )
    assert CheckIn.objects.filter(key_result=krs[1]).count() == 1  # only the old one


def test_on_a_phone_rows_are_tappable_and_check_in_is_on_the_first_screen(
    signed_in, live_server, due_krs
):
    obj, krs = due_krs
    page = signed_in("owner@example.com")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    # A KR row of "Your teams' objectives": a tap anywhere on it (here: on its progress bar)
    # opens the key result on its objective's page.
    row = page.locator("#teams-h").locator("xpath=..").locator("li.tap-row", has_text="KR number 2")
    row.scroll_into_view_if_needed()
    box = row.locator(".bar").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(rf"/objectives/{obj.pk}/#kr-{krs[1].pk}$"))

    # The objective page from its top: the first Check in is within the first screen.
    page.goto(f"{live_server.url}/objectives/{obj.pk}/")
    first = page.locator("details.act > summary", has_text="Check in").first
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box

    # The explorer's filters are folded behind their summary.
    page.goto(f"{live_server.url}/okrs/?status=on_track")
    fold = page.locator("details.filters-fold")
    expect(fold.locator("summary")).to_have_text("Filters (1)")
    expect(fold).not_to_have_attribute("open", "")
    expect(page.get_by_label("Search titles")).to_be_hidden()
    fold.locator("summary").click()
    expect(page.get_by_label("Search titles")).to_be_visible()
