"""Who may do what, over every endpoint and method of /api/v1: nobody without a token, nothing of
this workspace for a member of another, reads only for viewers, Product's OKRs only for Product,
and private objectives hidden from everyone else: in lists, trees, counts and the audit log."""

import re

import pytest
from django.test import Client

from sasaran.accounts.actions import create_token
from sasaran.accounts.queries import actor_for
from sasaran.audit.models import AuditEntry
from sasaran.okrs import actions
from sasaran.work import actions as work_actions
from tests.api import call

# Every operation of the spec (test_every_operation_of_the_spec_is_in_the_table keeps it so).
# "{name}" in a path and "@name" in a body stand for the id of that row of this workspace.
ENDPOINTS = [
    ("get", "/teams", None),
    ("post", "/teams", {"name": "Ops", "parent_id": "@company"}),
    ("get", "/teams/{product}", None),
    ("patch", "/teams/{product}", {"name": "Renamed"}),
    ("delete", "/teams/{growth}", None),
    ("get", "/members", None),
    ("post", "/members", {"email": "new@example.com", "team_ids": ["@product"]}),
    ("get", "/members/{teammate}", None),
    ("patch", "/members/{teammate}", {"role": "viewer"}),
    ("delete", "/members/{teammate}", None),
    ("get", "/me", None),
    ("get", "/tokens", None),
    ("post", "/tokens", {"name": "laptop"}),
    ("delete", "/tokens/{owner_token}", None),
    ("get", "/cycles", None),
    (
        "post",
        "/cycles",
        {
            "name": "Sprint 9",
            "start_date": "@cycle_start",
            "end_date": "@cycle_start",
            "parent_id": "@cycle",
        },
    ),
    ("get", "/cycles/{cycle}", None),
    ("patch", "/cycles/{cycle}", {"name": "Renamed quarter"}),
    ("delete", "/cycles/{cycle}", None),
    ("post", "/cycles/{cycle}/close", {}),
    ("get", "/objectives", None),
    ("post", "/objectives", {"title": "New", "cycle_id": "@cycle", "team_id": "@product"}),
    ("get", "/objectives/{product_obj}", None),
    ("patch", "/objectives/{product_obj}", {"title": "Changed"}),
    ("delete", "/objectives/{product_obj}", None),
    ("get", "/objectives/{product_obj}/tree", None),
    ("get", "/objectives/{product_obj}/retrospective", None),
    ("put", "/objectives/{product_obj}/retrospective", {"learnings": "Ship smaller"}),
    ("get", "/key-results", None),
    (
        "post",
        "/key-results",
        {"objective_id": "@product_obj", "title": "New KR", "target_value": 5},
    ),
    ("get", "/key-results/{product_kr}", None),
    ("patch", "/key-results/{product_kr}", {"title": "Changed"}),
    ("delete", "/key-results/{product_kr}", None),
    ("get", "/key-results/{product_kr}/check-ins", None),
    ("post", "/key-results/{product_kr}/check-ins", {"value": 30, "confidence": 4}),
    ("get", "/objectives/{product_obj}/comments", None),
    ("post", "/objectives/{product_obj}/comments", {"body": "Nice"}),
    ("get", "/key-results/{product_kr}/comments", None),
    ("post", "/key-results/{product_kr}/comments", {"body": "Why?"}),
    ("get", "/comments/{product_comment}", None),
    ("patch", "/comments/{product_comment}", {"body": "Changed"}),
    ("delete", "/comments/{product_comment}", None),
    ("get", "/audit", None),
    ("get", "/templates", None),
    ("get", "/spaces", None),
    ("post", "/spaces", {"name": "Ops work", "team_id": "@product"}),
    ("get", "/spaces/{space}", None),
    ("get", "/folders", None),
    ("post", "/folders", {"space_id": "@space", "name": "Q4"}),
    ("get", "/lists", None),
    ("post", "/lists", {"space_id": "@space", "name": "Backlog"}),
    ("get", "/lists/{task_list}", None),
    ("get", "/tasks", None),
    ("post", "/tasks", {"list_id": "@task_list", "title": "Write docs"}),
    ("get", "/tasks/{task}", None),
    ("patch", "/tasks/{task}", {"title": "Changed"}),
    ("delete", "/tasks/{task}", None),
    ("post", "/tasks/{task}/blocked-by", {"blocking_id": "@task_b"}),
    ("get", "/key-results/{product_kr}/links", None),
    ("post", "/key-results/{product_kr}/links", {"task_id": "@task_b"}),
    ("delete", "/key-results/{product_kr}/links/{kr_link}", None),
]
READS = [e for e in ENDPOINTS if e[0] == "get"]
WRITES = [e for e in ENDPOINTS if e[0] != "get"]
# Comments: any member who can see the objective comments; only the author edits (below).
COMMENT_WRITES = [e for e in WRITES if "comments" in e[1]]
# Writes to the OKRs of the Product team, which its members may make and nobody else may.
PRODUCT_OKR_WRITES = [
    e for e in WRITES if re.search(r"objectives|key-results", e[1]) and e not in COMMENT_WRITES
]
ADMIN_WRITES = [e for e in WRITES if re.search(r"teams|members|cycles|spaces", e[1])]
# Everyone manages their own API tokens (a viewer reads through one).
OWN_TOKEN_WRITES = [e for e in WRITES if e[1].startswith("/tokens")]
LISTS = [e for e in READS if "{" not in e[1] and e[1] != "/me"]


