"""Input that protects the user (issue 7, point 6): a value far outside a key result's range is
asked about before it is saved; every number error states the allowed range the same way;
length limits are said before anything is cut and refused, never cut; start == target asks
which kind of key result was meant. Each rule through the pages and the API, and a refusal
loses nothing that was typed."""

import math

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from sasaran.errors import Invalid
from sasaran.limits import length_hint, number_range_message
from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn, KeyResult, Milestone, Objective
from sasaran.okrs.plausibility import (
    FAR_FACTOR,
    is_far,
    read_as,
    readings,
    suggestion,
    usual_range,
)
from sasaran.web.fragments import percent_text
from tests.okrs.helpers import key_result, objective

HTMX = {"HTTP_HX_REQUEST": "true"}
RANGE = "Enter a number between −1,000,000,000,000,000 and 1,000,000,000,000,000."
DIRECTIONS = ["increase", "decrease", "stay_at_or_above", "stay_at_or_below"]
values = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@pytest.fixture
def kr(actor_of, owner, cycle, product):
    obj = objective(actor_of(owner), cycle, product, title="Grow")
    return key_result(
        actor_of(owner), obj, title="Sign-ups from 0 to 100", start_value=0.0, target_value=100.0
    )


# ---- the rule (pure) ---------------------------------------------------------------------------


@given(start=values, target=values, direction=st.sampled_from(DIRECTIONS))
def test_start_and_target_are_never_far(start, target, direction):
    assert not is_far(start, start, target, direction)
    assert not is_far(target, start, target, direction)
    low, high = usual_range(start, target, direction)
    assert low <= min(start, target) and max(start, target) <= high


@given(start=values, target=values, t=st.floats(min_value=0, max_value=1))
def test_every_value_between_start_and_target_passes(start, target, t):
    value = start + (target - start) * t
    assert not is_far(
        min(max(value, min(start, target)), max(start, target)), start, target, "increase"
    )


@given(
    start=st.floats(min_value=-1e9, max_value=1e9),
    span=st.floats(min_value=1, max_value=1e5),
    side=st.sampled_from([-1, 1]),
    extra=st.floats(min_value=1.01, max_value=1e3),
)
def test_more_than_ten_spans_from_the_start_either_side_is_far(start, span, side, extra):
    target = start + span
    far_value = start + side * FAR_FACTOR * span * extra
    assert is_far(far_value, start, target, "increase")
    assert not is_far(start + side * FAR_FACTOR * span * 0.99, start, target, "increase")


def test_a_stay_line_and_an_empty_span_leave_room_the_size_of_the_line():
    assert usual_range(97, 95, "stay_at_or_above") == (97 - 950, 97 + 950)
    assert usual_range(0, 0, "stay_at_or_below") == (-10, 10)
    assert is_far(math.inf, 0, 100, "increase") and is_far(-1e15, 0, 100, "increase")


@given(number=st.integers(min_value=1000, max_value=10**12), cents=st.integers(0, 99))
def test_a_number_written_in_either_convention_reads_back(number, cents):
    value = number + cents / 100
    english = f"{number:,}.{cents:02d}"
    indonesian = english.replace(",", "_").replace(".", ",").replace("_", ".")
    assert value in readings(english)
    assert value in readings(indonesian)


def test_readings_and_suggestions():
    assert readings("72,5") == [725.0, 72.5]
    assert readings("1.250,5") == [1250.5]  # a decimal mark comes after the grouping
    assert readings("lots") == [] and readings("1e15") == []
    # 7,25 read in English is 725, far from 0 → 10; the other reading fits.
    assert suggestion("7,25", 725.0, 0, 10, "increase") == 7.25
    assert read_as("1,000,000.5", ".") == 1000000.5 and read_as("1.000.000,5", ",") == 1000000.5
    assert read_as("7,25", ".") is None and read_as("-1.000", ",") == -1000.0
    assert suggestion("1000000000000000", 1e15, 0, 100, "increase") is None  # only confirm
    assert suggestion("7,25", 725.0, 0, 1000, "increase") is None  # not far: nothing to ask


def test_percentages_in_text_stop_at_999():
    with translation.override("en"):
        assert percent_text(1e13) == "> 999" and percent_text(-50) == "< −999"
        assert percent_text(1.2) == "120" and percent_text(-0.2) == "−20"
        assert percent_text(None) == ""
    with translation.override("id"):
        assert percent_text(9.5) == "950"


