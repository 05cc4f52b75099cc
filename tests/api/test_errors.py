"""Errors: one JSON shape {detail, errors: [{field, message}]} for every 4xx, 422 naming the
field, strict types, authentication (401) and the rate limit on bad tokens (429)."""

import datetime as dt

import pytest
from django.test import Client

from sasaran.accounts.actions import create_token, remove_member
from sasaran.accounts.models import ApiToken, Membership
from sasaran.accounts.queries import actor_for
from sasaran.okrs import actions
from tests.api import call


def assert_error(response, status: int, field: str | None = None) -> dict:
    """The response is the error body with this status; `field` is named in `errors`."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    for error in body["errors"]:
        assert set(error) == {"field", "message"} and error["message"]
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


# ---- the error body ------------------------------------------------------------------------


def test_not_found_has_the_error_body(as_owner, org):
    assert_error(call(as_owner, "get", "/objectives/999999"), 404)


def test_forbidden_has_the_error_body(api_client, viewer, org):
    assert_error(call(api_client(viewer), "delete", f"/objectives/{org.product_obj.pk}"), 403)


def test_conflict_has_the_error_body(api_client, admin, org, cycle):
    response = call(api_client(admin), "delete", f"/cycles/{cycle.pk}")
    assert_error(response, 409)


def test_missing_required_field_is_422_naming_it(as_owner, org, cycle):
    body = assert_error(call(as_owner, "post", "/objectives", {"cycle_id": cycle.pk}), 422, "title")
    assert body["detail"].startswith("title")


def test_action_validation_error_is_422_naming_the_field(as_owner, org, cycle):
    response = call(as_owner, "post", "/objectives", {"title": "   ", "cycle_id": cycle.pk})
    assert_error(response, 422, "title")


def test_reference_to_a_cycle_that_does_not_exist_is_422_naming_it(as_owner, org):
    response = call(as_owner, "post", "/objectives", {"title": "x", "cycle_id": 987654})
    assert_error(response, 422, "cycle_id")


def test_nested_field_error_names_the_path(api_client, admin, org, cycle):
    body = {"scores": [{"key_result_id": org.product_kr.pk, "score": "high"}]}
    response = call(api_client(admin), "post", f"/cycles/{cycle.pk}/close", body)
    assert_error(response, 422, "scores.0.score")


def test_malformed_json_is_400_with_the_error_body(as_owner, org):
    assert_error(call(as_owner, "post", "/objectives", "{not json"), 400)


def test_json_that_is_not_an_object_is_422(as_owner, org):
    assert_error(call(as_owner, "post", "/objectives", "[1, 2]"), 422)


# ---- strict types --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [False, True, "5", None, [5], {"v": 5}])
def test_key_result_target_value_must_be_a_json_number(bad, as_owner, org):
    body = {"objective_id": org.product_obj.pk, "title": "Revenue", "target_value": bad}
    assert_error(call(as_owner, "post", "/key-results", body), 422, "target_value")


@pytest.mark.parametrize("bad", [False, "3", None, 3.5, 0, 6])
def test_check_in_confidence_must_be_a_whole_number_from_one_to_five(bad, as_owner, org):
    body = {"value": 30, "confidence": bad}
    response = call(as_owner, "post", f"/key-results/{org.product_kr.pk}/check-ins", body)
    assert_error(response, 422, "confidence")


@pytest.mark.parametrize("bad", [False, "30", None])
def test_check_in_value_of_a_numeric_key_result_must_be_a_number(bad, as_owner, org):
    body = {"value": bad, "confidence": 4}
    response = call(as_owner, "post", f"/key-results/{org.product_kr.pk}/check-ins", body)
    assert_error(response, 422, "value")


@pytest.mark.parametrize("field", ["weight", "start_value", "target_value"])
@pytest.mark.parametrize("bad", [1e16, -1e16, 1e308])
def test_numbers_past_the_supported_magnitude_are_refused(field, bad, as_owner, org):
    body = {
        "objective_id": org.product_obj.pk,
        "title": "Huge",
        "start_value": 0,
        "target_value": 1,
        field: bad,
    }
    assert_error(call(as_owner, "post", "/key-results", body), 422, field)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_json_numbers_are_refused(literal, as_owner, org, cycle):
    body = f'{{"title": "x", "cycle_id": {cycle.pk}, "weight": {literal}}}'
    assert_error(call(as_owner, "post", "/objectives", body), 422, "weight")


def test_text_with_a_nul_character_is_refused(as_owner, org, cycle):
    # PostgreSQL cannot store U+0000; it must be a 422 on every database, not a 500 on one.
    response = call(as_owner, "post", "/objectives", {"title": "a\x00b", "cycle_id": cycle.pk})
    assert_error(response, 422, "title")
    assert_error(call(as_owner, "get", "/audit", object_type="a%00b"), 422, "object_type")


def test_deeply_nested_json_is_400(as_owner, org):
    assert_error(call(as_owner, "post", "/objectives", "[" * 100_000), 400)


def test_extreme_key_result_within_bounds_still_checks_in(as_owner, org):
    body = {
        "objective_id": org.product_obj.pk,
        "title": "Wide",
        "start_value": -1e15,
        "target_value": 1e15,
    }
    kr = call(as_owner, "post", "/key-results", body)
    assert kr.status_code == 201
    path = f"/key-results/{kr.json()['id']}/check-ins"
    assert call(as_owner, "post", path, {"value": 1e15, "confidence": 3}).status_code == 201
    assert call(as_owner, "post", path, {"value": -1e15, "confidence": 3}).status_code == 201
    got = call(as_owner, "get", f"/key-results/{kr.json()['id']}").json()
    assert got["progress"] == 0.0 and got["current_value"] == -1e15


def test_boolean_key_result_checks_in_with_true(as_owner, org, actor_of, owner):
    kr = actions.create_key_result(actor_of(owner), org.product_obj, title="Launch", kind="boolean")
    response = call(
        as_owner, "post", f"/key-results/{kr.pk}/check-ins", {"value": True, "confidence": 5}
    )
    assert response.status_code == 201 and response.json()["value"] == 1.0
    assert call(as_owner, "get", f"/key-results/{kr.pk}").json()["progress"] == 1.0


def test_title_must_be_a_string(as_owner, org, cycle):
    response = call(as_owner, "post", "/objectives", {"title": 5, "cycle_id": cycle.pk})
    assert_error(response, 422, "title")


def test_id_must_be_an_integer_not_a_string(as_owner, org):
    response = call(
        as_owner, "post", "/key-results", {"objective_id": str(org.product_obj.pk), "title": "x"}
    )
    assert_error(response, 422, "objective_id")


@pytest.mark.parametrize(
    "path,body",
    [
        ("/objectives", {"title": "x", "colour": "red"}),
        ("/key-results", {"title": "x", "owner": 1}),
        ("/teams", {"name": "x", "members": []}),
    ],
)
def test_unknown_fields_are_refused_naming_them(path, body, api_client, admin, org, cycle):
    body = {**body, **({"cycle_id": cycle.pk} if path == "/objectives" else {})}
    if path == "/key-results":
        body["objective_id"] = org.product_obj.pk
    unknown = next(k for k in body if k not in ("title", "name", "cycle_id", "objective_id"))
    assert_error(call(api_client(admin), "post", path, body), 422, unknown)


def test_unknown_field_in_a_patch_is_refused(as_owner, org):
    response = call(as_owner, "patch", f"/objectives/{org.product_obj.pk}", {"progress": 1})
    assert_error(response, 422, "progress")


@pytest.mark.parametrize("direction,start,target", [("increase", 10, 5), ("decrease", 5, 10)])
def test_key_result_whose_target_runs_against_its_direction_is_refused(
    direction, start, target, as_owner, org
):
    body = {
        "objective_id": org.product_obj.pk,
        "title": "Wrong way",
        "direction": direction,
        "start_value": start,
        "target_value": target,
    }
    assert_error(call(as_owner, "post", "/key-results", body), 422, "target_value")


def test_patching_a_key_result_into_the_wrong_direction_is_refused(as_owner, org):
    response = call(
        as_owner, "patch", f"/key-results/{org.product_kr.pk}", {"direction": "decrease"}
    )
    assert_error(response, 422, "target_value")
    assert call(as_owner, "get", f"/key-results/{org.product_kr.pk}").json()["direction"] == (
        "increase"
    )


@pytest.mark.parametrize(
    "path", ["/objectives/18446744073709551616", "/teams/-1", "/key-results/0", "/members/abc"]
)
def test_ids_out_of_range_are_422_not_a_server_error(path, as_owner, org):
    assert_error(call(as_owner, "get", path), 422)


def test_offset_past_the_database_integer_range_is_422(as_owner, org):
    assert_error(call(as_owner, "get", "/objectives", offset=2**64), 422, "offset")


def test_filter_id_past_the_database_integer_range_is_422(as_owner, org):
    assert_error(call(as_owner, "get", "/key-results", owner=2**64), 422, "owner")


def test_patching_a_cycle_date_to_null_leaves_it_unchanged(api_client, admin, org, cycle):
    response = call(api_client(admin), "patch", f"/cycles/{cycle.pk}", {"end_date": None})
    assert response.status_code == 200
    assert response.json()["end_date"] == cycle.end_date.isoformat()


def test_key_result_owner_must_be_a_member_of_the_workspace(as_owner, org, outsider):
    response = call(
        as_owner, "patch", f"/key-results/{org.product_kr.pk}", {"owner_id": outsider.pk}
    )
    assert_error(response, 422, "owner_id")
    org.product_kr.refresh_from_db()
    assert org.product_kr.owner_id != outsider.pk


# ---- authentication ------------------------------------------------------------------------


def test_request_without_a_token_is_401(client, org):
    body = assert_error(client.get("/api/v1/objectives"), 401)
    assert "token" in body["detail"]


def test_write_without_a_token_is_401_not_a_csrf_failure(client, org, cycle):
    response = client.post(
        "/api/v1/objectives", {"title": "x", "cycle_id": cycle.pk}, content_type="application/json"
    )
    assert_error(response, 401)


def test_request_with_a_bad_token_is_401(org):
    bad = Client(headers={"Authorization": "Bearer sas_not-a-real-token"})
    assert_error(call(bad, "get", "/objectives"), 401)
    assert_error(call(bad, "delete", f"/objectives/{org.product_obj.pk}"), 401)


def test_request_with_another_scheme_is_401(org, owner):
    basic = Client(headers={"Authorization": "Basic b3duZXI6cGFzc3dvcmQ="})
    assert_error(call(basic, "get", "/objectives"), 401)


def test_revoked_token_is_401(org, owner):
    token, raw = create_token(actor_for(owner))
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert call(client, "get", "/me").status_code == 200
    assert call(client, "delete", f"/tokens/{token.pk}").status_code == 204
    assert_error(call(client, "get", "/me"), 401)


def test_token_of_a_removed_member_is_401(org, owner, admin, actor_of, workspace):
    _, raw = create_token(actor_for(owner))
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    remove_member(actor_of(admin), Membership.objects.get(workspace=workspace, user=owner))
    assert_error(call(client, "get", "/objectives"), 401)


def test_token_of_a_deactivated_user_is_401(org, owner):
    _, raw = create_token(actor_for(owner))
    owner.is_active = False
    owner.save()
    assert_error(call(Client(headers={"Authorization": f"Bearer {raw}"}), "get", "/me"), 401)


def test_tokens_are_stored_hashed(api_client, owner, org):
    response = call(api_client(owner), "post", "/tokens", {"name": "ci"})
    assert response.status_code == 201
    raw = response.json()["token"]
    stored = ApiToken.objects.get(pk=response.json()["id"])
    assert raw not in (stored.key_hash, stored.prefix) and stored.key_hash != raw
    assert "token" not in call(api_client(owner), "get", "/tokens").json()["items"][0]


def test_too_many_bad_tokens_get_429(org, owner, settings):
    settings.RATE_LIMIT_PER_MINUTE = 3
    bad = Client(headers={"Authorization": "Bearer sas_guess"})
    statuses = [call(bad, "get", "/objectives").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]  # three failures a minute, then refused
    body = assert_error(call(bad, "get", "/objectives"), 429)
    assert "wait" in body["detail"]


def test_address_over_the_limit_is_refused_even_with_a_good_token(org, owner, settings):
    settings.RATE_LIMIT_PER_MINUTE = 2
    bad = Client(headers={"Authorization": "Bearer sas_guess"})
    for _ in range(3):
        call(bad, "get", "/me")
    _, raw = create_token(actor_for(owner))
    good = Client(headers={"Authorization": f"Bearer {raw}"})
    assert_error(call(good, "get", "/me"), 429)


def test_good_tokens_do_not_use_up_the_budget(api_client, owner, org, settings):
    settings.RATE_LIMIT_PER_MINUTE = 2
    client = api_client(owner)
    assert {call(client, "get", "/me").status_code for _ in range(6)} == {200}


def test_rate_limit_is_per_address(org, settings):
    settings.RATE_LIMIT_PER_MINUTE = 2
    here = Client(headers={"Authorization": "Bearer sas_guess"}, REMOTE_ADDR="10.0.0.1")
    there = Client(headers={"Authorization": "Bearer sas_guess"}, REMOTE_ADDR="10.0.0.2")
    for _ in range(3):
        call(here, "get", "/me")
    assert call(here, "get", "/me").status_code == 429
    assert call(there, "get", "/me").status_code == 401


def test_back_dated_check_in_error_names_checked_in_at(as_owner, org, cycle):
    before = dt.datetime.combine(cycle.start_date, dt.time(), tzinfo=dt.UTC) - dt.timedelta(1)
    response = call(
        as_owner,
        "post",
        f"/key-results/{org.product_kr.pk}/check-ins",
        {"value": 5, "confidence": 4, "checked_in_at": before.isoformat()},
    )
    assert_error(response, 422, "checked_in_at")


def test_team_edit_naming_an_unknown_member_changes_nothing(api_client, admin, org, product):
    response = call(
        api_client(admin),
        "patch",
        f"/teams/{product.pk}",
        {"name": "Renamed", "member_ids": [10**9]},
    )
    assert_error(response, 422, "member_ids")
    assert call(api_client(admin), "get", f"/teams/{product.pk}").json()["name"] == "Product"


# ---- the UI's session ----------------------------------------------------------------------


@pytest.fixture
def signed_in(owner, org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    return client


def test_signed_in_session_reads_the_api(signed_in, owner):
    response = call(signed_in, "get", "/me")
    assert response.status_code == 200 and response.json()["id"] == owner.pk


def test_session_write_without_the_csrf_token_is_403(signed_in, org):
    response = call(signed_in, "patch", f"/objectives/{org.product_obj.pk}", {"title": "Forged"})
    assert_error(response, 403)
    org.product_obj.refresh_from_db()
    assert org.product_obj.title == "Ship the app"


def test_session_write_with_the_csrf_token_is_accepted(signed_in, org):
    secret = "a" * 32
    signed_in.cookies["csrftoken"] = secret
    response = signed_in.patch(
        f"/api/v1/objectives/{org.product_obj.pk}",
        '{"title": "From the page"}',
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 200 and response.json()["title"] == "From the page"
