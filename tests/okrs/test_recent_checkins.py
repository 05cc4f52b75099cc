"""The latest check-ins: read newest first in chunks, the result is exactly the visible ones in
order, whether found in the first chunk, after several, or by the fallback sort."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaran.okrs import actions, queries
from sasaran.okrs.models import CheckIn, Visibility
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def feed(actor_of, admin, owner, seller, cycle, product, sales):
    """Eight check-ins on a workspace KR, four on a private Product KR, interleaved in time."""
    open_kr = key_result(actor_of(owner), objective(actor_of(owner), cycle, product))
    private = objective(actor_of(owner), cycle, product, visibility=Visibility.PRIVATE)
    secret_kr = key_result(actor_of(owner), private, title="Secret")
    start = timezone.now() - dt.timedelta(days=20)
    for i in range(12):
        kr = secret_kr if i % 3 == 0 else open_kr
        actions.create_checkin(
            actor_of(owner),
            kr.pk,
            value=21.0 + i,
            confidence=3,
            checked_in_at=start + dt.timedelta(days=i),
        )
    return open_kr, secret_kr


@pytest.mark.parametrize("chunk, rounds", [(100, 5), (2, 10), (2, 2), (1, 1)])
def test_newest_visible_check_ins_in_order_however_they_are_found(
    feed, actor_of, owner, seller, monkeypatch, chunk, rounds
):
    monkeypatch.setattr(queries, "RECENT_CHUNK", chunk)
    monkeypatch.setattr(queries, "RECENT_ROUNDS", rounds)
    open_kr, secret_kr = feed
    newest = list(CheckIn.objects.order_by("-checked_in_at", "-id"))
    # The owner (in Product) sees all twelve; the seller (in Sales) only the open KR's eight.
    assert [c.pk for c in queries.recent_checkins(actor_of(owner), 5)] == [c.pk for c in newest[:5]]
    seen_by_seller = [c.pk for c in newest if c.key_result_id == open_kr.pk]
    assert [c.pk for c in queries.recent_checkins(actor_of(seller), 5)] == seen_by_seller[:5]
    assert [c.pk for c in queries.recent_checkins(actor_of(seller), 50)] == seen_by_seller


def test_other_cycles_are_left_out_when_cycles_are_given(feed, actor_of, owner, cycle):
    assert len(queries.recent_checkins(actor_of(owner), 50, cycle_ids=[cycle.pk])) == 12
    assert list(queries.recent_checkins(actor_of(owner), 50, cycle_ids=[])) == []
