"""In the browser: comment on an objective with an @mention (picked from the suggestions) and on
a key result, and edit the comment; each appears in the feed in place, without a reload."""

import re

import pytest
from playwright.sync_api import expect

from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def okr(actor_of, owner, teammate, cycle, product):
    obj = objective(actor_of(owner), cycle, product, title="Make onboarding effortless")
    kr = key_result(actor_of(owner), obj, title="Activation from 20 to 50")
    return obj, kr


def test_a_comment_with_a_mention_appears_in_the_feed_without_a_reload(
    signed_in, live_server, okr, teammate
):
    obj, kr = okr
    page = signed_in("owner@example.com")
    page.goto(f"{live_server.url}/objectives/{obj.pk}/")
    page.evaluate("window.notReloaded = true")
    feed = page.locator("#checkin-feed")

    feed.get_by_text("Comment on the objective", exact=True).click()
    field = feed.get_by_label("Comment", exact=True)
    field.fill("Great start, ")
    field.press_sequentially("@tom")  # suggestions by name; Enter picks the first
    expect(page.get_by_role("option", name="Tomi Teammate (@teammate)")).to_be_visible()
    page.keyboard.press("Enter")
    field.press_sequentially(": **ship it**")
    expect(field).to_have_value("Great start, @teammate : **ship it**")
    feed.get_by_role("button", name="Post comment").click()

    expect(feed.get_by_role("status")).to_have_text("Comment posted.")
    item = feed.locator(".comment-item").first
    expect(item.locator("strong", has_text="ship it")).to_be_visible()
    mention = item.locator("a.mention")
    expect(mention).to_have_text("@teammate")
    expect(mention).to_have_attribute("href", re.compile(rf"owner={teammate.pk}"))
    expect(mention).to_have_attribute("title", "Tomi Teammate")
    expect(page.locator("#history")).to_contain_text("commented on")

    # On the key result: its own block, and the comment joins the same feed.
    card = page.locator(f"#kr-{kr.pk}")
    card.locator(".kr-comment summary").click()
    card.get_by_label("Comment on this key result").fill("Blocked on the email vendor")
    card.get_by_role("button", name="Post comment").click()
    expect(card.locator(".kr-comment").get_by_role("status")).to_have_text("Comment posted.")
    expect(feed.locator(".comment-item").first).to_contain_text("Blocked on the email vendor")
    expect(feed.locator(".comment-item").first).to_contain_text("Activation from 20 to 50")

    # Edit one's own comment in place.
    first = feed.locator(".comment-item").first
    first.locator("summary", has_text="Edit").click()
    first.get_by_label("Your comment").fill("Unblocked: the vendor replied")
    first.get_by_role("button", name="Save comment").click()
    expect(feed.get_by_role("status")).to_have_text("Comment saved.")
    expect(feed.locator(".comment-item").first).to_contain_text("Unblocked: the vendor replied")
    expect(feed.locator(".comment-item").first).to_contain_text("edited")
    assert page.evaluate("window.notReloaded") is True
