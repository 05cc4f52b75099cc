"""Work pages (issue 9): the spaces, a list as a table and as a board, a task added from the
page, a status moved from a board card (htmx or plain post), my tasks; private spaces stay
private; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaran.okrs import actions as okr_actions
from sasaran.okrs.models import KeyResult
from sasaran.work import actions
from sasaran.work.models import Task
from tests.okrs.helpers import objective


@pytest.fixture
def work(actor_of, admin, owner, teammate, cycle, product):
    me = actor_of(owner)
    space = actions.create_space(actor_of(admin), name="Product")
    secret = actions.create_space(
        actor_of(admin), name="M&A", visibility="private", member_ids=[admin.pk]
    )
    task_list = actions.create_list(me, space, name="Launch")
    actions.create_list(actor_of(admin), secret, name="Targets")
    ship = actions.create_task(me, task_list, title="Ship the beta", assignee_ids=[owner.pk])
    actions.create_task(me, task_list, title="Write the post", priority="high")
    kr = okr_actions.create_key_result(
        me, objective(me, cycle, product), title="Launch work", kind="tasks"
    )
    actions.link(me, kr.pk, list_id=task_list.pk)
    return task_list, ship, kr


def test_the_work_page_lists_the_spaces_i_may_see(client, owner, work):
    client.force_login(owner)
    html = client.get("/work/").content.decode()
    assert "Product" in html and "Launch" in html and "My tasks (1 open)" in html
    assert "M&amp;A" not in html and "Targets" not in html


def test_a_list_as_a_table_and_as_a_board(client, owner, work):
    task_list, _ship, _kr = work
    client.force_login(owner)
    table = client.get(f"/work/lists/{task_list.pk}/").content.decode()
    assert "Ship the beta" in table and "Write the post" in table and "Olga Owner" in table
    board = client.get(f"/work/lists/{task_list.pk}/?view=board").content.decode()
    for status in ("To do", "In progress", "In review", "Done", "Cancelled"):
        assert f">{status} <span" in board
    only_high = client.get(f"/work/lists/{task_list.pk}/?priority=high").content.decode()
    assert "Write the post" in only_high and "Ship the beta" not in only_high


def test_a_task_added_from_the_page_and_an_empty_title_refused(client, owner, work):
    task_list, _ship, kr = work
    client.force_login(owner)
    response = client.post(f"/work/lists/{task_list.pk}/", {"title": "Record the demo"})
    assert response.status_code == 302
    assert Task.objects.filter(title="Record the demo", task_list=task_list).exists()
    assert KeyResult.objects.get(pk=kr.pk).tasks_total == 3
    refused = client.post(f"/work/lists/{task_list.pk}/", {"title": "   "})
    assert refused.status_code == 422 and "This field is required." in refused.content.decode()
    assert Task.objects.filter(task_list=task_list).count() == 3


def test_moving_a_card_changes_the_status_and_the_kr(client, owner, work):
    task_list, ship, kr = work
    done = task_list.statuses.get(name="Done").pk
    client.force_login(owner)
    card = client.post(
        f"/work/tasks/{ship.pk}/status/", {"status_id": done}, headers={"HX-Request": "true"}
    )
    assert card.status_code == 200 and f'id="task-{ship.pk}"' in card.content.decode()
    assert Task.objects.get(pk=ship.pk).status_id == done
    assert KeyResult.objects.get(pk=kr.pk).progress == 0.5
    plain = client.post(f"/work/tasks/{ship.pk}/status/", {"status_id": "nonsense"})
    assert plain.status_code == 302 and Task.objects.get(pk=ship.pk).status_id == done


def test_a_viewer_sees_the_board_without_moving_anything(client, viewer, work):
    task_list, ship, _kr = work
    client.force_login(viewer)
    board = client.get(f"/work/lists/{task_list.pk}/?view=board").content.decode()
    assert "Ship the beta" in board and 'draggable="true"' not in board
    client.post(f"/work/tasks/{ship.pk}/status/", {"status_id": task_list.statuses.last().pk})
    assert Task.objects.get(pk=ship.pk).status.name == "To do"


def test_a_private_list_is_not_found_for_others(client, owner, work):
    from sasaran.work.models import TaskList

    client.force_login(owner)
    hidden = TaskList.objects.get(name="Targets")
    assert client.get(f"/work/lists/{hidden.pk}/").status_code == 404


def test_my_tasks_lists_what_is_assigned_to_me(client, owner, teammate, work):
    client.force_login(owner)
    assert "Ship the beta" in client.get("/work/my-tasks/").content.decode()
    client.force_login(teammate)
    assert "Nothing is assigned to you." in client.get("/work/my-tasks/").content.decode()


@pytest.mark.parametrize("view", ["list", "board"])
def test_the_list_page_costs_the_same_queries_however_many_tasks(
    client, actor_of, owner, work, view, no_kept_answers
):
    task_list, _ship, _kr = work
    client.force_login(owner)
    url = f"/work/lists/{task_list.pk}/?view={view}"

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(8):
        actions.create_task(actor_of(owner), task_list, title=f"More {i}", assignee_ids=[owner.pk])
    assert count() == few
