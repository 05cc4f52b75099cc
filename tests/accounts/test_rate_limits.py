"""Rate limits: the client's address behind trusted proxies, budgets per address and per
account, the password-reset form, and counting in a cache every process shares (the database
or Redis), atomically."""

import os
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.core.cache import cache, caches
from django.db import connection, connections
from django.test import Client, RequestFactory

from sasaran import ratelimit
from sasaran.accounts.actions import create_token
from sasaran.accounts.queries import actor_for
from tests.conftest import IN_CI

REDIS = "redis://127.0.0.1:6379/0"


def _address(settings, remote, header=None, **trusted):
    for name, value in trusted.items():
        setattr(settings, name, value)
    meta = {"REMOTE_ADDR": remote}
    if header is not None:
        meta["HTTP_X_FORWARDED_FOR"] = header
    return ratelimit.client_address(RequestFactory().get("/", **meta))


def test_forwarded_headers_are_ignored_unless_a_proxy_is_trusted(settings):
    assert settings.TRUSTED_PROXY_HEADER == ""
    assert _address(settings, "10.0.0.1", "203.0.113.7") == "10.0.0.1"


@pytest.mark.parametrize(
    ("header", "count", "expected"),
    [
        ("203.0.113.7", 1, "203.0.113.7"),
        ("198.51.100.1, 203.0.113.7", 1, "203.0.113.7"),  # the leftmost was sent by the client
        ("198.51.100.1, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),  # two proxies in front
        ("2001:db8::1", 1, "2001:db8::1"),
        ("", 1, "10.0.0.1"),  # did not come through the proxy
        ("203.0.113.7", 2, "10.0.0.1"),  # fewer hops than proxies: not through all of them
        ("not-an-address", 1, "10.0.0.1"),
    ],
)
def test_behind_trusted_proxies_the_client_is_the_entry_they_wrote(
    settings, header, count, expected
):
    got = _address(
        settings,
        "10.0.0.1",
        header,
        TRUSTED_PROXY_HEADER="X-Forwarded-For",
        TRUSTED_PROXY_COUNT=count,
    )
    assert got == expected


def _sign_in(client, email, password="wrong", **extra):
    return client.post("/login/", {"username": email, "password": password}, **extra)


def test_behind_the_proxy_each_client_spends_its_own_budget(client, owner, settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.RATE_LIMIT_PER_MINUTE = 2
    settings.RATE_LIMIT_PER_ACCOUNT_PER_MINUTE = 100
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request arrives from the proxy
    for _ in range(2):
        failed = _sign_in(client, "a@example.com", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
        assert failed.status_code == 200
    blocked = _sign_in(client, "a@example.com", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert blocked.status_code == 429 and 1 <= int(blocked["Retry-After"]) <= 60
    # Another client behind the same proxy is not refused for the first one's guesses.
    other = _sign_in(
        client,
        "owner@example.com",
        "correct horse battery",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
        **proxy,
    )
    assert other.status_code == 302


def test_failed_sign_ins_are_limited_per_email_from_any_address(client, owner, settings):
    settings.RATE_LIMIT_PER_ACCOUNT_PER_MINUTE = 3
    for i in range(3):
        assert _sign_in(client, "Owner@Example.com ", REMOTE_ADDR=f"10.1.0.{i}").status_code == 200
    assert _sign_in(client, "owner@example.com", REMOTE_ADDR="10.1.0.9").status_code == 429
    # Even the right password: guessing one account from many addresses must stop.
    right = _sign_in(client, "owner@example.com", "correct horse battery", REMOTE_ADDR="10.1.1.1")
    assert right.status_code == 429
    # Another account is not affected; nor is an address that never guessed.
    assert _sign_in(client, "teammate@example.com", REMOTE_ADDR="10.1.0.9").status_code == 200


def test_bad_tokens_are_limited_per_token_prefix_from_any_address(owner, settings):
    settings.RATE_LIMIT_PER_ACCOUNT_PER_MINUTE = 2
    _, raw = create_token(actor_for(owner))
    guesses = [raw[:10] + "x" * 20, raw[:10] + "y" * 20, raw[:10] + "z" * 20]
    statuses = [
        Client(headers={"Authorization": f"Bearer {g}"}, REMOTE_ADDR=f"10.2.0.{i}")
        .get("/api/v1/me")
        .status_code
        for i, g in enumerate(guesses)
    ]
    assert statuses == [401, 401, 429]
    other = Client(headers={"Authorization": "Bearer sas_otherprefixxxxxxxxxx"})
    assert other.get("/api/v1/me").status_code == 401


def test_password_reset_requests_are_limited_per_email_and_per_address(client, owner, settings):
    settings.PASSWORD_RESET_PER_HOUR = 2
    settings.RATE_LIMIT_PER_MINUTE = 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def ask(email, addr):
        return client.post("/password-reset/", {"email": email}, REMOTE_ADDR=addr)

    assert ask("owner@example.com", "10.3.0.1").status_code == 302
    assert ask("OWNER@example.com", "10.3.0.2").status_code == 302
    refused = ask("owner@example.com", "10.3.0.3")
    assert (
        refused.status_code == 429
        and "Too many password-reset requests" in refused.content.decode()
    )
    assert int(refused["Retry-After"]) <= 3600
    # Per address: three requests a minute, whatever the emails (unknown ones too).
    for i in range(3):
        assert ask(f"nobody{i}@example.com", "10.3.9.9").status_code == 302
    assert ask("nobody9@example.com", "10.3.9.9").status_code == 429


def _settings_caches(env: dict) -> str:
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sasaran.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip() or result.stderr


def test_the_cache_is_shared_by_all_processes_never_per_process(tmp_path):
    env = {"SASARAN_DATA_DIR": str(tmp_path), "REDIS_URL": ""}
    assert _settings_caches(env) == "sasaran.dbcache.DatabaseCache"
    assert _settings_caches({**env, "REDIS_URL": REDIS}) == (
        "django.core.cache.backends.redis.RedisCache"
    )
    assert "REDIS_URL must start with redis://" in _settings_caches(
        {**env, "REDIS_URL": "localhost:6379"}
    )
    assert "TRUSTED_PROXY_HEADER must be a header name" in _settings_caches(
        {**env, "TRUSTED_PROXY_HEADER": "X-Forwarded-For: 1.2.3.4"}
    )


@pytest.fixture
def redis_cache(settings):
    """The real Redis on 127.0.0.1:6379, under a key prefix of this test's own (the server is
    shared: nothing here flushes it)."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if IN_CI:
            pytest.fail("CI=true and Redis is not reachable at 127.0.0.1:6379")
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"sasaran-test-{uuid.uuid4().hex}",
        }
    }
    yield caches["default"]


def test_sign_in_budgets_count_in_redis_and_every_process_sees_them(
    client, owner, settings, redis_cache
):
    settings.RATE_LIMIT_PER_MINUTE = 2
    for _ in range(2):
        assert _sign_in(client, "owner@example.com", REMOTE_ADDR="10.4.0.1").status_code == 200
    # A second process has its own connection to Redis and sees the same count.
    fresh = type(redis_cache)(REDIS, {"KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"]})
    budget = ratelimit.sign_in_budgets(
        RequestFactory().post("/login/", REMOTE_ADDR="10.4.0.1"), "owner@example.com"
    )[0]
    assert fresh.get(budget.key(time.time())) == 2
    assert _sign_in(client, "owner@example.com", REMOTE_ADDR="10.4.0.1").status_code == 429


def _spend_concurrently(budget, threads=8, each=25) -> None:
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait()
            for _ in range(each):
                ratelimit.spend(budget)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []


def _count(budget) -> int:
    return cache.get(budget.key(time.time()))


def test_concurrent_failures_are_all_counted_in_redis(redis_cache):
    budget = ratelimit.Budget("test", "10.5.0.1", 10**6, 3600)
    _spend_concurrently(budget)
    assert _count(budget) == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_are_all_counted_in_the_database_cache():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (run with DATABASE_URL=postgresql://…)")
    budget = ratelimit.Budget("test", "10.5.0.2", 10**6, 3600)
    try:
        _spend_concurrently(budget)
        assert _count(budget) == 200
    finally:
        cache.clear()  # the database cache of the test database: nothing else uses it
