"""The OKR explorer (/okrs/): tree and list of a cycle, filters as GET parameters, htmx
fragments, permissions and query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sasaran.accounts.queries import actor_for
from sasaran.okrs import actions, explore, rollup
from sasaran.okrs.models import Cycle, CycleState, KeyResult, Visibility
from tests.okrs.helpers import key_result, objective


def make_stale(kr, days=20):
    """Created a month ago, last checked in `days` ago: stale with the default cadence."""
    now = timezone.now()
    KeyResult.objects.filter(pk=kr.pk).update(
        created_at=now - dt.timedelta(days=29), last_checkin_at=now - dt.timedelta(days=days)
    )


@pytest.fixture
def okrs(actor_of, admin, owner, teammate, seller, cycle, company, product, growth, sales):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    prod = objective(
        actor_of(owner), cycle, product, title="Make onboarding effortless", parent_id=top.pk
    )
    activation = key_result(actor_of(owner), prod, title="Activation from 20% to 50%")
    actions.create_checkin(actor_of(owner), activation.pk, value=35.0, confidence=4)
    churn = key_result(
        actor_of(owner),
        prod,
        title="Cut churn",
        start_value=8,
        target_value=4,
        direction="decrease",
        owner_id=teammate.pk,
    )
    actions.create_checkin(actor_of(teammate), churn.pk, value=8.0, confidence=2)
    grow = objective(actor_of(admin), cycle, growth, title="Grow self-serve revenue")
    key_result(actor_of(admin), grow, title="Self-serve MRR to 50k", owner_id=owner.pk)
    sell = objective(actor_of(seller), cycle, sales, title="Land enterprise logos")
    key_result(actor_of(seller), sell, title="Sign 10 enterprise deals")
    secret = objective(
        actor_of(owner),
        cycle,
        product,
        title="Quiet pricing experiment",
        visibility=Visibility.PRIVATE,
    )
    key_result(actor_of(owner), secret, title="Secret price test revenue")
    return {
        "top": top,
        "prod": prod,
        "activation": activation,
        "churn": churn,
        "grow": grow,
        "sell": sell,
        "secret": secret,
    }


def html_of(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/okrs/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_explorer_requires_sign_in(client, db):
    assert client.get("/okrs/").status_code == 302


def test_tree_follows_the_team_tree_with_key_results_nested(client, okrs, owner):
    html = html_of(client, owner)
    assert "OKRs for Current quarter" in html
    order = [
        "Win the SME market",
        "Make onboarding effortless",
        "Activation from 20% to 50%",
        "Cut churn",
        "Grow self-serve revenue",
        "Land enterprise logos",
    ]
    positions = [html.index(t) for t in order]
    assert positions == sorted(positions)
    # Growth sits beneath Product beneath Company, and says so.
    assert re.search(r"Company ›</span>\s*<span class=\"crumb\">Product ›</span>\s*Growth", html)


def test_objective_titles_link_to_their_page(client, okrs, owner):
    html = html_of(client, owner)
    assert f'<a href="/objectives/{okrs["prod"].pk}/">Make onboarding effortless</a>' in html


def test_rows_show_progress_expected_marker_status_confidence_owner_and_last_checkin(
    client, okrs, owner
):
    html = html_of(client, owner, "?view=list&q=Activation")
    row = html[html.index("Activation from 20% to 50%") :]
    row = row[: row.index("</tr>")]
    assert "50%" in row  # 20 -> 35 of 50
    assert 'class="expected at-' in row and "expected by now" in row
    assert re.search(r"(On track|At risk|Off track)", row)
    assert 'aria-hidden="true"' in row  # an icon next to the status text
    assert "4/5" in row
    assert "Olga Owner" in row
    assert "<time datetime=" in row


def test_list_view_is_a_table_of_key_results_with_their_objective(client, okrs, owner):
    html = html_of(client, owner, "?view=list")
    assert "5 key results" in html  # the private objective's too: the owner is in Product
    assert '<table class="krs kr-list">' in html
    assert f'<a href="/objectives/{okrs["grow"].pk}/">Grow self-serve revenue</a>' in html


def test_list_follows_the_team_tree_with_personal_key_results_last(
    client, okrs, owner, actor_of, cycle, growth
):
    mine = objective(actor_of(owner), cycle, None, title="Learn SQL")
    key_result(actor_of(owner), mine, title="Finish the SQL course")
    # A rename moves Growth after Sales in the tree: the list follows at once.
    growth.name = "Zebra growth"
    growth.parent = None
    growth.save()
    html = html_of(client, owner, "?view=list")
    order = [
        "Activation from 20% to 50%",  # Company › Product
        "Sign 10 enterprise deals",  # Company › Sales
        "Self-serve MRR to 50k",  # Zebra growth, a root after Company
        "Finish the SQL course",  # personal
    ]
    positions = [html.index(t) for t in order]
    assert positions == sorted(positions)


def test_filter_by_status_keeps_only_matching_key_results(client, okrs, owner):
    # Ahead of pace: on track. Confidence 2, or no progress a month in: off track.
    html = html_of(client, owner, "?view=list&status=on_track")
    assert "1 key result" in html and "Activation from 20% to 50%" in html
    assert "Cut churn" not in html
    tree = html_of(client, owner, "?status=on_track")
    assert "Make onboarding effortless" in tree and "Activation from 20%" in tree
    assert "Land enterprise logos" not in tree and "Cut churn" not in tree


def test_filter_by_team_includes_the_teams_beneath_it(client, okrs, owner, product):
    html = html_of(client, owner, f"?team={product.pk}")
    assert "Make onboarding effortless" in html and "Grow self-serve revenue" in html
    assert "Win the SME market" not in html and "Land enterprise logos" not in html


def test_filter_by_owner_and_by_confidence(client, okrs, owner, teammate):
    html = html_of(client, owner, f"?view=list&owner={teammate.pk}")
    assert "Cut churn" in html and "Activation from 20%" not in html
    html = html_of(client, owner, "?view=list&confidence=4")
    assert "Activation from 20%" in html and "Cut churn" not in html


def test_filter_stale_keeps_key_results_without_a_recent_check_in(client, okrs, owner):
    make_stale(okrs["activation"])
    html = html_of(client, owner, "?view=list&stale=1")
    assert "1 key result" in html
    assert "Activation from 20% to 50%" in html and "Cut churn" not in html
    assert "Stale" in html


def test_stale_filter_agrees_with_the_stale_flag(okrs, owner, cycle):
    make_stale(okrs["activation"])
    KeyResult.objects.filter(pk=okrs["churn"].pk).update(
        created_at=timezone.now() - dt.timedelta(days=29)
    )  # checked in just now: fresh
    actor = actor_for(owner)
    now = timezone.now()
    for later in (now, now + dt.timedelta(days=15)):
        in_sql = set(
            KeyResult.objects.filter(explore.stale_q([cycle], actor.workspace, later)).values_list(
                "pk", flat=True
            )
        )
        in_python = {
            kr.pk
            for kr in KeyResult.objects.filter(objective__cycle=cycle)
            if rollup.kr_is_stale(kr, cycle, actor.workspace, later)
        }
        assert in_sql == in_python


def test_search_matches_objective_and_key_result_titles(client, okrs, owner):
    html = html_of(client, owner, "?q=onboarding")
    assert "Make onboarding effortless" in html and "Cut churn" in html  # all its KRs
    assert "Land enterprise logos" not in html
    html = html_of(client, owner, "?q=ENTERPRISE+deals")
    assert "Land enterprise logos" in html and "Sign 10 enterprise deals" in html
    assert "Make onboarding effortless" not in html
    assert "Nothing matches these filters." in html_of(client, owner, "?q=zebra")


def test_filters_are_kept_in_the_form_and_the_view_links(client, okrs, owner, product):
    html = html_of(client, owner, f"?team={product.pk}&status=at_risk&q=churn&stale=1")
    assert f'<option value="{product.pk}" selected>' in html
    assert '<option value="at_risk" selected>' in html
    assert 'value="churn"' in html and 'id="f-stale" name="stale" value="1" checked' in html
    assert "status=at_risk" in re.search(r'href="\?([^"]*)&amp;view=list"', html).group(1)


def test_nonsense_filter_values_are_ignored(client, okrs, owner):
    html = html_of(client, owner, "?team=abc&status=happy&confidence=9&owner=&page=x&view=map")
    assert "Land enterprise logos" in html and "Make onboarding effortless" in html


def test_htmx_request_gets_only_the_results_and_the_new_title(client, okrs, owner):
    client.force_login(owner)
    response = client.get("/okrs/?status=on_track", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "Activation from 20%" in html and "Land enterprise logos" not in html
    assert 'id="page-title" hx-swap-oob="true"' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, okrs, owner):
    client.force_login(owner)
    html = client.get(
        "/okrs/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    ).content.decode()
    assert "<html" in html and 'hx-get="/okrs/"' in html


def test_filter_form_works_without_javascript_and_asks_htmx_to_swap_results(client, okrs, owner):
    html = html_of(client, owner)
    form = html[html.index('<form method="get" action="/okrs/"') :]
    form = form[: form.index("</form>")]
    assert 'hx-target="#results"' in form and 'hx-push-url="true"' in form
    assert '<button type="submit"' in form
    for name in ("q", "cycle", "team", "owner", "status", "confidence", "stale"):
        assert f'name="{name}"' in form
    for field_id in ("q", "f-cycle", "f-team", "f-owner", "f-status", "f-confidence", "f-stale"):
        assert f'for="{field_id}"' in form  # every input has a label


def test_cycle_defaults_to_the_active_one_and_can_be_chosen(
    client, okrs, owner, workspace, actor_of, admin
):
    old = Cycle.objects.create(
        workspace=workspace,
        name="Last quarter",
        state=CycleState.CLOSED,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2020, 3, 31),
    )
    html = html_of(client, owner)
    assert "OKRs for Current quarter" in html
    html = html_of(client, owner, f"?cycle={old.pk}")
    assert "OKRs for Last quarter" in html
    assert "No objectives in this cycle yet." in html


def test_private_objective_is_invisible_to_another_team_in_tree_list_search_and_counts(
    client, okrs, seller, owner, admin
):
    for query in ("", "?view=list", "?q=Quiet", "?q=Secret&view=list"):
        assert "Quiet pricing experiment" not in html_of(client, seller, query)
        assert "Secret price test revenue" not in html_of(client, seller, query)
    assert "4 objectives" in html_of(client, seller)
    assert "4 key results" in html_of(client, seller, "?view=list")
    assert "5 objectives" in html_of(client, owner)
    assert "5 key results" in html_of(client, admin, "?view=list")
    assert "Quiet pricing experiment" in html_of(client, owner)


def test_owner_filter_offers_only_owners_of_visible_key_results(
    client, actor_of, owner, seller, cycle, product, workspace
):
    from sasaran.accounts.models import Role
    from tests.conftest import _member

    hidden = _member(workspace, "hidden@example.com", Role.MEMBER, "Hana Hidden", [product])
    secret = objective(actor_of(owner), cycle, product, title="Quiet", visibility="private")
    key_result(actor_of(owner), secret, owner_id=hidden.pk)
    assert "Hana Hidden" not in html_of(client, seller)
    assert "Hana Hidden" in html_of(client, owner)


def test_viewer_sees_okrs_but_no_check_in_links(client, okrs, viewer, owner):
    html = html_of(client, viewer, "?view=list")
    assert "Activation from 20% to 50%" in html
    assert "/check-in/" not in html
    html = html_of(client, owner, "?view=list")
    assert f'href="/key-results/{okrs["activation"].pk}/check-in/"' in html
    # Owner is in Product, not in Sales: no check-in on the enterprise deals.
    sell_kr = okrs["sell"].key_results.get()
    assert f"/key-results/{sell_kr.pk}/check-in/" not in html


def test_list_is_paged(client, okrs, owner, monkeypatch):
    monkeypatch.setattr(explore, "LIST_PAGE_SIZE", 3)
    first = html_of(client, owner, "?view=list")
    assert "5 key results" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert "Page 1 of 2" in first
    second = html_of(client, owner, "?view=list&page=2")
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert second.count("<tr>") == 1 + 2  # header + the fourth and fifth rows


def test_tree_is_paged_and_the_pager_keeps_the_filters(client, okrs, owner, monkeypatch):
    monkeypatch.setattr(explore, "TREE_PAGE_SIZE", 2)
    first = html_of(client, owner, "?q=e")
    assert "5 objectives" in first and "Objectives 1–2 of 5" in first
    assert "Win the SME market" in first and "Make onboarding effortless" in first
    assert "Grow self-serve revenue" not in first
    assert 'rel="prev"' not in first
    next_link = re.search(r'<a href="\?([^"]*)" hx-get="\?\1"[^>]*rel="next"', first)
    assert next_link and 'hx-target="#results"' in next_link.group(0)
    assert "q=e" in next_link.group(1) and "view=tree" in next_link.group(1)
    assert "page=2" in next_link.group(1)
    second = html_of(client, owner, "?q=e&page=2")
    assert "Objectives 3–4 of 5" in second
    assert "Make onboarding effortless" not in second
    assert 'rel="prev"' in second and 'rel="next"' in second
    last = html_of(client, owner, "?q=e&page=3")
    assert "Objectives 5–5 of 5" in last and 'rel="next"' not in last
    # Every objective shows on exactly one page, in tree order.
    titles = [okrs[k].title for k in ("top", "prod", "secret", "grow", "sell")]
    pages = [first, second, last]
    assert all(sum(t in p for p in pages) == 1 for t in titles)


def test_tree_without_enough_objectives_has_no_pager(client, okrs, owner):
    html = html_of(client, owner)
    assert 'class="pager"' not in html and "Objectives 1–" not in html


def test_owner_filter_offers_me_my_teams_and_the_selected_owner(
    client, okrs, actor_of, owner, teammate, seller, admin, product
):
    def offered(html):
        select = html[html.index('<select id="f-owner"') :]
        return select[: select.index("</select>")]

    select = offered(html_of(client, owner))
    assert "Olga Owner" in select and teammate.display_name in select  # me, my team
    assert seller.display_name not in select  # owns a visible KR, but in another team
    select = offered(html_of(client, owner, f"?owner={seller.pk}"))
    assert f'<option value="{seller.pk}" selected>{seller.display_name}</option>' in select
    # A selected owner is offered only if they own a key result the actor can see.
    KeyResult.objects.filter(objective=okrs["secret"]).update(owner=admin)
    select = offered(html_of(client, seller, f"?owner={admin.pk}"))
    assert admin.display_name not in select
    select = offered(html_of(client, owner, f"?owner={admin.pk}"))
    assert f'<option value="{admin.pk}" selected>Ada Admin</option>' in select


@pytest.mark.parametrize("query", ["", "?view=list", "?status=on_track&q=e&stale=1"])
def test_query_count_does_not_grow_with_rows(
    client, actor_of, owner, cycle, product, query, no_kept_answers
):
    actor = actor_of(owner)

    def count():
        client.force_login(owner)
        client.get(f"/okrs/{query}")  # the process now keeps this reader's actor
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/okrs/{query}").status_code == 200
        return len(ctx.captured_queries)

    obj = objective(actor, cycle, product, title="Objective 0")
    kr = key_result(actor, obj)
    actions.create_checkin(actor, kr.pk, value=30.0, confidence=3)
    small = count()
    for i in range(1, 6):
        obj = objective(actor, cycle, product, title=f"Objective {i}", owner_id=owner.pk)
        for _ in range(3):
            kr = key_result(actor, obj)
            actions.create_checkin(actor, kr.pk, value=30.0, confidence=4)
    assert count() == small
    # session, user, change stamps, cycles, teams, owners (3), count, page ids, rows…
    assert small <= 12
