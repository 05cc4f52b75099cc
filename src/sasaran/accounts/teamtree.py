"""The order of a team tree: parents before their children, siblings by name (case-insensitive,
then id). Pure: the explorer draws teams in this order and Team.tree_order stores it so that SQL
can sort by it."""

from collections import defaultdict


def tree_order(rows) -> list[tuple[int, int]]:
    """(id, name, parent_id) rows -> (id, depth) in tree order. A parent missing from the rows
    makes its team a root; a team met twice (a loop, never expected) is drawn once."""
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