def _label(endpoint) -> str:
    return f"{endpoint[0].upper()} {endpoint[1]}"


@pytest.fixture
def ids(org, admin, owner, teammate, company, product, growth, cycle):
    token, _ = create_token(actor_for(owner))
    space = work_actions.create_space(actor_for(admin), name="Product work")
    task_list = work_actions.create_list(actor_for(owner), space, name="Sprint")
    task = work_actions.create_task(actor_for(owner), task_list, title="Ship the beta")
    task_b = work_actions.create_task(actor_for(owner), task_list, title="Write the launch post")
    kr_link = work_actions.link(actor_for(owner), org.product_kr.pk, list_id=task_list.pk)
    return {
        "space": space.pk,
        "task_list": task_list.pk,
        "task": task.pk,
        "task_b": task_b.pk,
        "kr_link": kr_link.pk,
        "company": company.pk,
        "product": product.pk,
        "growth": growth.pk,
        "teammate": teammate.pk,
        "owner_token": token.pk,
        "cycle": cycle.pk,
        "cycle_start": cycle.start_date.isoformat(),
        "product_obj": org.product_obj.pk,
        "product_kr": org.product_kr.pk,
        "product_comment": actions.add_comment(
            actor_for(owner), objective_id=org.product_obj.pk, body="Ship it"
        ).pk,
    }


def request(client, endpoint, ids):
    method, path, body = endpoint

    def fill(value):
        if isinstance(value, str) and value.startswith("@"):
            return ids[value[1:]]
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value

    if body is not None:
        body = {k: fill(v) for k, v in body.items()}
    return call(client, method, path.format(**ids), body)


def _audit_count(workspace) -> int:
    return AuditEntry.objects.filter(workspace=workspace).count()


