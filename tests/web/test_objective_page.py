"""The objective page: what it shows, to whom, and in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaran.okrs import actions
from sasaran.okrs.models import Visibility
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def okr(actor_of, admin, owner, cycle, company, product):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    obj = objective(
        actor_of(owner),
        cycle,
        product,
        title="Make onboarding effortless",
        parent_id=top.pk,
        description="We **remove** friction.<script>alert(1)</script>",
    )
    kr = key_result(actor_of(owner), obj, title="Activation from 20 to 50")
    actions.create_checkin(
        actor_of(owner),
        kr.pk,
        value=56.0,
        confidence=2,
        wins="Shipped the wizard",
        blockers="Email provider",
    )
    return top, obj, kr


def test_it_shows_the_objective_its_krs_feed_history_and_alignment(client, okr, owner, actor_of):
    top, obj, kr = okr
    child = objective(
        actor_of(owner),
        obj.cycle,
        obj.team,
        title="Guide new users",
        parent_id=obj.pk,
    )
    client.force_login(owner)
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert "Make onboarding effortless" in html
    assert "<strong>remove</strong>" in html and "<script>alert(1)" not in html
    assert f'href="/objectives/{top.pk}/"' in html  # aligned to
    assert f'href="/objectives/{child.pk}/"' in html  # aligned beneath
    assert "Activation from 20 to 50" in html
    assert "120% of target" in html
    assert "2/5 · Low" in html  # confidence as text, not only colour
    assert "Off track" in html  # confidence 2 caps the status
    assert "Shipped the wizard" in html and "Email provider" in html
    assert "Olga Owner checked in on the key result “Activation from 20 to 50”" in html
    assert "<svg" in html and "Value over time" in html
    assert "will reach the target" in html or "will miss the target" in html


def test_it_shows_an_override_and_its_reason(client, okr, owner, actor_of):
    _, obj, kr = okr
    actions.update_key_result(
        actor_of(owner), kr, status_override="on_track", status_override_reason="Deal signed"
    )
    client.force_login(owner)
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert "overridden" in html and "Deal signed" in html


def test_owner_sees_check_in_and_override_controls(client, okr, owner):
    _, obj, kr = okr
    client.force_login(owner)
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert f'action="/key-results/{kr.pk}/check-in/"' in html
    assert f'action="/key-results/{kr.pk}/status/"' in html


def test_viewer_and_other_team_see_no_edit_controls(client, okr, viewer, seller):
    _, obj, _kr = okr
    for user in (viewer, seller):
        client.force_login(user)
        page = client.get(f"/objectives/{obj.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "/check-in/" not in html and "/status/" not in html
        assert "Activation from 20 to 50" in html


def test_private_objective_is_404_for_outsiders_of_the_team(
    client, actor_of, owner, seller, outsider, cycle, product
):
    obj = objective(actor_of(owner), cycle, product, title="Secret", visibility=Visibility.PRIVATE)
    for user in (seller, outsider):
        client.force_login(user)
        assert client.get(f"/objectives/{obj.pk}/").status_code == 404
    client.force_login(owner)
    assert client.get(f"/objectives/{obj.pk}/").status_code == 200


def test_private_parent_is_not_named_on_a_visible_child(
    client, actor_of, owner, seller, cycle, product
):
    secret = objective(
        actor_of(owner), cycle, product, title="Quiet pricing", visibility=Visibility.PRIVATE
    )
    child = objective(actor_of(owner), cycle, product, title="Public child", parent_id=secret.pk)
    client.force_login(seller)
    html = client.get(f"/objectives/{child.pk}/").content.decode()
    assert "Public child" in html and "Quiet pricing" not in html


def test_page_requires_login(client, okr):
    assert client.get(f"/objectives/{okr[1].pk}/").status_code == 302


def _page_queries(client, obj_id):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/objectives/{obj_id}/").status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_key_results(client, actor_of, owner, cycle, product):
    actor = actor_of(owner)
    counts = []
    for n in (1, 5):
        obj = objective(actor, cycle, product, title=f"With {n}")
        for i in range(n):
            kr = key_result(actor, obj, title=f"KR {i}")
            for v in (25.0, 30.0):
                actions.create_checkin(actor, kr.pk, value=v, confidence=4)
        ms = key_result(
            actor,
            obj,
            title="Launch",
            kind="milestones",
            milestones=[{"title": "Beta"}, {"title": "GA"}],
        )
        actions.create_checkin(actor, ms.pk, milestones_done=[], confidence=3)
        objective(actor, cycle, product, title=f"Child of {n}", parent_id=obj.pk)
        client.force_login(owner)
        counts.append(_page_queries(client, obj.pk))
    assert counts[0] == counts[1], counts


def test_history_names_people_and_objectives_instead_of_ids(
    client, okr, owner, teammate, admin, actor_of, cycle, company
):
    top, obj, _ = okr
    hidden = objective(
        actor_of(admin), cycle, company, title="Board-only plan", visibility=Visibility.PRIVATE
    )
    actions.update_objective(actor_of(admin), obj, owner_id=teammate.pk, parent_id=hidden.pk)
    client.force_login(owner)
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert "Ada Admin changed the objective “Make onboarding effortless”" in html
    assert f"<del>{owner.display_name}</del> → <ins>{teammate.display_name}</ins>" in html
    # The old parent is named; the private new one is not, to someone who cannot see it.
    assert "<del>Win the SME market</del> → <ins>(not visible to you)</ins>" in html
    assert "Board-only plan" not in html
