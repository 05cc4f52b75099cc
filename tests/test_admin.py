"""Django's admin is read-only for our models: a superuser may look at every row, and gets 403 on
every add, change and delete (writes go through the actions: permissions, audit, recompute)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from sasaran.accounts.actions import create_token
from sasaran.accounts.models import ApiToken, Membership, Team, User, Workspace
from sasaran.audit.models import AuditEntry
from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn, Cycle, KeyResult, Milestone, Objective, Retrospective
from tests.okrs.helpers import objective

OUR_APPS = {"accounts", "okrs", "audit"}
OUR_MODELS = [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]


def test_every_model_of_ours_in_the_admin_is_covered_here():
    assert set(OUR_MODELS) == {
        User,
        Workspace,
        Membership,
        Team,
        ApiToken,
        Cycle,
        Objective,
        KeyResult,
        CheckIn,
        Retrospective,
        AuditEntry,
    }


@pytest.fixture
def superuser(workspace):
    return User.objects.create_superuser("root@example.com", "correct horse battery")


@pytest.fixture
def rows(workspace, actor_of, admin, owner, product, cycle):
    """One row of every model in the admin (through the actions, so the audit log has some)."""
    actor = actor_of(admin)
    obj = objective(actor, cycle, product, title="Delight our customers")
    kr = actions.create_key_result(
        actor,
        obj,
        title="Ship the checklist",
        kind="milestones",
        milestones=[{"title": "Design", "weight": 1}, {"title": "Build", "weight": 1}],
    )
    checkin = actions.create_checkin(
        actor, kr.pk, milestones_done=[kr.milestones.first().pk], confidence=4
    )
    create_token(actor, name="CI")
    Retrospective.objects.create(objective=obj, what_worked="Weekly check-ins")
    return {
        User: owner,
        Workspace: workspace,
        Membership: Membership.objects.get(user=owner),
        Team: product,
        ApiToken: ApiToken.objects.get(name="CI"),
        Cycle: cycle,
        Objective: obj,
        KeyResult: kr,
        CheckIn: checkin,
        Retrospective: Retrospective.objects.get(objective=obj),
        AuditEntry: AuditEntry.objects.filter(object_type="keyresult").first(),
    }


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m.__name__)
def test_a_superuser_may_view_but_not_add_change_or_delete(client, superuser, rows, model):
    row = rows[model]
    client.force_login(superuser)
    assert client.get(_url(model, "changelist")).status_code == 200
    page = client.get(_url(model, "change", row.pk))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # shown read-only, without a Save button
    assert client.get(_url(model, "add")).status_code == 403
    assert client.post(_url(model, "add"), {}).status_code == 403
    assert client.post(_url(model, "change", row.pk), {}).status_code == 403
    assert client.get(_url(model, "delete", row.pk)).status_code == 403
    assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    # Nor through the change list's bulk "delete selected" action.
    client.post(
        _url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert model.objects.filter(pk=row.pk).exists()


def test_inlines_are_read_only_too(rf, superuser):
    request = rf.get("/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), inline
            assert not inline.has_change_permission(request, None), inline
            assert not inline.has_delete_permission(request, None), inline


def test_milestones_stay_as_they_are_when_their_key_result_page_is_posted(client, superuser, rows):
    kr = rows[KeyResult]
    before = list(Milestone.objects.filter(key_result=kr).values_list("id", "title", "done"))
    client.force_login(superuser)
    response = client.post(
        _url(KeyResult, "change", kr.pk),
        {
            "title": "Renamed",
            "milestones-TOTAL_FORMS": "0",
            "milestones-INITIAL_FORMS": "2",
        },
    )
    assert response.status_code == 403
    kr.refresh_from_db()
    assert kr.title == "Ship the checklist"
    assert list(Milestone.objects.filter(key_result=kr).values_list("id", "title", "done")) == (
        before
    )
