"""Django's SQLite backend, waiting for the write lock in fine steps (issue 8).

Writes start with BEGIN IMMEDIATE (settings.py): a writer that finds another one in progress
waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms
between tries — so a check-in that only had to wait 2 ms for the other web worker's commit
often waited 25 or 50. Under four concurrent writers that made p99 swing between 30 and 330 ms.
Here the wait for that one statement is ours: tries every 0.2–2 ms (jittered, so two waiters do
not retry in step) until the configured timeout, then the same "database is locked" error.
Every other statement keeps SQLite's own busy timeout.
"""

import random
import sqlite3
import time

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self):
        if self.transaction_mode != "IMMEDIATE":
            return super()._start_transaction_under_autocommit()
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        deadline = time.monotonic() + timeout
        cursor = self.connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            with self.wrap_database_errors:
                while True:
                    try:
                        cursor.execute("BEGIN IMMEDIATE")
                        return
                    except sqlite3.OperationalError as exc:
                        busy = "locked" in str(exc) or "busy" in str(exc)
                        if not busy or time.monotonic() >= deadline:
                            raise
                    time.sleep(random.uniform(0.0002, 0.002))  # noqa: S311 (jitter)
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            cursor.close()
