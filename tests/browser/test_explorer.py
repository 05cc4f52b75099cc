"""In the browser: the explorer filters in place with htmx; the alignment map expands without
JavaScript of our own."""

import re

import pytest
from playwright.sync_api import expect

from sasaran.okrs import actions
from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def okrs(actor_of, admin, owner, cycle, company, product, growth):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    team = objective(
        actor_of(owner), cycle, product, title="Make onboarding effortless", parent_id=top.pk
    )
    ahead = key_result(actor_of(owner), team, title="Activation from 20% to 50%")
    actions.create_checkin(actor_of(owner), ahead.pk, value=40.0, confidence=5)
    key_result(actor_of(owner), team, title="Time to first value under a day")
    objective(actor_of(admin), cycle, growth, title="Grow self-serve revenue", parent_id=team.pk)
    return top, team


def test_filtering_by_status_swaps_the_rows_in_place(signed_in, okrs, live_server):
    page = signed_in("owner@example.com")
    page.get_by_role("link", name="OKRs", exact=True).click()
    page.wait_for_url(f"{live_server.url}/okrs/")
    page.get_by_role("link", name="List").click()
    expect(page.get_by_role("row", name="Time to first value under a day")).to_be_visible()
    page.evaluate("window.__same_page = true")  # survives only if the page is not reloaded

    page.get_by_label("Status").select_option("on_track")
    page.get_by_role("row", name="Time to first value under a day").wait_for(state="detached")
    expect(page.get_by_role("row", name="Activation from 20% to 50%")).to_be_visible()
    assert page.evaluate("window.__same_page") is True
    expect(page).to_have_url(re.compile(r"status=on_track"))  # shareable
    assert "view=list" in page.url


def test_alignment_map_expands_a_collapsed_node(signed_in, okrs):
    page = signed_in("owner@example.com")
    page.get_by_role("link", name="Alignment").click()
    expect(page.get_by_role("heading", name="Alignment in Current quarter")).to_be_visible()
    growth = page.get_by_role("link", name="Grow self-serve revenue")
    expect(growth).to_be_hidden()
    page.get_by_text("1 aligned objective").last.click()
    growth.wait_for(state="visible")
