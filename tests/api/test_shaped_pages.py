"""Pages of rows shaped by our own code leave without a second validation (sasaran.schemas.paged,
issue 8). Here every such list, for an admin and for a plain member, says exactly what the
response schema would have made of it: same fields, same values, same types, same count."""

import pytest

from sasaran.okrs import actions
from sasaran.work import actions as work
from tests.api import call

PATHS = [
    "/teams",
    "/members",
    "/tokens",
    "/objectives",
    "/objectives?cycle={cycle}&team={team}",
    "/objectives?limit=2&offset=1",
    "/key-results",
    "/key-results?cycle={cycle}&team={team}&limit=100",
    "/key-results?limit=1&offset=2",
    "/key-results?offset=400",
    "/key-results/{kr}/check-ins",
    "/objectives/{obj}/comments?key_results=true",
    "/key-results/{kr}/comments",
    "/audit",
    "/cycles",
    "/templates",
    "/spaces",
    "/folders",
    "/lists",
    "/tasks",
    "/tasks?status_category=open",
    "/key-results/{kr}/links",
]


@pytest.fixture
def richer(org, actor_of, admin, owner, teammate, cycle):
    o = actor_of(owner)
    actions.create_key_result(
        o,
        org.product_obj,
        title="Launch",
        kind="milestones",
        milestones=[{"title": "Beta", "weight": 2}, {"title": "GA"}],
    )
    actions.create_key_result(o, org.product_obj, title="Paid", kind="currency", currency="EUR")
    actions.create_key_result(o, org.product_obj, title="Signed", kind="boolean")
    actions.create_checkin(o, org.product_kr.pk, value=33.3, confidence=2, blockers="Ünïcödé 🚀")
    actions.add_comment(o, key_result_id=org.product_kr.pk, body="**Nice** @teammate")
    actions.add_comment(actor_of(teammate), objective_id=org.product_obj.pk, body="Thanks")
    space = work.create_space(actor_of(admin), name="Product", member_ids=[owner.pk])
    work.create_folder(o, space, name="Q4")
    task_list = work.create_list(o, space, name="Sprint")
    task = work.create_task(
        o, task_list, title="Ship", assignee_ids=[owner.pk, teammate.pk], estimate=3.5
    )
    work.create_task(o, task_list, title="Part", parent_id=task.pk, due_date=cycle.end_date)
    work.link(o, org.product_kr.pk, list_id=task_list.pk)
    return org


@pytest.mark.parametrize("who", ["admin", "owner"])
@pytest.mark.parametrize("path", PATHS)
def test_a_shaped_page_says_what_the_schema_would(
    path, who, richer, api_client, admin, owner, cycle, product, settings
):
    client = api_client({"admin": admin, "owner": owner}[who])
    url = path.format(
        cycle=cycle.pk, team=product.pk, kr=richer.product_kr.pk, obj=richer.product_obj.pk
    )
    fast = call(client, "get", url)
    settings.API_SHAPED_PAGES = False
    validated = call(client, "get", url)
    assert fast.status_code == validated.status_code == 200, fast.content
    assert fast["Content-Type"] == validated["Content-Type"] == "application/json; charset=utf-8"
    assert fast.json() == validated.json()
    # Same types too (1 and 1.0 compare equal in Python, not in every client).
    assert _types(fast.json()) == _types(validated.json())


def _types(value):
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__
