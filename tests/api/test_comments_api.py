"""Comments through the API: the contract fields, posting on objectives and key results, editing
and deleting one's own (admins delete any), 422 for bad input with nothing saved, 404 for what
the caller may not see, and lists in a constant number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaran.okrs import actions
from sasaran.okrs.comments import MAX_BODY
from sasaran.okrs.models import Comment
from tests.api import call

COMMENT = {
    "id",
    "body",
    "body_html",
    "author",
    "mentions",
    "created_at",
    "edited_at",
    "objective_id",
    "key_result_id",
}


@pytest.fixture
def as_seller(api_client, seller):
    return api_client(seller)


@pytest.fixture
def as_viewer(api_client, viewer):
    return api_client(viewer)


def test_the_comment_paths_are_in_the_spec(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/objectives/{objective_id}/comments"]) == {"get", "post"}
    assert set(paths["/api/v1/key-results/{kr_id}/comments"]) == {"get", "post"}
    assert {"patch", "delete"} <= set(paths["/api/v1/comments/{comment_id}"])


def test_a_posted_comment_has_the_contract_fields(as_owner, org, owner, teammate):
    response = call(
        as_owner,
        "post",
        f"/objectives/{org.product_obj.pk}/comments",
        {"body": "Great week, @teammate! <script>x()</script>"},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == COMMENT
    assert body["objective_id"] == org.product_obj.pk and body["key_result_id"] is None
    assert body["author"] == {"id": owner.pk, "name": "Olga Owner"}
    assert body["mentions"] == [{"id": teammate.pk, "name": "Tomi Teammate"}]
    assert body["body"] == "Great week, @teammate! <script>x()</script>"
    assert "<script" not in body["body_html"] and 'class="mention"' in body["body_html"]
    assert dt.datetime.fromisoformat(body["created_at"]).tzinfo is not None
    assert body["edited_at"] is None


def test_key_result_comments_are_listed_on_the_key_result_and_with_the_objective(as_owner, org):
    kr_path = f"/key-results/{org.product_kr.pk}/comments"
    assert call(as_owner, "post", kr_path, {"body": "On the KR"}).status_code == 201
    call(as_owner, "post", f"/objectives/{org.product_obj.pk}/comments", {"body": "On the O"})
    on_kr = call(as_owner, "get", kr_path).json()
    assert on_kr["count"] == 1 and on_kr["items"][0]["key_result_id"] == org.product_kr.pk
    own = call(as_owner, "get", f"/objectives/{org.product_obj.pk}/comments").json()
    assert [c["body"] for c in own["items"]] == ["On the O"]
    both = call(
        as_owner, "get", f"/objectives/{org.product_obj.pk}/comments", key_results="true"
    ).json()
    assert [c["body"] for c in both["items"]] == ["On the O", "On the KR"]  # newest first


def test_lists_are_paginated(as_owner, org, actor_of, owner):
    for i in range(3):
        actions.add_comment(actor_of(owner), objective_id=org.product_obj.pk, body=f"c{i}")
    page = call(
        as_owner, "get", f"/objectives/{org.product_obj.pk}/comments", limit=2, offset=1
    ).json()
    assert page["count"] == 3 and [c["body"] for c in page["items"]] == ["c1", "c0"]


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"body": "x" * (MAX_BODY + 1)}, "body"),
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": 5}, "body"),
        ({}, "body"),
        ({"body": "hi", "author_id": 1}, "author_id"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_saved(as_owner, org, payload, field):
    response = call(as_owner, "post", f"/key-results/{org.product_kr.pk}/comments", payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["detail"]
    assert not Comment.objects.exists()


def test_a_private_objectives_comments_are_404_for_a_non_member(
    as_owner, as_seller, org, actor_of, owner
):
    comment = actions.add_comment(
        actor_of(owner), objective_id=org.private_obj.pk, body="Initech says yes"
    )
    for method, path, body in [
        ("get", f"/objectives/{org.private_obj.pk}/comments", None),
        ("post", f"/objectives/{org.private_obj.pk}/comments", {"body": "hi"}),
        ("get", f"/key-results/{org.private_kr.pk}/comments", None),
        ("post", f"/key-results/{org.private_kr.pk}/comments", {"body": "hi"}),
        ("get", f"/comments/{comment.pk}", None),
        ("patch", f"/comments/{comment.pk}", {"body": "mine"}),
        ("delete", f"/comments/{comment.pk}", None),
    ]:
        response = call(as_seller, method, path, body)
        assert response.status_code == 404, (method, path)
        assert b"Initech" not in response.content
    assert Comment.objects.get().body == "Initech says yes"
    assert call(as_owner, "get", f"/comments/{comment.pk}").status_code == 200


def test_the_author_edits_and_others_get_403(as_owner, as_seller, org, actor_of, owner):
    comment = actions.add_comment(actor_of(owner), objective_id=org.product_obj.pk, body="Helo")
    path = f"/comments/{comment.pk}"
    assert call(as_seller, "patch", path, {"body": "Hijack"}).status_code == 403
    response = call(as_owner, "patch", path, {"body": "Hello"})
    assert response.status_code == 200
    assert response.json()["body"] == "Hello" and response.json()["edited_at"] is not None
    too_long = call(as_owner, "patch", path, {"body": "y" * (MAX_BODY + 1)})
    assert too_long.status_code == 422 and Comment.objects.get().body == "Hello"


def test_the_author_or_an_admin_deletes(as_owner, as_seller, as_admin, org, actor_of, owner):
    first = actions.add_comment(actor_of(owner), objective_id=org.product_obj.pk, body="One")
    second = actions.add_comment(actor_of(owner), objective_id=org.product_obj.pk, body="Two")
    assert call(as_seller, "delete", f"/comments/{first.pk}").status_code == 403
    assert call(as_owner, "delete", f"/comments/{first.pk}").status_code == 204
    assert call(as_admin, "delete", f"/comments/{second.pk}").status_code == 204
    assert not Comment.objects.exists()
    assert call(as_owner, "get", f"/comments/{first.pk}").status_code == 404


def test_a_viewer_reads_but_cannot_post(as_viewer, org, actor_of, owner):
    actions.add_comment(actor_of(owner), objective_id=org.product_obj.pk, body="Read me")
    path = f"/objectives/{org.product_obj.pk}/comments"
    assert call(as_viewer, "get", path).json()["count"] == 1
    assert call(as_viewer, "post", path, {"body": "Me too"}).status_code == 403


def test_the_list_query_count_does_not_grow_with_comments(as_owner, org, actor_of, owner, seller):
    path = f"/objectives/{org.product_obj.pk}/comments"
    call(as_owner, "get", path)  # the token's first use is recorded once
    counts = []
    for n in (1, 10):
        while Comment.objects.count() < n:
            actions.add_comment(
                actor_of(owner), objective_id=org.product_obj.pk, body="@teammate @seller hi"
            )
        with CaptureQueriesContext(connection) as ctx:
            assert call(as_owner, "get", path).json()["count"] == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