def test_the_range_message_follows_the_language():
    with translation.override("en"):
        assert number_range_message() == RANGE
    with translation.override("id"):
        assert number_range_message() == (
            "Masukkan angka antara −1.000.000.000.000.000 dan 1.000.000.000.000.000."
        )
        assert length_hint(300) == "maks. 300 karakter"


# ---- far-out check-ins: API --------------------------------------------------------------------


def test_api_refuses_a_far_out_value_naming_the_range_then_saves_it_confirmed(
    api_client, owner, kr
):
    api = api_client(owner)
    url = f"/api/v1/key-results/{kr.pk}/check-ins"
    response = api.post(url, {"value": 1e15, "confidence": 4}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "value"
    assert "between −1,000 and 1,000" in body["detail"]
    assert "confirm_out_of_range" in body["detail"]
    assert not CheckIn.objects.exists()
    response = api.post(
        url,
        {"value": 1e15, "confidence": 4, "confirm_out_of_range": True},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["value"] == 1e15


def test_api_takes_a_value_inside_the_range_without_asking(api_client, owner, kr):
    response = api_client(owner).post(
        f"/api/v1/key-results/{kr.pk}/check-ins",
        {"value": 1000, "confidence": 4},  # the bound itself: ten spans, not more
        content_type="application/json",
    )
    assert response.status_code == 201


@pytest.mark.parametrize("value", [1e26, "lots", [], -1e16])
def test_api_number_errors_state_the_range(api_client, owner, kr, value):
    response = api_client(owner).post(
        f"/api/v1/key-results/{kr.pk}/check-ins",
        {"value": value, "confidence": 4},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == RANGE


def test_api_confirmation_is_a_real_boolean(api_client, owner, kr):
    response = api_client(owner).post(
        f"/api/v1/key-results/{kr.pk}/check-ins",
        {"value": 1e15, "confidence": 4, "confirm_out_of_range": "yes"},
        content_type="application/json",
    )
    assert response.status_code == 422 and not CheckIn.objects.exists()


def test_api_key_result_numbers_state_the_range(api_client, owner, kr):
    response = api_client(owner).post(
        "/api/v1/key-results",
        {"objective_id": kr.objective_id, "title": "Huge", "target_value": 1e26},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"field": "target_value", "message": RANGE}


def test_the_schema_names_the_confirmation(client):
    schema = client.get("/api/v1/openapi.json").json()
    check_in = schema["components"]["schemas"]["CheckInIn"]["properties"]
    assert check_in["confirm_out_of_range"]["type"] == "boolean"


# ---- far-out check-ins: pages ------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "inline"])
def test_the_form_asks_before_saving_a_far_out_value_and_keeps_the_input(
    client, owner, kr, headers
):
    client.force_login(owner)
    typed = {"value": "1000000000000000", "confidence": "4", "wins": "Kept wins"}
    response = client.post(f"/key-results/{kr.pk}/check-in/", typed, **headers)
    assert response.status_code == 422
    html = response.content.decode()
    assert "1,000,000,000,000,000 is far outside this key result&#x27;s range" in html
    assert "(start 0, target 100). Is it right?" in html
    assert 'name="confirm_out_of_range" value="1000000000000000"' in html
    assert "Yes, save 1,000,000,000,000,000" in html
    assert 'value="1000000000000000"' in html and "Kept wins" in html
    assert not CheckIn.objects.exists()
    # The confirmation names the value it confirms: a value changed since is asked about again.
    changed = {**typed, "value": "2000000000000000", "confirm_out_of_range": typed["value"]}
    assert client.post(f"/key-results/{kr.pk}/check-in/", changed, **headers).status_code == 422
    assert not CheckIn.objects.exists()
    confirmed = {**typed, "confirm_out_of_range": typed["value"]}
    response = client.post(f"/key-results/{kr.pk}/check-in/", confirmed, **headers)
    assert response.status_code == (200 if headers else 302)
    assert CheckIn.objects.get().value == 1e15
    # Drawn bounded, not as "1000000000000000% of target" across the next column.
    page = client.get(f"/objectives/{kr.objective_id}/").content.decode()
    assert "&gt; 999% of target" in page and "1000000000000000%" not in page


def test_the_form_suggests_the_reading_that_fits_and_saves_it(client, owner, kr):
    client.force_login(owner)
    typed = {"value": "72,500", "confidence": "4"}  # 72,500 in English; 72.5 meant, likely
    response = client.post(f"/key-results/{kr.pk}/check-in/", typed)
    assert response.status_code == 422
    html = response.content.decode()
    assert "72,500 is far outside" in html and "Did you mean 72.5?" in html
    assert 'name="suggested_value" value="72.5"' in html and "Save 72.5 instead" in html
    response = client.post(f"/key-results/{kr.pk}/check-in/", {**typed, "suggested_value": "72.5"})
    assert response.status_code == 302
    assert CheckIn.objects.get().value == 72.5


def test_numbers_grouped_in_the_readers_convention_are_numbers(client, owner, kr):
    client.force_login(owner)
    for language, typed in (("en", "1,000"), ("id", "1.000")):
        response = client.post(
            f"/key-results/{kr.pk}/check-in/",
            {"value": typed, "confidence": "4"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 302
    assert [c.value for c in CheckIn.objects.order_by("id")] == [1000.0, 1000.0]


def test_indonesian_form_asks_with_indonesian_numbers(client, owner, kr):
    client.force_login(owner)
    response = client.post(
        f"/key-results/{kr.pk}/check-in/",
        {"value": "5.000.000", "confidence": "4"},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "5.000.000 jauh di luar rentang hasil utama ini" in html
    assert "Ya, simpan 5.000.000" in html


@pytest.mark.parametrize("typed", ["1e26", "lots", "inf"])
def test_check_in_number_errors_state_the_range_and_keep_the_input(client, owner, kr, typed):
    client.force_login(owner)
    response = client.post(
        f"/key-results/{kr.pk}/check-in/", {"value": typed, "confidence": "4", "blockers": "B"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert RANGE in html and f'value="{typed}"' in html and ">B</textarea>" in html


def test_key_result_form_number_errors_state_the_range(client, owner, kr):
    client.force_login(owner)
    for typed in ("1e26", "inf", "many"):
        response = client.post(f"/key-results/{kr.pk}/edit/", _kr_post(target_value=typed))
        assert response.status_code == 422
        html = response.content.decode()
        target = html[html.index('id="id_target_value"') :]
        assert RANGE in target[: target.index("</div>")]
        assert f'value="{typed}"' in html
    kr.refresh_from_db()
    assert kr.target_value == 100.0


# ---- lengths -----------------------------------------------------------------------------------


def _kr_post(**fields):
    data = {
        "title": "Sign-ups from 0 to 100",
        "kind": "number",
        "direction": "increase",
        "start_value": "0",
        "target_value": "100",
        "unit": "",
        "currency": "",
        "weight": "1",
        "due_date": "",
        "owner_id": "",
        "description": "",
    }
    return data | fields


def test_forms_say_the_length_limit_before_anything_is_cut(client, owner, kr):
    client.force_login(owner)
    html = client.get(f"/objectives/{kr.objective_id}/key-results/new/").content.decode()
    assert 'maxlength="300"' in html and "max 300 characters" in html
    assert 'maxlength="20000"' in html and "max 20,000 characters" in html
    assert "max 30 characters" in html  # the unit
    checkin = client.get(f"/key-results/{kr.pk}/check-in/").content.decode()
    assert 'maxlength="10000"' in checkin and "max 10,000 characters" in checkin


def test_a_long_title_is_refused_on_the_page_and_kept(client, owner, kr):
    client.force_login(owner)
    title = "words" * 1000
    response = client.post(f"/key-results/{kr.pk}/edit/", _kr_post(title=title))
    assert response.status_code == 422
    html = response.content.decode()
    assert "at most 300 characters" in html and "it has 5000" in html
    assert f'value="{title}"' in html  # nothing lost
    kr.refresh_from_db()
    assert kr.title == "Sign-ups from 0 to 100"


def test_api_refuses_long_titles_naming_the_limit(api_client, owner, kr, cycle):
    api = api_client(owner)
    response = api.post(
        "/api/v1/objectives",
        {"title": "x" * 5000, "cycle_id": cycle.pk},
        content_type="application/json",
    )
    assert response.status_code == 422 and "300" in response.json()["detail"]
    response = api.patch(
        f"/api/v1/key-results/{kr.pk}", {"title": "x" * 301}, content_type="application/json"
    )
    assert response.status_code == 422 and "300" in response.json()["detail"]
    assert Objective.objects.count() == 1
    assert KeyResult.objects.get().title == "Sign-ups from 0 to 100"


def test_a_long_milestone_title_is_refused_not_cut(actor_of, owner, kr):
    with pytest.raises(Invalid) as refused, translation.override("en"):
        actions.create_key_result(
            actor_of(owner),
            kr.objective,
            title="Launch",
            kind="milestones",
            milestones=[{"title": "m" * 301}],
        )
    assert refused.value.message == "Milestone 1: At most 300 characters: this has 301."
    assert not Milestone.objects.exists()


def test_the_action_says_the_limit_and_the_length(actor_of, owner, kr):
    with pytest.raises(Invalid) as refused, translation.override("en"):
        actions.update_key_result(actor_of(owner), kr, unit="u" * 31)
    assert refused.value.message == "At most 30 characters: this has 31."


# ---- start == target ---------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_api_refuses_start_equal_to_target_and_explains_the_stay_kinds(
    api_client, owner, kr, direction
):
    response = api_client(owner).post(
        "/api/v1/key-results",
        {
            "objective_id": kr.objective_id,
            "title": "Uptime",
            "direction": direction,
            "start_value": 50,
            "target_value": 50,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "target_value"
    assert "Start and target are both 50" in error["message"]
    assert "“Stay at or above”" in error["message"]
    assert KeyResult.objects.count() == 1


def test_api_accepts_a_stay_kind_with_start_equal_to_target(api_client, owner, kr):
    response = api_client(owner).post(
        "/api/v1/key-results",
        {
            "objective_id": kr.objective_id,
            "title": "Uptime",
            "direction": "stay_at_or_above",
            "start_value": 99.9,
            "target_value": 99.9,
        },
        content_type="application/json",
    )
    assert response.status_code == 201


def test_an_older_key_result_at_its_target_keeps_other_edits(api_client, owner, kr):
    # Carried over at exactly its target (docs/rules.md §11.6): still editable by title.
    KeyResult.objects.filter(pk=kr.pk).update(start_value=100.0)
    response = api_client(owner).patch(
        f"/api/v1/key-results/{kr.pk}", {"title": "Renamed"}, content_type="application/json"
    )
    assert response.status_code == 200


def test_the_form_asks_which_kind_was_meant_and_makes_it_a_stay(client, owner, kr):
    client.force_login(owner)
    url = f"/objectives/{kr.objective_id}/key-results/new/"
    typed = _kr_post(title="Uptime typed by me", start_value="99,9", target_value="99,9")
    typed |= {"start_value": "99.9", "target_value": "99.9"}
    response = client.post(url, typed)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Start and target are both 99.9. Which key result did you mean?" in html
    assert 'name="make_stay" value="stay_at_or_above"' in html
    assert "Keep it at least 99.9 (stay at or above)" in html
    assert 'value="Uptime typed by me"' in html
    assert KeyResult.objects.count() == 1
    response = client.post(url, {**typed, "make_stay": "stay_at_or_above"})
    assert response.status_code == 302
    made = KeyResult.objects.get(title="Uptime typed by me")
    assert (made.direction, made.start_value, made.target_value) == ("stay_at_or_above", 99.9, 99.9)


def test_the_new_objective_page_asks_per_key_result(client, owner, cycle, product):
    client.force_login(owner)
    data = {
        "title": "Reliable",
        "description": "",
        "cycle_id": str(cycle.pk),
        "team_id": str(product.pk),
        "owner_id": "",
        "parent_id": "",
        "kind": "committed",
        "visibility": "workspace",
        "rollup_children": "on",
        "weight": "1",
        "kr_count": "1",
    }
    data |= {f"kr-0-{k}": v for k, v in _kr_post(start_value="5", target_value="5").items()}
    response = client.post("/objectives/new/", data)
    assert response.status_code == 422
    assert 'name="kr-0-make_stay" value="stay_at_or_below"' in response.content.decode()
    assert not Objective.objects.exists()
    data["kr-0-make_stay"] = "stay_at_or_below"
    assert client.post("/objectives/new/", data).status_code == 302
    assert KeyResult.objects.get().direction == "stay_at_or_below"
