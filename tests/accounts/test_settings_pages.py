"""Settings pages: members and roles, the team tree, workspace settings and API tokens."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sasaran.accounts.models import ApiToken, Membership, Role, Team, TeamMember, User, Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _more_people(workspace, teams, n):
    for i in range(n):
        user = User.objects.create_user(f"extra{i}-{workspace.pk}-{n}@example.com", None)
        Membership.objects.create(workspace=workspace, user=user, role=Role.MEMBER)
        for team in teams:
            TeamMember.objects.create(team=team, user=user)


def test_members_page_lists_people_roles_and_teams_in_constant_queries(
    as_admin, workspace, owner, viewer, product, sales
):
    html = as_admin.get("/settings/").content.decode()
    assert "Olga Owner" in html and "viewer@example.com" in html
    assert 'aria-current="page">Members' in html
    before = _queries(as_admin, "/settings/")
    _more_people(workspace, [product, sales], 6)
    Team.objects.create(workspace=workspace, name="Extra", parent=sales)
    assert _queries(as_admin, "/settings/") == before


def test_teams_pages_show_the_tree_in_constant_queries(
    as_admin, workspace, company, product, growth, sales, owner
):
    html = as_admin.get("/settings/teams/").content.decode()
    # Tree order: parents before their children.
    assert html.index("Company") < html.index("Product") < html.index("Growth")
    assert html.index("Growth") < html.index("Sales")
    tree = _queries(as_admin, "/settings/teams/")
    one = _queries(as_admin, f"/settings/teams/{product.pk}/")
    for i in range(5):
        Team.objects.create(workspace=workspace, name=f"Squad {i}", parent=growth)
    _more_people(workspace, [product, growth], 5)
    assert _queries(as_admin, "/settings/teams/") == tree
    assert _queries(as_admin, f"/settings/teams/{product.pk}/") == one


def test_admin_changes_a_role(as_admin, owner):
    response = as_admin.post(f"/settings/members/{owner.pk}/", {"role": "viewer"})
    assert response.status_code == 302
    assert Membership.objects.get(user=owner).role == Role.VIEWER


def test_the_last_admin_keeps_the_role_and_the_page_says_why(as_admin, admin, owner):
    page = as_admin.post(f"/settings/members/{admin.pk}/", {"role": "member"})
    assert page.status_code == 409
    assert "at least one admin" in page.content.decode()
    assert Membership.objects.get(user=admin).role == Role.ADMIN


def test_removing_a_member_and_refusing_to_remove_yourself(as_admin, admin, owner):
    assert as_admin.post(f"/settings/members/{owner.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(user=owner).exists()
    page = as_admin.post(f"/settings/members/{admin.pk}/remove/")
    assert page.status_code == 409
    assert Membership.objects.filter(user=admin).exists()


def test_admin_creates_renames_moves_and_deletes_teams(as_admin, company, product, sales):
    assert as_admin.post("/settings/teams/", {"name": "Design", "parent": ""}).status_code == 302
    design = Team.objects.get(name="Design")
    assert design.parent_id is None
    response = as_admin.post(
        f"/settings/teams/{design.pk}/",
        {"form": "team", "name": "Product design", "parent": str(product.pk)},
    )
    assert response.status_code == 302
    design.refresh_from_db()
    assert (design.name, design.parent_id) == ("Product design", product.pk)
    response = as_admin.post(f"/settings/teams/{design.pk}/", {"form": "delete"})
    assert response.status_code == 302
    assert not Team.objects.filter(pk=design.pk).exists()


def test_team_form_errors_are_inline_and_keep_the_input(as_admin, company, product, growth):
    page = as_admin.post(
        f"/settings/teams/{product.pk}/",
        {"form": "team", "name": "  ", "parent": str(company.pk)},
    )
    assert page.status_code in (409, 422)
    assert 'id="id_name_error"' in page.content.decode()
    # A team cannot move under its own sub-team (the choice is not even offered).
    page = as_admin.post(
        f"/settings/teams/{product.pk}/",
        {"form": "team", "name": "Product X", "parent": str(growth.pk)},
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert 'id="id_parent_error"' in html and 'value="Product X"' in html
    product.refresh_from_db()
    assert product.parent_id == company.pk


def test_a_team_with_sub_teams_cannot_be_deleted(as_admin, company, product):
    page = as_admin.post(f"/settings/teams/{company.pk}/", {"form": "delete"})
    assert page.status_code == 409
    assert Team.objects.filter(pk=company.pk).exists()


def test_admin_sets_team_members(as_admin, product, owner, teammate, seller):
    response = as_admin.post(
        f"/settings/teams/{product.pk}/",
        {"form": "members", "members": [str(owner.pk), str(seller.pk)]},
    )
    assert response.status_code == 302
    assert set(product.team_members.values_list("user_id", flat=True)) == {owner.pk, seller.pk}


def test_workspace_settings_save_and_refuse_bad_values_inline(as_admin, workspace):
    good = {
        "name": "Acme Inc",
        "on_track_threshold": "0.8",
        "at_risk_threshold": "0.5",
        "grace_fraction": "0.2",
        "checkin_cadence_days": "14",
        "time_zone": "Asia/Jakarta",
    }
    response = as_admin.post("/settings/workspace/", good)
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert (workspace.on_track_threshold, workspace.time_zone) == (0.8, "Asia/Jakarta")
    assert workspace.checkin_cadence_days == 14

    page = as_admin.post(
        "/settings/workspace/", {**good, "at_risk_threshold": "0.9", "checkin_cadence_days": "91"}
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert 'id="id_at_risk_threshold_error"' in html
    assert 'id="id_checkin_cadence_days_error"' in html
    assert re.search(r'name="at_risk_threshold" value="0.9"', html)
    workspace.refresh_from_db()
    assert workspace.at_risk_threshold == 0.5


def test_api_token_is_shown_once_then_listed_and_revoked(as_admin, admin):
    page = as_admin.post("/settings/tokens/", {"name": "CI push"})
    assert page.status_code == 201
    raw = re.search(r'value="(sas_[^"]+)"', page.content.decode()).group(1)
    token = ApiToken.objects.get(name="CI push")
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 200
    listing = as_admin.get("/settings/tokens/").content.decode()
    assert "CI push" in listing and token.prefix in listing and raw not in listing
    assert as_admin.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_viewer_sees_only_their_own_tokens_and_no_admin_controls(client, viewer, admin):
    client.force_login(admin)
    client.post("/settings/tokens/", {"name": "admin's"})
    client.force_login(viewer)
    page = client.get("/settings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your API tokens" in html
    assert "admin&#x27;s" not in html and "admin's" not in html
    for control in ("Members", "Invite a member", "Workspace", "Save role", "/settings/teams/"):
        assert control not in html
    assert client.post("/settings/tokens/", {"name": "mine"}).status_code == 201
    assert ApiToken.objects.filter(user=viewer, name="mine").exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/settings/members/{owner}/", {"role": "admin"}),
        ("/settings/members/{owner}/remove/", {}),
        ("/settings/members/invite/", {"email": "x@example.com", "role": "member"}),
        ("/settings/teams/", {"name": "Mine", "parent": ""}),
        ("/settings/teams/{product}/", {"form": "team", "name": "Hijacked", "parent": ""}),
        ("/settings/teams/{product}/", {"form": "members", "members": []}),
        ("/settings/teams/{product}/", {"form": "delete"}),
        (
            "/settings/workspace/",
            {
                "name": "Mine",
                "on_track_threshold": "0.9",
                "at_risk_threshold": "0.1",
                "grace_fraction": "0",
                "checkin_cadence_days": "7",
                "time_zone": "UTC",
            },
        ),
    ],
)
def test_non_admins_get_403_when_posting_admin_forms(
    client, viewer, owner, product, workspace, url, data
):
    before = (Membership.objects.count(), Team.objects.count(), Workspace.objects.get().name)
    for person in (viewer, owner):
        client.force_login(person)
        page = client.post(url.format(owner=owner.pk, product=product.pk), data)
        assert page.status_code == 403
        for admin_page in ("/settings/teams/", "/settings/workspace/"):
            assert client.get(admin_page).status_code == 403
    assert (Membership.objects.count(), Team.objects.count(), Workspace.objects.get().name) == (
        before
    )
    assert Membership.objects.get(user=owner).role == Role.MEMBER
    assert product.team_members.count() == 2


def test_an_admin_of_another_workspace_cannot_reach_our_members(client, outsider, owner, product):
    client.force_login(outsider)
    assert client.post(f"/settings/members/{owner.pk}/", {"role": "viewer"}).status_code == 404
    assert client.get(f"/settings/teams/{product.pk}/").status_code == 404


def test_settings_forms_require_csrf(admin, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    html = client.get("/settings/").content.decode()
    assert html.count("csrfmiddlewaretoken") >= html.count("<form")
    assert client.post(f"/settings/members/{owner.pk}/", {"role": "viewer"}).status_code == 403
    assert Membership.objects.get(user=owner).role == Role.MEMBER
