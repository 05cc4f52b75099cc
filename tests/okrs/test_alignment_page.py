"""The alignment map (/alignment/): a cycle's objectives from the company's down, collapsible,
unaligned team objectives called out, private objectives hidden from those who may not see them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaran.okrs import actions
from sasaran.okrs.models import Cycle, CycleState, Visibility
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def tree(actor_of, admin, owner, seller, cycle, company, product, growth, sales):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    prod = objective(
        actor_of(owner), cycle, product, title="Make onboarding effortless", parent_id=top.pk
    )
    kr = key_result(actor_of(owner), prod, title="Activation from 20% to 50%")
    actions.create_checkin(actor_of(owner), kr.pk, value=35.0, confidence=4)
    grow = objective(
        actor_of(admin), cycle, growth, title="Grow self-serve revenue", parent_id=prod.pk
    )
    lonely = objective(actor_of(seller), cycle, sales, title="Land enterprise logos")
    secret = objective(
        actor_of(owner),
        cycle,
        product,
        title="Quiet pricing experiment",
        parent_id=top.pk,
        visibility=Visibility.PRIVATE,
    )
    below_secret = objective(
        actor_of(admin), cycle, growth, title="Test the new price page", parent_id=secret.pk
    )
    return {
        "top": top,
        "prod": prod,
        "grow": grow,
        "lonely": lonely,
        "secret": secret,
        "below_secret": below_secret,
    }


def page(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/alignment/{query}")
    assert response.status_code == 200
    return response.content.decode()


def section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_alignment_requires_sign_in(client, db):
    assert client.get("/alignment/").status_code == 302


def test_objectives_nest_under_what_they_align_to(client, tree, owner):
    html = page(client, owner)
    assert "Alignment in Current quarter" in html
    aligned = section(html, "tree-h")
    top, prod, grow = (
        aligned.index(t)
        for t in ("Win the SME market", "Make onboarding effortless", "Grow self-serve revenue")
    )
    assert top < prod < grow
    # Each child is inside its parent's <details>, one level deeper.
    between = aligned[top:grow]
    assert between.count("<details") == 2
    assert "2 aligned objectives" in aligned  # the company objective: onboarding + pricing


def test_top_level_is_open_and_deeper_levels_start_collapsed(client, tree, owner):
    aligned = section(page(client, owner), "tree-h")
    assert aligned.count("<details open>") == 1
    assert aligned.count("<details>") >= 1
    assert "<summary>" in aligned  # no script needed to expand


def test_every_node_shows_progress_expected_marker_and_status(client, tree, owner):
    html = page(client, owner)
    node = html[html.index("Make onboarding effortless") :]
    node = node[: node.index("</li>")]
    assert "50%" in node and 'class="expected at-' in node
    assert "On track" in node and 'aria-hidden="true"' in node
    assert f'href="/objectives/{tree["prod"].pk}/"' in html


def test_unaligned_team_objectives_are_called_out(client, tree, owner):
    html = page(client, owner)
    unaligned = section(html, "unaligned-h")
    assert "Land enterprise logos" in unaligned
    assert "Win the SME market" not in unaligned  # a company objective aligns to nothing: fine
    assert "Land enterprise logos" not in section(html, "tree-h")


def test_private_objective_and_its_place_are_invisible_to_another_team(client, tree, seller):
    html = page(client, seller)
    assert "Quiet pricing experiment" not in html
    assert "1 aligned objective" in html  # only the onboarding objective under the company's
    # What aligns to the hidden objective stays visible, without a hint of its parent, and is not
    # called unaligned.
    assert "Test the new price page" in section(html, "tree-h")
    assert "Test the new price page" not in section(html, "unaligned-h")
    assert "5 objectives" in html


def test_team_members_see_their_private_objective_in_place(client, tree, owner, admin):
    for user in (owner, admin):
        aligned = section(page(client, user), "tree-h")
        assert aligned.index("Quiet pricing experiment") < aligned.index("Test the new price page")
    assert "6 objectives" in page(client, owner)


def test_objective_aligned_to_another_cycle_names_it(
    client, actor_of, admin, owner, workspace, company, product, cycle
):
    year = Cycle.objects.create(
        workspace=workspace,
        name="FY",
        state=CycleState.ACTIVE,
        start_date=cycle.start_date - dt.timedelta(days=30),
        end_date=cycle.end_date + dt.timedelta(days=200),
    )
    Cycle.objects.filter(pk=cycle.pk).update(parent=year)
    annual = objective(actor_of(admin), year, company, title="Become the SME default")
    objective(actor_of(owner), cycle, product, title="Quarter step", parent_id=annual.pk)
    html = page(client, owner, f"?cycle={cycle.pk}")
    assert "aligned to “Become the SME default” (FY)" in section(html, "tree-h")


def test_viewer_sees_the_map_without_edit_controls(client, tree, viewer):
    html = page(client, viewer)
    assert "Make onboarding effortless" in html
    assert html.count('method="post"') == 1  # signing out only
    assert "/edit/" not in html and "/check-in/" not in html


@pytest.mark.parametrize("extra", [0, 6])
def test_query_count_does_not_grow_with_objectives(
    client, actor_of, admin, owner, cycle, company, product, extra, no_kept_answers
):
    top = objective(actor_of(admin), cycle, company, title="Top")
    for i in range(1 + extra):
        objective(actor_of(owner), cycle, product, title=f"Child {i}", parent_id=top.pk)
        objective(actor_of(owner), cycle, product, title=f"Lonely {i}")
    client.force_login(owner)
    client.get("/alignment/")  # the process now keeps this reader's actor
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/alignment/").status_code == 200
    # session, user, change stamps, cycles, objectives (and savepoints none)
    assert len(ctx.captured_queries) <= 6, [q["sql"] for q in ctx.captured_queries]
