"""Team trees, pure: the drawing order (parents before their children, siblings by name,
case-insensitive, then id), each team's depth, and the teams above and beneath some teams.
Every tree walk over teams goes through here: the explorer, the settings pages, visibility
(Actor.related_team_ids) and Team.tree_order, which stores the order so that SQL can sort by it.

Teams come in as (id, name, parent_id) rows, or as a mapping id -> parent_id when names do not
matter. A parent missing from the input makes its team a root; a loop (never expected: the
actions refuse one) is cut, so every walk ends.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping

Parents = Mapping[int, int | None]


def tree_order(rows) -> list[tuple[int, int]]:
    """(id, name, parent_id) rows -> (id, depth) in tree order. A team met twice (a loop) is
    drawn once; teams of a loop that no root reaches are left out."""
    rows = sorted(rows, key=lambda r: (r[1].lower(), r[0]))
    ids = {r[0] for r in rows}
    children: dict[int | None, list[int]] = defaultdict(list)
    for team_id, _name, parent_id in rows:
        children[parent_id if parent_id in ids else None].append(team_id)
    ordered: list[tuple[int, int]] = []
    seen: set[int] = set()
    stack = [(team_id, 0) for team_id in reversed(children[None])]
    while stack:
        team_id, depth = stack.pop()
        if team_id in seen:
            continue
        seen.add(team_id)
        ordered.append((team_id, depth))
        stack.extend((c, depth + 1) for c in reversed(children[team_id]))
    return ordered


def places(rows) -> dict[int, int]:
    """(id, name, parent_id) rows -> each team's place in the tree order (Team.tree_order)."""
    return {team_id: place for place, (team_id, _depth) in enumerate(tree_order(rows))}


def ancestors(parents: Parents, team_ids: Iterable[int]) -> set[int]:
    """The teams and every team above them."""
    found: set[int] = set()
    for team_id in team_ids:
        current: int | None = team_id
        while current is not None and current not in found:
            found.add(current)
            current = parents.get(current)
    return found


def descendants(parents: Parents, team_ids: Iterable[int]) -> set[int]:
    """The teams and every team beneath them."""
    children: dict[int, list[int]] = defaultdict(list)
    for child, parent in parents.items():
        if parent is not None:
            children[parent].append(child)
    found: set[int] = set()
    stack = list(team_ids)
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children[current])
    return found


def depths(parents: Parents) -> dict[int, int]:
    """Each team's depth: 0 at the top (or when its parent is missing), 1 beneath that..."""
    found: dict[int, int] = {}
    for team_id in parents:
        chain: list[int] = []
        current: int | None = team_id
        # Up to a team whose depth is known, a root, or a loop.
        while current is not None and current not in found and current not in chain:
            chain.append(current)
            parent = parents.get(current)
            current = parent if parent in parents else None
        # Beneath a team already placed; else the chain's top is a root (or a loop, cut there).
        depth = found[current] + 1 if current in found else 0
        for member in reversed(chain):
            found[member] = depth
            depth += 1
    return found
