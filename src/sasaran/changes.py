"""Each workspace's change stamps: values that move after every committed change, so whatever
was computed from a workspace (a signed-in actor, a page fragment, an ETag) can be kept under
them and is never served after the change.

Two stamps per workspace: `people` moves when its members, roles, teams, settings or profiles
change (what an actor is made of); `data` moves on every change at all (OKRs, check-ins,
comments, and the people changes too). Writers call `touch()` inside their transaction: the
audit log and the event bus do it for every action and every announcement, so an action needs
no call of its own. The new stamp is written once per transaction and workspace, in the cache
every process shares (Redis, or the database cache), once the transaction commits (never for one
that rolls back): a reader that sees the new stamp then also sees the committed rows. On SQLite
with the database cache it is written inside the transaction instead, and commits or rolls back
with the change itself.

A stamp is a fresh unique value, not a counter: a stamp evicted from the cache comes back as a
value never used before, so nothing kept under an old one can be mistaken for current.
"""

import secrets
import time

from django.core.cache import cache, caches
from django.db import transaction

PEOPLE, DATA = "people", "data"

# Stamps move when the transaction commits. A test's transaction never commits (it is rolled
# back at the end), so the test suite sets this to False: the stamp moves at once instead.
AT_COMMIT = True


def _key(workspace_id: int, kind: str) -> str:
    return f"ws:{workspace_id}:{kind}"


def _fresh() -> str:
    return f"{time.time_ns():x}.{secrets.token_hex(4)}"


class _Stamp:
    """The on-commit callback; recognisable, so one transaction registers it only once. When
    the stamp was written inside the transaction already, it stays registered as a marker
    (dropped with a rolled-back savepoint, like the write itself) and does nothing at commit."""

    def __init__(self, workspace_id: int, kinds: frozenset[str]):
        self.workspace_id, self.kinds, self.written = workspace_id, kinds, False

    def __call__(self) -> None:
        if self.written:
            return
        cache.set_many({_key(self.workspace_id, k): _fresh() for k in self.kinds}, timeout=None)


def _in_same_database(connection) -> bool:
    """Stamps kept in a table of this very SQLite database: written inside the transaction,
    they commit with the change itself (SQLite has one writer at a time anyway, and a second
    write transaction after each change would queue behind the next check-in)."""
    from sasaran.dbcache import DatabaseCache

    return connection.vendor == "sqlite" and isinstance(caches["default"], DatabaseCache)


def touch(workspace_id: int, *, people: bool = False) -> None:
    """Say that `workspace_id` changed (its people too, with people=True) in the current
    transaction; outside one, now."""
    kinds = frozenset({DATA, PEOPLE} if people else {DATA})
    connection = transaction.get_connection()
    if not connection.in_atomic_block or not AT_COMMIT:
        _Stamp(workspace_id, kinds)()
        return
    # Callbacks of a rolled-back savepoint are dropped from this list, so a stamp found here
    # will run at commit (or was written in this transaction and still stands).
    for _sids, func, _robust in connection.run_on_commit:
        if isinstance(func, _Stamp) and func.workspace_id == workspace_id and kinds <= func.kinds:
            return
    stamp = _Stamp(workspace_id, kinds)
    if _in_same_database(connection):
        stamp()
        stamp.written = True
    transaction.on_commit(stamp)


def stamps(workspace_id: int) -> dict[str, str]:
    """{"people": …, "data": …} for a workspace, in one cache read. A missing stamp is
    created."""
    keys = {PEOPLE: _key(workspace_id, PEOPLE), DATA: _key(workspace_id, DATA)}
    found = cache.get_many(list(keys.values()))
    missing = [key for key in keys.values() if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _fresh(), timeout=None)  # of two racing processes, the first wins
        found.update(cache.get_many(missing))
    # Still missing (evicted at once): a value nobody has, so nothing is served from under it.
    return {kind: found.get(key) or _fresh() for kind, key in keys.items()}


# --- What a process computed from a workspace, kept while its data stamp holds ---

_KEPT: dict[tuple[int, str], tuple[str, object]] = {}
_MAX_KEPT = 5_000


def kept(workspace_id: int, stamp: str, name: str, build):
    """`build()`'s value for this workspace, computed once per process while the workspace's
    data stamp is `stamp` (read at the start of the request: request.stamps["data"]). For
    small, often-read tables (cycles, teams, names): the value is shared by the requests of the
    process, so it must be read-only (tuples, frozen dicts, objects nobody changes)."""
    key = (workspace_id, name)
    found = _KEPT.get(key)
    if found is not None and found[0] == stamp:
        return found[1]
    value = build()
    if len(_KEPT) >= _MAX_KEPT:
        _KEPT.clear()
    _KEPT[key] = (stamp, value)
    return value
