"""Who sees an objective: the query filter (visibility_q) and the row check (can_see) agree, and
the owner of a key result always sees the objective it hangs on."""

import pytest
from django.test import Client

from sasaran.okrs import actions, queries
from sasaran.okrs.models import CheckIn, Objective, Visibility
from sasaran.okrs.permissions import can_see
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def hidden_from_seller(actor_of, owner, cycle, product):
    """A team-only and a private Product objective, and a private personal one of the owner."""
    me = actor_of(owner)
    return [
        objective(me, cycle, product, title="Team only", visibility=Visibility.TEAM),
        objective(me, cycle, product, title="Private", visibility=Visibility.PRIVATE),
        objective(me, cycle, None, title="Personal", visibility=Visibility.PRIVATE),
    ]


def _agree(actor) -> set[int]:
    """The objectives the actor sees, asserting the query and the row check agree."""
    listed = set(queries.visible_objectives(actor).values_list("pk", flat=True))
    every = Objective.objects.filter(workspace_id=actor.workspace_id)
    assert listed == {o.pk for o in every if can_see(actor, o)}
    return listed


@pytest.mark.parametrize("which", [0, 1, 2])
def test_the_owner_of_a_key_result_sees_its_objective_and_checks_in(
    hidden_from_seller, actor_of, owner, admin, seller, which
):
    obj = hidden_from_seller[which]
    assert obj.pk not in _agree(actor_of(seller))
    kr = key_result(actor_of(admin), obj, title="Partner deals", owner_id=seller.pk)
    sees = _agree(actor_of(seller))
    assert obj.pk in sees
    assert sees.isdisjoint({o.pk for o in hidden_from_seller} - {obj.pk})
    assert queries.get_key_result(actor_of(seller), kr.pk) == kr
    actions.create_checkin(actor_of(seller), kr.pk, value=30.0, confidence=4)
    assert CheckIn.objects.filter(key_result=kr, author=seller).exists()
    # Their check-in is among the latest they see, found by the row check.
    assert kr.pk in {c.key_result_id for c in queries.recent_checkins(actor_of(seller), 10)}


def test_other_hidden_objectives_stay_hidden_from_a_key_result_owner(
    hidden_from_seller, actor_of, admin, seller
):
    team_only, private, personal = hidden_from_seller
    key_result(actor_of(admin), team_only, owner_id=seller.pk)
    sees = _agree(actor_of(seller))
    assert team_only.pk in sees and private.pk not in sees and personal.pk not in sees


def test_home_lists_a_key_result_owned_under_a_hidden_objective(
    hidden_from_seller, actor_of, admin, seller
):
    kr = key_result(
        actor_of(admin), hidden_from_seller[1], title="Partner deals", owner_id=seller.pk
    )
    client = Client()
    client.force_login(seller)
    html = client.get("/").content.decode()
    assert "Partner deals" in html
    assert f'href="/key-results/{kr.pk}/check-in/"' in html
    assert client.get(f"/key-results/{kr.pk}/check-in/").status_code == 200
