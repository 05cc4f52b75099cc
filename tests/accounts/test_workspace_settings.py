"""The update_workspace action: admin only, validated, audited, statuses follow."""

import pytest

from sasaran.accounts.actions import update_workspace
from sasaran.audit.models import AuditEntry
from sasaran.errors import Forbidden, Invalid
from sasaran.okrs import actions as okr_actions
from sasaran.okrs.models import KeyResult
from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.django_db


def test_admin_updates_settings_and_it_is_audited(actor_of, admin, workspace):
    update_workspace(
        actor_of(admin),
        on_track_threshold=0.8,
        at_risk_threshold=0.5,
        grace_fraction=0.2,
        checkin_cadence_days=14,
        time_zone="Asia/Jakarta",
    )
    workspace.refresh_from_db()
    assert workspace.on_track_threshold == 0.8
    assert workspace.at_risk_threshold == 0.5
    assert workspace.grace_fraction == 0.2
    assert workspace.stale_days == 28
    assert workspace.time_zone == "Asia/Jakarta"
    entry = AuditEntry.objects.get(object_type="workspace", action="update")
    assert entry.actor_id == admin.pk
    assert entry.before["on_track_threshold"] == 0.7 and entry.after["on_track_threshold"] == 0.8


@pytest.mark.parametrize("role_fixture", ["owner", "viewer"])
def test_only_admins_may_change_workspace_settings(request, actor_of, workspace, role_fixture):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(Forbidden):
        update_workspace(actor_of(user), checkin_cadence_days=3)
    workspace.refresh_from_db()
    assert workspace.checkin_cadence_days == 7


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"at_risk_threshold": 0.7}, "at_risk_threshold"),  # not below on-track (0.7)
        ({"at_risk_threshold": 0.0}, "at_risk_threshold"),
        ({"at_risk_threshold": -0.1}, "at_risk_threshold"),
        ({"on_track_threshold": 1.01}, "on_track_threshold"),
        ({"on_track_threshold": 0.3}, "at_risk_threshold"),  # now below at-risk (0.4)
        ({"on_track_threshold": float("nan")}, "on_track_threshold"),
        ({"on_track_threshold": True}, "on_track_threshold"),
        ({"grace_fraction": 1.0}, "grace_fraction"),
        ({"grace_fraction": -0.01}, "grace_fraction"),
        ({"checkin_cadence_days": 0}, "checkin_cadence_days"),
        ({"checkin_cadence_days": 91}, "checkin_cadence_days"),
        ({"checkin_cadence_days": 7.5}, "checkin_cadence_days"),
        ({"checkin_cadence_days": True}, "checkin_cadence_days"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(actor_of, admin, workspace, fields, field):
    with pytest.raises(Invalid) as exc:
        update_workspace(actor_of(admin), **fields)
    assert field in [e["field"] for e in exc.value.errors]
    workspace.refresh_from_db()
    assert (workspace.on_track_threshold, workspace.at_risk_threshold) == (0.7, 0.4)
    assert not AuditEntry.objects.filter(object_type="workspace").exists()


def test_boundaries_are_accepted(actor_of, admin, workspace):
    update_workspace(
        actor_of(admin),
        on_track_threshold=1,
        at_risk_threshold=0.01,
        grace_fraction=0,
        checkin_cadence_days=90,
    )
    update_workspace(actor_of(admin), checkin_cadence_days=1)
    workspace.refresh_from_db()
    assert (workspace.on_track_threshold, workspace.checkin_cadence_days) == (1.0, 1)


def test_unknown_settings_are_refused(actor_of, admin, workspace):
    # The action's signature is the list of settings: any other keyword never reaches the row.
    with pytest.raises(TypeError, match="slug"):
        update_workspace(actor_of(admin), slug="hijack")
    workspace.refresh_from_db()
    assert workspace.slug != "hijack"


def test_statuses_follow_new_thresholds(actor_of, admin, owner, workspace, cycle, product):
    from sasaran.events import outbox

    obj = objective(actor_of(owner), cycle, product)
    kr = key_result(actor_of(owner), obj, start_value=0.0, target_value=100.0)
    # A third of the cycle has passed and 20 of 100 is done (confidence 4 caps nothing).
    okr_actions.create_checkin(actor_of(owner), kr.pk, value=20.0, confidence=4)
    # The okrs app recomputes when the worker delivers the settings-changed event.
    update_workspace(actor_of(admin), on_track_threshold=0.05, at_risk_threshold=0.01)
    assert outbox.deliver_one() is True
    assert KeyResult.objects.get(pk=kr.pk).status == "on_track"
    update_workspace(actor_of(admin), on_track_threshold=1.0, at_risk_threshold=0.99)
    assert outbox.deliver_one() is True
    assert KeyResult.objects.get(pk=kr.pk).status == "off_track"
    # Each move is in the history, by Sasaran for the settings' change.
    moves = AuditEntry.objects.filter(object_id=kr.pk, action="status").order_by("id")
    assert [(e.after["status"], e.actor_id, e.on_behalf_of) for e in moves] == [
        ("on_track", None, "a change of the workspace's settings"),
        ("off_track", None, "a change of the workspace's settings"),
    ]
