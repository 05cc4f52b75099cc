"""Honest planning: before its cycle starts (still being planned, or its start date ahead) an
objective or key result reads "Not started" everywhere: no pace status, no progress bar, no
check-in link or form; the API's status reads "not_started"."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from sasaran.errors import Invalid
from sasaran.okrs import actions, rollup
from sasaran.okrs.models import Cycle, CycleState, KeyResult, Objective
from tests.okrs.helpers import key_result, objective

NOT_STARTED = '<span class="status status-not_started">'


@pytest.fixture
def next_quarter(workspace, cycle):
    return Cycle.objects.create(
        workspace=workspace,
        name="Next quarter",
        start_date=cycle.end_date + dt.timedelta(days=1),
        end_date=cycle.end_date + dt.timedelta(days=91),
        state=CycleState.PLANNING,
    )


@pytest.fixture
def planned(actor_of, owner, next_quarter, product):
    obj = objective(actor_of(owner), next_quarter, product, title="Plan the launch")
    kr = key_result(actor_of(owner), obj, title="Signups 20 to 50", owner_id=owner.pk)
    return Objective.objects.get(pk=obj.pk), KeyResult.objects.get(pk=kr.pk)


def _no_pace_nor_bar(html: str) -> None:
    for pace in ("status-on_track", "status-at_risk", "status-off_track"):
        assert pace not in html
    assert 'class="bar"' not in html and "% done" not in html


def test_objectives_and_krs_of_a_planned_cycle_store_not_started(planned):
    obj, kr = planned
    assert (obj.status, kr.status) == ("not_started", "not_started")


def test_explorer_list_and_tree_show_not_started_without_a_check_in_link(
    client, owner, next_quarter, planned
):
    client.force_login(owner)
    for view in ("list", "tree"):
        html = client.get(f"/okrs/?cycle={next_quarter.pk}&view={view}").content.decode()
        assert NOT_STARTED in html and "Not started" in html
        _no_pace_nor_bar(html)
        assert "/check-in/" not in html


def test_alignment_map_shows_not_started(client, owner, next_quarter, planned):
    client.force_login(owner)
    html = client.get(f"/alignment/?cycle={next_quarter.pk}").content.decode()
    assert NOT_STARTED in html
    _no_pace_nor_bar(html)


def test_objective_page_shows_not_started_and_no_check_in_form(client, owner, planned):
    obj, kr = planned
    client.force_login(owner)
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert NOT_STARTED in html
    _no_pace_nor_bar(html)
    assert "Check in" not in html and "Override status" not in html
    assert f"/key-results/{kr.pk}/check-in/" not in html


def test_home_shows_an_active_cycle_not_yet_started_as_not_started(
    client, actor_of, owner, workspace, product
):
    """An active cycle whose start date is ahead: Home lists it, with nothing to check in."""
    today = timezone.localdate()
    soon = Cycle.objects.create(
        workspace=workspace,
        name="Starts soon",
        start_date=today + dt.timedelta(days=5),
        end_date=today + dt.timedelta(days=95),
        state=CycleState.ACTIVE,
    )
    obj = objective(actor_of(owner), soon, product, title="Plan the launch")
    key_result(actor_of(owner), obj, title="Signups 20 to 50", owner_id=owner.pk)
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert "Plan the launch" in html and NOT_STARTED in html
    _no_pace_nor_bar(html)
    assert "/check-in/" not in html
    assert "You are up to date" in html  # nothing is due before the cycle starts


def test_api_status_reads_not_started(api_client, owner, next_quarter, planned):
    obj, kr = planned
    client = api_client(owner)
    assert client.get(f"/api/v1/objectives/{obj.pk}").json()["status"] == "not_started"
    assert client.get(f"/api/v1/key-results/{kr.pk}").json()["status"] == "not_started"
    tree = client.get(f"/api/v1/objectives/{obj.pk}/tree").json()
    assert tree["status"] == tree["key_results"][0]["status"] == "not_started"
    listed = client.get("/api/v1/key-results", {"status": "not_started"}).json()["items"]
    assert [k["id"] for k in listed] == [kr.pk]


def test_not_started_cannot_be_set_as_an_override(api_client, actor_of, owner, planned):
    _, kr = planned
    response = api_client(owner).patch(
        f"/api/v1/key-results/{kr.pk}",
        {"status_override": "not_started", "status_override_reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    with pytest.raises(Invalid):
        actions.update_key_result(
            actor_of(owner), kr, status_override="not_started", status_override_reason="x"
        )


def test_a_check_in_before_the_start_says_when_the_cycle_starts(actor_of, owner, planned):
    _, kr = planned
    with pytest.raises(Invalid) as refused:
        actions.create_checkin(actor_of(owner), kr.pk, value=25.0, confidence=4)
    start = kr.objective.cycle.start_date
    message = refused.value.errors[0]["message"]
    assert message.startswith("The cycle Next quarter starts on ")
    assert str(start.day) in message and str(start.year) in message
    assert KeyResult.objects.get(pk=kr.pk).last_checkin_at is None


def test_activating_a_started_cycle_gives_its_krs_a_pace(
    actor_of, admin, owner, workspace, product
):
    today = timezone.localdate()
    late = Cycle.objects.create(
        workspace=workspace,
        name="Forgot to activate",
        start_date=today - dt.timedelta(days=20),
        end_date=today + dt.timedelta(days=70),
        state=CycleState.PLANNING,
    )
    obj = objective(actor_of(owner), late, product)
    kr = key_result(actor_of(owner), obj)
    assert KeyResult.objects.get(pk=kr.pk).status == "not_started"
    actions.update_cycle(actor_of(admin), late, state=CycleState.ACTIVE)
    # Nothing done after 20 of 90 days: behind the pace.
    assert KeyResult.objects.get(pk=kr.pk).status == "off_track"
    assert Objective.objects.get(pk=obj.pk).status == "off_track"


def test_the_hourly_refresh_starts_the_pace_on_the_first_day(actor_of, owner, workspace, product):
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        workspace=workspace,
        name="Starts tomorrow",
        start_date=today + dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=91),
        state=CycleState.ACTIVE,
    )
    obj = objective(actor_of(owner), cycle, product)
    kr = key_result(actor_of(owner), obj)
    assert KeyResult.objects.get(pk=kr.pk).status == "not_started"
    first_day = dt.datetime.combine(cycle.start_date, dt.time(9), tzinfo=dt.UTC)
    with time_machine.travel(first_day, tick=False):
        rollup.refresh_statuses(workspace)
    # Within the grace period nothing is judged behind.
    assert KeyResult.objects.get(pk=kr.pk).status == "on_track"
    assert Objective.objects.get(pk=obj.pk).status == "on_track"


def test_pages_of_a_planned_cycle_cost_no_query_per_row(
    client, actor_of, owner, next_quarter, product, django_assert_max_num_queries
):
    for i in range(10):
        obj = objective(actor_of(owner), next_quarter, product, title=f"Objective {i}")
        key_result(actor_of(owner), obj, title=f"KR {i}")
    client.force_login(owner)
    client.get("/")  # the process now keeps this reader's actor
    with django_assert_max_num_queries(20):
        client.get(f"/okrs/?cycle={next_quarter.pk}&view=list")


def test_the_check_in_page_of_a_planned_kr_says_when_the_cycle_starts(client, owner, planned):
    _, kr = planned
    client.force_login(owner)
    html = client.get(f"/key-results/{kr.pk}/check-in/").content.decode()
    assert "The cycle Next quarter starts on" in html
    assert 'name="value"' not in html
    refused = client.post(f"/key-results/{kr.pk}/check-in/", {"value": "25", "confidence": "4"})
    assert refused.status_code == 422
    assert "The cycle Next quarter starts on" in refused.content.decode()
