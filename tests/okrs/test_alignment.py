"""Tests for loop-safe alignment of objectives under parents."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sasaran.okrs.alignment import AlignmentLoop, ancestors, check_parent

# 1 <- 2 <- 3 <- 4, and 5 on its own under 1
TREE = {1: None, 2: 1, 3: 2, 4: 3, 5: 1}
LONG_CHAIN = {i: (i - 1 if i > 1 else None) for i in range(1, 1001)}  # 1000 under ... under 1
CYCLE = {10: 11, 11: 12, 12: 10, 13: 10}  # already broken data


@pytest.mark.parametrize(
    ("child", "new_parent", "parent_of"),
    [
        (4, None, TREE),  # no parent is always fine
        (1, None, CYCLE),
        (5, 4, TREE),  # under a cousin's descendant
        (4, 1, TREE),  # under an ancestor further up
        (4, 3, TREE),  # re-saving the same parent
        (2, 5, TREE),
        (6, 4, TREE),  # a new objective not in the map yet
        (1, 99, TREE),  # a parent the map does not know: its chain just ends
        (2000, 1000, LONG_CHAIN),  # under the bottom of a long chain
        (20, 13, CYCLE),  # an existing loop elsewhere does not hang the walk
        (20, 10, CYCLE),
    ],
)
def test_check_parent_allows_aligning_without_a_loop(child, new_parent, parent_of):
    check_parent(child, new_parent, parent_of)


@pytest.mark.parametrize(
    ("child", "new_parent", "parent_of"),
    [
        (3, 3, TREE),  # self-parent
        (7, 7, {}),  # self-parent of an objective not in the map
        (1, 2, TREE),  # under its own child
        (1, 4, TREE),  # under its great-grandchild
        (2, 4, TREE),
        (1, 1000, LONG_CHAIN),  # long chain
        (500, 1000, LONG_CHAIN),
        (11, 13, CYCLE),  # the walk from 13 passes 11 before the old loop closes
    ],
)
def test_check_parent_refuses_a_loop(child, new_parent, parent_of):
    with pytest.raises(AlignmentLoop) as excinfo:
        check_parent(child, new_parent, parent_of)
    assert excinfo.value.field == "parent_id"
    assert str(excinfo.value) == (
        f"Aligning objective {child} under {new_parent} would create a loop."
    )
    assert isinstance(excinfo.value, ValueError)


@pytest.mark.parametrize(
    ("obj", "parent_of", "expected"),
    [
        (1, TREE, []),
        (2, TREE, [1]),
        (4, TREE, [3, 2, 1]),
        (5, TREE, [1]),
        (99, TREE, []),  # unknown objective
        (10, CYCLE, [11, 12]),  # stops where the loop closes
        (13, CYCLE, [10, 11, 12]),
        (1, {1: 1}, []),
        (3, {3: 2, 2: 7}, [2, 7]),  # 7 is not in the map: chain ends there
    ],
)
def test_ancestors_are_listed_nearest_first_and_loop_safe(obj, parent_of, expected):
    assert ancestors(obj, parent_of) == expected


def test_ancestors_of_a_long_chain():
    assert ancestors(1000, LONG_CHAIN) == list(range(999, 0, -1))


# --- properties -------------------------------------------------------------

ids = st.integers(1, 12)


@given(st.dictionaries(ids, st.none() | ids, max_size=12), ids, st.none() | ids)
def test_check_parent_refuses_exactly_when_child_would_be_its_own_ancestor(
    parent_of, child, new_parent
):
    would_loop = new_parent is not None and (
        new_parent == child or child in ancestors(new_parent, parent_of)
    )
    if would_loop:
        with pytest.raises(AlignmentLoop):
            check_parent(child, new_parent, parent_of)
    else:
        check_parent(child, new_parent, parent_of)


@given(st.dictionaries(ids, st.none() | ids, max_size=12), ids)
def test_ancestors_never_repeat_and_never_include_the_objective(parent_of, obj):
    chain = ancestors(obj, parent_of)
    assert obj not in chain
    assert len(chain) == len(set(chain))


@st.composite
def forests(draw):
    # Parents always have smaller ids, so the drawn tree has no loop to begin with.
    size = draw(st.integers(1, 12))
    return {
        i: draw(st.none() | st.integers(1, i - 1)) if i > 1 else None for i in range(1, size + 1)
    }


def _has_loop(parent_of):
    for start in parent_of:
        node, steps = parent_of.get(start), 0
        while node is not None:
            steps += 1
            if node == start or steps > len(parent_of):
                return True
            node = parent_of.get(node)
    return False


@given(forests(), st.data())
def test_any_alignment_check_parent_allows_keeps_the_tree_loop_free(parent_of, data):
    child = data.draw(st.sampled_from(sorted(parent_of)))
    new_parent = data.draw(st.none() | st.sampled_from(sorted(parent_of)))
    try:
        check_parent(child, new_parent, parent_of)
    except AlignmentLoop:
        assert _has_loop(parent_of | {child: new_parent})
    else:
        assert not _has_loop(parent_of | {child: new_parent})
