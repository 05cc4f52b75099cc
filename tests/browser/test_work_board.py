"""In the browser: drag a card to the Done column of a list's board; the status changes on the
server and the key result linked to the list moves (issue 9)."""

import pytest
from playwright.sync_api import expect

from sasaran.okrs import actions as okr_actions
from sasaran.okrs.models import KeyResult
from sasaran.work import actions
from sasaran.work.models import Task
from tests.okrs.helpers import objective

pytestmark = pytest.mark.django_db(transaction=True)


def test_dragging_a_card_to_done_moves_the_linked_kr(
    signed_in, live_server, actor_of, admin, owner, cycle, product
):
    me = actor_of(owner)
    space = actions.create_space(actor_of(admin), name="Product")
    task_list = actions.create_list(me, space, name="Launch")
    task = actions.create_task(me, task_list, title="Ship the beta")
    actions.create_task(me, task_list, title="Write the post")
    obj = objective(me, cycle, product, title="Launch well")
    kr = okr_actions.create_key_result(me, obj, title="Launch work", kind="tasks")
    actions.link(me, kr.pk, list_id=task_list.pk)
    done = task_list.statuses.get(name="Done")

    page = signed_in("owner@example.com")
    page.goto(f"{live_server.url}/work/lists/{task_list.pk}/?view=board")
    card = page.locator(f"#task-{task.pk}")
    target = page.locator(f'.column[data-status="{done.pk}"] .cards')
    with page.expect_response(lambda r: r.url.endswith(f"/work/tasks/{task.pk}/status/")) as sent:
        card.drag_to(target, source_position={"x": 12, "y": 10})  # by its title, not its form
    assert sent.value.status == 200
    expect(page.locator(f'.column[data-status="{done.pk}"] #task-{task.pk}')).to_be_visible()
    expect(page.locator(f"#status-{task.pk}")).to_have_value(str(done.pk))
    assert Task.objects.get(pk=task.pk).status_id == done.pk
    assert KeyResult.objects.get(pk=kr.pk).progress == 0.5
    page.goto(f"{live_server.url}/objectives/{obj.pk}/")
    expect(page.locator(f"#kr-{kr.pk}")).to_contain_text("50%")
    expect(page.locator(f"#kr-{kr.pk}")).to_contain_text("1 of 2 done")
