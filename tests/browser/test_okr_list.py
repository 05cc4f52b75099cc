"""In the browser: signing in shows the active cycle's OKRs; private objectives stay private."""

import pytest

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
    assert page.get_by_role("heading", name="OKRs for Current quarter").is_visible()
    row = page.get_by_role("row", name="Activation from 20% to 50%")
    assert "50%" in row.inner_text()
    assert page.get_by_role("link", name="Quiet pricing experiment").is_visible()


def test_private_objective_is_invisible_to_another_team(signed_in, okrs, seller, live_server):
    page = signed_in("seller@example.com")
    page.goto(f"{live_server.url}/okrs/")
    assert page.get_by_role("link", name="Make onboarding effortless").is_visible()
    assert page.get_by_text("Quiet pricing experiment").count() == 0


def test_wrong_password_keeps_you_on_the_form(page, live_server, owner):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    assert page.url.endswith("/login/")
