"""Each process keeps a caller's actor under its workspace's people stamp (issue 8): a request
costs no membership, team or team-tree query, and any change to the people shows on the next
request — through the API's token and through a session."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sasaran import changes
from sasaran.accounts import actions
from sasaran.accounts.models import Membership, Role
from sasaran.accounts.queries import request_actor
from sasaran.audit.log import record


def _me(client) -> dict:
    response = client.get("/api/v1/me")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_kept_actor_costs_only_the_token_and_the_stamps(api_client, owner, product):
    client = api_client(owner)
    _me(client)
    with CaptureQueriesContext(connection) as ctx:
        assert _me(client)["team_ids"] == [product.pk]
    # the rate-limit budgets, the token, the change stamps: no membership, teams or team tree
    assert len(ctx.captured_queries) == 3, [q["sql"] for q in ctx.captured_queries]


def test_a_new_role_shows_on_the_next_request(api_client, actor_of, admin, viewer):
    client = api_client(viewer)
    assert _me(client)["role"] == "viewer"
    actions.update_member(actor_of(admin), Membership.objects.get(user=viewer), role=Role.MEMBER)
    assert _me(client)["role"] == "member"


def test_a_removed_member_is_refused_on_the_next_request(api_client, actor_of, admin, teammate):
    client = api_client(teammate)
    _me(client)
    actions.remove_member(actor_of(admin), Membership.objects.get(user=teammate))
    assert client.get("/api/v1/me").status_code in (401, 404)


def test_new_teams_show_on_the_next_request(api_client, actor_of, admin, owner, product, sales):
    client = api_client(owner)
    assert _me(client)["team_ids"] == [product.pk]
    actions.set_team_members(actor_of(admin), sales, [owner.pk])
    assert _me(client)["team_ids"] == sorted([product.pk, sales.pk])


def test_workspace_settings_show_on_the_next_request(api_client, actor_of, admin, owner):
    client = api_client(owner)
    assert _me(client)["workspace_name"] == "Acme"
    actions.update_workspace(actor_of(admin), name="Acme Corp")
    assert _me(client)["workspace_name"] == "Acme Corp"


def test_a_session_sees_its_profile_even_when_saved_outside_an_action(client, owner):
    client.force_login(owner)
    assert _me(client)["name"] == owner.name
    owner.name = "Olga Renamed"
    owner.save()  # no audit entry, no stamp: the session's own user is read on every request
    assert _me(client)["name"] == "Olga Renamed"


def test_a_session_whose_workspace_let_them_go_acts_in_their_next_one(
    client, actor_of, admin, outsider, owner
):
    other = Membership.objects.get(user=outsider).workspace
    Membership.objects.create(workspace=other, user=owner, role=Role.MEMBER)
    client.force_login(owner)
    assert _me(client)["workspace_name"] == "Acme"
    acme = Membership.objects.get(user=owner, workspace__slug="acme")
    actions.remove_member(actor_of(admin), acme)
    assert _me(client)["workspace_id"] == other.pk


def test_the_kept_actor_is_a_copy_a_failed_action_cannot_change(owner, workspace):
    actor, _stamps = request_actor(owner.pk)
    actor.membership.workspace.name = "Changed in a transaction that rolled back"
    actor.membership.role = Role.ADMIN
    again, _stamps = request_actor(owner.pk)
    assert again.workspace.name == "Acme" and again.role == Role.MEMBER


# --- the stamps themselves ---


@pytest.fixture
def at_commit(monkeypatch):
    monkeypatch.setattr(changes, "AT_COMMIT", True)


def test_a_stamp_moves_when_the_transaction_commits_and_once(
    at_commit, workspace, django_capture_on_commit_callbacks, monkeypatch
):
    # Stamps kept apart from the data (Redis, or PostgreSQL's table written after the commit).
    monkeypatch.setattr(changes, "_in_same_database", lambda connection: False)
    before = changes.stamps(workspace.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for _ in range(5):
                changes.touch(workspace.pk)
            assert changes.stamps(workspace.pk) == before  # not yet: nothing is committed
    assert len(callbacks) == 1
    after = changes.stamps(workspace.pk)
    assert after["data"] != before["data"] and after["people"] == before["people"]


def test_on_sqlite_the_stamp_commits_with_the_change_elsewhere_after_it(at_commit, workspace):
    before = changes.stamps(workspace.pk)
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        for _ in range(4):  # an action audits and announces several times: one write
            changes.touch(workspace.pk)
        inside = changes.stamps(workspace.pk)
    writes = [q for q in ctx.captured_queries if q["sql"].startswith("INSERT INTO")]
    if connection.vendor == "sqlite":  # the database cache's table, in the same transaction
        assert inside["data"] != before["data"] and len(writes) == 1
        try:
            with transaction.atomic():
                changes.touch(workspace.pk, people=True)
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        assert changes.stamps(workspace.pk) == inside  # rolled back with the change
    else:  # written once the transaction commits (a test's never does)
        assert inside == before and writes == []


def test_a_rolled_back_change_leaves_the_stamps(
    at_commit, workspace, django_capture_on_commit_callbacks
):
    before = changes.stamps(workspace.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    changes.touch(workspace.pk, people=True)
                    raise RuntimeError("refused")
            except RuntimeError:
                pass
    assert callbacks == [] and changes.stamps(workspace.pk) == before


def test_an_audited_change_of_people_moves_both_stamps_of_an_okr_only_data(
    actor_of, admin, workspace, product, cycle
):
    before = changes.stamps(workspace.pk)
    record(actor_of(admin), action="update", obj=cycle)
    middle = changes.stamps(workspace.pk)
    assert middle["people"] == before["people"] and middle["data"] != before["data"]
    record(actor_of(admin), action="update", obj=product)
    after = changes.stamps(workspace.pk)
    assert after["people"] != middle["people"] and after["data"] != middle["data"]


def test_an_evicted_stamp_comes_back_as_a_value_never_used(workspace):
    first = changes.stamps(workspace.pk)
    cache.delete_many([f"ws:{workspace.pk}:people", f"ws:{workspace.pk}:data"])
    second = changes.stamps(workspace.pk)
    assert second["people"] != first["people"] and second["data"] != first["data"]
    assert changes.stamps(workspace.pk) == second  # and stays
