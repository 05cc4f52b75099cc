"""The work API (issue 9): the contract's paths and fields, defaults, links that move a KR,
private spaces that never leak, loops refused, viewers refused, no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaran.okrs import actions as okr_actions
from tests.api import call
from tests.okrs.helpers import objective


@pytest.fixture
def as_admin(api_client, admin):
    return api_client(admin)


@pytest.fixture
def setup(as_admin, actor_of, owner, cycle, product):
    space = call(as_admin, "post", "/spaces", {"name": "Product"}).json()
    task_list = call(as_admin, "post", "/lists", {"space_id": space["id"], "name": "Sprint work"})
    obj = objective(actor_of(owner), cycle, product)
    kr = okr_actions.create_key_result(actor_of(owner), obj, title="Ship it", kind="tasks")
    return space, task_list.json(), kr


def test_a_task_made_with_a_list_and_a_title_starts_in_the_first_open_status(as_admin, setup):
    _space, task_list, _kr = setup
    assert [s["name"] for s in task_list["statuses"]] == [
        "To do",
        "In progress",
        "In review",
        "Done",
        "Cancelled",
    ]
    response = call(as_admin, "post", "/tasks", {"list_id": task_list["id"], "title": "Write"})
    assert response.status_code == 201, response.content
    task = response.json()
    for field in (
        *("id", "list_id", "parent_id", "title", "status", "status_category", "priority"),
        *("assignee_ids", "due_date", "estimate"),
    ):
        assert field in task
    assert (task["status"], task["status_category"], task["priority"]) == (
        "To do",
        "open",
        "normal",
    )


def test_linking_a_list_moves_the_key_result(as_admin, api_client, owner, setup):
    _space, task_list, kr = setup
    done = next(s["id"] for s in task_list["statuses"] if s["category"] == "done")
    a = call(as_admin, "post", "/tasks", {"list_id": task_list["id"], "title": "A"}).json()
    call(as_admin, "post", "/tasks", {"list_id": task_list["id"], "title": "B"})
    as_owner = api_client(owner)
    link = call(as_owner, "post", f"/key-results/{kr.pk}/links", {"list_id": task_list["id"]})
    assert link.status_code == 201, link.content
    assert call(as_owner, "get", f"/key-results/{kr.pk}").json()["progress"] == 0
    assert call(as_admin, "patch", f"/tasks/{a['id']}", {"status_id": done}).status_code == 200
    assert call(as_owner, "get", f"/key-results/{kr.pk}").json()["progress"] == 0.5
    links = call(as_owner, "get", f"/key-results/{kr.pk}/links").json()
    assert links["count"] == 1 and links["items"][0]["list_id"] == task_list["id"]
    gone = call(as_owner, "delete", f"/key-results/{kr.pk}/links/{link.json()['id']}")
    assert gone.status_code == 204
    assert call(as_owner, "get", f"/key-results/{kr.pk}").json()["progress"] is None


def test_a_private_space_never_shows_to_others(as_admin, api_client, admin, owner, seller, setup):
    _space, _list, kr = setup
    secret = call(
        as_admin,
        "post",
        "/spaces",
        {"name": "M&A", "visibility": "private", "member_ids": [owner.pk]},
    ).json()
    hidden_list = call(
        as_admin, "post", "/lists", {"space_id": secret["id"], "name": "Targets"}
    ).json()
    task = call(
        as_admin, "post", "/tasks", {"list_id": hidden_list["id"], "title": "Initech"}
    ).json()
    as_owner, as_seller = api_client(owner), api_client(seller)
    call(as_owner, "post", f"/key-results/{kr.pk}/links", {"task_id": task["id"]})
    assert call(as_owner, "get", f"/tasks/{task['id']}").status_code == 200
    assert call(as_seller, "get", f"/tasks/{task['id']}").status_code == 404
    assert call(as_seller, "get", f"/spaces/{secret['id']}").status_code == 404
    assert secret["id"] not in [s["id"] for s in call(as_seller, "get", "/spaces").json()["items"]]
    tasks = call(as_seller, "get", "/tasks").json()
    assert task["id"] not in [t["id"] for t in tasks["items"]] and tasks["count"] == 0
    assert call(as_seller, "get", f"/key-results/{kr.pk}/links").json()["count"] == 0
    assert call(as_owner, "get", f"/key-results/{kr.pk}/links").json()["count"] == 1


def test_a_dependency_loop_answers_409(as_admin, setup):
    _space, task_list, _kr = setup
    a, b = (
        call(as_admin, "post", "/tasks", {"list_id": task_list["id"], "title": t}).json()
        for t in "AB"
    )
    assert (
        call(as_admin, "post", f"/tasks/{b['id']}/blocked-by", {"blocking_id": a["id"]}).status_code
        == 201
    )
    loop = call(as_admin, "post", f"/tasks/{a['id']}/blocked-by", {"blocking_id": b["id"]})
    assert loop.status_code == 409 and "cannot block" in loop.json()["detail"]


def test_a_viewer_cannot_create_tasks(api_client, viewer, setup):
    _space, task_list, _kr = setup
    response = call(
        api_client(viewer), "post", "/tasks", {"list_id": task_list["id"], "title": "X"}
    )
    assert response.status_code == 403


def test_bad_input_gets_a_clear_error_and_nothing_is_made(as_admin, setup):
    _space, task_list, _kr = setup
    response = call(
        as_admin,
        "post",
        "/tasks",
        {
            "list_id": task_list["id"],
            "title": "Late",
            "start_date": "2026-12-10",
            "due_date": "2026-12-01",
        },
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "due_date"
    assert call(as_admin, "get", "/tasks").json()["count"] == 0


@pytest.mark.parametrize("path", ["/tasks", "/lists", "/spaces"])
def test_lists_run_no_query_per_row(as_admin, setup, path, no_kept_answers):
    _space, task_list, _kr = setup

    def count() -> int:
        call(as_admin, "get", path)
        with CaptureQueriesContext(connection) as ctx:
            assert call(as_admin, "get", path).status_code == 200
        return len(ctx.captured_queries)

    call(as_admin, "post", "/tasks", {"list_id": task_list["id"], "title": "One"})
    few = count()
    for i in range(6):
        call(as_admin, "post", "/spaces", {"name": f"Space {i}"})
        call(as_admin, "post", "/lists", {"space_id": _space["id"], "name": f"List {i}"})
        call(
            as_admin,
            "post",
            "/tasks",
            {"list_id": task_list["id"], "title": f"T {i}", "assignee_ids": []},
        )
    assert count() == few
