"""In the browser: the needs-attention view lists key results the furthest behind first, its
filters live in the URL (a reload or a shared link shows the same), and "Copy link" copies
that URL."""

import re

import pytest
from playwright.sync_api import expect

from sasaran.okrs import actions
from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def okrs(actor_of, admin, owner, cycle, product, growth, sales, seller):
    """A third of the cycle has passed (about 33% expected)."""
    o, s, a = actor_of(owner), actor_of(seller), actor_of(admin)
    onboarding = objective(o, cycle, product, title="Make onboarding effortless")
    grow = objective(a, cycle, growth, title="Grow self-serve")
    sell = objective(s, cycle, sales, title="Land logos")
    for actor, obj, title, value, confidence in [
        (o, onboarding, "Invites to 100", 20, 4),  # ~13 points behind
        (a, grow, "Trials to 100", 10, 4),  # ~23
        (s, sell, "Deals to 100", 0, 4),  # ~33
        (o, onboarding, "Activation to 100", 5, 4),  # ~28
        (o, onboarding, "Docs to 100", 60, 4),  # ahead: not listed
    ]:
        kr = key_result(actor, obj, title=title, start_value=0, target_value=100)
        actions.create_checkin(actor, kr.pk, value=value, confidence=confidence)


def shown(page):
    return page.locator("table.attention a.kr-link").all_inner_texts()


def test_key_results_are_shown_the_furthest_behind_first(signed_in, okrs, live_server):
    page = signed_in("admin@example.com")
    page.get_by_role("link", name="Needs attention").first.click()
    page.wait_for_url(re.compile(r"/okrs/attention/\?cycle=\d+"))
    expect(page.get_by_role("heading", name="Needs attention in Current quarter")).to_be_visible()
    assert shown(page) == ["Deals to 100", "Activation to 100", "Trials to 100", "Invites to 100"]
    gaps = [
        int(re.search(r"\d+", text).group())
        for text in page.locator("table.attention td.gap").all_inner_texts()
    ]
    assert gaps == sorted(gaps, reverse=True)


def test_filters_survive_in_the_url_and_a_reload_keeps_them(
    signed_in, okrs, live_server, product, page
):
    signed_in("admin@example.com")
    page.goto(f"{live_server.url}/okrs/attention/")
    page.get_by_label("Team", exact=True).select_option(str(product.pk))  # submits on change
    expect(page).to_have_url(re.compile(rf"team={product.pk}"))
    # Product and Growth beneath it; Sales is gone.
    expect(page.locator("table.attention a.kr-link")).to_have_count(3)
    assert shown(page) == ["Activation to 100", "Trials to 100", "Invites to 100"]
    expect(page.get_by_role("heading", name="Summary: Product and its sub-teams")).to_be_visible()

    url = page.url
    page.reload()
    assert page.url == url
    expect(page.get_by_label("Team", exact=True)).to_have_value(str(product.pk))
    assert shown(page) == ["Activation to 100", "Trials to 100", "Invites to 100"]


def test_copy_link_copies_the_current_url_with_its_filters(
    signed_in, okrs, live_server, product, page, context
):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    signed_in("admin@example.com")
    page.goto(f"{live_server.url}/okrs/attention/?team={product.pk}")
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("Link copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == page.url


def test_explorer_export_link_follows_the_filters_swapped_in_place(
    signed_in, okrs, live_server, page
):
    signed_in("owner@example.com")
    page.goto(f"{live_server.url}/okrs/?view=list")
    page.get_by_label("Status").select_option("off_track")
    expect(page).to_have_url(re.compile(r"status=off_track"))
    link = page.get_by_role("link", name="Export CSV")
    expect(link).to_have_attribute("href", re.compile(r"status=off_track.*format=csv"))
    expect(page.get_by_role("button", name="Print")).to_be_visible()
