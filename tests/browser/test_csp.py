"""Every page carries a Content-Security-Policy (no inline script or style, nothing from other
hosts), and the main pages run under it without a single violation: their scripts, styles,
htmx swaps and the API docs all come from our own files."""

import re

import pytest
from playwright.sync_api import expect

from sasaran.okrs import actions
from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.django_db(transaction=True)

# Collected in the page itself, before any of its own scripts run.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


@pytest.fixture
def okrs(actor_of, admin, owner, cycle, company, product):
    top = objective(
        actor_of(admin),
        cycle,
        company,
        title="Win the SME market",
        description="See [the plan](https://example.com) ![x](https://tracker.example.net/p.png)",
    )
    team = objective(
        actor_of(owner), cycle, product, title="Make onboarding effortless", parent_id=top.pk
    )
    kr = key_result(actor_of(owner), team, title="Activation from 20% to 50%")
    actions.create_checkin(actor_of(owner), kr.pk, value=40.0, confidence=4)
    return top, team, kr


def _violations(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def test_every_page_carries_the_policy(client, db):
    for url in ("/login/", "/api/v1/docs", "/static/sasaran/app.css", "/healthz"):
        response = client.get(url)
        response.close()  # a static file is streamed
        policy = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, url
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def test_the_main_pages_run_without_a_csp_violation(signed_in, okrs, live_server, page, admin):
    top, team, kr = okrs
    admin.is_staff = admin.is_superuser = True  # Django's admin too
    admin.save()
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.add_init_script(WATCH)
    page.goto(f"{live_server.url}/login/")
    assert _violations(page) == []
    signed_in("admin@example.com")
    base = live_server.url
    for path in (
        "/",
        "/okrs/",
        "/okrs/?view=list",
        "/okrs/attention/",
        "/alignment/",
        f"/objectives/{top.pk}/",
        f"/objectives/{team.pk}/",
        f"/key-results/{kr.pk}/check-in/",
        f"/key-results/{kr.pk}/edit/",
        "/objectives/new/",
        "/cycles/",
        f"/cycles/{kr.objective.cycle_id}/close/",
        "/settings/",
        "/settings/teams/",
        "/settings/tokens/",
        "/profile/",
        "/api/v1/docs",
        "/django-admin/",
        "/django-admin/okrs/objective/",
        f"/django-admin/okrs/objective/{team.pk}/change/",
        "/django-admin/okrs/keyresult/",
    ):
        response = page.goto(base + path)
        assert response.ok, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert _violations(page) == [], path
    page.goto(f"{base}/django-admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert _violations(page) == []
    # htmx swaps (a filter, an inline check-in) run under the policy too.
    page.goto(f"{base}/okrs/?view=list")
    page.get_by_label("Status").select_option("on_track")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/objectives/{team.pk}/")
    card = page.locator(f"#kr-{kr.pk}")
    card.get_by_text("Check in", exact=True).click()
    card.get_by_label(re.compile("^New value")).fill("45")
    card.get_by_label("4 High").check()
    card.get_by_role("button", name="Save check-in").click()
    expect(card.get_by_role("status")).to_have_text("Check-in saved.")
    assert _violations(page) == []
    assert console == []
