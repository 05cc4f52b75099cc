"""Teams in tree order: the pure ordering, and Team.tree_order kept by every save so that SQL
sorts OKRs by team the way the explorer draws the teams."""

from hypothesis import given
from hypothesis import strategies as st

from sasaran.accounts import actions
from sasaran.accounts.models import Team, renumber_teams
from sasaran.accounts.teamtree import places, tree_order


def test_parents_come_before_children_and_siblings_go_by_name():
    rows = [
        (1, "Company", None),
        (2, "sales", 1),
        (3, "Product", 1),
        (4, "Growth", 3),
        (5, "Apps", 3),
        (6, "Personal side project", None),
    ]
    assert tree_order(rows) == [(1, 0), (3, 1), (5, 2), (4, 2), (2, 1), (6, 0)]
    assert places(rows) == {1: 0, 3: 1, 5: 2, 4: 3, 2: 4, 6: 5}


def test_a_missing_parent_makes_a_root_and_a_loop_is_cut():
    assert tree_order([(1, "A", 99)]) == [(1, 0)]
    # 1 and 2 are each other's parents: neither is reachable from a root, so neither is drawn
    # twice; the ordering stays finite.
    assert tree_order([(1, "A", 2), (2, "B", 1), (3, "C", None)]) == [(3, 0)]


@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=5), st.integers(min_value=0, max_value=30)),
        max_size=30,
    )
)
def test_every_team_of_a_forest_appears_once_after_its_parent(specs):
    # Team i may only hang under an earlier team: a forest, no loops.
    rows = [(i + 1, name, (p % (i + 1)) or None) for i, (name, p) in enumerate(specs)]
    order = tree_order(rows)
    assert sorted(team_id for team_id, _ in order) == [r[0] for r in rows]
    place = {team_id: i for i, (team_id, _) in enumerate(order)}
    depth = dict(order)
    for team_id, _name, parent_id in rows:
        if parent_id:
            assert place[parent_id] < place[team_id]
            assert depth[team_id] == depth[parent_id] + 1


def _orders(workspace):
    return list(
        Team.objects.filter(workspace=workspace)
        .order_by("tree_order")
        .values_list("name", flat=True)
    )


def test_saving_a_team_renumbers_the_tree(
    workspace, company, product, growth, sales, actor_of, admin
):
    assert _orders(workspace) == ["Company", "Product", "Growth", "Sales"]
    actions.update_team(actor_of(admin), growth, name="Growth", parent_id=sales.pk)
    assert _orders(workspace) == ["Company", "Product", "Sales", "Growth"]
    actions.update_team(actor_of(admin), product, name="Apps and product", parent_id=company.pk)
    actions.create_team(actor_of(admin), name="Accounts", parent_id=sales.pk)
    assert _orders(workspace) == ["Company", "Apps and product", "Sales", "Accounts", "Growth"]


def test_renumbering_writes_only_the_teams_that_moved(
    workspace, company, product, sales, django_assert_num_queries
):
    with django_assert_num_queries(1):  # nothing moved: one read, no write
        renumber_teams(workspace.pk)
