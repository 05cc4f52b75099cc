"""Closing a cycle through the API: scores (suggested = progress rounded to 0.1, or given with a
reason), objective scores as the weighted mean, retrospectives, score edits afterwards, and the
409 that every other edit of a closed cycle gets."""

import pytest

from sasaran.okrs import actions
from tests.api import call


@pytest.fixture
def org(org, actor_of, owner, seller):
    """The shared organisation, with check-ins whose suggested scores are known."""
    o, s = actor_of(owner), actor_of(seller)
    actions.create_checkin(o, org.product_kr.pk, value=46, confidence=4)  # 0.46 -> 0.5
    actions.create_checkin(s, org.sales_kr.pk, value=4.4, confidence=4)  # 0.44 -> 0.4
    # private KR: 1 of 4 = 0.25 -> 0.3 (half up)
    org.nps_kr = actions.create_key_result(
        o, org.product_obj, title="NPS", target_value=10, weight=3
    )
    actions.create_checkin(o, org.nps_kr.pk, value=10, confidence=5)  # 1.0 -> 1.0
    return org


def close(client, cycle, **body):
    return call(client, "post", f"/cycles/{cycle.pk}/close", body)


def kr(client, kr_id) -> dict:
    return call(client, "get", f"/key-results/{kr_id}").json()


def objective(client, objective_id) -> dict:
    return call(client, "get", f"/objectives/{objective_id}").json()


# ---- closing -------------------------------------------------------------------------------


def test_close_without_scores_uses_progress_rounded_to_a_tenth(as_admin, org, cycle):
    response = close(as_admin, cycle)
    assert response.status_code == 200
    assert response.json()["state"] == "closed" and response.json()["closed_at"]
    assert kr(as_admin, org.product_kr.pk)["score"] == 0.5
    assert kr(as_admin, org.sales_kr.pk)["score"] == 0.4
    assert kr(as_admin, org.private_kr.pk)["score"] == 0.3
    assert kr(as_admin, org.nps_kr.pk)["score"] == 1.0
    assert kr(as_admin, org.product_kr.pk)["score_reason"] == ""


def test_objective_score_is_the_weighted_mean_of_its_key_result_scores(as_admin, org, cycle):
    close(as_admin, cycle)
    # Product: Weekly users 0.5 (weight 1) and NPS 1.0 (weight 3): 3.5 / 4 = 0.875, unrounded.
    assert objective(as_admin, org.product_obj.pk)["score"] == 0.875
    assert objective(as_admin, org.sales_obj.pk)["score"] == 0.4
    # Company has no key results of its own: nothing to score.
    assert objective(as_admin, org.company_obj.pk)["score"] is None


def test_close_with_scores_reasons_and_retrospectives(as_admin, admin, org, cycle):
    response = close(
        as_admin,
        cycle,
        scores=[
            {
                "key_result_id": org.product_kr.pk,
                "score": 0.7,
                "reason": "The partner launch landed a day after the cut-off",
            }
        ],
        retrospectives=[
            {
                "objective_id": org.product_obj.pk,
                "what_worked": "Weekly demos",
                "learnings": "Ship smaller",
                "root_causes": "Late design",
            }
        ],
    )
    assert response.status_code == 200
    graded = kr(as_admin, org.product_kr.pk)
    assert graded["score"] == 0.7
    assert graded["score_reason"] == "The partner launch landed a day after the cut-off"
    assert objective(as_admin, org.product_obj.pk)["score"] == 0.925  # (0.7 + 3 x 1.0) / 4
    retro = call(as_admin, "get", f"/objectives/{org.product_obj.pk}/retrospective").json()
    assert (retro["what_worked"], retro["learnings"], retro["root_causes"]) == (
        "Weekly demos",
        "Ship smaller",
        "Late design",
    )
    assert retro["author_id"] == admin.pk


def test_score_equal_to_the_suggestion_needs_no_reason(as_admin, org, cycle):
    response = close(as_admin, cycle, scores=[{"key_result_id": org.product_kr.pk, "score": 0.5}])
    assert response.status_code == 200


def test_score_departing_from_the_suggestion_without_a_reason_is_refused(as_admin, org, cycle):
    response = close(as_admin, cycle, scores=[{"key_result_id": org.product_kr.pk, "score": 0.9}])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "scores"
    # Nothing of the refused close stuck.
    assert call(as_admin, "get", f"/cycles/{cycle.pk}").json()["state"] == "active"
    assert kr(as_admin, org.product_kr.pk)["score"] is None


@pytest.mark.parametrize("score", [0.55, 1.1, -0.1])
def test_score_off_the_tenths_grid_is_refused(score, as_admin, org, cycle):
    response = close(
        as_admin,
        cycle,
        scores=[{"key_result_id": org.product_kr.pk, "score": score, "reason": "because"}],
    )
    assert response.status_code == 422
    assert call(as_admin, "get", f"/cycles/{cycle.pk}").json()["state"] == "active"


def test_score_for_a_key_result_of_another_cycle_is_refused(
    as_admin, org, cycle, actor_of, admin, workspace, company
):
    other = actions.create_cycle(
        actor_of(admin), name="Other", start_date=cycle.end_date, end_date=cycle.end_date
    )
    elsewhere = actions.create_objective(
        actor_of(admin), title="x", cycle_id=other.pk, team_id=company.pk
    )
    foreign = actions.create_key_result(actor_of(admin), elsewhere, title="y", target_value=1)
    response = close(as_admin, cycle, scores=[{"key_result_id": foreign.pk, "score": 0.5}])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "scores"