def test_every_operation_of_the_spec_is_in_the_table(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    operations = {
        (method, re.sub(r"\{\w+\}", "{}", path.removeprefix("/api/v1")))
        for path, item in spec["paths"].items()
        for method in item
    }
    table = {(m, re.sub(r"\{\w+\}", "{}", p)) for m, p, _ in ENDPOINTS}
    assert table == operations


# ---- nobody without a token ----------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_label)
def test_anonymous_request_is_401(endpoint, ids, workspace):
    before = _audit_count(workspace)
    response = request(Client(), endpoint, ids)
    assert response.status_code == 401
    assert response.json()["errors"] == []
    assert _audit_count(workspace) == before


# ---- a member of another workspace ---------------------------------------------------------

OUR_WORDS = [
    "Acme",
    "Product",
    "Company",
    "Current quarter",
    "Ship the app",
    "Win the market",
    "Weekly users",
    "owner@example.com",
    "teammate@example.com",
]


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if "{" in e[1] or e in WRITES and e not in OWN_TOKEN_WRITES],
    ids=_label,
)
def test_outsider_gets_404_for_anything_of_this_workspace(
    endpoint, ids, api_client, outsider, workspace
):
    client = api_client(outsider)  # (making its token writes an audit entry)
    before = _audit_count(workspace)
    response = request(client, endpoint, ids)
    # A path naming our row: 404. A body naming one: "no such ... in this workspace".
    assert response.status_code in ((404,) if "{" in endpoint[1] else (404, 422)), response.content
    assert not any(word.encode() in response.content for word in OUR_WORDS)
    assert _audit_count(workspace) == before


@pytest.mark.parametrize("endpoint", [*LISTS, ("get", "/me", None)], ids=_label)
def test_outsider_lists_hold_nothing_of_this_workspace(endpoint, ids, api_client, outsider):
    response = request(api_client(outsider), endpoint, ids)
    assert response.status_code == 200
    assert not any(word.encode() in response.content for word in OUR_WORDS)


def test_outsider_sees_only_their_own_workspace(api_client, outsider, ids):
    client = api_client(outsider)
    assert call(client, "get", "/me").json()["workspace_name"] == "Other"
    members = call(client, "get", "/members").json()
    assert [m["email"] for m in members["items"]] == ["outsider@example.com"]
    for path in ("/objectives", "/key-results", "/cycles", "/teams"):
        assert call(client, "get", path).json() == {"items": [], "count": 0}


# ---- viewers read, and write nothing ------------------------------------------------------


@pytest.mark.parametrize("endpoint", READS, ids=_label)
def test_viewer_reads_every_resource(endpoint, ids, api_client, viewer):
    assert request(api_client(viewer), endpoint, ids).status_code == 200


@pytest.mark.parametrize("endpoint", [e for e in WRITES if e not in OWN_TOKEN_WRITES], ids=_label)
def test_viewer_gets_403_on_every_write(endpoint, ids, api_client, viewer, workspace):
    client = api_client(viewer)  # (making its token writes an audit entry)
    before = _audit_count(workspace)
    response = request(client, endpoint, ids)
    assert response.status_code == 403, response.content
    assert _audit_count(workspace) == before


def test_viewer_cannot_check_in_on_a_key_result_of_their_own_team(api_client, viewer, org):
    response = call(
        api_client(viewer),
        "post",
        f"/key-results/{org.product_kr.pk}/check-ins",
        {"value": 50, "confidence": 4},
    )
    assert response.status_code == 403


def test_viewer_cannot_override_a_status(api_client, viewer, org):
    response = call(
        api_client(viewer),
        "patch",
        f"/key-results/{org.product_kr.pk}",
        {"status_override": "at_risk", "status_override_reason": "x"},
    )
    assert response.status_code == 403


def test_viewer_manages_their_own_tokens(api_client, viewer, db, org):
    client = api_client(viewer)
    created = call(client, "post", "/tokens", {"name": "reporting"})
    assert created.status_code == 201
    assert call(client, "delete", f"/tokens/{created.json()['id']}").status_code == 204


def test_member_cannot_revoke_someone_elses_token(api_client, seller, ids):
    response = call(api_client(seller), "delete", f"/tokens/{ids['owner_token']}")
    assert response.status_code == 404


# ---- members edit their own teams' OKRs ---------------------------------------------------


@pytest.mark.parametrize("endpoint", PRODUCT_OKR_WRITES, ids=_label)
def test_member_of_another_team_gets_403_editing_products_okrs(
    endpoint, ids, api_client, seller, workspace
):
    client = api_client(seller)  # (making its token writes an audit entry)
    before = _audit_count(workspace)
    response = request(client, endpoint, ids)
    assert response.status_code == 403, response.content
    assert _audit_count(workspace) == before


