"""Team trees: the pure helper (order, depth, the teams above and beneath), Team.tree_order kept
by every save so that SQL sorts OKRs by team the way the explorer draws the teams, and the teams
whose `team` objectives a member sees."""

from hypothesis import given
from hypothesis import strategies as st

from sasaran.accounts import actions
from sasaran.accounts.models import Team, TeamMember, renumber_teams
from sasaran.accounts.teamtree import ancestors, depths, descendants, places, tree_order
from sasaran.okrs.models import Visibility
from sasaran.okrs.queries import visible_objectives
from tests.okrs.helpers import objective


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


# Company(1) > Product(2) > Growth(4), Apps(5); Company > Sales(3); Side project(6) on its own.
PARENTS = {1: None, 2: 1, 3: 1, 4: 2, 5: 2, 6: None}


def test_ancestors_are_the_teams_and_every_team_above_them():
    assert ancestors(PARENTS, [4]) == {4, 2, 1}
    assert ancestors(PARENTS, [4, 3]) == {4, 3, 2, 1}
    assert ancestors(PARENTS, [6]) == {6}
    assert ancestors(PARENTS, []) == set()


def test_descendants_are_the_teams_and_every_team_beneath_them():
    assert descendants(PARENTS, [2]) == {2, 4, 5}
    assert descendants(PARENTS, [1]) == {1, 2, 3, 4, 5}
    assert descendants(PARENTS, [5, 3]) == {5, 3}
    # Asked for a team and one beneath it, the walk still goes down every branch.
    assert descendants(PARENTS, [4, 1]) == {1, 2, 3, 4, 5}


def test_depths_count_the_levels_above_a_team():
    assert depths(PARENTS) == {1: 0, 2: 1, 3: 1, 4: 2, 5: 2, 6: 0}


def test_walks_end_on_a_loop():
    loop = {1: 2, 2: 1, 3: None}
    assert ancestors(loop, [1]) == {1, 2}
    assert descendants(loop, [1]) == {1, 2}
    assert set(depths(loop)) == {1, 2, 3}


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


@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=5), st.integers(min_value=0, max_value=30)),
        max_size=30,
    )
)
def test_depth_agrees_with_the_tree_order_and_ancestors_with_descendants(specs):
    rows = [(i + 1, name, (p % (i + 1)) or None) for i, (name, p) in enumerate(specs)]
    parents = {team_id: parent_id for team_id, _name, parent_id in rows}
    assert depths(parents) == dict(tree_order(rows))
    for team_id in parents:
        for other in parents:
            assert (other in descendants(parents, [team_id])) == (
                team_id in ancestors(parents, [other])
            )


def test_a_member_of_a_team_and_of_one_further_down_sees_every_team_beneath_the_first(
    workspace, company, product, growth, sales, cycle, actor_of, admin, seller
):
    """Company > Product > Growth and Apps. Someone in Company and in Growth sees what is
    team-visible in Apps: it is beneath Company, a team of theirs (Product being above Growth
    must not stop the walk down from Company)."""
    apps = Team.objects.create(workspace=workspace, name="Apps", parent=product)
    member = seller  # in Sales; now also in Company and Growth
    TeamMember.objects.create(team=company, user=member)
    TeamMember.objects.create(team=growth, user=member)
    actor = actor_of(member)
    assert actor.related_team_ids == {company.pk, product.pk, growth.pk, apps.pk, sales.pk}
    in_apps = objective(actor_of(admin), cycle, apps, visibility=Visibility.TEAM)
    assert visible_objectives(actor).filter(pk=in_apps.pk).exists()
