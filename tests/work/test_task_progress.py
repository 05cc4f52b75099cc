"""A `tasks` key result moves by itself (issue 9): done / (all − cancelled) over its linked
tasks (with their subtasks) and the tasks of its linked lists, recomputed in the transaction of
every task change, rolled up to its objective, and in agreement with a recount."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasaran.errors import Conflict, Invalid
from sasaran.okrs.models import KeyResult, Objective
from sasaran.work import actions, counting
from sasaran.work.models import Task
from tests.okrs.helpers import objective


@pytest.fixture
def board(actor_of, admin, owner, cycle, product):
    me = actor_of(owner)
    space = actions.create_space(actor_of(admin), name="Product")
    task_list = actions.create_list(me, space, name="Onboarding")
    obj = objective(me, cycle, product, title="Make onboarding effortless")
    from sasaran.okrs import actions as okr_actions

    kr = okr_actions.create_key_result(me, obj, title="Ship the onboarding work", kind="tasks")
    return me, space, task_list, kr


def _status(task_list, name):
    return task_list.statuses.get(name=name).pk


def _kr(kr) -> KeyResult:
    return KeyResult.objects.get(pk=kr.pk)


def test_a_linked_list_counts_its_tasks_as_they_move(board):
    me, _space, task_list, kr = board
    tasks = [actions.create_task(me, task_list, title=f"Step {i}") for i in range(4)]
    actions.link(me, kr.pk, list_id=task_list.pk)
    assert (_kr(kr).tasks_done, _kr(kr).tasks_total) == (0, 4)
    assert _kr(kr).progress == 0
    actions.update_task(me, tasks[0], status_id=_status(task_list, "Done"))
    assert _kr(kr).progress == pytest.approx(0.25)
    # Cancelled tasks leave the denominator: 1 of 3.
    actions.update_task(me, tasks[1], status_id=_status(task_list, "Cancelled"))
    assert _kr(kr).progress == pytest.approx(1 / 3)
    # A new task joins it: 1 of 4; deleting it: 1 of 3 again.
    extra = actions.create_task(me, task_list, title="One more")
    assert _kr(kr).progress == pytest.approx(1 / 4)
    actions.delete_task(me, extra)
    assert _kr(kr).progress == pytest.approx(1 / 3)
    # The objective follows.
    assert Objective.objects.get(pk=kr.objective_id).progress == pytest.approx(1 / 3)


def test_a_linked_task_counts_its_subtasks_at_any_depth(board):
    me, _space, task_list, kr = board
    parent = actions.create_task(me, task_list, title="Checklist")
    child = actions.create_task(me, task_list, title="Part", parent_id=parent.pk)
    grandchild = actions.create_task(me, task_list, title="Bit", parent_id=child.pk)
    actions.create_task(me, task_list, title="Unrelated")
    actions.link(me, kr.pk, task_id=parent.pk)
    assert _kr(kr).tasks_total == 3
    actions.update_task(me, grandchild, status_id=_status(task_list, "Done"))
    assert (_kr(kr).tasks_done, _kr(kr).tasks_total) == (1, 3)


def test_moving_a_task_to_another_list_moves_its_counts(board, actor_of, owner):
    me, space, task_list, kr = board
    other = actions.create_list(me, space, name="Later")
    task = actions.create_task(me, task_list, title="Move me", status_id=_status(task_list, "Done"))
    actions.create_task(me, task_list, title="Stays")
    actions.link(me, kr.pk, list_id=task_list.pk)
    assert (_kr(kr).tasks_done, _kr(kr).tasks_total) == (1, 2)
    moved = actions.update_task(me, task, task_list_id=other.pk)
    assert moved.task_list_id == other.pk and moved.status.name == "Done"  # same name kept
    assert (_kr(kr).tasks_done, _kr(kr).tasks_total) == (0, 1)


def test_unlinking_leaves_nothing_to_count(board):
    me, _space, task_list, kr = board
    actions.create_task(me, task_list, title="Only")
    made = actions.link(me, kr.pk, list_id=task_list.pk)
    assert _kr(kr).tasks_total == 1
    actions.unlink(me, kr.pk, made.pk)
    assert _kr(kr).tasks_total == 0 and _kr(kr).progress is None


def test_the_one_who_moves_a_task_need_not_own_the_kr(board, actor_of, teammate):
    me, _space, task_list, kr = board
    task = actions.create_task(me, task_list, title="Theirs")
    actions.link(me, kr.pk, list_id=task_list.pk)
    actions.update_task(actor_of(teammate), task, status_id=_status(task_list, "Done"))
    assert _kr(kr).progress == 1.0


def test_a_list_gets_the_default_workflow_and_a_task_its_first_open_status(board):
    me, _space, task_list, _kr_ = board
    names = list(task_list.statuses.values_list("name", "category"))
    assert names == [
        ("To do", "open"),
        ("In progress", "open"),
        ("In review", "open"),
        ("Done", "done"),
        ("Cancelled", "cancelled"),
    ]
    assert actions.create_task(me, task_list, title="New").status.name == "To do"


def test_a_workflow_without_an_open_status_is_refused(board):
    me, space, _list, _kr_ = board
    with pytest.raises(Invalid) as err:
        actions.create_list(me, space, name="Odd", statuses=[{"name": "Won", "category": "done"}])
    assert err.value.errors[0]["field"] == "statuses"


def test_a_dependency_loop_is_refused_with_a_clear_error(board):
    me, _space, task_list, _kr_ = board
    a, b, c = (actions.create_task(me, task_list, title=t) for t in "ABC")
    actions.add_dependency(me, blocking=a, blocked=b)
    actions.add_dependency(me, blocking=b, blocked=c)
    with pytest.raises(Conflict) as err:
        actions.add_dependency(me, blocking=c, blocked=a)
    assert "“C” cannot block “A”" in err.value.message
    with pytest.raises(Conflict):
        actions.add_dependency(me, blocking=a, blocked=a)


# --- the pure arithmetic ---


@given(st.lists(st.sampled_from(["open", "done", "cancelled"]), max_size=50))
def test_counts_add_up(categories):
    done, total, cancelled = counting.counts(categories)
    assert total == len(categories) and done + cancelled <= total
    assert done == categories.count("done") and cancelled == categories.count("cancelled")


@given(st.dictionaries(st.integers(0, 12), st.sets(st.integers(0, 12), max_size=4), max_size=12))
def test_a_loop_is_found_exactly_when_the_blocked_task_reaches_the_blocking_one(
    blocks,
):
    for a in range(13):
        for b in range(13):
            reach, stack, seen = False, [b], set()
            while stack:
                t = stack.pop()
                if t == a:
                    reach = True
                    break
                if t not in seen:
                    seen.add(t)
                    stack.extend(blocks.get(t, ()))
            assert counting.closes_a_loop(blocks, a, b) == reach


@given(st.dictionaries(st.integers(1, 30), st.integers(1, 30) | st.none(), max_size=30))
def test_subtasks_are_everything_whose_parent_chain_meets_a_root(parent_of):
    roots = [k for k in list(parent_of)[:3]]
    found = counting.with_subtasks(roots, parent_of)
    for task in parent_of:
        chain, current, seen = [], task, set()
        while current is not None and current in parent_of and current not in seen:
            seen.add(current)
            chain.append(current)
            current = parent_of[current]
        assert (task in found) == any(r in chain for r in roots)


def test_the_counts_agree_with_a_recount(board):
    me, _space, task_list, kr = board
    for i in range(5):
        actions.create_task(
            me, task_list, title=f"T{i}", status_id=_status(task_list, "Done" if i % 2 else "To do")
        )
    actions.link(me, kr.pk, list_id=task_list.pk)
    recount = counting.counts(
        Task.objects.filter(task_list=task_list).values_list("status__category", flat=True)
    )
    k = _kr(kr)
    assert (k.tasks_done, k.tasks_total, k.tasks_cancelled) == recount == (2, 5, 0)
