"""The public contract of /api/v1: where the spec lives, the fields of every resource, pagination
as {items, count} with limit/offset on every list, and the list filters."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaran.okrs import actions
from sasaran.okrs.models import Cycle, CycleState
from tests.api import call

TEAM = {"id", "name", "parent_id"}
CYCLE = {"id", "name", "start_date", "end_date", "state", "parent_id"}
OBJECTIVE = {
    "id",
    "title",
    "description",
    "owner_id",
    "team_id",
    "cycle_id",
    "parent_id",
    "kind",
    "visibility",
    "progress",
    "status",
    "score",
}
KEY_RESULT = {
    "id",
    "objective_id",
    "title",
    "owner_id",
    "kind",
    "direction",
    "unit",
    "currency",
    "start_value",
    "target_value",
    "current_value",
    "weight",
    "due_date",
    "progress",
    "attainment",
    "expected_progress",
    "status",
    "status_override",
    "confidence",
    "stale",
    "forecast",
    "score",
}
FORECAST = {"projected_value", "projected_progress", "will_reach_target"}
CHECK_IN = {
    "id",
    "key_result_id",
    "value",
    "confidence",
    "progress_note",
    "wins",
    "blockers",
    "checked_in_at",
    "author_id",
}
STATUSES = {"on_track", "at_risk", "off_track", "done"}


def _is_progress(value) -> bool:
    return value is None or (isinstance(value, float) and 0.0 <= value <= 1.0)


# ---- the spec ------------------------------------------------------------------------------


def test_openapi_spec_is_served_and_lists_every_resource(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/teams",
        "/api/v1/members",
        "/api/v1/cycles",
        "/api/v1/cycles/{cycle_id}/close",
        "/api/v1/objectives",
        "/api/v1/objectives/{objective_id}/tree",
        "/api/v1/key-results",
        "/api/v1/key-results/{kr_id}/check-ins",
        "/api/v1/audit",
    ]:
        assert path in paths
    assert set(paths["/api/v1/key-results/{kr_id}/check-ins"]) == {"get", "post"}


def test_spec_documents_the_422_validation_error_with_the_error_body(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    create = spec["paths"]["/api/v1/objectives"]["post"]["responses"]
    assert create["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    error = spec["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"detail", "errors"}


def test_spec_declares_bearer_token_auth(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    schemes = spec["components"]["securitySchemes"].values()
    assert {"type": "http", "scheme": "bearer"} in [
        {k: s.get(k) for k in ("type", "scheme")} for s in schemes
    ]


def test_docs_page_is_served(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


# ---- fields of every resource --------------------------------------------------------------


def test_team_has_the_contract_fields(as_owner, org, product, company):
    body = call(as_owner, "get", f"/teams/{product.pk}").json()
    assert TEAM <= set(body)
    assert body["id"] == product.pk and body["name"] == "Product"
    assert body["parent_id"] == company.pk


def test_cycle_has_the_contract_fields(as_owner, org, cycle):
    body = call(as_owner, "get", f"/cycles/{cycle.pk}").json()
    assert CYCLE <= set(body)
    assert body["start_date"] == cycle.start_date.isoformat()
    assert body["end_date"] == cycle.end_date.isoformat()
    assert body["state"] == "active" and body["parent_id"] is None


def test_objective_has_the_contract_fields(as_owner, org, owner, product, cycle):
    body = call(as_owner, "get", f"/objectives/{org.product_obj.pk}").json()
    assert OBJECTIVE <= set(body)
    assert body["owner_id"] == owner.pk and body["team_id"] == product.pk
    assert body["cycle_id"] == cycle.pk and body["parent_id"] == org.company_obj.pk
    assert body["kind"] == "committed" and body["visibility"] == "workspace"
    assert _is_progress(body["progress"]) and body["progress"] > 0
    assert body["status"] in STATUSES
    assert body["score"] is None


def test_key_result_has_the_contract_fields(as_owner, org, owner, cycle):
    body = call(as_owner, "get", f"/key-results/{org.product_kr.pk}").json()
    assert KEY_RESULT <= set(body)
    assert FORECAST <= set(body["forecast"])
    assert body["objective_id"] == org.product_obj.pk and body["owner_id"] == owner.pk
    assert (body["kind"], body["direction"], body["unit"], body["currency"]) == (
        "number",
        "increase",
        "users",
        "",
    )
    assert (body["start_value"], body["target_value"], body["current_value"]) == (0.0, 100.0, 20.0)
    assert body["weight"] == 1.0
    assert body["due_date"] == cycle.end_date.isoformat()  # no due date: the cycle's end
    assert body["progress"] == pytest.approx(0.2) and body["attainment"] == pytest.approx(0.2)
    assert 0.0 <= body["expected_progress"] <= 1.0
    assert body["status"] in STATUSES and body["status_override"] is None
    assert body["confidence"] == 4 and body["stale"] is False
    assert isinstance(body["forecast"]["projected_value"], float)
    assert isinstance(body["forecast"]["will_reach_target"], bool)
    assert body["score"] is None


def test_key_result_without_check_ins_has_an_empty_forecast(as_owner, org, actor_of, owner):
    kr = actions.create_key_result(actor_of(owner), org.product_obj, title="New", target_value=5)
    body = call(as_owner, "get", f"/key-results/{kr.pk}").json()
    assert body["forecast"] == {
        "projected_value": None,
        "projected_progress": None,
        "will_reach_target": None,
    }
    assert body["confidence"] is None and body["current_value"] == 0.0


def test_check_in_has_the_contract_fields(as_owner, org, owner):
    body = call(as_owner, "get", f"/key-results/{org.product_kr.pk}/check-ins").json()
    [checkin] = body["items"]
    assert CHECK_IN <= set(checkin)
    assert checkin["id"] == org.product_checkin.pk
    assert checkin["key_result_id"] == org.product_kr.pk
    assert (checkin["value"], checkin["confidence"], checkin["author_id"]) == (20.0, 4, owner.pk)
    assert (checkin["progress_note"], checkin["wins"], checkin["blockers"]) == ("", "", "")
    assert dt.datetime.fromisoformat(checkin["checked_in_at"]).tzinfo is not None


def test_member_lists_user_id_role_and_teams(as_owner, org, viewer, product):
    body = call(as_owner, "get", f"/members/{viewer.pk}").json()
    assert body["id"] == viewer.pk and body["role"] == "viewer"
    assert body["email"] == "viewer@example.com" and body["team_ids"] == [product.pk]


def test_every_objective_and_key_result_in_lists_has_status_and_progress_in_range(as_admin, org):
    objectives = call(as_admin, "get", "/objectives").json()["items"]
    krs = call(as_admin, "get", "/key-results").json()["items"]
    assert len(objectives) == 4 and len(krs) == 3
    for row in objectives + krs:
        assert row["status"] in STATUSES
        assert _is_progress(row["progress"])


def test_objective_without_key_results_has_null_progress_and_status(as_owner, cycle, product, db):
    created = call(
        as_owner,
        "post",
        "/objectives",
        {"title": "Empty", "cycle_id": cycle.pk, "team_id": product.pk},
    )
    assert created.status_code == 201
    assert created.json()["progress"] is None and created.json()["status"] is None


def test_created_objective_and_key_result_are_owned_by_their_creator(as_owner, owner, cycle, db):
    # A personal objective (no team) is its owner's: with no owner_id it must be the creator's.
    objective = call(as_owner, "post", "/objectives", {"title": "Mine", "cycle_id": cycle.pk})
    assert objective.status_code == 201
    assert objective.json()["owner_id"] == owner.pk
    kr = call(
        as_owner,
        "post",
        "/key-results",
        {"objective_id": objective.json()["id"], "title": "Read 5 books", "target_value": 5},
    )
    assert kr.status_code == 201
    assert kr.json()["owner_id"] == owner.pk


# ---- pagination ----------------------------------------------------------------------------


@pytest.fixture
def plenty(org, actor_of, admin, owner, workspace, cycle, api_client):
    """At least four rows in every list."""
    a = actor_of(admin)
    for i in range(3):
        actions.create_cycle(
            a,
            name=f"Later {i}",
            start_date=cycle.end_date + dt.timedelta(days=1 + 100 * i),
            end_date=cycle.end_date + dt.timedelta(days=90 + 100 * i),
        )
    for value in (30, 40, 50):
        actions.create_checkin(actor_of(owner), org.product_kr.pk, value=value, confidence=4)
    actions.create_key_result(actor_of(owner), org.product_obj, title="Extra", target_value=3)
    for _ in range(3):
        api_client(admin)  # each makes a token


LISTS = [
    "/teams",
    "/members",
    "/cycles",
    "/objectives",
    "/key-results",
    "/audit",
    "/tokens",
    "/key-results/{kr}/check-ins",
    "/templates",
]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_is_paginated_with_limit_and_offset(path, as_admin, org, plenty):
    path = path.format(kr=org.product_kr.pk)
    everything = call(as_admin, "get", path, limit=500).json()
    assert set(everything) == {"items", "count"}
    assert everything["count"] == len(everything["items"]) >= 4
    page = call(as_admin, "get", path, limit=2, offset=1).json()
    assert page["count"] == everything["count"]
    # Rows compared by id: a KR's expected progress moves with the clock between two calls.
    assert [r["id"] for r in page["items"]] == [r["id"] for r in everything["items"][1:3]]
    beyond = call(as_admin, "get", path, offset=everything["count"]).json()
    assert beyond == {"items": [], "count": everything["count"]}


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "ten"}])
def test_out_of_range_page_parameters_are_refused_naming_the_parameter(query, as_admin, org):
    response = call(as_admin, "get", "/objectives", **query)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == next(iter(query))


def test_lists_default_to_fifty_rows(as_admin, org, actor_of, admin, cycle, company):
    for i in range(52):
        actions.create_objective(
            actor_of(admin), title=f"O{i}", cycle_id=cycle.pk, team_id=company.pk
        )
    body = call(as_admin, "get", "/objectives").json()
    assert body["count"] == 56 and len(body["items"]) == 50


# ---- filters -------------------------------------------------------------------------------


def _ids(response) -> set[int]:
    assert response.status_code == 200
    return {row["id"] for row in response.json()["items"]}


@pytest.fixture
def next_cycle(workspace, cycle):
    return Cycle.objects.create(
        workspace=workspace,
        name="Next quarter",
        start_date=cycle.end_date + dt.timedelta(1),
        end_date=cycle.end_date + dt.timedelta(90),
        state=CycleState.PLANNING,
    )


def test_objectives_filter_by_cycle(as_owner, org, next_cycle, actor_of, owner, product, cycle):
    later = actions.create_objective(
        actor_of(owner), title="Later", cycle_id=next_cycle.pk, team_id=product.pk
    )
    assert _ids(call(as_owner, "get", "/objectives", cycle=next_cycle.pk)) == {later.pk}
    assert later.pk not in _ids(call(as_owner, "get", "/objectives", cycle=cycle.pk))


def test_objectives_filter_by_team_owner_and_parent(as_owner, org, product, seller):
    assert _ids(call(as_owner, "get", "/objectives", team=product.pk)) == {
        org.product_obj.pk,
        org.private_obj.pk,
    }
    assert _ids(call(as_owner, "get", "/objectives", owner=seller.pk)) == {org.sales_obj.pk}
    assert _ids(call(as_owner, "get", "/objectives", parent=org.company_obj.pk)) == {
        org.product_obj.pk,
        org.sales_obj.pk,
    }


def test_objectives_filter_by_status(as_admin, org):
    everything = call(as_admin, "get", "/objectives").json()["items"]
    by_status: dict[str, set[int]] = {}
    for row in everything:
        by_status.setdefault(row["status"], set()).add(row["id"])
    for status in STATUSES:
        assert _ids(call(as_admin, "get", "/objectives", status=status)) == by_status.get(
            status, set()
        )


def test_unknown_status_filter_is_refused(as_admin, org):
    response = call(as_admin, "get", "/objectives", status="fine")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"


def test_key_results_filter_by_cycle_team_owner_objective_and_status(
    as_admin, org, product, sales, seller, cycle, next_cycle
):
    assert _ids(call(as_admin, "get", "/key-results", cycle=cycle.pk)) == {
        org.product_kr.pk,
        org.private_kr.pk,
        org.sales_kr.pk,
    }
    assert _ids(call(as_admin, "get", "/key-results", cycle=next_cycle.pk)) == set()
    assert _ids(call(as_admin, "get", "/key-results", team=sales.pk)) == {org.sales_kr.pk}
    assert _ids(call(as_admin, "get", "/key-results", owner=seller.pk)) == {org.sales_kr.pk}
    assert _ids(call(as_admin, "get", "/key-results", objective=org.product_obj.pk)) == {
        org.product_kr.pk
    }
    statuses = {
        row["id"]: row["status"] for row in call(as_admin, "get", "/key-results").json()["items"]
    }
    for status in STATUSES:
        expected = {pk for pk, s in statuses.items() if s == status}
        assert _ids(call(as_admin, "get", "/key-results", status=status)) == expected


def test_teams_filter_by_parent_and_members_by_role_and_team(
    as_admin, org, company, product, sales, viewer, owner, teammate
):
    assert _ids(call(as_admin, "get", "/teams", parent=company.pk)) == {product.pk, sales.pk}
    assert _ids(call(as_admin, "get", "/members", role="viewer")) == {viewer.pk}
    assert _ids(call(as_admin, "get", "/members", team=product.pk)) == {
        owner.pk,
        teammate.pk,
        viewer.pk,
    }


def test_cycles_filter_by_state(as_admin, org, cycle, next_cycle):
    assert _ids(call(as_admin, "get", "/cycles", state="planning")) == {next_cycle.pk}
    assert _ids(call(as_admin, "get", "/cycles", state="active")) == {cycle.pk}


def test_audit_filters_by_objective(as_admin, org):
    rows = call(as_admin, "get", "/audit", objective=org.product_obj.pk).json()["items"]
    assert rows and {r["objective_id"] for r in rows} == {org.product_obj.pk}
    assert {"create", "check-in"} <= {r["action"] for r in rows}


# ---- the aligned tree ----------------------------------------------------------------------


def test_tree_returns_the_aligned_subtree_with_key_results(as_owner, org):
    tree = call(as_owner, "get", f"/objectives/{org.company_obj.pk}/tree").json()
    assert OBJECTIVE <= set(tree)
    assert tree["id"] == org.company_obj.pk and tree["key_results"] == []
    children = {child["id"]: child for child in tree["children"]}
    assert set(children) == {org.product_obj.pk, org.sales_obj.pk}
    product = children[org.product_obj.pk]
    assert [kr["id"] for kr in product["key_results"]] == [org.product_kr.pk]
    assert [c["id"] for c in product["children"]] == [org.private_obj.pk]
    assert product["children"][0]["key_results"][0]["id"] == org.private_kr.pk


def test_tree_of_a_leaf_has_no_children(as_owner, org):
    tree = call(as_owner, "get", f"/objectives/{org.sales_obj.pk}/tree").json()
    assert tree["children"] == []
    assert [kr["id"] for kr in tree["key_results"]] == [org.sales_kr.pk]


# ---- lists cost the same number of queries whatever their length --------------------------


@pytest.mark.parametrize("path", LISTS)
def test_list_runs_no_query_per_row(path, as_admin, org, actor_of, admin, owner, company, cycle):
    path = path.format(kr=org.product_kr.pk)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert call(as_admin, "get", path).status_code == 200
        # A full page also counts the rows (a page that is not full tells its count itself).
        counts = [q for q in ctx.captured_queries if "COUNT(*)" in q["sql"]]
        assert len(counts) <= 1
        return len(ctx.captured_queries) - len(counts)

    # A checklist from the start: a page with one reads milestones (a page without, none).
    actions.create_key_result(
        actor_of(admin),
        org.company_obj,
        title="Steps",
        kind="milestones",
        milestones=[{"title": "m"}],
    )
    queries()  # the first use of a token stamps it
    few = queries()
    a = actor_of(admin)
    for i in range(6):
        obj = actions.create_objective(a, title=f"More {i}", cycle_id=cycle.pk, team_id=company.pk)
        actions.create_key_result(
            a, obj, title=f"KR {i}", kind="milestones", milestones=[{"title": "m"}]
        )
        actions.create_checkin(a, org.product_kr.pk, value=30 + i, confidence=4)
        actions.create_cycle(
            a,
            name=f"Extra {i}",
            start_date=cycle.end_date + dt.timedelta(days=1 + i),
            end_date=cycle.end_date + dt.timedelta(days=1 + i),
        )
        api_team = call(as_admin, "post", "/teams", {"name": f"Team {i}"})
        call(
            as_admin,
            "post",
            "/members",
            {"email": f"m{i}@example.com", "team_ids": [api_team.json()["id"]]},
        )
        actions.create_checkin(actor_of(owner), org.product_kr.pk, value=40 + i, confidence=3)
    call(as_admin, "post", "/tokens", {"name": "one more"})
    queries()  # new teams and members: the process rebuilds the admin's actor once
    assert queries() == few
