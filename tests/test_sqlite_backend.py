"""The SQLite backend waits for the write lock in fine steps (sasaran/sqlite, issue 8): a writer
queued behind another starts as soon as the other commits, not at SQLite's next coarse retry,
and past the timeout it still says "database is locked"."""

import sqlite3
import threading
import time

import pytest
from django.db import OperationalError

from sasaran.sqlite.base import DatabaseWrapper

# Its own database file beside the test database (pytest-django guards every connection).
pytestmark = pytest.mark.django_db


def _wrapper(path, timeout: float) -> DatabaseWrapper:
    wrapper = DatabaseWrapper(
        {
            "NAME": str(path),
            "ENGINE": "sasaran.sqlite",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
            "ATOMIC_REQUESTS": False,
            "AUTOCOMMIT": True,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        }
    )
    wrapper.ensure_connection()
    return wrapper


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "locks.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")
    return path


def _hold_the_lock(path, seconds: float, started: threading.Event):
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1)")
    started.set()
    time.sleep(seconds)
    other.execute("COMMIT")
    other.close()


def _queued_write(database, wrapper, hold: float) -> float:
    """Seconds a write through the backend waited behind another holding the lock `hold` s."""
    started = threading.Event()
    holder = threading.Thread(target=_hold_the_lock, args=(database, hold, started))
    holder.start()
    started.wait()
    begun = time.monotonic()
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (2)")
    wrapper.commit()
    wrapper.set_autocommit(True)
    waited = time.monotonic() - begun
    holder.join()
    return waited


def test_a_queued_writer_starts_right_after_the_other_commits(database):
    wrapper = _wrapper(database, timeout=5)
    # The holder keeps the lock 80 ms; SQLite's own ladder retries at 53, 78, 103 ms, so it
    # always waits 103 ms or more. The best of five tries: a busy machine only adds delay.
    waited = min(_queued_write(database, wrapper, 0.08) for _ in range(5))
    assert waited < 0.08 + 0.02, waited
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone()[0] == 10  # both writes of each try landed
    wrapper.close()


def test_past_the_timeout_it_still_says_the_database_is_locked(database):
    wrapper = _wrapper(database, timeout=0.05)
    started = threading.Event()
    holder = threading.Thread(target=_hold_the_lock, args=(database, 0.3, started))
    holder.start()
    started.wait()
    with pytest.raises(OperationalError, match="locked"):
        wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    holder.join()
    # The busy timeout of every other statement is back.
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 50
    wrapper.close()
