"""Loop-safe checks on the tree of objectives aligned under parent objectives."""

from __future__ import annotations

from collections.abc import Mapping


class AlignmentLoop(ValueError):
    """Aligning an objective would make it its own ancestor."""

    field = "parent_id"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_parent(
    child_id: int, new_parent_id: int | None, parent_of: Mapping[int, int | None]
) -> None:
    """Raise AlignmentLoop when `new_parent_id` is `child_id` or one of its descendants."""
    if new_parent_id is None:
        return
    node: int | None = new_parent_id
    # The visited set keeps the walk finite even if the stored tree already has a loop.
    visited: set[int] = set()
    while node is not None and node not in visited:
        if node == child_id:
            raise AlignmentLoop(
                f"Aligning objective {child_id} under {new_parent_id} would create a loop."
            )
        visited.add(node)
        node = parent_of.get(node)


def ancestors(obj_id: int, parent_of: Mapping[int, int | None]) -> list[int]:
    """Parent, grandparent, ... of `obj_id`, nearest first; stops where a loop closes."""
    chain: list[int] = []
    seen = {obj_id}
    node = parent_of.get(obj_id)
    while node is not None and node not in seen:
        chain.append(node)
        seen.add(node)
        node = parent_of.get(node)
    return chain
