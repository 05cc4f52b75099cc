"""Answers kept per reader while nothing they depend on has changed, and conditional requests.

A page or an API list is a function of: the workspace's data and people (its change stamps,
sasaran.changes), who reads (their visibility: keyed by the reader themself, the safest
"visibility key"), what they asked for (path and query, htmx headers), how they read (language,
time zone, their CSRF cookie, which forms on a page carry) and the time (expected progress,
"3 days ago", what is due today). All of that makes the key; the time enters as the current
minute, so an answer is at most a minute behind the clock and never behind a change.

Each process keeps answers in its own memory (a bounded LRU; no round trip, nothing to
invalidate: a change moves the stamp, and old keys are simply never asked for again). The key
also makes a weak ETag: a reload with If-None-Match gets 304 Not Modified before any work.

Not kept: anything but a plain 200 GET, an answer that sets a cookie or shows a flash message,
and a request with flash messages waiting. RESPONSE_CACHE=off turns the keeping off (bench/run.py
does, to time the work itself); ETags stay.
"""

import hashlib
import time
from collections import OrderedDict
from threading import Lock

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation

from sasaran import changes

MINUTE = 60
MAX_BYTES = 64 * 1024 * 1024  # per process
MAX_ONE = 2 * 1024 * 1024  # a larger answer is not kept

_store: OrderedDict[str, tuple[bytes, str, str | None]] = OrderedDict()
_size = 0
_lock = Lock()  # gunicorn's gthread workers share a process


def _key(request: HttpRequest, now: float) -> str:
    actor, stamps = request.actor, request.stamps
    parts = (
        actor.workspace_id,
        stamps[changes.PEOPLE],
        stamps[changes.DATA],
        actor.user_id,
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        int(now // MINUTE),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _messages_waiting(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return "messages" in request.COOKIES or (session is not None and "_messages" in session)


def _keep(key: str, body: bytes, content_type: str, vary: str | None) -> None:
    global _size
    with _lock:
        if key in _store:
            return
        _store[key] = (body, content_type, vary)
        _size += len(body)
        while _size > MAX_BYTES and _store:
            _old, (old_body, _type, _vary) = _store.popitem(last=False)
            _size -= len(old_body)


def _found(key: str) -> tuple[bytes, str, str | None] | None:
    with _lock:
        hit = _store.get(key)
        if hit is not None:
            _store.move_to_end(key)
        return hit


def clear() -> None:
    global _size
    with _lock:
        _store.clear()
        _size = 0


def answer(request: HttpRequest, build) -> HttpResponse:
    """`build()`'s response, or the one kept under the same key, or 304 when the client holds
    it already. Call with request.actor and request.stamps set, inside the reader's time zone.
    A `build()` that returns something else than an HttpResponse (a value ninja will render)
    gets it passed through, unkept."""
    if request.method != "GET" or _messages_waiting(request):
        return build()
    key = _key(request, time.time())
    etag = f'W/"{key[:40]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    hit = _found(key) if settings.RESPONSE_CACHE else None
    if hit is not None:
        response = HttpResponse(hit[0], content_type=hit[1])
        if hit[2]:
            response["Vary"] = hit[2]  # the view's own (the explorer's HX-Request)
    else:
        response = build()
        if not isinstance(response, HttpResponse):
            return response  # a value for ninja to validate and render: not kept
        if response.status_code != 200 or response.streaming or response.cookies:
            return response
        used = getattr(getattr(request, "_messages", None), "used", False)
        csrf_cookie = settings.CSRF_COOKIE_NAME
        session = getattr(request, "session", None)
        if (
            used
            or response.has_header("Content-Disposition")
            # A new CSRF secret or session goes out in a cookie after this: the page carries
            # a token of a secret the client does not hold yet. (Django re-sends an unchanged
            # CSRF cookie on every page with a form, to renew it: that one is no news.)
            or request.META.get("CSRF_COOKIE", "") != request.COOKIES.get(csrf_cookie, "")
            or (session is not None and session.modified)
        ):
            return response
        if settings.RESPONSE_CACHE and len(response.content) <= MAX_ONE:
            _keep(key, response.content, response["Content-Type"], response.get("Vary"))
    response["ETag"] = etag
    # The browser may keep it but asks again each time (cheap: 304 while nothing changed).
    response["Cache-Control"] = "private, no-cache"
    return response
