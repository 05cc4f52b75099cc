"""SQLite's "database is locked" never reaches a user as an error page (issue 8): a write that
waited past the timeout for its turn answers 503 with Retry-After and a plain message, in the
API's error format or as a page, and nothing of it is saved."""

import pytest
from django.db import OperationalError, transaction

from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def kr(actor_of, owner, cycle, product):
    me = actor_of(owner)
    return key_result(me, objective(me, cycle, product), start_value=0, target_value=100)


@pytest.fixture
def locked(monkeypatch):
    """The check-in is written, then its commit meets a locked database: all of it rolls back."""
    real = actions.create_checkin

    def create_checkin(*args, **kwargs):
        with transaction.atomic():
            real(*args, **kwargs)
            assert CheckIn.objects.exists()
            raise OperationalError("database is locked")

    monkeypatch.setattr(actions, "create_checkin", create_checkin)


def test_the_api_answers_503_with_retry_after(api_client, owner, kr, locked):
    response = api_client(owner).post(
        f"/api/v1/key-results/{kr.pk}/check-ins",
        {"value": 30, "confidence": 4},
        content_type="application/json",
    )
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert response.json()["detail"].startswith("Sasaran is busy saving other changes")
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_a_page_answers_503_in_the_readers_language(client, owner, kr, locked):
    owner.language = "id"
    owner.save()
    client.force_login(owner)
    response = client.post(f"/key-results/{kr.pk}/check-in/", {"value": "30", "confidence": "4"})
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert "Sasaran sedang sibuk" in response.content.decode()
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_other_database_errors_stay_errors(api_client, owner, kr, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: okrs_checkin")

    monkeypatch.setattr(actions, "create_checkin", broken)
    with pytest.raises(OperationalError):
        api_client(owner).post(
            f"/api/v1/key-results/{kr.pk}/check-ins",
            {"value": 30, "confidence": 4},
            content_type="application/json",
        )
