"""The work app's arithmetic, pure (standard library only): which tasks a key result counts, its
task counts, and whether a new dependency would close a loop."""

from collections.abc import Iterable, Mapping

OPEN, DONE, CANCELLED = "open", "done", "cancelled"


def with_subtasks(roots: Iterable[int], parent_of: Mapping[int, int | None]) -> set[int]:
    """`roots` and every task below them, at any depth (`parent_of`: task id -> parent id)."""
    children: dict[int, list[int]] = {}
    for task, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(task)
    found: set[int] = set()
    stack = [r for r in roots if r in parent_of]
    while stack:
        task = stack.pop()
        if task in found:
            continue
        found.add(task)
        stack.extend(children.get(task, ()))
    return found


def counts(categories: Iterable[str]) -> tuple[int, int, int]:
    """(done, total, cancelled) of the tasks whose status categories are given; a `tasks` key
    result's progress is done / (total − cancelled)."""
    done = total = cancelled = 0
    for category in categories:
        total += 1
        if category == DONE:
            done += 1
        elif category == CANCELLED:
            cancelled += 1
    return done, total, cancelled


def closes_a_loop(blocks: Mapping[int, Iterable[int]], blocking: int, blocked: int) -> bool:
    """Whether "`blocking` blocks `blocked`" would make a task wait on itself, given the
    dependencies `blocks` (task -> the tasks it blocks): true when `blocked` already blocks
    `blocking`, directly or through others (or they are the same task)."""
    if blocking == blocked:
        return True
    seen, stack = set(), [blocked]
    while stack:
        task = stack.pop()
        if task == blocking:
            return True
        if task in seen:
            continue
        seen.add(task)
        stack.extend(blocks.get(task, ()))
    return False
