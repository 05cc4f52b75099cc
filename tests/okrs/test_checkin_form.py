"""Checking in and overriding a status from the pages: plain POST + redirect, htmx fragments,
inline errors that keep what was typed, and the action's refusals as 403/404/409."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn, CycleState, KeyResult, Visibility
from tests.okrs.helpers import key_result, objective

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def okr(actor_of, admin, owner, cycle, company, product):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    obj = objective(
        actor_of(owner), cycle, product, title="Make onboarding effortless", parent_id=top.pk
    )
    kr = key_result(actor_of(owner), obj, title="Activation from 20 to 50")
    return top, obj, kr


def test_the_check_in_page_offers_the_form(client, okr, owner):
    kr = okr[2]
    client.force_login(owner)
    html = client.get(f"/key-results/{kr.pk}/check-in/").content.decode()
    assert 'name="value"' in html and 'name="confidence"' in html
    assert 'name="progress_note"' in html and 'name="wins"' in html and 'name="blockers"' in html
    assert "hx-post" not in html  # the page posts normally and redirects back


def test_it_checks_in_and_redirects_to_the_objective(client, okr, owner):
    _, obj, kr = okr
    client.force_login(owner)
    response = client.post(
        f"/key-results/{kr.pk}/check-in/",
        {
            "value": "35",
            "confidence": "4",
            "wins": "Wizard shipped",
            "progress_note": "",
            "blockers": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/objectives/{obj.pk}/#kr-{kr.pk}"
    checkin = CheckIn.objects.get(key_result=kr)
    assert (checkin.value, checkin.confidence, checkin.wins) == (35.0, 4, "Wizard shipped")


def test_htmx_check_in_returns_the_row_and_out_of_band_summary_feed_and_history(client, okr, owner):
    top, obj, kr = okr
    client.force_login(owner)
    response = client.post(
        f"/key-results/{kr.pk}/check-in/", {"value": "50", "confidence": "5"}, **HTMX
    )
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert html.startswith(f'<article id="kr-{kr.pk}"')
    assert "Check-in saved." in html
    assert '<header id="objective-summary" class="card objective-head" hx-swap-oob="true">' in html
    assert re.search(r'<section id="checkin-feed"[^>]* hx-swap-oob="true"', html)
    assert 'id="history"' in html and "<html" not in html
    assert "Done" in html  # the KR reached its target
    assert "100% done" in html  # the objective's progress, in the summary


def test_inline_errors_sit_next_to_the_field_and_keep_the_input(client, okr, owner):
    kr = okr[2]
    client.force_login(owner)
    for headers, status in (({}, 422), (HTMX, 422)):
        response = client.post(
            f"/key-results/{kr.pk}/check-in/",
            {"value": "lots", "confidence": "3", "wins": "Kept wins"},
            **headers,
        )
        assert response.status_code == status
        html = response.content.decode()
        assert f'id="kr{kr.pk}-value-error"' in html
        assert "Enter a number between −1,000,000,000,000,000 and 1,000,000,000,000,000." in html
        assert 'value="lots"' in html and "Kept wins" in html
        assert f'id="kr{kr.pk}-conf-3" name="confidence" value="3" checked' in html
    assert not CheckIn.objects.exists()


def test_missing_confidence_is_shown_next_to_the_confidence_choices(client, okr, owner):
    kr = okr[2]
    client.force_login(owner)
    response = client.post(f"/key-results/{kr.pk}/check-in/", {"value": "30"})
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="kr{kr.pk}-conf-error"' in html and "Confidence is a whole number" in html


def test_it_accepts_numbers_in_the_users_locale(client, okr, owner):
    kr = okr[2]
    owner.language = "id"
    owner.save()
    client.force_login(owner)
    response = client.post(f"/key-results/{kr.pk}/check-in/", {"value": "35,5", "confidence": "4"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert CheckIn.objects.get().value == 35.5


def test_milestones_and_boolean_key_results_take_their_own_inputs(client, actor_of, owner, okr):
    obj = okr[1]
    launch = key_result(
        actor_of(owner),
        obj,
        title="Launch",
        kind="milestones",
        milestones=[{"title": "Beta"}, {"title": "GA"}],
    )
    flag = key_result(actor_of(owner), obj, title="SOC 2", kind="boolean")
    beta = launch.milestones.get(title="Beta")
    client.force_login(owner)
    client.post(
        f"/key-results/{launch.pk}/check-in/", {"milestones_done": [beta.pk], "confidence": "4"}
    )
    client.post(f"/key-results/{flag.pk}/check-in/", {"value": "1", "confidence": "5"})
    launch.refresh_from_db()
    flag.refresh_from_db()
    assert launch.progress == 0.5 and flag.progress == 1.0
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert f'name="milestones_done" value="{beta.pk}" checked' in html
    assert 'role="switch"' in html


def test_a_viewer_posting_anyway_gets_403(client, okr, viewer):
    kr = okr[2]
    client.force_login(viewer)
    assert client.get(f"/key-results/{kr.pk}/check-in/").status_code == 403
    assert (
        client.post(
            f"/key-results/{kr.pk}/check-in/", {"value": "30", "confidence": "3"}
        ).status_code
        == 403
    )
    response = client.post(
        f"/key-results/{kr.pk}/status/",
        {"status_override": "on_track", "status_override_reason": "trust me"},
    )
    assert response.status_code == 403
    assert not CheckIn.objects.exists()
    assert KeyResult.objects.get(pk=kr.pk).status_override == ""


def test_a_closed_cycle_refuses_with_409_and_says_why(client, okr, owner, cycle):
    kr = okr[2]
    cycle.state = CycleState.CLOSED
    cycle.save()
    client.force_login(owner)
    response = client.post(f"/key-results/{kr.pk}/check-in/", {"value": "30", "confidence": "3"})
    assert response.status_code == 409
    assert "is closed" in response.content.decode()
    htmx = client.post(
        f"/key-results/{kr.pk}/check-in/", {"value": "30", "confidence": "3"}, **HTMX
    )
    assert htmx.status_code == 409
    assert 'role="alert"' in htmx.content.decode() and "is closed" in htmx.content.decode()
    # And the page offers no check-in in a closed cycle.
    assert "/check-in/" not in client.get(f"/objectives/{okr[1].pk}/").content.decode()


def test_private_key_result_is_404_for_another_team(
    client, actor_of, owner, seller, cycle, product
):
    secret = objective(
        actor_of(owner), cycle, product, title="Secret", visibility=Visibility.PRIVATE
    )
    kr = key_result(actor_of(owner), secret)
    client.force_login(seller)
    assert client.get(f"/key-results/{kr.pk}/check-in/").status_code == 404
    assert (
        client.post(
            f"/key-results/{kr.pk}/check-in/", {"value": "30", "confidence": "3"}
        ).status_code
        == 404
    )
    assert client.post(f"/key-results/{kr.pk}/status/", {"status_override": ""}).status_code == 404


def test_owner_overrides_a_status_with_a_reason_and_clears_it(client, okr, owner):
    _, obj, kr = okr
    client.force_login(owner)
    missing = client.post(f"/key-results/{kr.pk}/status/", {"status_override": "at_risk"}, **HTMX)
    assert missing.status_code == 422
    assert f'id="kr{kr.pk}-reason-error"' in missing.content.decode()
    assert '<option value="at_risk" selected>' in missing.content.decode()
    ok = client.post(
        f"/key-results/{kr.pk}/status/",
        {"status_override": "at_risk", "status_override_reason": "Vendor slipped"},
        **HTMX,
    )
    assert ok.status_code == 200 and "Vendor slipped" in ok.content.decode()
    kr.refresh_from_db()
    assert (kr.status, kr.status_override_reason) == ("at_risk", "Vendor slipped")
    cleared = client.post(f"/key-results/{kr.pk}/status/", {"status_override": ""})
    assert cleared.status_code == 302
    kr.refresh_from_db()
    assert kr.status_override == "" and kr.status == "off_track"  # automatic again: no progress


def test_htmx_check_in_runs_a_constant_number_of_queries(client, actor_of, owner, cycle, product):
    actor = actor_of(owner)
    counts = []
    for n in (1, 5):
        obj = objective(actor, cycle, product, title=f"With {n}")
        krs = [key_result(actor, obj, title=f"KR {i}") for i in range(n)]
        for kr in krs:
            actions.create_checkin(actor, kr.pk, value=25.0, confidence=4)
        client.force_login(owner)
        client.get("/")  # the process now keeps this reader's actor
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(
                f"/key-results/{krs[0].pk}/check-in/", {"value": "30", "confidence": "4"}, **HTMX
            )
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
