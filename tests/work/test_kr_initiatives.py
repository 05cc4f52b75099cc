"""A key result shows the work that drives it on its objective's page (issue 9): linked tasks
with status, assignees, due date and an overdue flag, linked lists with how much is done; never
work of a private space the reader cannot see; a fixed number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sasaran.okrs import actions as okr_actions
from sasaran.work import actions
from tests.okrs.helpers import objective


def _setup(actor_of, admin, owner, cycle, product, *, private=False):
    me = actor_of(owner)
    space = actions.create_space(
        actor_of(admin),
        name="Secret" if private else "Product",
        visibility="private" if private else "workspace",
        member_ids=[owner.pk] if private else [],
    )
    task_list = actions.create_list(me, space, name="Launch list")
    obj = objective(me, cycle, product, title="Launch well")
    kr = okr_actions.create_key_result(me, obj, title="Finish the launch work", kind="tasks")
    return me, task_list, obj, kr


def test_the_objective_page_shows_a_krs_initiatives(
    client, actor_of, admin, owner, teammate, cycle, product
):
    me, task_list, obj, kr = _setup(actor_of, admin, owner, cycle, product)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    late = actions.create_task(
        me, task_list, title="Record the demo", assignee_ids=[teammate.pk], due_date=yesterday
    )
    actions.link(me, kr.pk, task_id=late.pk)
    actions.link(me, kr.pk, list_id=task_list.pk)
    client.force_login(owner)
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert "Initiatives" in html and "Record the demo" in html and "Tomi Teammate" in html
    assert "Overdue" in html
    assert "List “Launch list”" in html and "0 of 1 done, 0 cancelled" in html


def test_private_work_never_shows_to_a_reader_outside_it(
    client, actor_of, admin, owner, seller, cycle, product
):
    me, task_list, obj, kr = _setup(actor_of, admin, owner, cycle, product, private=True)
    actions.link(me, kr.pk, task_id=actions.create_task(me, task_list, title="Buy Initech").pk)
    client.force_login(seller)
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert "Launch well" in html and "Buy Initech" not in html and "Initiatives" not in html
    client.force_login(owner)
    assert "Buy Initech" in client.get(f"/objectives/{obj.pk}/").content.decode()


def test_initiatives_cost_the_same_queries_however_many(
    client, actor_of, admin, owner, cycle, product, no_kept_answers
):
    me, task_list, obj, kr = _setup(actor_of, admin, owner, cycle, product)
    actions.link(me, kr.pk, task_id=actions.create_task(me, task_list, title="One").pk)
    client.force_login(owner)

    def count() -> int:
        client.get(f"/objectives/{obj.pk}/")
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/objectives/{obj.pk}/")
        return len(ctx.captured_queries)

    few = count()
    for i in range(5):
        task = actions.create_task(me, task_list, title=f"More {i}", assignee_ids=[owner.pk])
        actions.link(me, kr.pk, task_id=task.pk)
    actions.link(me, kr.pk, list_id=task_list.pk)
    assert count() == few + 1  # the lists' counts, read once there is a linked list
