"""The cycle pages: create, activate, close with grades and retrospectives, celebrate, carry
over (issue 3)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaran.okrs import actions
from sasaran.okrs.models import Cycle, CycleState, KeyResult, Retrospective
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def graded(actor_of, owner, cycle, product):
    obj = objective(actor_of(owner), cycle, product, title="Delight users")
    nps = key_result(actor_of(owner), obj, title="NPS 20 to 50")
    actions.create_checkin(actor_of(owner), nps.pk, value=44.0, confidence=4, wins="Big NPS jump")
    churn = key_result(
        actor_of(owner),
        obj,
        title="Churn 5 to 3",
        direction="decrease",
        start_value=5.0,
        target_value=3.0,
    )
    actions.create_checkin(actor_of(owner), churn.pk, value=4.5, confidence=2)
    return obj, nps, churn


def test_admin_creates_a_cycle_and_activates_it(client, admin, workspace):
    client.force_login(admin)
    page = client.get("/cycles/")
    assert page.status_code == 200 and b"New cycle" in page.content
    bad = client.post(
        "/cycles/new/", {"name": "2026-Q3", "start_date": "2026-09-30", "end_date": "2026-07-01"}
    )
    assert bad.status_code == 422
    assert 'id="id_end_date-error"' in bad.content.decode()
    assert 'value="2026-Q3"' in bad.content.decode()
    ok = client.post(
        "/cycles/new/", {"name": "2026-Q3", "start_date": "2026-07-01", "end_date": "2026-09-30"}
    )
    assert ok.status_code == 302
    created = Cycle.objects.get(name="2026-Q3")
    assert created.state == CycleState.PLANNING
    assert f"/cycles/{created.pk}/activate/" in client.get("/cycles/").content.decode()
    assert client.post(f"/cycles/{created.pk}/activate/").status_code == 302
    created.refresh_from_db()
    assert created.state == CycleState.ACTIVE


def test_members_see_no_cycle_controls_and_get_403(client, owner, cycle, graded):
    client.force_login(owner)
    html = client.get("/cycles/").content.decode()
    assert "New cycle" not in html and "/close/" not in html
    assert client.post("/cycles/new/", {"name": "X"}).status_code == 403
    assert client.post(f"/cycles/{cycle.pk}/activate/").status_code == 403
    assert client.get(f"/cycles/{cycle.pk}/close/").status_code == 403
    assert client.post(f"/cycles/{cycle.pk}/close/", {}).status_code == 403
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE


def test_close_walk_through_suggests_scores_and_needs_a_reason_to_change_one(
    client, admin, cycle, graded
):
    obj, nps, churn = graded
    client.force_login(admin)
    html = client.get(f"/cycles/{cycle.pk}/close/").content.decode()
    # NPS 20 -> 44 of 50 = 0.8; churn 5 -> 4.5 of 3 = 0.25 -> 0.3.
    assert '<option value="0.8" selected>' in html.split(f'name="score-{nps.pk}"')[1][:400]
    assert '<option value="0.3" selected>' in html.split(f'name="score-{churn.pk}"')[1][:400]
    data = {
        f"score-{nps.pk}": "0.8",
        f"score-{churn.pk}": "0.5",
        f"reason-{churn.pk}": "",
        f"what_worked-{obj.pk}": "Weekly calls with churned customers",
        f"learnings-{obj.pk}": "Churn lags NPS",
        f"root_causes-{obj.pk}": "",
    }
    refused = client.post(f"/cycles/{cycle.pk}/close/", data)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert f'id="reason-{churn.pk}-error"' in body
    assert "Weekly calls with churned customers" in body  # the retrospective typed is kept
    assert '<option value="0.5" selected>' in body.split(f'name="score-{churn.pk}"')[1][:600]
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE

    data[f"reason-{churn.pk}"] = "The pricing change landed after the quarter"
    done = client.post(f"/cycles/{cycle.pk}/close/", data)
    assert done.status_code == 302 and done["Location"] == f"/cycles/{cycle.pk}/celebrate/"
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED
    churn.refresh_from_db()
    nps.refresh_from_db()
    assert (nps.score, churn.score) == (0.8, 0.5)
    assert churn.score_reason == "The pricing change landed after the quarter"
    retro = Retrospective.objects.get(objective=obj)
    assert (retro.what_worked, retro.learnings) == (
        "Weekly calls with churned customers",
        "Churn lags NPS",
    )
    obj.refresh_from_db()
    assert obj.score == 0.65


def test_celebrate_lists_the_wins(client, actor_of, admin, owner, cycle, graded):
    obj, nps, churn = graded
    actions.close_cycle(actor_of(admin), cycle)
    client.force_login(owner)
    page = client.get(f"/cycles/{cycle.pk}/celebrate/")
    assert page.status_code == 200
    html = page.content.decode()
    wins = html[html.index('id="won-krs"') : html.index('id="win-notes"')]
    assert "NPS 20 to 50" in wins and "Churn 5 to 3" not in wins
    assert "Big NPS jump" in html
    assert "1 / 2" in html


def test_close_page_runs_the_same_queries_for_2_and_6_krs(
    client, actor_of, admin, owner, cycle, product
):
    client.force_login(admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/cycles/{cycle.pk}/close/").status_code == 200
        return len(ctx.captured_queries)

    obj = objective(actor_of(owner), cycle, product)
    for i in range(2):
        key_result(actor_of(owner), obj, title=f"KR {i}")
    small = count()
    other = objective(actor_of(owner), cycle, product, title="Second")
    for i in range(4):
        key_result(actor_of(owner), other, title=f"More {i}")
    actions.save_retrospective(actor_of(owner), other, learnings="x")
    assert count() == small


def test_carry_over_links_the_copies_to_their_origin(client, actor_of, admin, owner, cycle, graded):
    obj, nps, churn = graded
    actions.close_cycle(actor_of(admin), cycle)
    nxt = actions.create_cycle(
        actor_of(admin),
        name="Next",
        start_date=cycle.end_date + dt.timedelta(days=1),
        end_date=cycle.end_date + dt.timedelta(days=90),
    )
    client.force_login(owner)
    page = client.get(f"/cycles/{cycle.pk}/carry-over/").content.decode()
    assert f'value="{nps.pk}" checked' in page and f'value="{churn.pk}" checked' in page
    assert f'<option value="{nxt.pk}" selected>' in page
    response = client.post(
        f"/cycles/{cycle.pk}/carry-over/", {"target": str(nxt.pk), "kr": [str(churn.pk)]}
    )
    assert response.status_code == 302 and response.url == f"/okrs/?cycle={nxt.pk}"
    assert "1 key result carried into Next." in client.get(response.url).content.decode()
    copy = KeyResult.objects.get(objective__cycle=nxt)
    assert copy.origin_id == churn.pk and copy.start_value == 4.5
    assert copy.objective.origin_id == obj.pk
    again = client.get(f"/cycles/{cycle.pk}/carry-over/").content.decode()
    assert "already carried into Next" in again
    # Offered again, but no longer ticked: carrying twice is a choice, not a default.
    assert f'value="{churn.pk}">' in again and f'value="{nps.pk}" checked' in again


def test_activating_a_quarter_starts_its_year_and_warns_of_another_running_quarter(
    client, admin, workspace, cycle
):
    year = Cycle.objects.create(
        workspace=workspace,
        name="FY",
        start_date=cycle.start_date,
        end_date=cycle.start_date + dt.timedelta(days=364),
    )
    cycle.parent = year
    cycle.save()
    nxt = Cycle.objects.create(
        workspace=workspace,
        name="Next quarter",
        parent=year,
        start_date=cycle.end_date + dt.timedelta(days=1),
        end_date=cycle.end_date + dt.timedelta(days=90),
    )
    client.force_login(admin)
    response = client.post(f"/cycles/{nxt.pk}/activate/", follow=True)
    year.refresh_from_db()
    assert year.state == CycleState.ACTIVE
    html = response.content.decode()
    assert "Next quarter is now active." in html
    assert "Current quarter is still active too" in html


def test_viewer_cannot_carry_over(client, viewer, cycle):
    client.force_login(viewer)
    assert client.get(f"/cycles/{cycle.pk}/carry-over/").status_code == 403
    assert client.post(f"/cycles/{cycle.pk}/carry-over/", {}).status_code == 403
