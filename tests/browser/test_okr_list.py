"""In the browser: signing in shows the active cycle's OKRs; private objectives stay private."""

import pytest
from playwright.sync_api import expect

from sasaran.okrs import actions
from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def okrs(actor_of, admin, owner, cycle, company, product):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    team = objective(
        actor_of(owner), cycle, product, title="Make onboarding effortless", parent_id=top.pk
    )
    kr = key_result(actor_of(owner), team, title="Activation from 20% to 50%")
    actions.create_checkin(actor_of(owner), kr.pk, value=35.0, confidence=4)
    objective(
        actor_of(owner), cycle, product, title="Quiet pricing experiment", visibility="private"
    )
    return top, team, kr


def test_sign_in_shows_active_cycle_okrs_with_progress(signed_in, okrs, owner, live_server):
    page = signed_in("owner@example.com")
    page.goto(f"{live_server.url}/okrs/")
    expect(page.get_by_role("heading", name="OKRs for Current quarter")).to_be_visible()
    row = page.get_by_role("row", name="Activation from 20% to 50%")
    expect(row).to_contain_text("50%")
    expect(page.get_by_role("link", name="Quiet pricing experiment")).to_be_visible()


def test_private_objective_is_invisible_to_another_team(signed_in, okrs, seller, live_server):
    page = signed_in("seller@example.com")
    page.goto(f"{live_server.url}/okrs/")
    expect(page.get_by_role("link", name="Make onboarding effortless")).to_be_visible()
    expect(page.get_by_text("Quiet pricing experiment")).to_have_count(0)


def test_wrong_password_keeps_you_on_the_form(page, live_server, owner):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.url.endswith("/login/")
