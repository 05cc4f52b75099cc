"""The carry-over page: a team filter (with the teams beneath it), nothing ticked across every
team, and what the target cycle already holds shown as such."""

import datetime as dt

import pytest

from sasaran.okrs import actions
from sasaran.okrs.models import KeyResult, Objective
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def next_cycle(actor_of, admin, cycle):
    return actions.create_cycle(
        actor_of(admin),
        name="Next quarter",
        start_date=cycle.end_date + dt.timedelta(days=1),
        end_date=cycle.end_date + dt.timedelta(days=91),
    )


@pytest.fixture
def krs(actor_of, admin, cycle, product, growth, sales):
    """An unfinished KR of Product, of Growth (beneath Product) and of Sales."""
    made = {}
    for team in (product, growth, sales):
        obj = objective(actor_of(admin), cycle, team, title=f"{team.name} objective")
        made[team.name] = key_result(actor_of(admin), obj, title=f"{team.name} KR")
    return made


def page(client, cycle, **params):
    response = client.get(f"/cycles/{cycle.pk}/carry-over/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_team_every_kr_is_listed_and_none_is_ticked(
    client, admin, cycle, next_cycle, krs
):
    client.force_login(admin)
    html = page(client, cycle)
    for kr in krs.values():
        assert f'value="{kr.pk}">' in html
    assert " checked" not in html


def test_a_team_lists_its_own_and_its_sub_teams_krs_ticked(
    client, admin, cycle, next_cycle, product, krs
):
    client.force_login(admin)
    html = page(client, cycle, team=product.pk)
    assert f'value="{krs["Product"].pk}" checked' in html
    assert f'value="{krs["Growth"].pk}" checked' in html
    assert "Sales KR" not in html


def test_what_the_target_already_holds_is_shown_and_not_ticked(
    client, actor_of, admin, cycle, next_cycle, product, krs
):
    planned = objective(actor_of(admin), next_cycle, product, title="Product objective")
    key_result(actor_of(admin), planned, title="Product KR")
    client.force_login(admin)
    html = page(client, cycle, team=product.pk, target=next_cycle.pk)
    assert f'value="{krs["Product"].pk}" disabled>' in html
    assert "already in Next quarter" in html
    assert f'value="{krs["Growth"].pk}" checked' in html


def test_posting_the_team_carries_only_what_is_new_and_says_so(
    client, actor_of, admin, cycle, next_cycle, product, krs
):
    planned = objective(actor_of(admin), next_cycle, product, title="Product objective")
    key_result(actor_of(admin), planned, title="Product KR")
    client.force_login(admin)
    chosen = [str(krs["Product"].pk), str(krs["Growth"].pk)]
    response = client.post(
        f"/cycles/{cycle.pk}/carry-over/",
        {"target": str(next_cycle.pk), "team": str(product.pk), "kr": chosen},
        follow=True,
    )
    html = response.content.decode()
    assert "1 key result carried into Next quarter." in html
    assert "1 key result was already in Next quarter and was not copied again." in html
    assert KeyResult.objects.filter(objective__cycle=next_cycle).count() == 2
    assert Objective.objects.filter(cycle=next_cycle).count() == 2


def test_a_copy_left_without_its_parent_is_named_in_the_result(
    client, actor_of, admin, cycle, next_cycle, company, product
):
    top = objective(actor_of(admin), cycle, company, title="Win")
    obj = objective(actor_of(admin), cycle, product, title="Aligned", parent_id=top.pk)
    kr = key_result(actor_of(admin), obj)
    client.force_login(admin)
    response = client.post(
        f"/cycles/{cycle.pk}/carry-over/",
        {"target": str(next_cycle.pk), "kr": [str(kr.pk)]},
        follow=True,
    )
    assert "1 carried objective is aligned to nothing" in response.content.decode()
    assert "“Aligned”" in response.content.decode()


def test_the_page_costs_the_same_few_queries_for_many_krs(
    client, actor_of, admin, cycle, next_cycle, product, django_assert_max_num_queries
):
    for i in range(15):
        obj = objective(actor_of(admin), cycle, product, title=f"Objective {i}")
        key_result(actor_of(admin), obj, title=f"KR {i}")
    client.force_login(admin)
    client.get("/")  # the process now keeps this reader's actor
    with django_assert_max_num_queries(14):
        page(client, cycle, team=product.pk, target=next_cycle.pk)