# The retrospective is written by the objective's owner, its team's leads and admins, with
# the grades (tests/okrs/test_grading.py), not by every member of the team.
TEAM_MEMBER_WRITES = [e for e in PRODUCT_OKR_WRITES if not e[1].endswith("/retrospective")]


@pytest.mark.parametrize("endpoint", TEAM_MEMBER_WRITES, ids=_label)
def test_member_of_the_team_may_edit_its_okrs(endpoint, ids, api_client, teammate):
    response = request(api_client(teammate), endpoint, ids)
    if endpoint[0] == "delete" and response.status_code == 409:
        # Allowed, and refused for another reason: the OKR has check-ins, which are kept.
        assert "kept for good" in response.json()["detail"]
        return
    assert response.status_code in (200, 201, 204), response.content


@pytest.mark.parametrize("endpoint", ADMIN_WRITES, ids=_label)
def test_member_gets_403_on_admin_only_writes(endpoint, ids, api_client, owner, workspace):
    client = api_client(owner)
    before = _audit_count(workspace)
    assert request(client, endpoint, ids).status_code == 403
    assert _audit_count(workspace) == before


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ADMIN_WRITES if e[0] != "delete"]
    + [
        ("delete", "/teams/{growth}", None),
    ],
    ids=_label,
)
def test_admin_may_make_admin_writes(endpoint, ids, api_client, admin):
    response = request(api_client(admin), endpoint, ids)
    assert response.status_code in (200, 201, 204), response.content


def test_member_cannot_move_an_objective_into_another_team(api_client, owner, org, sales):
    response = call(
        api_client(owner), "patch", f"/objectives/{org.product_obj.pk}", {"team_id": sales.pk}
    )
    assert response.status_code == 403


def test_member_may_check_in_on_a_key_result_they_own_in_another_team(
    api_client, admin, seller, org, actor_of, product
):
    kr = actions.create_key_result(
        actor_of(admin), org.product_obj, title="Partner deals", target_value=3, owner_id=seller.pk
    )
    response = call(
        api_client(seller), "post", f"/key-results/{kr.pk}/check-ins", {"value": 1, "confidence": 4}
    )
    assert response.status_code == 201
    # Owning one KR is not a licence to edit the objective's other key results.
    other = call(
        api_client(seller),
        "post",
        f"/key-results/{org.product_kr.pk}/check-ins",
        {"value": 1, "confidence": 4},
    )
    assert other.status_code == 403


@pytest.mark.parametrize("endpoint", COMMENT_WRITES, ids=_label)
def test_a_member_of_another_team_comments_but_changes_only_their_own_comments(
    endpoint, ids, api_client, seller, owner
):
    response = request(api_client(seller), endpoint, ids)
    if endpoint[0] == "post":
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 403, response.content
        assert request(api_client(owner), endpoint, ids).status_code in (200, 204)


# ---- private objectives ---------------------------------------------------------------------


def test_private_objective_is_missing_from_the_sellers_list_and_count(
    api_client, seller, teammate, org
):
    theirs = call(api_client(seller), "get", "/objectives").json()
    ours = call(api_client(teammate), "get", "/objectives").json()
    assert org.private_obj.pk not in {o["id"] for o in theirs["items"]}
    assert org.private_obj.pk in {o["id"] for o in ours["items"]}
    assert theirs["count"] == ours["count"] - 1 == 3


def test_private_objective_is_missing_from_filtered_counts(api_client, seller, org, product):
    body = call(api_client(seller), "get", "/objectives", team=product.pk).json()
    assert body == {"items": body["items"], "count": 1}
    by_parent = call(api_client(seller), "get", "/objectives", parent=org.product_obj.pk).json()
    assert by_parent == {"items": [], "count": 0}


