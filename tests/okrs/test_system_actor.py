"""Sasaran itself acts (rules, KPI feeds, imports, the status refresh) as the system actor: not a
member, shown as "Sasaran, for …" in history and the audit log, allowed only what its grants
say."""

import pytest

from sasaran.accounts.queries import Grant, system_actor
from sasaran.audit.models import AuditEntry
from sasaran.errors import Conflict, Forbidden
from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn, Visibility
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def private_kr(actor_of, owner, cycle, product):
    obj = objective(actor_of(owner), cycle, product, visibility=Visibility.PRIVATE)
    return key_result(actor_of(owner), obj, start_value=0.0, target_value=100.0)


def test_a_kpi_feed_checks_in_as_sasaran_and_says_for_what(private_kr, workspace):
    feed = system_actor(workspace, "KPI Monthly recurring revenue", Grant.CHECK_IN)
    checkin = actions.create_checkin(feed, private_kr.pk, value=30.0, confidence=4)
    checkin = CheckIn.objects.get(pk=checkin.pk)
    assert checkin.author is None
    assert checkin.on_behalf_of == "KPI Monthly recurring revenue"
    assert checkin.author_name == "Sasaran, for KPI Monthly recurring revenue"
    entry = AuditEntry.objects.get(action="check-in", object_id=private_kr.pk)
    assert (entry.actor_id, entry.on_behalf_of) == (None, "KPI Monthly recurring revenue")


def test_sasaran_may_do_only_what_its_grants_allow(private_kr, workspace):
    reminder = system_actor(workspace, "rule 3 Weekly reminder")
    with pytest.raises(Forbidden):
        actions.create_checkin(reminder, private_kr.pk, value=30.0, confidence=4)
    with pytest.raises(Forbidden):
        actions.update_key_result(reminder, private_kr, title="Renamed by a rule")
    assert not private_kr.check_ins.exists()
    importer = system_actor(workspace, "import of okrs.yaml", Grant.EDIT)
    actions.update_key_result(importer, private_kr, title="Renamed by an import")
    with pytest.raises(Forbidden):
        actions.close_cycle(importer, private_kr.objective.cycle)


def test_sasaran_respects_a_closed_cycle_unless_it_restores_as_admin(
    actor_of, admin, private_kr, workspace
):
    cycle = private_kr.objective.cycle
    actions.close_cycle(actor_of(admin), cycle)
    feed = system_actor(workspace, "KPI NPS", Grant.CHECK_IN)
    with pytest.raises(Conflict):
        actions.create_checkin(feed, private_kr.pk, value=30.0, confidence=4)
    restore = system_actor(workspace, "restore of backup.json", Grant.ADMIN)
    actions.update_key_result(restore, private_kr, title="As in the backup")


def test_the_system_actor_needs_a_purpose(workspace):
    with pytest.raises(ValueError):
        system_actor(workspace, "")


def test_history_names_sasaran_and_its_purpose(client, actor_of, owner, private_kr, workspace):
    feed = system_actor(workspace, "KPI Monthly recurring revenue", Grant.CHECK_IN)
    actions.create_checkin(feed, private_kr.pk, value=30.0, confidence=4)
    client.force_login(owner)
    html = client.get(f"/objectives/{private_kr.objective_id}/").content.decode()
    assert "Sasaran, for KPI Monthly recurring revenue checked in on the key result" in html
    assert "Sasaran, for KPI Monthly recurring revenue</strong>" in html  # the check-in feed


def test_the_api_says_which_check_ins_sasaran_made(api_client, owner, private_kr, workspace):
    feed = system_actor(workspace, "KPI NPS", Grant.CHECK_IN)
    actions.create_checkin(feed, private_kr.pk, value=30.0, confidence=4)
    body = api_client(owner).get(f"/api/v1/key-results/{private_kr.pk}/check-ins").json()
    (item,) = body["items"]
    assert (item["author_id"], item["on_behalf_of"]) == (None, "KPI NPS")
    audit = api_client(owner).get(f"/api/v1/audit?object_id={private_kr.pk}").json()["items"]
    assert {(e["action"], e["on_behalf_of"]) for e in audit} >= {("check-in", "KPI NPS")}


def test_a_kpi_feed_may_neither_grade_nor_override(actor_of, admin, private_kr, workspace):
    feed = system_actor(workspace, "KPI NPS", Grant.CHECK_IN)
    with pytest.raises(Forbidden):
        actions.update_key_result(
            feed, private_kr, status_override="at_risk", status_override_reason="the KPI fell"
        )
    actions.close_cycle(actor_of(admin), private_kr.objective.cycle)
    private_kr.refresh_from_db()
    with pytest.raises(Forbidden):
        actions.grade_key_result(feed, private_kr, 1.0, "the KPI says so")
    private_kr.refresh_from_db()
    assert private_kr.score == 0.0 and private_kr.status_override == ""


def test_no_grant_lets_sasaran_manage_people_teams_or_settings(workspace, product):
    from sasaran.accounts import actions as account_actions

    restore = system_actor(workspace, "restore of backup.json", Grant.ADMIN)
    with pytest.raises(Forbidden):
        account_actions.add_member(restore, email="mallory@example.com", role="admin")
    with pytest.raises(Forbidden):
        account_actions.update_workspace(restore, on_track_threshold=0.1)
    with pytest.raises(Forbidden):
        account_actions.update_team(restore, product, name="Renamed")