def test_retrospective_for_an_objective_of_another_cycle_is_refused(as_admin, org, cycle):
    response = close(as_admin, cycle, retrospectives=[{"objective_id": 10**9, "learnings": "x"}])
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "retrospectives"


def test_member_cannot_close_a_cycle(as_owner, org, cycle):
    assert close(as_owner, cycle).status_code == 403
    assert call(as_owner, "get", f"/cycles/{cycle.pk}").json()["state"] == "active"


def test_closing_a_closed_cycle_is_409(as_admin, org, cycle):
    assert close(as_admin, cycle).status_code == 200
    assert close(as_admin, cycle).status_code == 409


def test_a_cycle_cannot_be_closed_by_patching_its_state(as_admin, org, cycle):
    response = call(as_admin, "patch", f"/cycles/{cycle.pk}", {"state": "closed"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "state"


# ---- after the close -----------------------------------------------------------------------


@pytest.fixture
def closed(as_admin, org, cycle):
    assert close(as_admin, cycle).status_code == 200
    return cycle


def test_owner_edits_a_score_with_a_reason_and_the_objective_score_follows(as_owner, org, closed):
    response = call(
        as_owner,
        "patch",
        f"/key-results/{org.product_kr.pk}",
        {"score": 0.3, "score_reason": "Most users came from one campaign"},
    )
    assert response.status_code == 200
    assert response.json()["score"] == 0.3
    assert response.json()["score_reason"] == "Most users came from one campaign"
    # (0.3 + 3 x 1.0) / 4 = 0.825, unrounded: colour and success are decided on it.
    assert objective(as_owner, org.product_obj.pk)["score"] == 0.825


def test_score_edit_without_a_reason_is_refused(as_owner, org, closed):
    response = call(as_owner, "patch", f"/key-results/{org.product_kr.pk}", {"score": 0.9})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "score_reason"
    assert kr(as_owner, org.product_kr.pk)["score"] == 0.5


def test_score_reason_without_a_score_is_refused(as_owner, org, closed):
    response = call(
        as_owner, "patch", f"/key-results/{org.product_kr.pk}", {"score_reason": "just because"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "score"


def test_member_of_another_team_cannot_edit_a_score(api_client, seller, org, closed):
    response = call(
        api_client(seller),
        "patch",
        f"/key-results/{org.product_kr.pk}",
        {"score": 0.9, "score_reason": "I say so"},
    )
    assert response.status_code == 403
    assert kr(api_client(seller), org.product_kr.pk)["score"] == 0.5


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("patch", "/objectives/{obj}", {"title": "Renamed"}),
        ("delete", "/objectives/{obj}", None),
        ("post", "/objectives", {"title": "Late", "cycle_id": "{cycle}", "team_id": "{team}"}),
        ("post", "/key-results", {"objective_id": "{obj}", "title": "Late KR", "target_value": 3}),
        ("patch", "/key-results/{kr}", {"target_value": 50}),
        ("delete", "/key-results/{kr}", None),
        ("post", "/key-results/{kr}/check-ins", {"value": 99, "confidence": 5}),
    ],
)
def test_member_edit_of_a_closed_cycle_is_409(method, path, body, as_owner, org, closed, product):
    refs = {
        "obj": org.product_obj.pk,
        "kr": org.product_kr.pk,
        "cycle": closed.pk,
        "team": product.pk,
    }
    if body:
        body = {
            k: refs[v[1:-1]] if isinstance(v, str) and v[1:-1] in refs else v
            for k, v in body.items()
        }
    response = call(as_owner, method, path.format(**refs), body)
    assert response.status_code == 409, response.content
    assert "closed" in response.json()["detail"]
    assert kr(as_owner, org.product_kr.pk)["target_value"] == 100.0
    assert objective(as_owner, org.product_obj.pk)["title"] == "Ship the app"


def test_score_and_other_edits_together_are_refused_as_a_whole(as_owner, org, closed):
    response = call(
        as_owner,
        "patch",
        f"/key-results/{org.product_kr.pk}",
        {"score": 0.2, "score_reason": "Recount", "title": "Renamed"},
    )
    assert response.status_code == 409
    after = kr(as_owner, org.product_kr.pk)
    assert (after["score"], after["title"]) == (0.5, "Weekly users")


def test_admin_may_edit_a_closed_cycle_and_it_is_audited(as_admin, admin, org, closed):
    response = call(as_admin, "patch", f"/objectives/{org.product_obj.pk}", {"title": "Fixed"})
    assert response.status_code == 200 and response.json()["title"] == "Fixed"
    [entry] = call(
        as_admin, "get", "/audit", object_type="objective", object_id=org.product_obj.pk, limit=1
    ).json()["items"]
    assert entry["action"] == "update" and entry["actor_id"] == admin.pk
    assert entry["note"] == "admin change in closed cycle"
    assert entry["before"]["title"] == "Ship the app" and entry["after"]["title"] == "Fixed"


def test_retrospective_may_still_be_written_after_the_close(as_owner, owner, org, closed):
    response = call(
        as_owner,
        "put",
        f"/objectives/{org.product_obj.pk}/retrospective",
        {"learnings": "Start the partner talks earlier"},
    )
    assert response.status_code == 200
    assert response.json()["learnings"] == "Start the partner talks earlier"
    assert response.json()["author_id"] == owner.pk


def test_reopened_cycle_accepts_edits_again(as_admin, as_owner, org, closed):
    reopened = call(as_admin, "patch", f"/cycles/{closed.pk}", {"state": "active"})
    assert reopened.status_code == 200 and reopened.json()["closed_at"] is None
    response = call(
        as_owner,
        "post",
        f"/key-results/{org.product_kr.pk}/check-ins",
        {"value": 60, "confidence": 4},
    )
    assert response.status_code == 201
