"""Django's database cache with an increment that is atomic across processes (rate limits)."""

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
