"""The whole OpenAPI spec, fuzzed in-process: no input yields a 5xx, every response matches the
schema, and input the schema forbids is refused. Runs against the WSGI app as an admin, with a
small organisation in place.

Deterministic and about 20 examples per operation by default; for a deeper, random run:
SCHEMATHESIS_EXAMPLES=300 pytest tests/api/test_schemathesis.py
"""

import datetime as dt
import os

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from sasaran.accounts.models import ApiToken, Membership, Team, hash_token
from sasaran.okrs import actions
from sasaran.okrs.models import Comment, Cycle, CycleState, KeyResult, Objective
from sasaran.wsgi import application

TOKEN = "sas_schemathesis-admin-token"
DEEP_EXAMPLES = os.environ.get("SCHEMATHESIS_EXAMPLES")
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
]


@pytest.fixture(autouse=True)
def _keep_connection(keep_test_connection):
    """Raw WSGI calls: see tests/conftest.py keep_test_connection."""


@pytest.fixture
def token(
    admin,
    owner,
    teammate,
    viewer,
    seller,
    company,
    product,
    growth,
    sales,
    cycle,
    actor_of,
    workspace,
    settings,
):
    """An admin's token, and one of everything for the generated requests to find."""
    # Requests without a valid token are part of the run; they must not use up the budget.
    settings.RATE_LIMIT_PER_MINUTE = 10**9
    a, o = actor_of(admin), actor_of(owner)
    closed = Cycle.objects.create(
        workspace=workspace,
        name="Last quarter",
        start_date=cycle.start_date - dt.timedelta(91),
        end_date=cycle.start_date - dt.timedelta(1),
        state=CycleState.ACTIVE,
    )
    top = actions.create_objective(a, title="Grow", cycle_id=cycle.pk, team_id=company.pk)
    obj = actions.create_objective(
        o, title="Ship", cycle_id=cycle.pk, team_id=product.pk, parent_id=top.pk
    )
    actions.create_objective(
        o,
        title="Secret",
        cycle_id=cycle.pk,
        team_id=product.pk,
        visibility="private",
        parent_id=obj.pk,
    )
    kr = actions.create_key_result(o, obj, title="Signups", start_value=0, target_value=100)
    actions.create_key_result(o, obj, title="Launch", kind="boolean")
    actions.create_key_result(
        o,
        obj,
        title="Steps",
        kind="milestones",
        milestones=[{"title": "a"}, {"title": "b", "weight": 2}],
    )
    actions.create_key_result(
        o, obj, title="Revenue", kind="currency", currency="IDR", start_value=0, target_value=5e9
    )
    actions.create_key_result(
        o, obj, title="Churn", direction="decrease", start_value=10, target_value=2
    )
    actions.create_checkin(o, kr.pk, value=10, confidence=4)
    actions.add_comment(a, objective_id=obj.pk, body="Looks **good**, @owner")
    actions.add_comment(o, key_result_id=kr.pk, body="On it")
    old = actions.create_objective(a, title="Old", cycle_id=closed.pk, team_id=product.pk)
    actions.create_key_result(a, old, title="Old KR", target_value=10)
    actions.close_cycle(a, closed)
    ApiToken.objects.create(
        workspace=workspace, user=admin, name="fuzz", prefix=TOKEN[:10], key_hash=hash_token(TOKEN)
    )
    return TOKEN


@pytest.fixture
def real_ids(token, workspace):
    """Ids of rows that exist, by the name of the parameter or field that refers to them."""

    def ids(qs):
        return sorted(qs.values_list("pk", flat=True))

    users = sorted(Membership.objects.filter(workspace=workspace).values_list("user_id", flat=True))
    return {
        "team_id": ids(Team.objects.filter(workspace=workspace)),
        "user_id": users,
        "owner_id": users,
        "token_id": ids(ApiToken.objects.filter(workspace=workspace)),
        "cycle_id": ids(Cycle.objects.filter(workspace=workspace)),
        "objective_id": ids(Objective.objects.filter(workspace=workspace)),
        "kr_id": ids(KeyResult.objects.filter(objective__workspace=workspace)),
        "key_result_id": ids(KeyResult.objects.filter(objective__workspace=workspace)),
        "comment_id": ids(Comment.objects.filter(objective__workspace=workspace)),
    }


def _aim(container, real_ids, parent_kind: str) -> None:
    """Point about half the generated ids at rows that exist, chosen by the generated value
    itself so the run stays deterministic; random ids alone almost never find a row."""
    if not isinstance(container, dict):
        return
    for name, value in list(container.items()):
        key = parent_kind if name == "parent_id" else name
        choices = real_ids.get(key)
        if (
            choices
            and isinstance(value, int)
            and not isinstance(value, bool)
            and 1 <= value <= 2**62  # leave ids the schema forbids alone: they test rejection
            and value % 2 == 0
        ):
            container[name] = choices[value // 2 % len(choices)]
        elif isinstance(value, list):
            for item in value:
                _aim(item, real_ids, parent_kind)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.auth()
class AdminToken:
    """Every generated request carries the admin's token, except where schemathesis removes it
    on purpose to test authentication."""

    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@hypothesis.settings(
    max_examples=int(DEEP_EXAMPLES or 20),
    deadline=None,
    derandomize=not DEEP_EXAMPLES,
    # The fixtures build a fresh organisation per operation, not per example, on purpose.
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails_and_matches_its_schema(case, token, real_ids):
    parent_kind = {"teams": "team_id", "cycles": "cycle_id"}.get(
        case.path.split("/")[3], "objective_id"
    )
    _aim(case.path_parameters, real_ids, parent_kind)
    _aim(case.body, real_ids, parent_kind)
    case.call_and_validate(checks=CHECKS)