@pytest.mark.parametrize(
    "path",
    [
        "/objectives/{private_obj}",
        "/objectives/{private_obj}/tree",
        "/objectives/{private_obj}/retrospective",
        "/key-results/{private_kr}",
        "/key-results/{private_kr}/check-ins",
    ],
)
def test_private_objective_and_its_key_results_are_404_for_the_seller(
    path, api_client, seller, org
):
    path = path.format(private_obj=org.private_obj.pk, private_kr=org.private_kr.pk)
    response = call(api_client(seller), "get", path)
    assert response.status_code == 404
    assert b"Secret" not in response.content and b"Term sheets" not in response.content


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("patch", "/objectives/{private_obj}", {"title": "Leaked"}),
        ("delete", "/objectives/{private_obj}", None),
        ("put", "/objectives/{private_obj}/retrospective", {"learnings": "x"}),
        ("post", "/key-results", {"objective_id": "{private_obj}", "title": "x"}),
        ("patch", "/key-results/{private_kr}", {"title": "x"}),
        ("delete", "/key-results/{private_kr}", None),
        ("post", "/key-results/{private_kr}/check-ins", {"value": 3, "confidence": 4}),
    ],
)
def test_writes_to_a_private_objective_are_404_for_the_seller(
    method, path, body, api_client, seller, org, workspace
):
    fmt = {"private_obj": org.private_obj.pk, "private_kr": org.private_kr.pk}
    if body and body.get("objective_id"):
        body = {**body, "objective_id": org.private_obj.pk}
    client = api_client(seller)
    before = _audit_count(workspace)
    response = call(client, method, path.format(**fmt), body)
    # 404 rather than 403: a 403 would confirm that the objective exists.
    assert response.status_code == 404
    assert _audit_count(workspace) == before


def test_private_objective_is_missing_from_the_sellers_tree(api_client, seller, teammate, org):
    def product_children(client):
        tree = call(client, "get", f"/objectives/{org.company_obj.pk}/tree").json()
        [product] = [c for c in tree["children"] if c["id"] == org.product_obj.pk]
        return [c["id"] for c in product["children"]]

    assert product_children(api_client(seller)) == []
    assert product_children(api_client(teammate)) == [org.private_obj.pk]


@pytest.fixture
def open_child_of_private(actor_of, owner, org, cycle, product):
    """A workspace-visible objective aligned under the private one."""
    return actions.create_objective(
        actor_of(owner),
        title="Open child",
        cycle_id=cycle.pk,
        team_id=product.pk,
        parent_id=org.private_obj.pk,
    )


def test_a_visible_child_does_not_give_away_its_private_parents_id(
    api_client, seller, teammate, org, open_child_of_private
):
    child = open_child_of_private.pk
    seller_client, teammate_client = api_client(seller), api_client(teammate)
    assert call(seller_client, "get", f"/objectives/{child}").json()["parent_id"] is None
    listed = {o["id"]: o for o in call(seller_client, "get", "/objectives").json()["items"]}
    assert listed[child]["parent_id"] is None
    assert listed[org.product_obj.pk]["parent_id"] == org.company_obj.pk  # visible parents stay
    assert call(seller_client, "get", f"/objectives/{child}/tree").json()["parent_id"] is None
    # Nor does filtering by the hidden id confirm that it exists.
    by_parent = call(seller_client, "get", "/objectives", parent=org.private_obj.pk).json()
    assert by_parent == {"items": [], "count": 0}
    # Those who see the parent get its id.
    assert (
        call(teammate_client, "get", f"/objectives/{child}").json()["parent_id"]
        == org.private_obj.pk
    )
    assert (
        call(teammate_client, "get", "/objectives", parent=org.private_obj.pk).json()["count"] == 1
    )


def test_writes_answer_without_the_private_parents_id(
    api_client, seller, org, open_child_of_private, actor_of, admin, sales
):
    # An objective aligned to the visible child names it; an admin's edit of the child names
    # the private parent (admins see everything).
    created = call(
        api_client(seller),
        "post",
        "/objectives",
        {
            "title": "Sell the child",
            "cycle_id": org.sales_obj.cycle_id,
            "team_id": sales.pk,
            "parent_id": open_child_of_private.pk,
        },
    )
    assert created.status_code == 201 and created.json()["parent_id"] == open_child_of_private.pk
    moved = call(
        api_client(admin), "patch", f"/objectives/{open_child_of_private.pk}", {"title": "Renamed"}
    )
    assert moved.json()["parent_id"] == org.private_obj.pk


