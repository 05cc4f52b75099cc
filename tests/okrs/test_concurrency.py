"""Concurrent check-ins on PostgreSQL lose nothing: two KRs of one objective written at once
still leave the objective with both in its progress."""

import threading

import pytest
from django.db import connection, connections

from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn, Objective
from tests.okrs.helpers import key_result, objective

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkins_under_one_parent_lose_nothing(
    actor_of, admin, cycle, company, product
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (run with DATABASE_URL=postgresql://…)")
    boss = actor_of(admin)
    top = objective(boss, cycle, company)
    mid = objective(boss, cycle, product, parent_id=top.pk)
    krs = [key_result(boss, mid, start_value=0.0, target_value=10.0) for _ in range(6)]
    barrier = threading.Barrier(len(krs))
    errors: list[BaseException] = []

    def write(kr_id: int) -> None:
        try:
            barrier.wait()
            actions.create_checkin(actor_of(admin), kr_id, value=10.0, confidence=5)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(kr.pk,)) for kr in krs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert CheckIn.objects.count() == len(krs)
    assert Objective.objects.get(pk=mid.pk).progress == pytest.approx(1.0)
    assert Objective.objects.get(pk=top.pk).progress == pytest.approx(1.0)
