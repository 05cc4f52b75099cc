"""Django's database cache with an increment that is atomic across processes (rate limits) and
a set_many in one statement (the workspaces' change stamps, written on every change)."""

import base64
import pickle
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    """Django's `incr` reads the value and writes it back: two processes counting at once would
    both write n + 1. Here the read and the write run in one transaction holding the row's lock
    (SELECT … FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction holds the database's
    write lock already), so concurrent failures are all counted."""

    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                quote = connection.ops.quote_name
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {quote('cache_key')} FROM {quote(self._table)} "
                        f"WHERE {quote('cache_key')} = %s FOR UPDATE",
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Every key in one INSERT … ON CONFLICT DO UPDATE (SQLite and PostgreSQL), where
        Django's runs a count, a select and a write per key. Values are stored as Django's
        own set() stores them, so get() reads them back. Leaves culling to set()."""
        if not data:
            return []
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        rows, params = [], []
        for key, value in data.items():
            pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            rows.append("(%s, %s, %s)")
            params += [self.make_and_validate_key(key, version=version), pickled, expires]
        key_column = quote("cache_key")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(self._table)} ({key_column}, {quote('value')}, "
                f"{quote('expires')}) VALUES {', '.join(rows)} ON CONFLICT ({key_column}) "
                f"DO UPDATE SET {quote('value')} = excluded.{quote('value')}, "
                f"{quote('expires')} = excluded.{quote('expires')}",
                params,
            )
        return []
