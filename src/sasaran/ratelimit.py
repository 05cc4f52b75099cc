"""Budgets for failed sign-ins, bad API tokens and password-reset requests, counted per client
address and per account in the cache every process shares (Redis, or the database)."""

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

MINUTE, HOUR = 60, 3600


def client_address(request: HttpRequest) -> str:
    """The address of whoever sent the request. Behind reverse proxies (TRUSTED_PROXY_HEADER,
    e.g. X-Forwarded-For, with TRUSTED_PROXY_COUNT proxies in front) it is the entry the
    outermost trusted proxy appended: the TRUSTED_PROXY_COUNT-th from the right. Entries further
    left were written by the client and prove nothing. A missing or malformed header (a request
    that did not come through the proxies) falls back to the connection's own address."""
    remote = request.META.get("REMOTE_ADDR") or "?"
    header = settings.TRUSTED_PROXY_HEADER
    if not header:
        return remote
    meta_key = "HTTP_" + header.upper().replace("-", "_")
    hops = [hop.strip() for hop in request.META.get(meta_key, "").split(",") if hop.strip()]
    count = settings.TRUSTED_PROXY_COUNT
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


@dataclass(frozen=True)
class Budget:
    """`limit` events of one kind per `who` in each window of `window` seconds."""

    kind: str
    who: str
    limit: int
    window: int

    def key(self, now: float) -> str:
        # Hashed: emails and addresses are not kept in the cache as they are, and every key is
        # short and safe for any backend. The window's number is part of the key, so a counter
        # never outlives its window and needs no reset.
        digest = hashlib.sha256(self.who.encode()).hexdigest()[:32]
        return f"rl:{self.kind}:{int(now // self.window)}:{digest}"


def exhausted(*budgets: Budget) -> int | None:
    """Seconds until the first spent budget refills (for Retry-After), or None when every one
    still has room. One cache read for all of them."""
    now = time.time()
    keys = {b.key(now): b for b in budgets}
    counts = cache.get_many(list(keys))
    spent = [b for key, b in keys.items() if (counts.get(key) or 0) >= b.limit]
    if not spent:
        return None
    return max(1, min(b.window - int(now % b.window) for b in spent))


def spend(*budgets: Budget) -> None:
    """Count one event against each budget (atomically, whatever the number of processes)."""
    now = time.time()
    for budget in budgets:
        key = budget.key(now)
        # Two windows' lifetime: the counter of the current window never expires while in use.
        cache.add(key, 0, timeout=2 * budget.window)
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=2 * budget.window)


def _email(value: str) -> str:
    return (value or "").strip().lower()


def sign_in_budgets(request: HttpRequest, email: str) -> tuple[Budget, ...]:
    """Failed sign-ins: per client address and per email (whether or not it has an account,
    so the limit says nothing about which addresses exist)."""
    return (
        Budget("sign-in", client_address(request), settings.RATE_LIMIT_PER_MINUTE, MINUTE),
        Budget(
            "sign-in-account", _email(email), settings.RATE_LIMIT_PER_ACCOUNT_PER_MINUTE, MINUTE
        ),
    )


def token_budgets(request: HttpRequest, raw: str) -> tuple[Budget, ...]:
    """Bad API tokens: per client address, and per token prefix (the part shown in the token
    list, which names one person's token): guessing the rest of someone's token is limited
    however many addresses it comes from."""
    budgets = [Budget("token", client_address(request), settings.RATE_LIMIT_PER_MINUTE, MINUTE)]
    if raw.startswith("sas_") and len(raw) > 10:
        budgets.append(
            Budget("token-prefix", raw[:10], settings.RATE_LIMIT_PER_ACCOUNT_PER_MINUTE, MINUTE)
        )
    return tuple(budgets)


def password_reset_budgets(request: HttpRequest, email: str) -> tuple[Budget, ...]:
    """Password-reset requests (every one, since each may send an email): per client address
    with the per-minute budget, and per email address per hour."""
    return (
        Budget("reset", client_address(request), settings.RATE_LIMIT_PER_MINUTE, MINUTE),
        Budget("reset-account", _email(email), settings.PASSWORD_RESET_PER_HOUR, HOUR),
    )
