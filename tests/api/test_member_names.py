"""An admin may rename a member of the workspace, but not someone who also belongs to another
workspace: a person's name is shared by every workspace they are in."""

from sasaran.accounts.models import Membership, Role, User
from tests.api import call


def test_admin_renames_a_member_of_this_workspace_only(api_client, admin, teammate):
    response = call(api_client(admin), "patch", f"/members/{teammate.pk}", {"name": "Tomi T."})
    assert response.status_code == 200, response.content
    assert User.objects.get(pk=teammate.pk).name == "Tomi T."


def test_a_person_in_two_workspaces_is_not_renamed_by_either_admin(
    api_client, admin, teammate, outsider
):
    other_workspace = Membership.objects.get(user=outsider).workspace
    Membership.objects.create(workspace=other_workspace, user=teammate, role=Role.MEMBER)
    response = call(api_client(admin), "patch", f"/members/{teammate.pk}", {"name": "Renamed"})
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "name"
    assert User.objects.get(pk=teammate.pk).name == "Tomi Teammate"
    # The role, which belongs to this workspace, still changes; the unchanged name is no edit.
    response = call(
        api_client(admin),
        "patch",
        f"/members/{teammate.pk}",
        {"role": "viewer", "name": "Tomi Teammate"},
    )
    assert response.status_code == 200, response.content
    assert (
        Membership.objects.get(user=teammate, workspace=admin.memberships.get().workspace).role
        == "viewer"
    )
