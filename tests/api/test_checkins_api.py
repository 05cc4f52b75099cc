"""Check-ins through the API: what a check-in changes (seen by the next GET), back-dating, and
closed cycles (409 for members; admins may, and the audit log says so)."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaran.okrs import actions
from tests.api import call


def check_in(client, kr_id, **body):
    return call(client, "post", f"/key-results/{kr_id}/check-ins", body)


def _at(day: dt.date, hour: int = 12) -> str:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC).isoformat()


# ---- what a check-in changes ---------------------------------------------------------------


def test_check_in_updates_key_result_and_objective_progress_seen_by_the_next_get(as_owner, org):
    before_kr = call(as_owner, "get", f"/key-results/{org.product_kr.pk}").json()
    before_obj = call(as_owner, "get", f"/objectives/{org.product_obj.pk}").json()
    assert before_kr["progress"] == pytest.approx(0.2)
    # Product = mean of its KR (0.2) and its aligned private child (1 of 4 term sheets).
    assert before_obj["progress"] == pytest.approx((0.2 + 0.25) / 2)

    response = check_in(as_owner, org.product_kr.pk, value=80, confidence=5, wins="Launch week")
    assert response.status_code == 201

    kr = call(as_owner, "get", f"/key-results/{org.product_kr.pk}").json()
    assert kr["current_value"] == 80.0 and kr["progress"] == pytest.approx(0.8)
    assert kr["attainment"] == pytest.approx(0.8) and kr["confidence"] == 5
    assert kr["status"] == "on_track"
    assert kr["last_checkin_at"] == response.json()["checked_in_at"]
    objective = call(as_owner, "get", f"/objectives/{org.product_obj.pk}").json()
    assert objective["progress"] == pytest.approx((0.8 + 0.25) / 2)
    # ...and on up the alignment: Company = mean(Product, Sales at 0).
    company = call(as_owner, "get", f"/objectives/{org.company_obj.pk}").json()
    assert company["progress"] == pytest.approx((0.8 + 0.25) / 2 / 2)


def test_check_in_response_echoes_what_was_recorded(as_owner, org, owner):
    response = check_in(
        as_owner,
        org.product_kr.pk,
        value=35.5,
        confidence=3,
        progress_note=" steady ",
        wins="w",
        blockers="b",
    )
    body = response.json()
    assert response.status_code == 201
    assert body["key_result_id"] == org.product_kr.pk and body["author_id"] == owner.pk
    assert (body["value"], body["confidence"]) == (35.5, 3)
    assert (body["progress_note"], body["wins"], body["blockers"]) == ("steady", "w", "b")
    listed = call(as_owner, "get", f"/key-results/{org.product_kr.pk}/check-ins").json()
    assert listed["count"] == 2 and listed["items"][0]["id"] == body["id"]


def test_check_in_reaching_the_target_marks_the_key_result_done(as_owner, org):
    assert check_in(as_owner, org.product_kr.pk, value=120, confidence=5).status_code == 201
    kr = call(as_owner, "get", f"/key-results/{org.product_kr.pk}").json()
    assert kr["status"] == "done" and kr["progress"] == 1.0
    assert kr["attainment"] == pytest.approx(1.2)


def test_low_confidence_makes_the_status_worse(as_owner, org):
    check_in(as_owner, org.product_kr.pk, value=80, confidence=1)
    assert call(as_owner, "get", f"/key-results/{org.product_kr.pk}").json()["status"] == (
        "off_track"
    )


def test_check_in_ends_a_status_override(as_owner, org):
    override = call(
        as_owner,
        "patch",
        f"/key-results/{org.product_kr.pk}",
        {"status_override": "at_risk", "status_override_reason": "Vendor late"},
    )
    assert override.status_code == 200 and override.json()["status"] == "at_risk"
    assert override.json()["status_override"] == "at_risk"
    check_in(as_owner, org.product_kr.pk, value=80, confidence=5)
    kr = call(as_owner, "get", f"/key-results/{org.product_kr.pk}").json()
    assert kr["status_override"] is None and kr["status"] == "on_track"


def test_status_override_needs_a_reason(as_owner, org):
    response = call(
        as_owner, "patch", f"/key-results/{org.product_kr.pk}", {"status_override": "at_risk"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status_override_reason"


def test_teammate_checks_in_on_a_key_result_owned_by_someone_else(api_client, teammate, org):
    response = check_in(api_client(teammate), org.product_kr.pk, value=40, confidence=4)
    assert response.status_code == 201 and response.json()["author_id"] == teammate.pk


def test_milestone_key_result_checks_in_with_the_milestones_done(as_owner, org, actor_of, owner):
    kr = actions.create_key_result(
        actor_of(owner),
        org.product_obj,
        title="Release",
        kind="milestones",
        milestones=[{"title": "Beta", "weight": 1}, {"title": "GA", "weight": 3}],
    )
    milestones = call(as_owner, "get", f"/key-results/{kr.pk}").json()["milestones"]
    beta, ga = (m["id"] for m in milestones)
    response = check_in(as_owner, kr.pk, confidence=4, milestones_done=[ga])
    assert response.status_code == 201 and response.json()["milestones_done"] == [ga]
    got = call(as_owner, "get", f"/key-results/{kr.pk}").json()
    assert got["progress"] == pytest.approx(0.75)
    assert [m["done"] for m in got["milestones"]] == [False, True]
    assert check_in(as_owner, kr.pk, confidence=4).status_code == 422
    foreign = check_in(as_owner, kr.pk, confidence=4, milestones_done=[beta, 10**9])
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "milestones_done"


def test_check_ins_are_listed_newest_first_and_paginated(as_owner, org, cycle):
    yesterday = timezone.now().date() - dt.timedelta(days=1)
    for i, value in enumerate((30, 40, 50)):
        check_in(
            as_owner,
            org.product_kr.pk,
            value=value,
            confidence=4,
            checked_in_at=_at(yesterday - dt.timedelta(days=i)),
        )
    body = call(as_owner, "get", f"/key-results/{org.product_kr.pk}/check-ins", limit=2).json()
    assert body["count"] == 4
    assert [c["value"] for c in body["items"]] == [20.0, 30.0]
    rest = call(as_owner, "get", f"/key-results/{org.product_kr.pk}/check-ins", offset=2).json()
    assert [c["value"] for c in rest["items"]] == [40.0, 50.0]


# ---- back-dating ---------------------------------------------------------------------------


def test_back_dated_check_in_within_the_cycle_is_kept_in_order(as_owner, org, cycle):
    when = _at(cycle.start_date + dt.timedelta(days=3))
    response = check_in(as_owner, org.product_kr.pk, value=5, confidence=4, checked_in_at=when)
    assert response.status_code == 201
    assert dt.datetime.fromisoformat(response.json()["checked_in_at"]) == (
        dt.datetime.fromisoformat(when)
    )
    # The newer check-in (20) still holds the current value.
    kr = call(as_owner, "get", f"/key-results/{org.product_kr.pk}").json()
    assert kr["current_value"] == 20.0


@pytest.mark.parametrize("days_before_start", [1, 40])
def test_check_in_back_dated_before_the_cycle_is_refused(days_before_start, as_owner, org, cycle):
    when = _at(cycle.start_date - dt.timedelta(days=days_before_start))
    response = check_in(as_owner, org.product_kr.pk, value=5, confidence=4, checked_in_at=when)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "checked_in_at", "message": "A check-in may be back-dated only within its cycle."}
    ]
    assert call(as_owner, "get", f"/key-results/{org.product_kr.pk}/check-ins").json()["count"] == 1


def test_check_in_dated_in_the_future_is_refused(as_owner, org):
    when = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = check_in(as_owner, org.product_kr.pk, value=5, confidence=4, checked_in_at=when)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "checked_in_at"


def test_check_in_time_without_a_zone_is_refused(as_owner, org, cycle):
    naive = dt.datetime.combine(cycle.start_date + dt.timedelta(days=3), dt.time(9)).isoformat()
    response = check_in(as_owner, org.product_kr.pk, value=5, confidence=4, checked_in_at=naive)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "checked_in_at"


# ---- closed cycles -------------------------------------------------------------------------


@pytest.fixture
def closed(api_client, admin, org, cycle):
    response = call(api_client(admin), "post", f"/cycles/{cycle.pk}/close", {})
    assert response.status_code == 200 and response.json()["state"] == "closed"
    return cycle


def test_member_check_in_on_a_closed_cycle_is_409(as_owner, org, closed):
    response = check_in(as_owner, org.product_kr.pk, value=90, confidence=4)
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    kr = call(as_owner, "get", f"/key-results/{org.product_kr.pk}").json()
    assert kr["current_value"] == 20.0
    assert call(as_owner, "get", f"/key-results/{org.product_kr.pk}/check-ins").json()["count"] == 1


def test_member_status_override_on_a_closed_cycle_is_409(as_owner, org, closed):
    response = call(
        as_owner,
        "patch",
        f"/key-results/{org.product_kr.pk}",
        {"status_override": "at_risk", "status_override_reason": "late"},
    )
    assert response.status_code == 409


def test_admin_may_check_in_on_a_closed_cycle_and_it_is_audited(api_client, admin, org, closed):
    client = api_client(admin)
    response = check_in(client, org.product_kr.pk, value=90, confidence=4)
    assert response.status_code == 201
    assert call(client, "get", f"/key-results/{org.product_kr.pk}").json()["current_value"] == 90
    entries = call(
        client, "get", "/audit", object_type="keyresult", object_id=org.product_kr.pk
    ).json()["items"]
    newest = entries[0]
    assert newest["action"] == "check-in" and newest["actor_id"] == admin.pk
    assert newest["note"] == "admin change in closed cycle"
    assert newest["after"]["check_in_id"] == response.json()["id"]


def test_check_in_on_an_open_cycle_carries_no_audit_note(as_owner, org):
    check_in(as_owner, org.product_kr.pk, value=25, confidence=4)
    entries = call(
        as_owner, "get", "/audit", object_type="keyresult", object_id=org.product_kr.pk
    ).json()["items"]
    assert entries[0]["action"] == "check-in" and entries[0]["note"] == ""


def test_a_kr_with_nothing_to_count_answers_unknown_progress_and_no_status(as_owner, org):
    before = call(as_owner, "get", f"/objectives/{org.product_obj.pk}").json()["progress"]
    created = call(
        as_owner,
        "post",
        "/key-results",
        {"objective_id": org.product_obj.pk, "title": "Launch checklist", "kind": "milestones"},
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["progress"], body["attainment"], body["status"]) == (None, None, None)
    assert check_in(as_owner, body["id"], confidence=3, milestones_done=[]).status_code == 201
    body = call(as_owner, "get", f"/key-results/{body['id']}").json()
    assert (body["progress"], body["status"], body["forecast"]["projected_progress"]) == (
        None,
        None,
        None,
    )
    # The objective stands where it stood: the new KR is not counted as 0%.
    after = call(as_owner, "get", f"/objectives/{org.product_obj.pk}").json()["progress"]
    assert after == before > 0
    tree = call(as_owner, "get", f"/objectives/{org.product_obj.pk}/tree").json()
    assert {kr["title"]: kr["progress"] for kr in tree["key_results"]}["Launch checklist"] is None


def test_derived_numbers_leave_the_api_rounded_to_four_decimals(as_owner, org):
    kr = call(
        as_owner,
        "post",
        "/key-results",
        {
            "objective_id": org.product_obj.pk,
            "title": "Rate",
            "start_value": 0.1,
            "target_value": 1.1,
        },
    ).json()
    response = check_in(as_owner, kr["id"], value=0.56, confidence=4)
    assert response.status_code == 201
    assert (0.56 - 0.1) / (1.1 - 0.1) == 0.4600000000000001  # the float noise being cut
    got = call(as_owner, "get", f"/key-results/{kr['id']}")
    body = got.json()
    assert (body["progress"], body["attainment"]) == (0.46, 0.46)
    assert body["expected_progress"] == round(body["expected_progress"], 4)
    assert body["forecast"]["projected_progress"] == round(
        body["forecast"]["projected_progress"], 4
    )
    assert "0.4600000000000001" not in got.content.decode()
    listed = call(as_owner, "get", "/key-results", objective=org.product_obj.pk).json()["items"]
    assert {k["id"]: k["progress"] for k in listed}[kr["id"]] == 0.46
    objective = call(as_owner, "get", f"/objectives/{org.product_obj.pk}").json()
    assert objective["progress"] == round(objective["progress"], 4)


def test_a_checklists_done_share_is_rounded_like_a_ratio(as_owner, org):
    kr = call(
        as_owner,
        "post",
        "/key-results",
        {
            "objective_id": org.product_obj.pk,
            "title": "Launch",
            "kind": "milestones",
            "milestones": [{"title": t} for t in ("Design", "Build", "Ship")],
        },
    ).json()
    design = kr["milestones"][0]["id"]
    checkin = check_in(as_owner, kr["id"], confidence=4, milestones_done=[design]).json()
    assert checkin["value"] == 0.3333
    assert (
        call(as_owner, "get", f"/key-results/{kr['id']}/check-ins").json()["items"][0]["value"]
        == 0.3333
    )
    body = call(as_owner, "get", f"/key-results/{kr['id']}").json()
    assert (body["progress"], body["current_value"]) == (0.3333, 0.3333)
