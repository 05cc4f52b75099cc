"""Closing a cycle asks first: what closing does, how many key results had no check-in this
month (30 days), and how many days early the cycle closes."""

import datetime as dt

import time_machine
from django.utils import timezone

from sasaran.okrs import actions
from sasaran.okrs.models import CycleState
from tests.okrs.helpers import key_result, objective


def _krs(actor_of, owner, cycle, product):
    # A cycle two months old, so a check-in can be a month old.
    cycle.start_date = timezone.localdate() - dt.timedelta(days=60)
    cycle.save()
    obj = objective(actor_of(owner), cycle, product, title="Delight users")
    fresh = key_result(actor_of(owner), obj, title="Fresh")
    key_result(actor_of(owner), obj, title="Never checked in")
    old = key_result(actor_of(owner), obj, title="Quiet for weeks")
    actions.create_checkin(actor_of(owner), fresh.pk, value=30.0, confidence=4)
    actions.create_checkin(
        actor_of(owner),
        old.pk,
        value=25.0,
        confidence=4,
        checked_in_at=timezone.now() - dt.timedelta(days=31),
    )
    return obj


def test_a_first_submit_asks_and_closes_nothing(client, actor_of, admin, owner, cycle, product):
    _krs(actor_of, owner, cycle, product)
    client.force_login(admin)
    page = client.get(f"/cycles/{cycle.pk}/close/").content.decode()
    assert 'id="confirm-close"' not in page
    asked = client.post(f"/cycles/{cycle.pk}/close/", {})
    html = asked.content.decode()
    assert asked.status_code == 200 and 'id="confirm-close"' in html
    assert "freezes its OKRs" in html and "opens grading" in html
    assert "2 key results have had no check-in in the last 30 days" in html
    days = (cycle.end_date - timezone.localdate()).days
    assert f"It closes {days} days before its end date" in html
    assert 'name="confirm" value="1"' in html
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE


def test_the_confirmed_submit_closes(client, actor_of, admin, owner, cycle, product):
    _krs(actor_of, owner, cycle, product)
    client.force_login(admin)
    done = client.post(f"/cycles/{cycle.pk}/close/", {"confirm": "1"})
    assert done.status_code == 302 and done["Location"] == f"/cycles/{cycle.pk}/celebrate/"
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED


def test_a_confirmed_submit_with_a_missing_reason_still_closes_nothing(
    client, actor_of, admin, owner, cycle, product
):
    obj = _krs(actor_of, owner, cycle, product)
    kr = obj.key_results.get(title="Fresh")
    client.force_login(admin)
    refused = client.post(f"/cycles/{cycle.pk}/close/", {"confirm": "1", f"score-{kr.pk}": "1.0"})
    assert refused.status_code == 422
    assert 'id="confirm-close"' not in refused.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE


def test_closing_on_the_end_date_says_nothing_about_closing_early(
    client, actor_of, admin, owner, cycle, product
):
    _krs(actor_of, owner, cycle, product)
    end = dt.datetime.combine(cycle.end_date, dt.time(15), tzinfo=dt.UTC)
    with time_machine.travel(end, tick=False):
        client.force_login(admin)
        html = client.post(f"/cycles/{cycle.pk}/close/", {}).content.decode()
    assert 'id="confirm-close"' in html
    assert "before its end date" not in html