def test_private_key_results_are_missing_from_the_sellers_lists(api_client, seller, teammate, org):
    theirs = call(api_client(seller), "get", "/key-results").json()
    ours = call(api_client(teammate), "get", "/key-results").json()
    assert org.private_kr.pk not in {k["id"] for k in theirs["items"]}
    assert theirs["count"] == ours["count"] - 1 == 2
    filtered = call(api_client(seller), "get", "/key-results", objective=org.private_obj.pk)
    assert filtered.json() == {"items": [], "count": 0}


def test_private_objective_is_missing_from_the_sellers_audit_log(api_client, seller, teammate, org):
    private_ids = {org.private_obj.pk}
    theirs = call(api_client(seller), "get", "/audit", limit=500).json()
    ours = call(api_client(teammate), "get", "/audit", limit=500).json()
    assert not [e for e in theirs["items"] if e["objective_id"] in private_ids]
    assert [e for e in ours["items"] if e["objective_id"] in private_ids]
    assert b"Secret" not in call(api_client(seller), "get", "/audit", limit=500).content
    assert b"Initech" not in call(api_client(seller), "get", "/audit", limit=500).content
    filtered = call(api_client(seller), "get", "/audit", objective=org.private_obj.pk).json()
    assert filtered == {"items": [], "count": 0}
    assert theirs["count"] < ours["count"]


def test_closing_the_cycle_does_not_reveal_private_scores_in_the_audit_log(
    api_client, admin, seller, org, cycle
):
    assert call(api_client(admin), "post", f"/cycles/{cycle.pk}/close", {}).status_code == 200
    entries = call(api_client(seller), "get", "/audit", object_type="cycle").json()["items"]
    [close] = [e for e in entries if e["action"] == "close"]
    scored = {int(k) for k in close["after"]["scores"]}
    assert org.product_kr.pk in scored and org.private_kr.pk not in scored
    admin_view = call(api_client(admin), "get", "/audit", object_type="cycle").json()["items"]
    [full] = [e for e in admin_view if e["action"] == "close"]
    assert org.private_kr.pk in {int(k) for k in full["after"]["scores"]}


def test_private_objective_is_visible_to_its_team_its_owner_and_admins(
    api_client, admin, teammate, viewer, seller, org, actor_of, cycle, product
):
    owned_by_seller = actions.create_objective(
        actor_of(admin),
        title="Seller's private one",
        cycle_id=cycle.pk,
        team_id=product.pk,
        visibility="private",
        owner_id=seller.pk,
    )
    for user in (admin, teammate, viewer):
        assert call(api_client(user), "get", f"/objectives/{org.private_obj.pk}").status_code == 200
    assert call(api_client(seller), "get", f"/objectives/{owned_by_seller.pk}").status_code == 200


def test_team_visible_objective_is_hidden_from_unrelated_teams(
    api_client, seller, teammate, org, actor_of, owner, cycle, product
):
    team_only = actions.create_objective(
        actor_of(owner), title="Team only", cycle_id=cycle.pk, team_id=product.pk, visibility="team"
    )
    assert call(api_client(seller), "get", f"/objectives/{team_only.pk}").status_code == 404
    assert call(api_client(teammate), "get", f"/objectives/{team_only.pk}").status_code == 200


def test_seller_cannot_align_an_objective_under_a_private_one(
    api_client, seller, org, cycle, sales
):
    response = call(
        api_client(seller),
        "post",
        "/objectives",
        {
            "title": "Mine",
            "cycle_id": cycle.pk,
            "team_id": sales.pk,
            "parent_id": org.private_obj.pk,
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "parent_id"
